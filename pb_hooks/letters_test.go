package pb_hooks_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The letters an office signs, as the office meets them: sending needs a
// head of office and a checked addressee; the letter sent is the letter
// kept, byte for byte; where mail works it goes out as an attachment.

// storedLetterBytes reads a referral's stored letter from the app's storage.
func storedLetterBytes(t *testing.T, h *harness, id string) []byte {
	t.Helper()
	ref, err := h.App.FindRecordById("referrals", id)
	if err != nil {
		t.Fatal(err)
	}
	name := ref.GetString("letter_file")
	if name == "" {
		t.Fatalf("referral %s has no stored letter", id)
	}
	fsys, err := h.App.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	r, err := fsys.GetReader(ref.BaseFilesPath() + "/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// emblemPNG is a small drawn emblem.
func emblemPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 120, 140))
	for y := 10; y < 130; y++ {
		for x := 15; x < 105; x++ {
			img.Set(x, y, color.NRGBA{R: 180, G: 30, B: 20, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func officeRecord(t *testing.T, h *harness) *core.Record {
	t.Helper()
	office, err := h.App.FindFirstRecordByFilter("office", "name != ''")
	if err != nil {
		t.Fatal(err)
	}
	return office
}

// A sent letter never changes: the bytes served on every download are
// those stored when it was sent, after the office profile, the head of
// office and the institution have all changed.
func TestSentLetterIsStoredAndServedByteForByte(t *testing.T) {
	w := newReferralWorld(t)
	h := w.h
	officerA := h.reload(w.officerA)
	officerA.Set("nip", "19920315 201903 2 007") // written as people write it
	if err := h.App.Save(officerA); err != nil {
		t.Fatal(err)
	}
	office := officeRecord(t, h)
	office.Set("letter_copies_to", []string{"Yth. Wali Kota Singkawang (sebagai laporan)", "Arsip"})
	if err := h.App.Save(office); err != nil {
		t.Fatal(err)
	}
	id := w.draft(t, w.tokA, w.caseX.Id, instHospital)
	res := w.send(t, id, w.tokA)
	if res.JSON["letter_file"] == "" || res.JSON["letter_delivery"] != "no_email" {
		t.Fatalf("sent referral %s: want a stored letter to be printed (the institution has no e-mail)", res)
	}
	stored := storedLetterBytes(t, h, id)
	first := h.Do("GET", "/api/referrals/"+id+"/letter.pdf", nil, w.tokA)
	if !bytes.Equal(first.Body, stored) {
		t.Fatal("the download is not the stored letter")
	}
	text := referralPDFText(t, first)
	number := h.reload(w.caseX).GetString("number")
	referralExpect(t, text, []string{
		number, "001/RUJ/SKW/XI/2026", refHeadName, "NIP. " + refHeadNIP,
		"Petugas Ayu (NIP 199203152019032007), telepon/WhatsApp 0812-1111-2222",
		"Tembusan: 1. Yth. Wali Kota Singkawang (sebagai laporan) 2. Arsip", "Jalan Alianyang No.",
	}, []string{"(....", "NIP. ....", "DRAF"})

	// everything the letter printed changes
	office = officeRecord(t, h)
	office.Set("head_name", "Dra. Lina Marlina")
	office.Set("head_nip", "197501012000032001")
	office.Set("head_title", "Plt. Kepala Dinas")
	office.Set("letter_copies_to", []string{"Arsip"})
	office.Set("letterhead_lines", []string{"PEMERINTAH KOTA LAIN", "DINAS LAIN"})
	if err := h.App.Save(office); err != nil {
		t.Fatal(err)
	}
	inst, _ := h.App.FindRecordById("referral_institutions", w.institution(t, instHospital))
	inst.Set("name", "RSUD Baru")
	inst.Set("address", "Jalan Pindah No. 9")
	if err := h.App.Save(inst); err != nil {
		t.Fatal(err)
	}
	officerA.Set("phone", "0813-9999-0000")
	if err := h.App.Save(officerA); err != nil {
		t.Fatal(err)
	}
	h.SetNow(referralNow.Add(40 * 24 * time.Hour))
	for _, tok := range []string{w.tokA, w.tokSup, w.tokSU} {
		again := h.Do("GET", "/api/referrals/"+id+"/letter.pdf", nil, tok)
		if again.Status != 200 || !bytes.Equal(again.Body, first.Body) {
			t.Fatalf("the letter changed after the profile did (%d, %d bytes, was %d)", again.Status, len(again.Body), len(first.Body))
		}
	}
	// the institution's answer does not touch it either
	w.mustPatch(t, id, map[string]any{"status": "accepted", "response_note": "Korban diperiksa."}, w.tokA)
	if again := h.Do("GET", "/api/referrals/"+id+"/letter.pdf", nil, w.tokA); !bytes.Equal(again.Body, first.Body) {
		t.Fatal("the letter changed after the institution's answer")
	}

	// a draft is rendered now, with today's profile and its mark
	draft := w.draft(t, w.tokA, w.caseX.Id, instPolice)
	referralExpect(t, referralPDFText(t, h.Do("GET", "/api/referrals/"+draft+"/letter.pdf", nil, w.tokA)),
		[]string{"DRAF - belum dikirim", "Dra. Lina Marlina", "PEMERINTAH KOTA LAIN", "Tembusan: Arsip"}, nil)
	if ref := w.referral(t, draft); ref.GetString("letter_file") != "" {
		t.Error("a draft's preview was stored")
	}
	// a revoked letter is rendered with its mark, and says it is void
	w.send(t, draft, w.tokA)
	w.mustPatch(t, draft, map[string]any{"status": "revoked", "closing_note": "Salah lembaga."}, w.tokA)
	referralExpect(t, referralPDFText(t, h.Do("GET", "/api/referrals/"+draft+"/letter.pdf", nil, w.tokA)),
		[]string{"DIBATALKAN pada", "Surat ini tidak berlaku", "001/RUJ/SKW/I/2027"}, nil)
}

// Only the server writes the letter: not an officer, not the system
// administrator in the admin panel, not on creation; a send from the admin
// panel stores its letter like any other.
func TestLetterFileIsTheServersOnly(t *testing.T) {
	w := newReferralWorld(t)
	h := w.h
	fake := map[string][2]string{"letter_file": {"surat.pdf", "%PDF-1.4 palsu"}}
	// on creation
	res := h.Do("POST", "/api/collections/referrals/records", multipartForm(t, map[string]any{
		"complaint": w.caseX.Id, "institution": w.institution(t, instHospital), "services": "Visum.",
	}, fake), w.tokSU)
	if res.Status != 400 || res.FieldCode("letter_file") != "system_field" {
		t.Fatalf("created with a letter: %d %s", res.Status, res)
	}
	id := w.draft(t, w.tokA, w.caseX.Id, instHospital)
	for _, tok := range []string{w.tokA, w.tokSU} {
		res := h.Do("PATCH", "/api/collections/referrals/records/"+id, multipartForm(t, nil, fake), tok)
		if res.Status != 400 || res.FieldCode("letter_file") != "system_field" {
			t.Errorf("a draft given a letter: %d %s", res.Status, res)
		}
		for field, value := range map[string]any{"letter_delivery": "emailed", "letter_emailed_to": "x@y.go.id", "letter_email_error": "x"} {
			if res := w.patch(id, map[string]any{field: value}, tok); res.Status != 400 || res.FieldCode(field) != "system_field" {
				t.Errorf("%s set: %d %s", field, res.Status, res)
			}
		}
	}
	// the administrator sends it from the admin panel: the letter is stored
	res = w.patch(id, map[string]any{"consent": true, "consent_by": "victim", "status": "sent"}, w.tokSU)
	if res.Status != 200 {
		t.Fatalf("admin panel send: %d %s", res.Status, res)
	}
	stored := storedLetterBytes(t, h, id)
	// and can neither replace nor remove it
	for _, body := range []any{multipartForm(t, nil, fake), map[string]any{"letter_file": ""}, map[string]any{"letter_file-": w.referral(t, id).GetString("letter_file")}} {
		if res := h.Do("PATCH", "/api/collections/referrals/records/"+id, body, w.tokSU); res.Status != 400 || res.FieldCode("letter_file") != "system_field" {
			t.Errorf("the stored letter was touched: %d %s", res.Status, res)
		}
	}
	if !bytes.Equal(storedLetterBytes(t, h, id), stored) {
		t.Fatal("the stored letter changed")
	}
	// the file itself is protected: no file token, no letter; the case's
	// officer with one gets the same bytes
	path := "/api/files/referrals/" + id + "/" + w.referral(t, id).GetString("letter_file")
	if res := h.Do("GET", path, nil, ""); res.Status == 200 {
		t.Errorf("the protected letter was served without a file token: %d", res.Status)
	}
	tok := h.Do("POST", "/api/files/token", nil, w.tokA)
	if res := h.Do("GET", path+"?token="+tok.JSON["token"].(string), nil, ""); res.Status != 200 || !bytes.Equal(res.Body, stored) {
		t.Errorf("the officer's file download: %d", res.Status)
	}
}

// A letter is not sent while the head of office cannot sign it or the
// institution is unchecked: a 400 that names each thing to fill in, and
// nothing is half-saved.
func TestSendingWaitsForHeadOfOfficeAndAConfirmedInstitution(t *testing.T) {
	w := newSeededReferralWorld(t)
	h := w.h
	id := w.draft(t, w.tokA, w.caseX.Id, instHospital)
	send := map[string]any{"consent": true, "consent_by": "victim", "status": "sent"}
	res := w.patch(id, send, w.tokA)
	if res.Status != 400 {
		t.Fatalf("sent with a blank head of office: %d %s", res.Status, res)
	}
	for field, code := range map[string]string{
		"office.head_name": "office_incomplete", "office.head_nip": "office_incomplete",
		"institution.address": "institution_incomplete", "institution.phone": "institution_incomplete",
		"institution.confirmed": "institution_unconfirmed",
	} {
		if got := res.FieldCode(field); got != code {
			t.Errorf("%s: %q, want %q (%s)", field, got, code, res)
		}
	}
	if !strings.Contains(res.String(), "profil kantor") || !strings.Contains(res.String(), "belum dikonfirmasi") {
		t.Errorf("the refusal does not say where to fill in: %s", res)
	}
	if ref := w.referral(t, id); ref.GetString("status") != "draft" || ref.GetString("letter_number") != "" || ref.GetString("letter_file") != "" || ref.GetBool("consent") {
		t.Fatalf("half-saved: %v", ref.PublicExport())
	}

	// the head of office is filled in; the institution is completed but not confirmed
	office := officeRecord(t, h)
	office.Set("head_name", refHeadName)
	office.Set("head_nip", refHeadNIP)
	if err := h.App.Save(office); err != nil {
		t.Fatal(err)
	}
	inst, _ := h.App.FindRecordById("referral_institutions", w.institution(t, instHospital))
	inst.Set("address", "Jalan dr. Soetomo No. 28, Singkawang")
	inst.Set("phone", "(0562) 631798")
	if err := h.App.Save(inst); err != nil {
		t.Fatal(err)
	}
	res = w.patch(id, send, w.tokA)
	if res.Status != 400 || res.FieldCode("institution.confirmed") != "institution_unconfirmed" || res.FieldCode("office.head_name") != "" || res.FieldCode("institution.address") != "" {
		t.Fatalf("after completing: %d %s", res.Status, res)
	}
	// the recommendations show the officer what is still missing
	var missing []any
	for _, it := range h.Do("GET", "/api/complaints/"+w.caseX.Id+"/referral-recommendations", nil, w.tokA).JSON["items"].([]any) {
		for _, i := range it.(map[string]any)["institutions"].([]any) {
			if m := i.(map[string]any); m["name"] == instHospital {
				missing = m["missing"].([]any)
			}
		}
	}
	if len(missing) != 1 || missing[0] != "confirmed" {
		t.Errorf("recommendations say %v is missing, want [confirmed]", missing)
	}
	inst.Set("confirmed", true)
	if err := h.App.Save(inst); err != nil {
		t.Fatal(err)
	}
	if res := w.patch(id, send, w.tokA); res.Status != 200 || res.JSON["letter_number"] == "" {
		t.Fatalf("ready to send: %d %s", res.Status, res)
	}
}

// What the directory, the profile and the staff records accept, in every
// write path (here the admin panel's REST calls).
func TestLetterDataValidation(t *testing.T) {
	w := newSeededReferralWorld(t)
	h := w.h
	instID := w.institution(t, instHospital)
	patchInst := func(body map[string]any) *response {
		return h.Do("PATCH", "/api/collections/referral_institutions/records/"+instID, body, w.tokSU)
	}
	for _, tc := range []struct {
		body        map[string]any
		field, code string
	}{
		{map[string]any{"email": "igd rsud@singkawang"}, "email", "invalid_email"},
		{map[string]any{"email": "Igd <igd@rsud.go.id>"}, "email", "invalid_email"},
		{map[string]any{"phone": "telp"}, "phone", "invalid_phone"},
		{map[string]any{"confirmed": true}, "address", "required"},
		{map[string]any{"confirmed": true, "address": "Jalan dr. Soetomo No. 28"}, "phone", "required"},
	} {
		if res := patchInst(tc.body); res.Status != 400 || res.FieldCode(tc.field) != tc.code {
			t.Errorf("%v: %d %s, want %s=%s", tc.body, res.Status, res, tc.field, tc.code)
		}
	}
	res := patchInst(map[string]any{"email": " igd@rsud.singkawangkota.go.id ", "address": "Jalan dr. Soetomo No. 28", "phone": "(0562) 631798", "confirmed": true})
	if res.Status != 200 || res.JSON["email"] != "igd@rsud.singkawangkota.go.id" || res.JSON["confirmed"] != true {
		t.Fatalf("a complete institution: %d %s", res.Status, res)
	}
	// the message a person reads is Bahasa Indonesia
	if res := patchInst(map[string]any{"email": "salah"}); !strings.Contains(res.String(), "Alamat e-mail belum benar") {
		t.Errorf("email message: %s", res)
	}

	office := officeRecord(t, h)
	patchOffice := func(body any) *response {
		return h.Do("PATCH", "/api/collections/office/records/"+office.Id, body, w.tokSU)
	}
	for _, tc := range []struct {
		body        any
		field, code string
	}{
		{map[string]any{"head_nip": "1970-01-01"}, "head_nip", "invalid_nip"},
		{map[string]any{"head_nip": "19700101199003100"}, "head_nip", "invalid_nip"},
		{map[string]any{"letter_copies_to": []string{"Arsip", " "}}, "letter_copies_to", "invalid_copies"},
		{map[string]any{"letter_copies_to": "Arsip"}, "letter_copies_to", "invalid_copies"},
		{multipartForm(t, nil, map[string][2]string{"emblem": {"lambang.png", "\x89PNG\r\n\x1a\nbukan gambar"}}), "emblem", "invalid_emblem"},
	} {
		if res := patchOffice(tc.body); res.Status != 400 || res.FieldCode(tc.field) != tc.code {
			t.Errorf("office %v: %d %s, want %s=%s", tc.body, res.Status, res, tc.field, tc.code)
		}
	}
	res = patchOffice(map[string]any{"head_nip": "19700101 199003 1 001", "letter_copies_to": []string{" Yth. Wali Kota Singkawang ", "Arsip"}})
	if res.Status != 200 || res.JSON["head_nip"] != "197001011990031001" {
		t.Fatalf("office: %d %s", res.Status, res)
	}
	if got := officeRecord(t, h).GetString("letter_copies_to"); got != `["Yth. Wali Kota Singkawang","Arsip"]` {
		t.Errorf("copies stored as %s", got)
	}
	res = patchOffice(multipartForm(t, nil, map[string][2]string{"emblem": {"lambang-singkawang.png", string(emblemPNG(t))}}))
	if res.Status != 200 || res.JSON["emblem"] == "" {
		t.Fatalf("emblem upload: %d %s", res.Status, res)
	}
	// the emblem is in the letterhead of every document
	readyForLetters(t, h)
	report := h.Do("GET", "/api/complaints/"+w.caseX.Id+"/report.pdf", nil, w.tokA)
	if report.Status != 200 || !bytes.Contains(report.Body, []byte("/Subtype /Image")) {
		t.Errorf("the report has no emblem (%d)", report.Status)
	}

	// a staff member's NIP: optional, 18 digits
	if res := h.Do("PATCH", "/api/collections/staff/records/"+w.officerA.Id, map[string]any{"nip": "12345"}, w.tokA); res.Status != 400 || res.FieldCode("nip") != "invalid_nip" {
		t.Errorf("short NIP: %d %s", res.Status, res)
	}
	if res := h.Do("PATCH", "/api/collections/staff/records/"+w.officerA.Id, map[string]any{"nip": "19920315 201903 2 007"}, w.tokA); res.Status != 200 || res.JSON["nip"] != "199203152019032007" {
		t.Errorf("own NIP: %d %s", res.Status, res)
	}
}

// mailAttachments returns a received message's attachments by file name.
func mailAttachments(t *testing.T, raw []byte) map[string][]byte {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	var walk func(h map[string][]string, body io.Reader)
	walk = func(h map[string][]string, body io.Reader) {
		get := func(k string) string {
			if v := h[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		media, params, _ := mime.ParseMediaType(get("Content-Type"))
		if strings.HasPrefix(media, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				part, err := mr.NextPart()
				if errors.Is(err, io.EOF) {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(part.Header, part)
			}
		}
		disp, dparams, _ := mime.ParseMediaType(get("Content-Disposition"))
		if disp != "attachment" {
			return
		}
		if strings.EqualFold(get("Content-Transfer-Encoding"), "base64") {
			body = base64.NewDecoder(base64.StdEncoding, body)
		}
		data, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		out[dparams["filename"]] = data
	}
	walk(msg.Header, msg.Body)
	return out
}

// Where the institution has an e-mail address and mail is set up, sending
// the referral mails the stored letter: the attachment is the letter kept,
// the outcome is on the referral and in the audit trail; a refused mail is
// recorded and can be sent again.
func TestSentLetterIsMailedToTheInstitution(t *testing.T) {
	w := newReferralWorld(t)
	h := w.h
	h.Teduh.Reminders().Wait() // the world's emergency alerts are mailed before the server starts
	in, _, port := startSMTP(t)
	useSMTP(h, port)
	office := officeRecord(t, h)
	office.Set("email", "dinsos@singkawangkota.go.id")
	if err := h.App.Save(office); err != nil {
		t.Fatal(err)
	}
	inst, _ := h.App.FindRecordById("referral_institutions", w.institution(t, instHospital))
	inst.Set("email", "igd@rsud.singkawangkota.go.id")
	if err := h.App.Save(inst); err != nil {
		t.Fatal(err)
	}

	id := w.draft(t, w.tokA, w.caseX.Id, instHospital)
	res := w.send(t, id, w.tokA)
	if res.JSON["letter_delivery"] != "emailed" || res.JSON["letter_emailed_to"] != "igd@rsud.singkawangkota.go.id" || res.JSON["letter_emailed_at"] == "" {
		t.Fatalf("the answer does not say the letter was mailed: %s", res)
	}
	stored := storedLetterBytes(t, h, id)
	msgs := letterMails(in)
	if len(msgs) != 1 || len(msgs[0].To) != 1 {
		t.Fatalf("%d letters mailed to the institution, want 1", len(msgs))
	}
	number := w.referral(t, id).GetString("letter_number")
	attachments := mailAttachments(t, msgs[0].Data)
	file := "surat-rujukan-" + strings.ReplaceAll(number, "/", "-") + ".pdf"
	if got, ok := attachments[file]; !ok || !bytes.Equal(got, stored) {
		t.Fatalf("attachments %v: want %s equal to the stored letter (%d bytes)", keysOf(attachments), file, len(stored))
	}
	p := parseMail(t, msgs[0].Data)
	if p.Subject != "Surat rujukan "+number+" - Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak" {
		t.Errorf("subject %q", p.Subject)
	}
	for _, want := range []string{"Yth. Pimpinan " + instHospital, "nomor " + number, "RAHASIA", "Petugas Ayu"} {
		if !strings.Contains(p.Text, want) || !strings.Contains(p.HTML, want) {
			t.Errorf("the covering mail lacks %q:\n%s", want, p.Text)
		}
	}
	// the victim is in the attachment only
	for _, secret := range []string{"Ani Lestari", "6172015205900003", "Jalan Merdeka"} {
		if strings.Contains(p.Text, secret) || strings.Contains(p.HTML, secret) || strings.Contains(p.Subject, secret) {
			t.Errorf("the covering mail names %q", secret)
		}
	}
	msg, _ := mail.ReadMessage(bytes.NewReader(msgs[0].Data))
	if a, err := (&mail.AddressParser{WordDecoder: new(mime.WordDecoder)}).Parse(msg.Header.Get("Reply-To")); err != nil || a.Address != "dinsos@singkawangkota.go.id" {
		t.Errorf("Reply-To %q: answers must reach the office", msg.Header.Get("Reply-To"))
	}
	entry := auditOne(t, h, "action = 'email' && record_id = {:id}", dbx.Params{"id": id})
	auditExpectActor(t, entry, w.officerA.Id, "staff", "referrals", id)
	if d := auditDetail(t, entry); d["outcome"] != "emailed" || d["to"] != "igd@rsud.singkawangkota.go.id" || d["letter_number"] != number {
		t.Errorf("audit detail %v", d)
	}
	if d := auditDetail(t, auditOne(t, h, "action = 'transition' && record_id = {:id}", dbx.Params{"id": id})); d["letter_delivery"] != "emailed" {
		t.Errorf("transition detail %v", d)
	}
	// the download is the same letter
	if got := h.Do("GET", "/api/referrals/"+id+"/letter.pdf", nil, w.tokA); !bytes.Equal(got.Body, stored) {
		t.Error("the download differs from the mailed letter")
	}

	// the mail server refuses the next one: the referral is sent all the same
	in.setRefuse(true)
	second := w.draft(t, w.tokA, w.caseX.Id, instHospital, "services", "Perawatan lanjutan.")
	res = w.send(t, second, w.tokA)
	if res.JSON["status"] != "sent" || res.JSON["letter_delivery"] != "email_failed" || !strings.Contains(res.JSON["letter_email_error"].(string), "mailbox temporarily closed") {
		t.Fatalf("refused mail: %s", res)
	}
	if d := auditDetail(t, auditOne(t, h, "action = 'email' && record_id = {:id}", dbx.Params{"id": second})); d["outcome"] != "email_failed" || d["error"] == "" {
		t.Errorf("audit of the refused mail %v", d)
	}
	// sent again once the server takes mail
	in.setRefuse(false)
	again := h.Do("POST", "/api/referrals/"+second+"/letter/email", nil, w.tokA)
	if again.Status != 200 || again.JSON["letter_delivery"] != "emailed" || again.JSON["letter_email_error"] != "" {
		t.Fatalf("sending again: %d %s", again.Status, again)
	}
	msgs = letterMails(in)
	if len(msgs) != 2 {
		t.Fatalf("%d letters mailed, want 2", len(msgs))
	}
	if att := mailAttachments(t, msgs[1].Data); len(att) != 1 || !bytes.Equal(firstValue(att), storedLetterBytes(t, h, second)) {
		t.Error("the mail sent again does not carry the stored letter")
	}
	if n := len(auditEntries(t, h, "action = 'email' && record_id = {:id}", dbx.Params{"id": second})); n != 2 {
		t.Errorf("%d audit entries for the second letter's mails, want 2", n)
	}
	// who may send again: the case's officer and supervisors, nobody else, not for a draft
	draft := w.draft(t, w.tokA, w.caseX.Id, instHospital)
	for _, tc := range []struct {
		id, token string
		status    int
	}{{second, w.tokB, 404}, {second, "", 401}, {second, w.tokInactive, 403}, {draft, w.tokA, 409}, {"nothing", w.tokA, 404}} {
		if res := h.Do("POST", "/api/referrals/"+tc.id+"/letter/email", nil, tc.token); res.Status != tc.status {
			t.Errorf("send again %s as %q: %d %s, want %d", tc.id, tc.token, res.Status, res, tc.status)
		}
	}
}

// letterMails are the messages the institution's mailbox received (the
// staff's notification mails go elsewhere).
func letterMails(in *smtpInbox) []smtpMessage {
	var out []smtpMessage
	for _, m := range in.messages() {
		if slices.Contains(m.To, "igd@rsud.singkawangkota.go.id") {
			out = append(out, m)
		}
	}
	return out
}

func keysOf(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func firstValue(m map[string][]byte) []byte {
	for _, v := range m {
		return v
	}
	return nil
}

// Without mail set up, or without the institution's address, the answer
// says the letter is to be printed; nothing is mailed.
func TestLetterToPrintWithoutMail(t *testing.T) {
	w := newReferralWorld(t)
	h := w.h
	inst, _ := h.App.FindRecordById("referral_institutions", w.institution(t, instHospital))
	inst.Set("email", "igd@rsud.singkawangkota.go.id")
	if err := h.App.Save(inst); err != nil {
		t.Fatal(err)
	}
	id := w.draft(t, w.tokA, w.caseX.Id, instHospital)
	res := w.send(t, id, w.tokA)
	if res.JSON["letter_delivery"] != "no_mail_server" || res.JSON["letter_emailed_to"] != "" {
		t.Fatalf("no mail server: %s", res)
	}
	for _, m := range h.App.TestMailer.Messages() {
		if strings.HasPrefix(m.Subject, "Surat rujukan") {
			t.Errorf("a letter was mailed without a mail server: %q", m.Subject)
		}
	}
	if res := h.Do("POST", "/api/referrals/"+id+"/letter/email", nil, w.tokA); res.Status != 409 || !strings.Contains(res.String(), "SMTP") {
		t.Errorf("sending again without a mail server: %d %s", res.Status, res)
	}
	police := w.draft(t, w.tokA, w.caseX.Id, instPolice)
	if res := w.send(t, police, w.tokA); res.JSON["letter_delivery"] != "no_email" {
		t.Fatalf("no e-mail address: %s", res)
	}
	if res := h.Do("POST", "/api/referrals/"+police+"/letter/email", nil, w.tokA); res.Status != 400 || res.FieldCode("institution.email") != "institution_no_email" {
		t.Errorf("sending again without an address: %d %s", res.Status, res)
	}
}

// A letter sent before letters were stored is rendered once more at its
// first download and kept from then on.
func TestLetterSentBeforeStorageIsKeptAtFirstDownload(t *testing.T) {
	w := newReferralWorld(t)
	h := w.h
	id := w.draft(t, w.tokA, w.caseX.Id, instHospital)
	w.send(t, id, w.tokA)
	// as an older Teduh left it: sent, no stored letter
	if _, err := h.App.DB().Update("referrals", dbx.Params{"letter_file": "", "letter_delivery": ""}, dbx.HashExp{"id": id}).Execute(); err != nil {
		t.Fatal(err)
	}
	first := h.Do("GET", "/api/referrals/"+id+"/letter.pdf", nil, w.tokA)
	if first.Status != 200 || !bytes.Equal(first.Body, storedLetterBytes(t, h, id)) {
		t.Fatalf("first download %d not stored", first.Status)
	}
	office := officeRecord(t, h)
	office.Set("head_name", "Dra. Lina Marlina")
	if err := h.App.Save(office); err != nil {
		t.Fatal(err)
	}
	if again := h.Do("GET", "/api/referrals/"+id+"/letter.pdf", nil, w.tokA); !bytes.Equal(again.Body, first.Body) {
		t.Error("the letter kept at its first download changed")
	}
}

// The handling report as signed: the place and date, the officer's and the
// head of office's NIPs, and the signatures on the page of the summary's end.
func TestReportSignedWithPlaceDateAndNIPs(t *testing.T) {
	w := newReferralWorld(t)
	h := w.h
	officerA := h.reload(w.officerA)
	officerA.Set("nip", "199203152019032007")
	if err := h.App.Save(officerA); err != nil {
		t.Fatal(err)
	}
	c := w.caseX.Id
	h.mustStep(w.tokA, c, 4, "skipped", "Korban sudah aman di rumah orang tuanya.", nil)
	for i := 0; i < 12; i++ {
		h.mustStep(w.tokA, c, 5, "progress", strings.Repeat("Kunjungan rumah: korban bercerita tentang kejadian dan rencana ke depan. ", 3), nil)
	}
	h.mustStep(w.tokA, c, 5, "done", "", map[string]any{"victim_safe": true})
	h.mustStep(w.tokA, c, 6, "done", "", map[string]any{"violence_types": []string{"physical"}, "perpetrator_relation": "spouse",
		"incident_place": "household", "needs": []string{"psychosocial"}})
	h.mustStep(w.tokSup, c, 7, "done", "Cukup pendampingan Dinas.", map[string]any{"referral_needed": false})
	h.mustStep(w.tokA, c, 8, "skipped", "", nil)
	h.SetNow(time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)) // 10:00 WIB, 2 December
	h.mustStep(w.tokA, c, 9, "done", strings.Repeat("Korban aman dan pendampingan selesai. ", 12)+"Akhir ringkasan.", nil)
	pages := referralPDFPages(t, h.Do("GET", "/api/complaints/"+c+"/report.pdf", nil, w.tokSup))
	last := pages[len(pages)-1]
	for _, want := range []string{"Akhir ringkasan.", "Singkawang, 2 Desember 2026", "Dibuat oleh", "Petugas Ayu", "NIP. 199203152019032007",
		"Mengetahui", refHeadName, "NIP. " + refHeadNIP} {
		if !strings.Contains(last, want) {
			t.Errorf("the last of %d pages lacks %q:\n%s", len(pages), want, last)
		}
	}
}
