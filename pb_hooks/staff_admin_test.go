package pb_hooks_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teduh/pb_hooks"
)

// staffNow is a working morning in Singkawang.
var staffNow = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

type staffWorld struct {
	h                  *harness
	supervisor         *core.Record
	tokSup, tokA, tokU string // supervisor, officer A, superuser
	officerA           *core.Record
}

func newStaffWorld(t *testing.T) *staffWorld {
	t.Helper()
	h := newHarness(t, staffNow)
	w := &staffWorld{h: h}
	w.supervisor, w.tokSup = h.Staff("kepala@teduh.test", "Kepala Bidang", "supervisor", true)
	w.officerA, w.tokA = h.Staff("petugas.a@teduh.test", "Petugas Ayu", "officer", true)
	w.tokU = h.Superuser()
	return w
}

func signIn(h *harness, email, password string) *response {
	h.t.Helper()
	return h.Do("POST", "/api/collections/staff/auth-with-password", map[string]any{"identity": email, "password": password}, "")
}

func auditCountOf(t *testing.T, h *harness, action, recordID string) int {
	t.Helper()
	n, err := h.App.CountRecords("audit_log", dbx.HashExp{"action": action, "record_id": recordID})
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// A supervisor adds an officer with a one-time password: the account is
// active at once, the password is shown once, and until its owner chose a
// new one the account can do nothing but read itself and change it.
func TestStaffAddedWithOneTimePasswordMustChangeIt(t *testing.T) {
	w := newStaffWorld(t)
	h := w.h
	body := map[string]any{"name": "Petugas Baru", "email": "baru@teduh.test", "role": "officer", "phone": "0812-7777-8888",
		"nip": "19920315 201903 2 007", "password_delivery": "one_time"}
	if res := h.Do("POST", "/api/staff-accounts", body, w.tokA); res.Status != 403 {
		t.Fatalf("an officer added an account: %d %s", res.Status, res)
	}
	res := h.Do("POST", "/api/staff-accounts", body, w.tokSup)
	if res.Status != 200 {
		t.Fatalf("add: %d %s", res.Status, res)
	}
	password, _ := res.JSON["password"].(string)
	if !regexp.MustCompile(`^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$`).MatchString(password) {
		t.Fatalf("one-time password %q", password)
	}
	account, _ := res.JSON["account"].(map[string]any)
	id, _ := account["id"].(string)
	rec, err := h.App.FindRecordById("staff", id)
	if err != nil {
		t.Fatal(err)
	}
	if !rec.GetBool("active") || !rec.Verified() || !rec.GetBool("password_must_change") || rec.GetString("nip") != "199203152019032007" || rec.GetString("role") != "officer" {
		t.Errorf("new account: active %v verified %v must change %v nip %q role %q", rec.GetBool("active"), rec.Verified(),
			rec.GetBool("password_must_change"), rec.GetString("nip"), rec.GetString("role"))
	}
	// recorded without the password
	entry, err := h.App.FindFirstRecordByFilter("audit_log", "action = 'create' && collection_name = 'staff' && record_id = {:id}", dbx.Params{"id": id})
	if err != nil {
		t.Fatalf("no audit entry for the new account: %v", err)
	}
	if entry.GetString("actor_id") != w.supervisor.Id || strings.Contains(entry.GetString("detail"), password) {
		t.Errorf("audit entry %v %s", entry.GetString("actor_id"), entry.GetString("detail"))
	}

	// signing in works, and says a new password is due
	signin := signIn(h, "baru@teduh.test", password)
	if signin.Status != 200 {
		t.Fatalf("sign-in with the one-time password: %d %s", signin.Status, signin)
	}
	if r, _ := signin.JSON["record"].(map[string]any); r["password_must_change"] != true {
		t.Errorf("the sign-in answer does not say the password must change: %s", signin)
	}
	tok, _ := signin.JSON["token"].(string)
	for _, req := range []struct{ method, path string }{
		{"GET", "/api/queue"},
		{"GET", "/api/collections/complaints/records"},
		{"GET", "/api/collections/staff/records"},
		{"GET", "/api/collections/staff/records/" + w.officerA.Id},
		{"GET", "/api/workflows/complaint"},
		{"GET", "/api/public/office"},
		{"POST", "/api/notifications/read-all"},
	} {
		res := h.Do(req.method, req.path, nil, tok)
		if res.Status != 403 || res.FieldCode("password") != "password_change_required" {
			t.Errorf("%s %s before the password changed: %d %s", req.method, req.path, res.Status, res)
		}
		if msg, _ := res.JSON["message"].(string); !strings.Contains(msg, "kata sandi sementara") {
			t.Errorf("%s %s: message %q", req.method, req.path, msg)
		}
	}
	if res := h.Do("GET", "/api/collections/staff/records/"+id, nil, tok); res.Status != 200 || res.JSON["password_must_change"] != true {
		t.Errorf("reading one's own record: %d %s", res.Status, res)
	}
	// changing anything else with it is refused
	if res := h.Do("PATCH", "/api/collections/staff/records/"+id, map[string]any{"name": "Nama Lain", "oldPassword": password,
		"password": "kata-sandi-pilihan-1", "passwordConfirm": "kata-sandi-pilihan-1"}, tok); res.Status != 403 {
		t.Errorf("name change before the password: %d %s", res.Status, res)
	}
	if res := h.Do("PATCH", "/api/collections/staff/records/"+id, map[string]any{"oldPassword": "salah-sekali-123",
		"password": "kata-sandi-pilihan-1", "passwordConfirm": "kata-sandi-pilihan-1"}, tok); res.Status != 400 || res.FieldCode("oldPassword") == "" {
		t.Errorf("a wrong old password: %d %s", res.Status, res)
	}
	res = h.Do("PATCH", "/api/collections/staff/records/"+id, map[string]any{"oldPassword": password,
		"password": "kata-sandi-pilihan-1", "passwordConfirm": "kata-sandi-pilihan-1"}, tok)
	if res.Status != 200 {
		t.Fatalf("changing the password: %d %s", res.Status, res)
	}
	if rec := h.reload(rec); rec.GetBool("password_must_change") || !rec.ValidatePassword("kata-sandi-pilihan-1") {
		t.Errorf("after the change: must change %v", rec.GetBool("password_must_change"))
	}
	// the one-time password is gone; the new one works for everything
	if res := signIn(h, "baru@teduh.test", password); res.Status != 400 {
		t.Errorf("the one-time password still signs in: %d", res.Status)
	}
	signin = signIn(h, "baru@teduh.test", "kata-sandi-pilihan-1")
	if signin.Status != 200 {
		t.Fatalf("sign-in with the new password: %d %s", signin.Status, signin)
	}
	tok, _ = signin.JSON["token"].(string)
	if res := h.Do("GET", "/api/queue", nil, tok); res.Status != 200 {
		t.Errorf("queue after the change: %d %s", res.Status, res)
	}
}

// A supervisor resets a colleague's password with a one-time password: the
// colleague's sessions end, and the new password must be changed.
func TestOneTimePasswordReset(t *testing.T) {
	w := newStaffWorld(t)
	h := w.h
	path := "/api/staff-accounts/" + w.officerA.Id + "/one-time-password"
	if res := h.Do("POST", path, nil, w.tokA); res.Status != 403 {
		t.Errorf("an officer reset a password: %d %s", res.Status, res)
	}
	if res := h.Do("POST", "/api/staff-accounts/"+w.supervisor.Id+"/one-time-password", nil, w.tokSup); res.Status != 400 || res.FieldCode("id") != "own_account" {
		t.Errorf("a supervisor reset their own password this way: %d %s", res.Status, res)
	}
	if res := h.Do("POST", "/api/staff-accounts/tidakada123456/one-time-password", nil, w.tokSup); res.Status != 404 {
		t.Errorf("unknown account: %d %s", res.Status, res)
	}
	res := h.Do("POST", path, nil, w.tokSup)
	if res.Status != 200 {
		t.Fatalf("reset: %d %s", res.Status, res)
	}
	password, _ := res.JSON["password"].(string)
	if res := h.Do("GET", "/api/queue", nil, w.tokA); res.Status != 401 {
		t.Errorf("the officer's old session still works: %d %s", res.Status, res)
	}
	if res := signIn(h, w.officerA.Email(), authzStaffPass); res.Status != 400 {
		t.Errorf("the old password still signs in: %d", res.Status)
	}
	signin := signIn(h, w.officerA.Email(), password)
	tok, _ := signin.JSON["token"].(string)
	if signin.Status != 200 || h.Do("GET", "/api/queue", nil, tok).Status != 403 {
		t.Errorf("the one-time password: sign-in %d, then the queue is not refused", signin.Status)
	}
	if n := auditCountOf(t, h, "password_one_time", w.officerA.Id); n != 1 {
		t.Errorf("%d audit entries for the reset", n)
	}
	entry, _ := h.App.FindFirstRecordByFilter("audit_log", "action = 'password_one_time'")
	if entry == nil || strings.Contains(entry.GetString("detail"), password) {
		t.Errorf("the audit entry holds the password: %v", entry)
	}
	// a deactivated account is activated first
	w.officerA.Set("active", false)
	if err := h.App.Save(w.officerA); err != nil {
		t.Fatal(err)
	}
	if res := h.Do("POST", path, nil, w.tokSup); res.Status != 400 || res.FieldCode("active") != "inactive" {
		t.Errorf("reset of an inactive account: %d %s", res.Status, res)
	}
}

// The reset mail goes through the office's real mail server, in Bahasa
// Indonesia, linking to the console's own page; the link's new password
// ends the obligation to change it.
func TestResetMailAndNewAccountByMail(t *testing.T) {
	w := newStaffWorld(t)
	h := w.h
	// without mail the console is told to give a one-time password
	if res := h.Do("POST", "/api/staff-accounts/"+w.officerA.Id+"/reset-mail", nil, w.tokSup); res.Status != 400 || res.FieldCode("mail") != "mail_not_configured" {
		t.Errorf("reset mail without SMTP: %d %s", res.Status, res)
	}
	add := map[string]any{"name": "Petugas Surel", "email": "surel@teduh.test", "role": "officer", "password_delivery": "email"}
	if res := h.Do("POST", "/api/staff-accounts", add, w.tokSup); res.Status != 400 || res.FieldCode("password_delivery") != "mail_not_configured" {
		t.Errorf("add by mail without SMTP: %d %s", res.Status, res)
	}
	if n, _ := h.App.CountRecords("staff", dbx.HashExp{"email": "surel@teduh.test"}); n != 0 {
		t.Error("the refused account was stored")
	}

	inbox, _, port := startSMTP(t)
	useSMTP(h, port)
	res := h.Do("POST", "/api/staff-accounts", add, w.tokSup)
	if res.Status != 200 || res.JSON["sent_to"] != "surel@teduh.test" {
		t.Fatalf("add by mail: %d %s", res.Status, res)
	}
	if res := h.Do("POST", "/api/staff-accounts/"+w.officerA.Id+"/reset-mail", nil, w.tokSup); res.Status != 200 {
		t.Fatalf("reset mail: %d %s", res.Status, res)
	}
	msgs := inbox.messages()
	if len(msgs) != 2 {
		t.Fatalf("%d mails, want the new account's and the reset", len(msgs))
	}
	for i, to := range []string{"surel@teduh.test", w.officerA.Email()} {
		m := parseMail(t, msgs[i].Data)
		if !strings.Contains(m.To, to) || !strings.HasPrefix(m.Subject, "Atur ulang kata sandi") || !strings.Contains(m.HTML, "kata sandi baru") {
			t.Errorf("mail %d: to %q subject %q", i, m.To, m.Subject)
		}
		link := regexp.MustCompile(`https://teduh\.singkawangkota\.go\.id/staff/#/atur-ulang-sandi/([A-Za-z0-9._-]+)`).FindStringSubmatch(m.HTML)
		if link == nil {
			t.Fatalf("mail %d has no link to the console: %s", i, m.HTML)
		}
		res := h.Do("POST", "/api/collections/staff/confirm-password-reset", map[string]any{"token": link[1],
			"password": "pilihan-sendiri-12", "passwordConfirm": "pilihan-sendiri-12"}, "")
		if res.Status != 204 {
			t.Fatalf("confirm reset %d: %d %s", i, res.Status, res)
		}
		rec, err := h.App.FindAuthRecordByEmail("staff", to)
		if err != nil {
			t.Fatal(err)
		}
		if rec.GetBool("password_must_change") || !rec.GetBool("active") {
			t.Errorf("%s after choosing a password: must change %v active %v", to, rec.GetBool("password_must_change"), rec.GetBool("active"))
		}
		signin := signIn(h, to, "pilihan-sendiri-12")
		tok, _ := signin.JSON["token"].(string)
		if signin.Status != 200 || h.Do("GET", "/api/queue", nil, tok).Status != 200 {
			t.Errorf("%s cannot work after choosing a password: %d", to, signin.Status)
		}
	}
	if n := auditCountOf(t, h, "password_reset_mail", w.officerA.Id); n != 1 {
		t.Errorf("%d audit entries for the reset mail", n)
	}
}

// Every way an account is made: active by default, and an e-mail in use is
// refused in Bahasa Indonesia, keyed by field.
func TestNewStaffActiveAndDuplicateEmailInBahasaIndonesia(t *testing.T) {
	w := newStaffWorld(t)
	h := w.h
	// the admin panel's form sends active = false unless ticked
	res := h.Do("POST", "/api/collections/staff/records", map[string]any{"email": "panel@teduh.test", "password": authzStaffPass,
		"passwordConfirm": authzStaffPass, "name": "Dari Panel", "role": "officer", "active": false, "verified": false}, w.tokU)
	if res.Status != 200 {
		t.Fatalf("admin panel create: %d %s", res.Status, res)
	}
	rec, err := h.App.FindAuthRecordByEmail("staff", "panel@teduh.test")
	if err != nil {
		t.Fatal(err)
	}
	if !rec.GetBool("active") || !rec.Verified() || !rec.GetBool("password_must_change") {
		t.Errorf("admin panel account: active %v verified %v must change %v", rec.GetBool("active"), rec.Verified(), rec.GetBool("password_must_change"))
	}
	if n := auditCountOf(t, h, "create", rec.Id); n != 1 {
		t.Errorf("%d audit entries for the admin panel's account", n)
	}

	for _, tc := range []struct {
		name  string
		res   func() *response
		token string
	}{
		{"console", func() *response {
			return h.Do("POST", "/api/staff-accounts", map[string]any{"name": "Ganda", "email": "Petugas.A@teduh.test", "role": "officer", "password_delivery": "one_time"}, w.tokSup)
		}, ""},
		{"admin panel", func() *response {
			return h.Do("POST", "/api/collections/staff/records", map[string]any{"email": "petugas.a@teduh.test", "password": authzStaffPass,
				"passwordConfirm": authzStaffPass, "name": "Ganda", "role": "officer"}, w.tokU)
		}, ""},
	} {
		res := tc.res()
		if res.Status != 400 || res.FieldCode("email") != "email_taken" {
			t.Errorf("%s: duplicate e-mail %d %s", tc.name, res.Status, res)
		}
		if strings.Contains(res.String(), "unique") || !strings.Contains(res.String(), "sudah dipakai") {
			t.Errorf("%s: answer not in Bahasa Indonesia: %s", tc.name, res)
		}
	}
	// the `staff add` command
	t.Setenv("TEDUH_STAFF_PASSWORD", "kata-sandi-panjang-1")
	cmd := pb_hooks.StaffCommand(h.App)
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"add", "petugas.a@teduh.test", "--name", "Ganda", "--role", "officer"})
	err = cmd.Execute()
	if err == nil || !strings.Contains(err.Error(), "email: Alamat email ini sudah dipakai akun petugas lain") || strings.Contains(err.Error(), "Value must be unique") {
		t.Errorf("staff add on an existing e-mail: %v", err)
	}
	// other bad input of the console's form
	res = h.Do("POST", "/api/staff-accounts", map[string]any{"name": " ", "email": "bukan-email", "role": "admin", "nip": "123", "password_delivery": "sms"}, w.tokSup)
	if res.Status != 400 || res.FieldCode("name") != "required" || res.FieldCode("role") != "invalid_role" || res.FieldCode("password_delivery") != "invalid_delivery" {
		t.Errorf("bad add: %d %s", res.Status, res)
	}
	res = h.Do("POST", "/api/staff-accounts", map[string]any{"name": "Nama", "email": "baik@teduh.test", "role": "officer", "nip": "123", "password_delivery": "one_time"}, w.tokSup)
	if res.Status != 400 || res.FieldCode("nip") != "invalid_nip" {
		t.Errorf("bad NIP: %d %s", res.Status, res)
	}
	res = h.Do("POST", "/api/staff-accounts", map[string]any{"name": "Nama", "email": "bukan-email", "role": "officer", "password_delivery": "one_time"}, w.tokSup)
	if res.Status != 400 || res.FieldCode("email") == "" || !strings.Contains(res.String(), "Alamat email tidak valid") {
		t.Errorf("bad e-mail: %d %s", res.Status, res)
	}
	if n, _ := h.App.CountRecords("staff", dbx.HashExp{"name": "Nama"}); n != 0 {
		t.Error("a refused account was stored")
	}
}

