package profile

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// singkawang is the seeded profile of the first office.
func singkawang() Profile {
	return Profile{
		Name:          "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak",
		Government:    "Pemerintah Kota Singkawang",
		Address:       "Jalan Firdaus H Rais No 63 Singkawang 79123",
		Phone:         "0562639472",
		Website:       "www.dinsos.singkawangkota.go.id",
		WhatsApp:      "089520338668",
		RegencyName:   "Kota Singkawang",
		SAPAName:      "SAPA Singkawang",
		SuggestionBox: true,
	}
}

// sambas is another office, as it would fill in its profile.
func sambas() Profile {
	return Profile{
		Name:        "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak",
		Government:  "Pemerintah Kabupaten Sambas",
		Address:     "Jalan Pembangunan No 1 Sambas 79462",
		Phone:       "(0562) 391234",
		Website:     "dinsosp3a.sambaskab.go.id",
		WhatsApp:    "0812-5555-1234",
		Email:       "dinsosp3a@sambaskab.go.id",
		RegencyName: "Kabupaten Sambas",
	}
}

// The derivations give back what the first office's published SOP and its
// seeded profile said, word for word.
func TestSingkawangAsSeeded(t *testing.T) {
	p := singkawang()
	wantHead := []string{
		"PEMERINTAH KOTA SINGKAWANG",
		"DINAS SOSIAL, PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK",
		"Jalan Firdaus H Rais No 63 Singkawang 79123, Telepon 0562639472",
		"www.dinsos.singkawangkota.go.id",
	}
	if got := p.Letterhead(); !reflect.DeepEqual(got, wantHead) {
		t.Errorf("letterhead %q", got)
	}
	if got := p.HeadTitle(); got != "Kepala Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak Kota Singkawang" {
		t.Errorf("head title %q", got)
	}
	if got := p.LetterPlace(); got != "Singkawang" {
		t.Errorf("letter place %q", got)
	}
	var got []string
	for _, c := range p.EmergencyContacts() {
		got = append(got, c.Label+"|"+c.Number+"|"+c.Href+"|"+c.Kind)
	}
	want := []string{
		"SAPA 129|129|tel:129|national",
		"WhatsApp SAPA 129|08111-129-129|https://wa.me/628111129129|national",
		"Polisi|110|tel:110|national",
		"WhatsApp Dinas|089520338668|https://wa.me/6289520338668|office",
		"Telepon Dinas|0562639472|tel:0562639472|office",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("emergency contacts\n got %q\nwant %q", got, want)
	}
	channels := p.ComplaintChannels("https://teduh.singkawangkota.go.id/")
	wantCh := []string{
		"Datang langsung ke kantor Dinas di Jalan Firdaus H Rais No 63 Singkawang 79123",
		"Kotak saran di kantor Dinas",
		"Secara online melalui formulir di teduh.singkawangkota.go.id",
		"SAPA Singkawang",
		"WhatsApp 089520338668",
	}
	if !reflect.DeepEqual(channels, wantCh) {
		t.Errorf("complaint channels\n got %q\nwant %q", channels, wantCh)
	}
}

// Another office keeps nothing of Singkawang.
func TestAnotherOfficeKeepsNothingOfSingkawang(t *testing.T) {
	p := sambas()
	data, err := json.Marshal(map[string]any{
		"letterhead": p.Letterhead(), "title": p.HeadTitle(), "place": p.LetterPlace(),
		"contacts": p.EmergencyContacts(), "channels": p.ComplaintChannels("https://teduh.sambaskab.go.id"),
	})
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, s := range []string{"Singkawang", "singkawang", "089520338668", "6289520338668", "0562639472", "Kotak saran", "SAPA Singkawang"} {
		if strings.Contains(text, s) {
			t.Errorf("Sambas's profile derives %q: %s", s, text)
		}
	}
	for _, s := range []string{"PEMERINTAH KABUPATEN SAMBAS", "Jalan Pembangunan No 1 Sambas 79462, Telepon (0562) 391234",
		"dinsosp3a.sambaskab.go.id, Pos-el dinsosp3a@sambaskab.go.id", "Kepala Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Sambas",
		`"place":"Sambas"`, "https://wa.me/6281255551234", "tel:0562391234", "WhatsApp 0812-5555-1234", "formulir di teduh.sambaskab.go.id"} {
		if !strings.Contains(text, s) {
			t.Errorf("Sambas's profile lacks %q: %s", s, text)
		}
	}
	// the national numbers stay, with their source
	contacts := p.EmergencyContacts()
	if len(contacts) < 3 || contacts[0].Number != "129" || contacts[2].Number != "110" || !strings.Contains(contacts[0].Source, "Kementerian") {
		t.Errorf("national numbers %+v", contacts)
	}
}

