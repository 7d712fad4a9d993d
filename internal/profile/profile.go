// Package profile derives what an office shows people from its profile:
// the letterhead (kop surat), the title of the head of office, the place
// before a letter's date, the emergency numbers on the public pages and the
// channels for complaints about the service. Nothing of one office is
// written here: an office that edits its name, address or numbers sees every
// one of these follow. The national numbers (SAPA 129, its WhatsApp, the
// police) are data, in national.json, with where each comes from.
//
// The package needs no database; pb_hooks builds a Profile from the office
// record and serves what it derives.
package profile

import (
	_ "embed"
	"encoding/json"
	"net"
	"net/url"
	"strings"
)

//go:embed national.json
var nationalJSON []byte

// Contact is one emergency number as the public pages show it.
type Contact struct {
	Label  string `json:"label"`
	Number string `json:"number"`
	Href   string `json:"href"`
	// Kind is where the number comes from: national (the country's, from
	// national.json), office (the profile's WhatsApp and telephone) or
	// extra (one the office added).
	Kind string `json:"kind"`
	// Source says who runs a national number.
	Source string `json:"source,omitempty"`
}

// Contact kinds.
const (
	KindNational = "national"
	KindOffice   = "office"
	KindExtra    = "extra"
)

var national = func() []Contact {
	var cs []Contact
	if err := json.Unmarshal(nationalJSON, &cs); err != nil {
		panic("profile: national.json: " + err.Error())
	}
	for i := range cs {
		cs[i].Kind = KindNational
	}
	return cs
}()

// National is the country's emergency numbers, the same for every office.
func National() []Contact {
	return append([]Contact(nil), national...)
}

// Profile is what the derivations read of an office profile. The Own…
// fields are what the office wrote itself; empty means "derive it".
type Profile struct {
	Name        string // "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak"
	Government  string // "Pemerintah Kota Singkawang"
	Address     string
	Phone       string
	Website     string
	WhatsApp    string
	Email       string
	RegencyName string // "Kota Singkawang", "Kabupaten Sambas"
	// SAPAName is the local SAPA service, where there is one ("SAPA Singkawang").
	SAPAName string
	// SuggestionBox: the office has a suggestion box (kotak saran).
	SuggestionBox bool

	OwnLetterhead  []string
	OwnHeadTitle   string
	OwnLetterPlace string
	// ExtraContacts are numbers the office adds to the emergency list.
	ExtraContacts []Contact
}

// MaxLetterheadLines is how many lines a letterhead may have.
const MaxLetterheadLines = 6

// DefaultLetterhead is the kop surat built from the profile: government and
// office in capitals, the address with the telephone, the website and
// e-mail.
func (p Profile) DefaultLetterhead() []string {
	var lines []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			lines = append(lines, s)
		}
	}
	add(strings.ToUpper(p.Government))
	add(strings.ToUpper(p.Name))
	add(join(", ", p.Address, prefixed("Telepon ", p.Phone)))
	add(join(", ", p.Website, prefixed("Pos-el ", p.Email)))
	return lines
}

// Letterhead is the office's own kop surat when it wrote one, else the
// default.
func (p Profile) Letterhead() []string {
	var own []string
	for _, l := range p.OwnLetterhead {
		if l = strings.TrimSpace(l); l != "" {
			own = append(own, l)
		}
	}
	if len(own) > 0 {
		return own
	}
	return p.DefaultLetterhead()
}

// CustomLetterhead tells whether the office wrote its own kop surat.
func (p Profile) CustomLetterhead() bool {
	for _, l := range p.OwnLetterhead {
		if strings.TrimSpace(l) != "" {
			return true
		}
	}
	return false
}

// DefaultHeadTitle is "Kepala" with the office and the regency:
// "Kepala Dinas Sosial … Kota Singkawang". A name that already names the
// regency does not get it twice.
func (p Profile) DefaultHeadTitle() string {
	name := strings.TrimSpace(p.Name)
	if name == "" {
		return ""
	}
	regency := strings.TrimSpace(p.RegencyName)
	if regency != "" && !strings.Contains(strings.ToLower(name), strings.ToLower(regency)) {
		name += " " + regency
	}
	if strings.HasPrefix(strings.ToLower(name), "kepala ") {
		return name
	}
	return "Kepala " + name
}

// HeadTitle is the title the head of office signs with.
func (p Profile) HeadTitle() string {
	if t := strings.TrimSpace(p.OwnHeadTitle); t != "" {
		return t
	}
	return p.DefaultHeadTitle()
}

// DefaultLetterPlace is the town before a letter's date: the regency's name
// without "Kota" or "Kabupaten" ("Singkawang", "Sambas").
func (p Profile) DefaultLetterPlace() string {
	name := strings.TrimSpace(p.RegencyName)
	for _, prefix := range []string{"Kota ", "Kabupaten ", "Kab. "} {
		if len(name) > len(prefix) && strings.EqualFold(name[:len(prefix)], prefix) {
			return strings.TrimSpace(name[len(prefix):])
		}
	}
	return name
}

