package pb_hooks

// Referral letters an office signs (SOP step 8). A letter is rendered once,
// inside the transaction that sends its referral, and kept on the referral
// as a protected file (letter_file): every download afterwards serves those
// bytes, whatever changes later in the office profile, the head of office
// or the institution. Before sending, the addressee and the signer must be
// complete: an institution the office has confirmed, with address and
// telephone; a head of office with name, title and NIP. Where the
// institution has an e-mail address and mail is set up, the stored letter
// is mailed to it as an attachment after the commit, and the outcome is
// kept on the referral (letter_delivery …) and in the audit trail;
// otherwise the letter is to be printed and handed over.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/mail"
	"regexp"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/mailer"
	"github.com/pocketbase/pocketbase/tools/router"

	"teduh/internal/documents"
	"teduh/internal/engine"
	"teduh/internal/referral"
)

// letterFields are the letter's fields on a referral: written by the server
// only, through letterStamp saves.
var letterFields = []string{"letter_file", "letter_delivery", "letter_emailed_to", "letter_emailed_at", "letter_email_error"}

// How a sent letter goes out (referrals.letter_delivery).
const (
	deliveryEmailed      = "emailed"        // mailed to the institution
	deliveryEmailFailed  = "email_failed"   // the mail was not accepted: print it, or send again
	deliveryNoEmail      = "no_email"       // the institution has no e-mail address: print it
	deliveryNoMailServer = "no_mail_server" // mail is not set up: print it
)

// letterStampKey marks a save by which the server records a referral's
// letter or its delivery; no other field may change with it.
type letterStampKey struct{}

func withLetterStamp(ctx context.Context) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithValue(ctx, letterStampKey{}, true)
}

func isLetterStamp(ctx context.Context) bool {
	if ctx == nil {
		return false
	}
	v, _ := ctx.Value(letterStampKey{}).(bool)
	return v
}

func (t *Teduh) bindLetters() {
	app := t.app
	app.OnRecordAfterUpdateSuccess(referralsCollection).BindFunc(t.mailSentLetter)
	app.OnRecordValidate(institutionsCollection).BindFunc(validateInstitution)
	app.OnRecordValidate("office").BindFunc(validateOfficeLetters)
	app.OnRecordValidate("staff").BindFunc(validateStaffNIP)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Group("/api").BindFunc(staffOnly).POST("/referrals/{id}/letter/email", t.emailLetterAgain)
		return se.Next()
	})
}

// stampLetter lets a letterStamp save through: only the letter's fields
// change, and a stored letter is never replaced.
func stampLetter(e *core.RecordEvent) error {
	orig := e.Record.Original()
	for _, f := range e.Record.Collection().Fields {
		name := f.GetName()
		if name == "updated" || sameValue(orig.Get(name), e.Record.Get(name)) {
			continue
		}
		if !slices.Contains(letterFields, name) || (name == "letter_file" && orig.GetString(name) != "") {
			return fmt.Errorf("letter stamp changes %s", name)
		}
	}
	return e.Next()
}

// --- what a letter needs before it is sent -----------------------------------

// sendGaps adds the field errors that keep a letter from being sent: a head
// of office who cannot sign (office.head_*), an addressee the office has
// not completed or confirmed (institution.*). They are keyed under the
// record they belong to, so the console can say where to fill them in.
func sendGaps(office *Office, inst *core.Record, errs map[string]*engine.FieldError) {
	const profile = " di profil kantor sebelum surat rujukan dikirim; minta penyelia atau administrator sistem mengisinya."
	for _, g := range []struct{ field, value, what string }{
		{"head_name", office.Record.GetString("head_name"), "Nama kepala kantor yang menandatangani surat belum diisi"},
		// the title is the profile's own or derived from the office's name
		{"head_title", office.HeadTitle(), "Jabatan kepala kantor belum diisi"},
		{"head_nip", office.Record.GetString("head_nip"), "NIP kepala kantor belum diisi"},
	} {
		if strings.TrimSpace(g.value) == "" {
			errs["office."+g.field] = &engine.FieldError{Code: "office_incomplete", Message: g.what + profile}
		}
	}
	if inst != nil && errs["institution"] == nil { // not found or inactive: said already
		for k, v := range institutionGaps(inst) {
			errs["institution."+k] = v
		}
	}
}

