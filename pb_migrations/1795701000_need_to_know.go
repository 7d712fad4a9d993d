package pb_migrations

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"teduh/internal/auditchain"
)

// Need-to-know (issue 10): the audit trail becomes a hash chain, sign-in is
// hardened (a working day's token, lockout, mails in Bahasa Indonesia that
// link to the console), impersonation is remembered so that the trail names
// the superuser, the office names the origins allowed to call the API from
// another site and whether supervisors sign in with a code by e-mail, and
// the public rate limits apply before PocketBase's general ones.
func init() {
	m.Register(func(app core.App) error {
		for _, step := range []func(core.App) error{chainAuditLog, signInTables, hardenStaffAuth, translateSuperuserMails, officeAccessFields, orderRateLimits} {
			if err := step(app); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}

// chainAuditLog adds the chain fields and seals the entries already there,
// oldest first.
func chainAuditLog(app core.App) error {
	c, err := app.FindCollectionByNameOrId("audit_log")
	if err != nil {
		return err
	}
	c.Fields.Add(
		&core.NumberField{Name: "seq", OnlyInt: true},
		&core.TextField{Name: "prev_hash", Max: 64},
		&core.TextField{Name: "hash", Max: 64},
		// the staff member a superuser acted as (impersonation)
		&core.TextField{Name: "on_behalf_of", Max: 200},
	)
	if err := app.Save(c); err != nil {
		return err
	}
	var entries []auditchain.Entry
	err = app.DB().NewQuery(`SELECT id, created, actor_id, actor_collection, actor_name, action, collection_name, record_id, ip,
		COALESCE(detail, 'null') AS detail FROM audit_log ORDER BY created, rowid`).All(&entries)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var prev *auditchain.Entry
	for i := range entries {
		e := &entries[i]
		auditchain.Seal(e, prev)
		if _, err := app.DB().NewQuery("UPDATE audit_log SET seq = {:seq}, prev_hash = {:prev}, hash = {:hash}, detail = {:detail} WHERE id = {:id}").
			Bind(map[string]any{"seq": e.Seq, "prev": e.PrevHash, "hash": e.Hash, "detail": e.Detail, "id": e.ID}).Execute(); err != nil {
			return err
		}
		prev = e
	}
	c.AddIndex("idx_audit_seq", true, "seq", "")
	return app.Save(c)
}

// signInTables are the server's own bookkeeping of sign-in, outside the
// collections (nothing reaches them through the API).
func signInTables(app core.App) error {
	for _, q := range []string{
		`CREATE TABLE IF NOT EXISTS teduh_signin_failures (
			identity TEXT PRIMARY KEY NOT NULL, failures INTEGER NOT NULL DEFAULT 0,
			locked_until TEXT NOT NULL DEFAULT '', updated TEXT NOT NULL DEFAULT '')`,
		`CREATE TABLE IF NOT EXISTS teduh_impersonations (
			token_hash TEXT PRIMARY KEY NOT NULL, superuser_id TEXT NOT NULL, superuser_email TEXT NOT NULL,
			staff_id TEXT NOT NULL, staff_name TEXT NOT NULL, created TEXT NOT NULL)`,
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return err
		}
	}
	return nil
}

// consolePage is where the staff's mails link to: the console, at the
// office's address (Settings → Application URL).
const consolePage = core.EmailPlaceholderAppURL + "/staff/#/"

func mail(subject, body string) core.EmailTemplate {
	return core.EmailTemplate{Subject: subject, Body: body + `
<p>Salam,<br/>` + core.EmailPlaceholderAppName + `</p>`}
}

// hardenStaffAuth: a token lasts one working day, every auth mail is in
// Bahasa Indonesia and links to the console's own pages, the one-time code
// for two-step sign-in is prepared (switched on with the office setting).
func hardenStaffAuth(app core.App) error {
	c, err := app.FindCollectionByNameOrId("staff")
	if err != nil {
		return err
	}
	c.AuthToken.Duration = 8 * 60 * 60
	c.ResetPasswordTemplate = mail("Atur ulang kata sandi "+core.EmailPlaceholderAppName, `<p>Halo `+"{RECORD:name}"+`,</p>
<p>Ada permintaan untuk mengatur ulang kata sandi akun Anda di konsol petugas. Buka tautan berikut untuk membuat kata sandi baru (berlaku 30 menit):</p>
<p><a class="btn" href="`+consolePage+`atur-ulang-sandi/`+core.EmailPlaceholderToken+`" target="_blank" rel="noopener">Buat kata sandi baru</a></p>
<p><i>Bila Anda tidak memintanya, abaikan email ini dan beri tahu kepala atau administrator sistem.</i></p>`)
	c.VerificationTemplate = mail("Verifikasi email "+core.EmailPlaceholderAppName, `<p>Halo `+"{RECORD:name}"+`,</p>
<p>Akun petugas Anda sudah diverifikasi oleh administrator. Masuk melalui <a href="`+consolePage+`">konsol petugas</a>.</p>`)
	c.ConfirmEmailChangeTemplate = mail("Perubahan email "+core.EmailPlaceholderAppName, `<p>Halo `+"{RECORD:name}"+`,</p>
<p>Alamat email akun petugas hanya diubah oleh administrator sistem. Bila Anda tidak memintanya, abaikan email ini dan beri tahu administrator.</p>`)
	c.OTP.Duration = 5 * 60
	c.OTP.Length = 8
	c.OTP.EmailTemplate = mail("Kode masuk "+core.EmailPlaceholderAppName, `<p>Halo `+"{RECORD:name}"+`,</p>
<p>Kode masuk Anda: <strong>`+core.EmailPlaceholderOTP+`</strong></p>
<p>Kode berlaku 5 menit dan hanya sekali pakai. Masukkan di <a href="`+consolePage+`">konsol petugas</a>.</p>
<p><i>Bila Anda tidak sedang masuk, seseorang mungkin mengetahui kata sandi Anda: segera ganti kata sandi dan beri tahu administrator.</i></p>`)
	c.MFA.Duration = 10 * 60
	c.MFA.Rule = `role = "supervisor"`
	c.AuthAlert.Enabled = true
	c.AuthAlert.EmailTemplate = mail("Masuk dari perangkat baru", `<p>Halo `+"{RECORD:name}"+`,</p>
<p>Akun Anda di `+core.EmailPlaceholderAppName+` baru saja dipakai masuk dari perangkat atau tempat baru:</p>
<p><em>`+core.EmailPlaceholderAlertInfo+`</em></p>
<p><strong>Bila itu bukan Anda, segera ganti kata sandi melalui <a href="`+consolePage+`lupa-sandi">konsol petugas</a> dan beri tahu kepala atau administrator sistem.</strong></p>`)
	return app.Save(c)
}

// translateSuperuserMails: the administrator's mails in Bahasa Indonesia,
// still linking to the admin panel, which is the administrator's console.
func translateSuperuserMails(app core.App) error {
	c, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return err
	}
	admin := core.EmailPlaceholderAppURL + "/_/#/auth/"
	c.ResetPasswordTemplate = mail("Atur ulang kata sandi administrator "+core.EmailPlaceholderAppName, `<p>Halo,</p>
<p>Buka tautan berikut untuk membuat kata sandi administrator yang baru:</p>
<p><a class="btn" href="`+admin+`confirm-password-reset/`+core.EmailPlaceholderToken+`" target="_blank" rel="noopener">Buat kata sandi baru</a></p>
<p><i>Bila Anda tidak memintanya, abaikan email ini.</i></p>`)
	c.ConfirmEmailChangeTemplate = mail("Konfirmasi email administrator "+core.EmailPlaceholderAppName, `<p>Halo,</p>
<p>Buka tautan berikut untuk memakai alamat email baru Anda:</p>
<p><a class="btn" href="`+admin+`confirm-email-change/`+core.EmailPlaceholderToken+`" target="_blank" rel="noopener">Konfirmasi email baru</a></p>
<p><i>Bila Anda tidak memintanya, abaikan email ini.</i></p>`)
	c.VerificationTemplate = mail("Verifikasi email administrator "+core.EmailPlaceholderAppName, `<p>Halo,</p>
<p>Buka tautan berikut untuk memverifikasi email Anda:</p>
<p><a class="btn" href="`+admin+`confirm-verification/`+core.EmailPlaceholderToken+`" target="_blank" rel="noopener">Verifikasi</a></p>`)
	c.OTP.EmailTemplate = mail("Kode masuk administrator "+core.EmailPlaceholderAppName, `<p>Halo,</p>
<p>Kode masuk Anda: <strong>`+core.EmailPlaceholderOTP+`</strong></p>
<p><i>Bila Anda tidak sedang masuk, abaikan email ini dan ganti kata sandi.</i></p>`)
	c.AuthAlert.EmailTemplate = mail("Administrator masuk dari perangkat baru", `<p>Halo,</p>
<p>Akun administrator Anda baru saja dipakai masuk dari perangkat atau tempat baru:</p>
<p><em>`+core.EmailPlaceholderAlertInfo+`</em></p>
<p><strong>Bila itu bukan Anda, segera ganti kata sandi.</strong></p>`)
	return app.Save(c)
}

// officeAccessFields: the origins of other sites (an office's web app)
// allowed to call the API from a browser, and two-step sign-in for
// supervisors.
func officeAccessFields(app core.App) error {
	c, err := app.FindCollectionByNameOrId("office")
	if err != nil {
		return err
	}
	c.Fields.Add(
		&core.JSONField{Name: "allowed_origins", MaxSize: 5000},
		&core.BoolField{Name: "mfa_supervisors"},
	)
	return app.Save(c)
}

// orderRateLimits puts Teduh's public rules before PocketBase's general
// ones: PocketBase applies the first prefix rule that matches, so "/api/"
// (300 per 10 s) used to answer before "/api/public/" (60 per minute). The
// status page gets its own tighter rule: a tracking code is guessed there.
func orderRateLimits(app core.App) error {
	s := app.Settings()
	var ours, theirs []core.RateLimitRule
	for _, r := range s.RateLimits.Rules {
		path := r.Label
		if _, p, hasMethod := strings.Cut(r.Label, " "); hasMethod {
			path = p
		}
		if strings.HasPrefix(path, "/api/public/") {
			ours = append(ours, r)
		} else {
			theirs = append(theirs, r)
		}
	}
	status := core.RateLimitRule{Label: "GET /api/public/complaints/", Audience: core.RateLimitRuleAudienceAll, Duration: 60, MaxRequests: 20}
	s.RateLimits.Rules = append(append([]core.RateLimitRule{status}, ours...), theirs...)
	return app.Save(s)
}