// LetterPlace is the town written before a letter's date.
func (p Profile) LetterPlace() string {
	if s := strings.TrimSpace(p.OwnLetterPlace); s != "" {
		return s
	}
	return p.DefaultLetterPlace()
}

// officeWord is how the public pages name the office briefly: "Dinas" for
// a dinas, "UPTD" for a UPTD, otherwise "kantor".
func (p Profile) officeWord() string {
	name := strings.ToLower(strings.TrimSpace(p.Name))
	switch {
	case strings.HasPrefix(name, "dinas"):
		return "Dinas"
	case strings.HasPrefix(name, "uptd"):
		return "UPTD"
	}
	return "kantor"
}

// EmergencyContacts are the numbers at the top of the public pages: the
// national ones, the office's WhatsApp and telephone, then the numbers the
// office added (one already listed is not repeated).
func (p Profile) EmergencyContacts() []Contact {
	out := National()
	word := p.officeWord()
	if n := strings.TrimSpace(p.WhatsApp); n != "" {
		out = append(out, Contact{Label: "WhatsApp " + word, Number: n, Href: WhatsAppHref(n), Kind: KindOffice})
	}
	if n := strings.TrimSpace(p.Phone); n != "" {
		out = append(out, Contact{Label: "Telepon " + word, Number: n, Href: TelHref(n), Kind: KindOffice})
	}
	seen := map[string]bool{}
	for _, c := range out {
		seen[Digits(c.Number)] = true
	}
	for _, c := range p.ExtraContacts {
		label, number := strings.TrimSpace(c.Label), strings.TrimSpace(c.Number)
		d := Digits(number)
		if label == "" || d == "" || seen[d] {
			continue
		}
		seen[d] = true
		href := TelHref(number)
		if strings.Contains(strings.ToLower(label), "whatsapp") {
			href = WhatsAppHref(number)
		}
		out = append(out, Contact{Label: label, Number: number, Href: href, Kind: KindExtra})
	}
	return out
}

// ComplaintChannels are the ways to complain about the service itself, as
// the service standard lists them: in person at the office's address, the
// suggestion box where there is one, online at the application's address,
// the local SAPA service, the office's WhatsApp. appURL is the address the
// public reaches Teduh at (Settings → Application URL); one the public
// cannot open (localhost, an office-network address) is not printed.
func (p Profile) ComplaintChannels(appURL string) []string {
	word := p.officeWord()
	var out []string
	walkIn := "Datang langsung ke kantor " + word
	if a := strings.TrimSpace(p.Address); a != "" {
		walkIn += " di " + a
	}
	out = append(out, walkIn)
	if p.SuggestionBox {
		out = append(out, "Kotak saran di kantor "+word)
	}
	if host := PublicHost(appURL); host != "" {
		out = append(out, "Secara online melalui formulir di "+host)
	} else {
		out = append(out, "Secara online melalui formulir di halaman ini")
	}
	if s := strings.TrimSpace(p.SAPAName); s != "" {
		out = append(out, s)
	}
	if n := strings.TrimSpace(p.WhatsApp); n != "" {
		out = append(out, "WhatsApp "+n)
	}
	return out
}

// PublicHost is the address of appURL as the public types it
// ("teduh.sambaskab.go.id", "pengaduan.kota.go.id/teduh"), or "" when the
// public cannot open it: empty, localhost, an address of a private
// network, a name without a domain.
func PublicHost(appURL string) string {
	u, err := url.Parse(strings.TrimSpace(appURL))
	if err != nil || u.Hostname() == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsLinkLocalUnicast() {
			return ""
		}
	} else if host == "localhost" || strings.HasSuffix(host, ".localhost") || !strings.Contains(host, ".") ||
		strings.HasSuffix(host, ".local") || strings.HasSuffix(host, ".lan") {
		return ""
	}
	return strings.TrimSuffix(u.Host+u.Path, "/")
}

// Digits keeps the digits of a telephone number.
func Digits(n string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, n)
}

// WhatsAppHref is the wa.me link of an Indonesian number: 0895… becomes
// 62895…, +62 and 62 stay.
func WhatsAppHref(n string) string {
	d := Digits(n)
	if strings.HasPrefix(d, "0") {
		d = "62" + d[1:]
	}
	return "https://wa.me/" + d
}

// TelHref is the tel: link of a number.
func TelHref(n string) string {
	d := Digits(n)
	if strings.HasPrefix(strings.TrimSpace(n), "+") {
		d = "+" + d
	}
	return "tel:" + d
}

func prefixed(prefix, s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return ""
	}
	return prefix + s
}

func join(sep string, parts ...string) string {
	var keep []string
	for _, s := range parts {
		if s = strings.TrimSpace(s); s != "" {
			keep = append(keep, s)
		}
	}
	return strings.Join(keep, sep)
}