// institutionGaps is what an institution lacks before a letter can be
// addressed to it: its address, its telephone, the office's confirmation.
func institutionGaps(inst *core.Record) map[string]*engine.FieldError {
	out := map[string]*engine.FieldError{}
	name := inst.GetString("name")
	const list = " di daftar lembaga rujukan sebelum surat dikirim; minta penyelia atau administrator sistem melengkapinya."
	if strings.TrimSpace(inst.GetString("address")) == "" {
		out["address"] = &engine.FieldError{Code: "institution_incomplete", Message: "Alamat " + name + " belum diisi" + list}
	}
	if strings.TrimSpace(inst.GetString("phone")) == "" {
		out["phone"] = &engine.FieldError{Code: "institution_incomplete", Message: "Nomor telepon " + name + " belum diisi" + list}
	}
	if !inst.GetBool("confirmed") {
		out["confirmed"] = &engine.FieldError{Code: "institution_unconfirmed",
			Message: "Data " + name + " belum dikonfirmasi kantor (data awal yang belum diperiksa). Surat hanya dikirim ke alamat yang sudah diperiksa: minta penyelia atau administrator sistem memeriksa nama, alamat, telepon dan e-mailnya lalu menandainya sudah dikonfirmasi."}
	}
	return out
}

// institutionMissing names what institutionGaps finds, in a fixed order.
func institutionMissing(inst *core.Record) []string {
	gaps := institutionGaps(inst)
	out := []string{}
	for _, f := range []string{"address", "phone", "confirmed"} {
		if gaps[f] != nil {
			out = append(out, f)
		}
	}
	return out
}

// --- the stored letter ---------------------------------------------------------

// freezeLetter renders the letter of a referral being sent (status, number
// and sent_at already set on rec) and puts it on rec as letter_file, with
// how it is to go out. It runs inside the sending transaction: the letter
// is stored with the referral or not at all.
func (t *Teduh) freezeLetter(app core.App, rec, kase *core.Record, office *Office) error {
	inst, err := app.FindRecordById(institutionsCollection, rec.GetString("institution"))
	if err != nil {
		return err
	}
	l, err := t.letter(app, rec, kase, inst, office, rec.GetDateTime("sent_at").Time())
	if err != nil {
		return err
	}
	data, err := documents.LetterPDF(l)
	if err != nil {
		return err
	}
	file, err := filesystem.NewFileFromBytes(data, letterFileName(rec, kase)+".pdf")
	if err != nil {
		return err
	}
	rec.Set("letter_file", file)
	switch to := strings.TrimSpace(inst.GetString("email")); {
	case to == "":
		rec.Set("letter_delivery", deliveryNoEmail)
	case !app.Settings().SMTP.Enabled:
		rec.Set("letter_delivery", deliveryNoMailServer)
	default:
		rec.Set("letter_emailed_to", to) // mailed after the commit (mailSentLetter)
	}
	return nil
}

func letterFileName(ref, kase *core.Record) string {
	if n := ref.GetString("letter_number"); n != "" {
		return unsafeFilename.ReplaceAllString("surat-rujukan-"+n, "-")
	}
	return unsafeFilename.ReplaceAllString("surat-rujukan-"+kase.GetString("number")+"-draf", "-")
}

// storedLetter reads a referral's stored letter.
func storedLetter(app core.App, ref *core.Record) ([]byte, error) {
	name := ref.GetString("letter_file")
	if name == "" {
		return nil, errors.New("no stored letter")
	}
	return readFile(app, ref.BaseFilesPath()+"/"+name)
}