// Accounts are deactivated and reactivated, never deleted; the list with
// e-mails is the supervisors'.
func TestStaffDeactivateReactivateNoDelete(t *testing.T) {
	w := newStaffWorld(t)
	h := w.h
	patch := func(body map[string]any) *response {
		return h.Do("PATCH", "/api/collections/staff/records/"+w.officerA.Id, body, w.tokSup)
	}
	if res := patch(map[string]any{"active": false}); res.Status != 200 {
		t.Fatalf("deactivate: %d %s", res.Status, res)
	}
	if res := signIn(h, w.officerA.Email(), authzStaffPass); res.Status != 403 {
		t.Errorf("a deactivated account signs in: %d", res.Status)
	}
	if res := h.Do("GET", "/api/queue", nil, w.tokA); res.Status != 403 {
		t.Errorf("a deactivated account's session: %d", res.Status)
	}
	if res := patch(map[string]any{"active": true}); res.Status != 200 {
		t.Fatalf("reactivate: %d %s", res.Status, res)
	}
	if res := signIn(h, w.officerA.Email(), authzStaffPass); res.Status != 200 {
		t.Errorf("a reactivated account cannot sign in: %d %s", res.Status, res)
	}
	entry, err := h.App.FindFirstRecordByFilter("audit_log", "action = 'update' && record_id = {:id}", dbx.Params{"id": w.officerA.Id})
	if err != nil || entry.GetString("actor_id") != w.supervisor.Id || !strings.Contains(entry.GetString("detail"), "active") {
		t.Errorf("deactivation not audited: %v %v", err, entry)
	}
	for _, tok := range []string{w.tokSup, w.tokU} {
		if res := h.Do("DELETE", "/api/collections/staff/records/"+w.officerA.Id, nil, tok); res.Status != 403 {
			t.Errorf("delete: %d %s", res.Status, res)
		}
	}
	if _, err := h.App.FindRecordById("staff", w.officerA.Id); err != nil {
		t.Error("the account is gone")
	}
	if err := h.App.Delete(w.officerA); err == nil {
		t.Error("Go code deleted an account")
	}

	res := h.Do("GET", "/api/staff-accounts", nil, w.tokSup)
	items, _ := res.JSON["items"].([]any)
	if res.Status != 200 || len(items) != 2 {
		t.Fatalf("account list: %d %s", res.Status, res)
	}
	emails := map[string]bool{}
	for _, it := range items {
		m, _ := it.(map[string]any)
		emails[m["email"].(string)] = true
	}
	if !emails["petugas.a@teduh.test"] || !emails["kepala@teduh.test"] {
		t.Errorf("account list lacks e-mails: %s", res)
	}
	if res := h.Do("GET", "/api/staff-accounts", nil, w.tokA); res.Status != 403 {
		t.Errorf("officer reads the account list: %d", res.Status)
	}
}