// What the office writes itself wins; blank lines and blank fields do not.
func TestOwnValuesWin(t *testing.T) {
	p := sambas()
	p.OwnLetterhead = []string{"  ", ""}
	if p.CustomLetterhead() || !reflect.DeepEqual(p.Letterhead(), p.DefaultLetterhead()) {
		t.Errorf("blank own letterhead replaced the default: %q", p.Letterhead())
	}
	p.OwnLetterhead = []string{"PEMERINTAH KABUPATEN SAMBAS", " ", "DINAS SOSIAL P3A", "Jalan Lain"}
	if !p.CustomLetterhead() || !reflect.DeepEqual(p.Letterhead(), []string{"PEMERINTAH KABUPATEN SAMBAS", "DINAS SOSIAL P3A", "Jalan Lain"}) {
		t.Errorf("own letterhead %q", p.Letterhead())
	}
	p.OwnHeadTitle = "Plt. Kepala Dinas"
	p.OwnLetterPlace = "Sambas, Kalimantan Barat"
	if p.HeadTitle() != "Plt. Kepala Dinas" || p.LetterPlace() != "Sambas, Kalimantan Barat" {
		t.Errorf("own title %q place %q", p.HeadTitle(), p.LetterPlace())
	}
	// a name that already names the regency
	q := Profile{Name: "UPTD PPA Kabupaten Sambas", RegencyName: "Kabupaten Sambas"}
	if got := q.HeadTitle(); got != "Kepala UPTD PPA Kabupaten Sambas" {
		t.Errorf("title %q", got)
	}
	if got := q.EmergencyContacts(); len(got) != 3 {
		t.Errorf("a profile without numbers has only the national ones: %+v", got)
	}
	if got := (Profile{}).HeadTitle(); got != "" {
		t.Errorf("empty profile title %q", got)
	}
}

// Numbers the office adds come after the derived ones, once each.
func TestExtraContacts(t *testing.T) {
	p := sambas()
	p.ExtraContacts = []Contact{
		{Label: "UPTD PPA Sambas", Number: "0562-391000"},
		{Label: "WhatsApp UPTD", Number: "0813 4444 5555"},
		{Label: "Dinas lagi", Number: "0812 5555 1234"}, // the office WhatsApp again
		{Label: "SAPA", Number: "129"},                  // national again
		{Label: "", Number: "0562 1"},
		{Label: "Tanpa nomor", Number: "-"},
	}
	var got []string
	for _, c := range p.EmergencyContacts() {
		if c.Kind == KindExtra {
			got = append(got, c.Label+"|"+c.Href)
		}
	}
	want := []string{"UPTD PPA Sambas|tel:0562391000", "WhatsApp UPTD|https://wa.me/6281344445555"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("extra contacts %q, want %q", got, want)
	}
}

// Only an address the public can open is printed as the online channel.
func TestPublicHost(t *testing.T) {
	for in, want := range map[string]string{
		"":                                   "",
		"http://localhost:8090":              "",
		"http://127.0.0.1:8090":              "",
		"http://192.168.1.10:8090":           "",
		"http://10.0.0.5":                    "",
		"http://teduh":                       "",
		"http://teduh.local":                 "",
		"ftp://teduh.kota.go.id":             "",
		"https://teduh.kota.go.id":           "teduh.kota.go.id",
		"https://teduh.kota.go.id/":          "teduh.kota.go.id",
		"https://pengaduan.kota.go.id/teduh": "pengaduan.kota.go.id/teduh",
		"http://103.12.4.9:8090":             "103.12.4.9:8090",
	} {
		if got := PublicHost(in); got != want {
			t.Errorf("PublicHost(%q) = %q, want %q", in, got, want)
		}
	}
	if got := singkawang().ComplaintChannels("http://localhost:8090"); got[2] != "Secara online melalui formulir di halaman ini" {
		t.Errorf("online channel for localhost: %q", got[2])
	}
	for in, want := range map[string]string{"089520338668": "https://wa.me/6289520338668", "+62 812-1": "https://wa.me/628121", "62812": "https://wa.me/62812"} {
		if got := WhatsAppHref(in); got != want {
			t.Errorf("WhatsAppHref(%q) = %q", in, got)
		}
	}
	if got := TelHref("+62 562 639472"); got != "tel:+62562639472" {
		t.Errorf("TelHref %q", got)
	}
}