// readFile reads one stored file (local disk or S3, as the settings say).
func readFile(app core.App, key string) ([]byte, error) {
	fsys, err := app.NewFilesystem()
	if err != nil {
		return nil, err
	}
	defer fsys.Close()
	r, err := fsys.GetReader(key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// stampLetterFields records the letter's fields on a fresh copy of ref
// (its Original is the stored state) and on ref itself.
func (t *Teduh) stampLetterFields(app core.App, ref *core.Record, fields map[string]any) error {
	fresh, err := app.FindRecordById(referralsCollection, ref.Id)
	if err != nil {
		return err
	}
	for k, v := range fields {
		fresh.Set(k, v)
	}
	if err := app.SaveWithContext(withLetterStamp(context.Background()), fresh); err != nil {
		return err
	}
	for _, k := range append([]string{"updated"}, letterFields...) {
		ref.Set(k, fresh.Get(k))
	}
	return nil
}

// freezeOnFirstDownload stores the letter of a referral sent before letters
// were stored: it is rendered once more, now, and never again.
func (t *Teduh) freezeOnFirstDownload(app core.App, ref, kase, inst *core.Record, office *Office) ([]byte, error) {
	l, err := t.letter(app, ref, kase, inst, office, ref.GetDateTime("sent_at").Time())
	if err != nil {
		return nil, err
	}
	data, err := documents.LetterPDF(l)
	if err != nil {
		return nil, err
	}
	file, err := filesystem.NewFileFromBytes(data, letterFileName(ref, kase)+".pdf")
	if err != nil {
		return nil, err
	}
	if err := t.stampLetterFields(app, ref, map[string]any{"letter_file": file}); err != nil {
		return nil, err
	}
	return data, nil
}

// --- mail ------------------------------------------------------------------------

// mailSentLetter mails the letter of a referral just sent, once its
// transaction is committed: the request that sends it waits, so its answer
// says whether the letter went out. A failure is recorded, never undoes the
// sending.
func (t *Teduh) mailSentLetter(e *core.RecordEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	rec := e.Record
	if rec.Original().GetString("status") != referral.StatusDraft || rec.GetString("status") != referral.StatusSent ||
		rec.GetString("letter_emailed_to") == "" || rec.GetString("letter_delivery") != "" {
		return nil
	}
	if err := t.emailLetter(e.App, rec); err != nil {
		e.App.Logger().Error("referral letter mail not recorded", "referral", rec.Id, "error", err)
	}
	return nil
}

// emailLetter mails a referral's stored letter to letter_emailed_to and
// records the outcome on the referral. The error is about recording it; a
// refused mail is an outcome (email_failed).
func (t *Teduh) emailLetter(app core.App, ref *core.Record) error {
	msg, err := t.letterMail(app, ref)
	if err == nil {
		err = sendWithin(app.NewMailClient(), msg, mailTimeout)
	}
	now := t.now().UTC()
	if err != nil {
		app.Logger().Warn("referral letter not mailed", "referral", ref.Id, "to", ref.GetString("letter_emailed_to"), "error", err)
		return t.stampLetterFields(app, ref, map[string]any{
			"letter_delivery": deliveryEmailFailed, "letter_email_error": clip(err.Error(), 1000),
		})
	}
	return t.stampLetterFields(app, ref, map[string]any{
		"letter_delivery": deliveryEmailed, "letter_emailed_at": now, "letter_email_error": "",
	})
}

// letterMail is the mail carrying a stored letter: a covering note that
// names nobody but the institution and the officer, and the PDF.
func (t *Teduh) letterMail(app core.App, ref *core.Record) (*mailer.Message, error) {
	office, err := t.Office(app)
	if err != nil {
		return nil, err
	}
	inst, err := app.FindRecordById(institutionsCollection, ref.GetString("institution"))
	if err != nil {
		return nil, err
	}
	kase, err := app.FindRecordById(t.complaint.CaseCollection, ref.GetString("complaint"))
	if err != nil {
		return nil, err
	}
	pdf, err := storedLetter(app, ref)
	if err != nil {
		return nil, err
	}
	to, err := mail.ParseAddress(ref.GetString("letter_emailed_to"))
	if err != nil {
		return nil, fmt.Errorf("alamat e-mail lembaga tidak valid: %w", err)
	}
	to.Name = inst.GetString("name")
	number := ref.GetString("letter_number")
	date := documents.Date(ref.GetDateTime("sent_at").Time(), office.Location())
	officer := ""
	if s, err := app.FindRecordById("staff", letterOfficerID(ref, kase)); err == nil {
		officer = s.GetString("name")
		if p := s.GetString("phone"); p != "" {
			officer += ", telepon/WhatsApp " + p
		}
	}
	paras := []string{
		"Yth. Pimpinan " + inst.GetString("name") + ",",
		fmt.Sprintf("bersama e-mail ini kami sampaikan surat rujukan nomor %s tanggal %s dari %s. Surat terlampir sebagai berkas PDF.", number, date, office.Name),
		"Surat ini bersifat RAHASIA karena memuat data pribadi korban. Mohon e-mail ini tidak diteruskan, dan lampirannya hanya digunakan untuk memberikan layanan yang dimohonkan.",
	}
	if officer != "" {
		paras = append(paras, "Mohon jawaban atas rujukan ini (dapat dilayani atau tidak) disampaikan kepada petugas pendamping kami, "+officer+", atau dengan membalas e-mail ini.")
	} else {
		paras = append(paras, "Mohon jawaban atas rujukan ini (dapat dilayani atau tidak) disampaikan dengan membalas e-mail ini.")
	}
	sign := []string{"Hormat kami,", office.Name, office.Government}
	if office.Phone != "" {
		sign = append(sign, "Telepon "+office.Phone)
	}
	var text, body strings.Builder
	for _, p := range paras {
		text.WriteString(p + "\n\n")
		body.WriteString(`<p style="margin:0 0 12px;">` + html.EscapeString(p) + "</p>\n")
	}
	text.WriteString(strings.Join(sign, "\n") + "\n")
	body.WriteString(`<p style="margin:16px 0 0;">` + strings.Join(escapeAll(sign), "<br>") + "</p>\n")
	settings := app.Settings()
	msg := &mailer.Message{
		From:    mail.Address{Name: settings.Meta.SenderName, Address: settings.Meta.SenderAddress},
		To:      []mail.Address{*to},
		Subject: fmt.Sprintf("Surat rujukan %s - %s", number, office.Name),
		Text:    text.String(),
		HTML: `<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Surat rujukan ` + html.EscapeString(number) +
			`</title></head><body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2328;">` + "\n" +
			body.String() + "</body></html>",
		Attachments: map[string]io.Reader{letterFileName(ref, kase) + ".pdf": bytes.NewReader(pdf)},
	}
	// answers go to the office, not to the sending address
	if office.Email != "" {
		if a, err := mail.ParseAddress(office.Email); err == nil {
			a.Name = office.Name
			msg.Headers = map[string]string{"Reply-To": a.String()}
		}
	}
	return msg, nil
}

func escapeAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = html.EscapeString(s)
	}
	return out
}

// emailLetterAgain serves POST /api/referrals/{id}/letter/email: the stored
// letter of a sent referral is mailed (again) to the institution's current
// e-mail address, for a mail that failed or an address added later.
func (t *Teduh) emailLetterAgain(e *core.RequestEvent) error {
	notFound := router.NewNotFoundError("Rujukan tidak ditemukan.", nil)
	ref, err := e.App.FindRecordById(referralsCollection, e.Request.PathValue("id"))
	if err != nil {
		return notFound
	}
	if _, err := t.visibleCase(e, ref.GetString("complaint")); err != nil {
		return notFound
	}
	switch st := ref.GetString("status"); {
	case st == referral.StatusDraft:
		return router.NewApiError(http.StatusConflict, "Rujukan ini belum dikirim. Kirim rujukan dulu; suratnya diberi nomor saat dikirim.", nil)
	case st == referral.StatusRevoked:
		return router.NewApiError(http.StatusConflict, "Rujukan ini sudah dibatalkan; suratnya tidak berlaku dan tidak dikirim lagi.", nil)
	case ref.GetString("letter_file") == "":
		return router.NewApiError(http.StatusConflict, "Surat rujukan ini belum tersimpan. Unduh suratnya sekali, lalu kirim lagi.", nil)
	}
	inst, err := e.App.FindRecordById(institutionsCollection, ref.GetString("institution"))
	if err != nil {
		return notFound
	}
	to := strings.TrimSpace(inst.GetString("email"))
	if to == "" {
		return badRequest("", map[string]*engine.FieldError{"institution.email": {Code: "institution_no_email",
			Message: inst.GetString("name") + " belum memiliki alamat e-mail di daftar lembaga rujukan. Cetak surat dan serahkan langsung, atau minta penyelia melengkapi alamat e-mailnya."}})
	}
	if !e.App.Settings().SMTP.Enabled {
		return router.NewApiError(http.StatusConflict, "Pengiriman e-mail belum diatur di server (SMTP). Cetak surat dan serahkan langsung, atau minta administrator sistem mengatur e-mail.", nil)
	}
	if err := t.stampLetterFields(e.App, ref, map[string]any{"letter_emailed_to": to, "letter_delivery": "", "letter_email_error": ""}); err != nil {
		return err
	}
	if err := t.emailLetter(e.App, ref); err != nil {
		return err
	}
	t.auditLetterMail(e, ref)
	return e.JSON(http.StatusOK, map[string]any{
		"id": ref.Id, "letter_delivery": ref.GetString("letter_delivery"), "letter_emailed_to": ref.GetString("letter_emailed_to"),
		"letter_emailed_at": ref.GetDateTime("letter_emailed_at"), "letter_email_error": ref.GetString("letter_email_error"),
	})
}

// auditLetterMail records a letter's mail and its outcome.
func (t *Teduh) auditLetterMail(e *core.RequestEvent, ref *core.Record) {
	t.audit(e.App, e, "email", referralsCollection, ref.Id, map[string]any{
		"document": "letter", "complaint": ref.GetString("complaint"), "letter_number": ref.GetString("letter_number"),
		"to": ref.GetString("letter_emailed_to"), "outcome": ref.GetString("letter_delivery"), "error": ref.GetString("letter_email_error"),
	})
}

// --- the directory, the profile and staff: what letters print -----------------

var digits = regexp.MustCompile(`^[0-9]+$`)

// nipValue is a NIP as stored: its digits (people write it with spaces,
// "19700101 199003 1 001"); ok is false unless it is the 18 digits of a
// civil-servant number.
func nipValue(s string) (string, bool) {
	s = strings.NewReplacer(" ", "", ".", "").Replace(strings.TrimSpace(s))
	return s, s == "" || (len(s) == 18 && digits.MatchString(s))
}

const nipMessage = "NIP terdiri dari 18 angka, misalnya 19700101 199003 1 001. Kosongkan bila tidak ada."

// validateInstitution keeps the directory usable as the letters'
// addressees, on every write path: a real e-mail address, a telephone
// number with its digits, and no confirmation of an incomplete entry.
func validateInstitution(e *core.RecordEvent) error {
	r := e.Record
	for _, f := range []string{"name", "address", "phone", "email"} {
		r.Set(f, strings.TrimSpace(r.GetString(f)))
	}
	errs := validation.Errors{}
	if v := r.GetString("email"); v != "" {
		if a, err := mail.ParseAddress(v); err != nil || a.Address != v || !strings.Contains(v[strings.LastIndex(v, "@")+1:], ".") {
			errs["email"] = validation.NewError("invalid_email", "Alamat e-mail belum benar. Tulis seperti igd@rsud.singkawangkota.go.id, atau kosongkan.")
		}
	}
	if v := r.GetString("phone"); v != "" && len(strings.Map(keepDigits, v)) < 5 {
		errs["phone"] = validation.NewError("invalid_phone", "Nomor telepon belum benar. Tulis seperti (0562) 631798 atau 0812-3456-7890.")
	}
	if r.GetBool("confirmed") {
		if r.GetString("address") == "" {
			errs["address"] = validation.NewError("required", "Isi alamat lembaga sebelum menandai datanya sudah dikonfirmasi: surat rujukan dialamatkan ke sini.")
		}
		if r.GetString("phone") == "" {
			errs["phone"] = validation.NewError("required", "Isi nomor telepon lembaga sebelum menandai datanya sudah dikonfirmasi: petugas menghubunginya saat merujuk.")
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return e.Next()
}

func keepDigits(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

// validateOfficeLetters checks what the profile gives letters: the head of
// office's NIP, the Tembusan list, and an emblem the PDF can print.
func validateOfficeLetters(e *core.RecordEvent) error {
	r := e.Record
	errs := validation.Errors{}
	nip, ok := nipValue(r.GetString("head_nip"))
	if !ok {
		errs["head_nip"] = validation.NewError("invalid_nip", nipMessage)
	}
	r.Set("head_nip", nip)
	for _, f := range []string{"head_name", "head_title"} {
		r.Set(f, strings.TrimSpace(r.GetString(f)))
	}
	var copies []string
	if raw := strings.TrimSpace(r.GetString("letter_copies_to")); raw != "" && raw != "null" {
		if err := r.UnmarshalJSONField("letter_copies_to", &copies); err != nil || len(copies) > 10 {
			errs["letter_copies_to"] = validation.NewError("invalid_copies", `Tembusan berupa daftar tujuan, paling banyak 10, misalnya ["Yth. Wali Kota Singkawang (sebagai laporan)", "Arsip"].`)
		} else {
			for i, c := range copies {
				copies[i] = strings.TrimSpace(c)
				if copies[i] == "" || len([]rune(copies[i])) > 200 {
					errs["letter_copies_to"] = validation.NewError("invalid_copies", "Setiap tujuan tembusan diisi, paling panjang 200 huruf.")
				}
			}
			r.Set("letter_copies_to", copies)
		}
	}
	for _, f := range r.GetUnsavedFiles("emblem") {
		data, err := readUpload(f)
		if err == nil {
			_, err = documents.PrepareEmblem(data)
		}
		if err != nil {
			errs["emblem"] = validation.NewError("invalid_emblem", "Lambang daerah harus gambar PNG atau JPEG yang dapat dibaca, paling sedikit 16 × 16 piksel.")
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return e.Next()
}

func readUpload(f *filesystem.File) ([]byte, error) {
	r, err := f.Reader.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, 4<<20))
}

// validateStaffNIP keeps a staff member's NIP as its digits.
func validateStaffNIP(e *core.RecordEvent) error {
	nip, ok := nipValue(e.Record.GetString("nip"))
	if !ok {
		return validation.Errors{"nip": validation.NewError("invalid_nip", nipMessage)}
	}
	e.Record.Set("nip", nip)
	return e.Next()
}

// --- the office as a document shows it ---------------------------------------------

// documentOffice is the office profile as a document shows it, with the
// emblem read from storage; letterhead, place and the head's title follow
// the profile (office.go).
func (t *Teduh) documentOffice(app core.App, o *Office) documents.Office {
	var copies []string
	_ = o.Record.UnmarshalJSONField("letter_copies_to", &copies)
	return documents.Office{
		LetterheadLines: o.Letterhead(),
		Place:           o.LetterPlace(),
		HeadName:        o.Record.GetString("head_name"),
		HeadTitle:       o.HeadTitle(),
		HeadNIP:         o.Record.GetString("head_nip"),
		Emblem:          t.emblem(app, o.Record),
		CopiesTo:        copies,
		Location:        o.Location(),
	}
}

const emblemStoreKey = "teduh.emblem"

// storedEmblem is the last emblem read, by its file name (every upload gets
// a new name, so a name's bytes never change).
type storedEmblem struct {
	name string
	data []byte
}

// emblem is the office's emblem image, nil when there is none or it cannot
// be read (the document is then printed without it, and the error logged).
func (t *Teduh) emblem(app core.App, office *core.Record) []byte {
	name := office.GetString("emblem")
	if name == "" {
		return nil
	}
	if c, ok := app.Store().Get(emblemStoreKey).(storedEmblem); ok && c.name == name {
		return c.data
	}
	data, err := readFile(app, office.BaseFilesPath()+"/"+name)
	if err != nil {
		app.Logger().Error("office emblem not readable; documents are printed without it", "file", name, "error", err)
		return nil
	}
	app.Store().Set(emblemStoreKey, storedEmblem{name, data})
	return data
}
