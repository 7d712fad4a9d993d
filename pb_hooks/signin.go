package pb_hooks

// Signing in: an account locks for 30 minutes after 6 failed sign-ins in a
// row; a staff token lasts one working day (8 hours, set on the collection)
// and is not renewed; staff cannot change their own e-mail address (the
// administrator does); supervisors sign in with a code sent by e-mail as a
// second step when the office switches it on and mail works.

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

const (
	maxSignInFailures = 6
	lockoutDuration   = 30 * time.Minute
)

func (t *Teduh) bindSignIn() {
	app := t.app
	app.OnRecordAuthWithPasswordRequest("staff", core.CollectionNameSuperusers).BindFunc(t.guardPasswordSignIn)
	app.OnRecordAuthRefreshRequest("staff").BindFunc(func(e *core.RecordAuthRefreshRequestEvent) error {
		return router.NewForbiddenError("Sesi petugas tidak diperpanjang: masuk lagi dengan kata sandi (sesi berlaku satu hari kerja).", nil)
	})
	app.OnRecordRequestEmailChangeRequest("staff").BindFunc(func(e *core.RecordRequestEmailChangeRequestEvent) error {
		return router.NewForbiddenError("Alamat email akun petugas hanya diubah oleh administrator sistem.", nil)
	})
	app.OnRecordConfirmEmailChangeRequest("staff").BindFunc(func(e *core.RecordConfirmEmailChangeRequestEvent) error {
		return router.NewForbiddenError("Alamat email akun petugas hanya diubah oleh administrator sistem.", nil)
	})
	// two-step sign-in follows the office setting and the mail settings
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := t.applyTwoStepSetting(se.App); err != nil {
			return err
		}
		return se.Next()
	})
	app.OnRecordAfterUpdateSuccess("office").BindFunc(func(e *core.RecordEvent) error {
		if err := t.applyTwoStepSetting(e.App); err != nil {
			e.App.Logger().Error("two-step sign-in setting not applied", "error", err)
		}
		return e.Next()
	})
	app.OnSettingsUpdateRequest().BindFunc(func(e *core.SettingsUpdateRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		if err := t.applyTwoStepSetting(e.App); err != nil {
			e.App.Logger().Error("two-step sign-in setting not applied", "error", err)
		}
		return nil
	})
}

// guardPasswordSignIn refuses a locked account and counts failures. The
// count is kept per identity as typed (lower case), whether or not such an
// account exists, so that the answer tells nothing about which e-mails are
// accounts.
func (t *Teduh) guardPasswordSignIn(e *core.RecordAuthWithPasswordRequestEvent) error {
	identity := e.Collection.Name + ":" + strings.ToLower(strings.TrimSpace(e.Identity))
	now := t.now().UTC()
	var row struct {
		Failures    int    `db:"failures"`
		LockedUntil string `db:"locked_until"`
	}
	err := e.App.DB().NewQuery("SELECT failures, locked_until FROM teduh_signin_failures WHERE identity = {:id}").
		Bind(dbx.Params{"id": identity}).One(&row)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if until, perr := time.Parse(time.RFC3339, row.LockedUntil); perr == nil && now.Before(until) {
		office, _ := t.Office(e.App)
		loc := time.UTC
		if office != nil {
			loc = office.Location()
		}
		return router.NewApiError(http.StatusTooManyRequests, fmt.Sprintf(
			"Akun ini dikunci sementara karena %d kali gagal masuk. Coba lagi setelah pukul %s (30 menit), atau minta kepala/administrator mengatur ulang kata sandi.",
			maxSignInFailures, until.In(loc).Format("15.04")), nil)
	}

	err = e.Next()
	var apiErr *router.ApiError
	failed := err != nil && !errors.Is(err, apis.ErrMFA) && errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest
	if !failed {
		if err == nil || errors.Is(err, apis.ErrMFA) {
			_, _ = e.App.DB().NewQuery("DELETE FROM teduh_signin_failures WHERE identity = {:id}").Bind(dbx.Params{"id": identity}).Execute()
		}
		return err
	}
	failures := row.Failures + 1
	locked := ""
	if failures >= maxSignInFailures {
		locked = now.Add(lockoutDuration).Format(time.RFC3339)
		failures = 0
		e.App.Logger().Warn("sign-in locked after repeated failures", "identity", identity, "ip", e.RealIP())
		t.audit(e.App, e.RequestEvent, "signin_locked", e.Collection.Name, recordID(e.Record), map[string]any{"identity": identity})
	}
	if _, werr := e.App.DB().NewQuery(`INSERT INTO teduh_signin_failures (identity, failures, locked_until, updated)
		VALUES ({:id}, {:n}, {:locked}, {:now})
		ON CONFLICT (identity) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, updated = excluded.updated`).
		Bind(dbx.Params{"id": identity, "n": failures, "locked": locked, "now": now.Format(time.RFC3339)}).Execute(); werr != nil {
		e.App.Logger().Error("sign-in failure not counted", "error", werr)
	}
	if locked != "" {
		return router.NewApiError(http.StatusTooManyRequests, fmt.Sprintf(
			"Kata sandi salah %d kali. Akun ini dikunci sementara selama 30 menit; minta kepala/administrator mengatur ulang kata sandi bila Anda lupa.",
			maxSignInFailures), nil)
	}
	return err
}

func recordID(r *core.Record) string {
	if r == nil {
		return ""
	}
	return r.Id
}

// applyTwoStepSetting switches PocketBase's MFA (password, then a code sent
// by e-mail) on for supervisors when the office asks for it and mail is
// configured; without working mail nobody could sign in, so it stays off
// and the server says why.
func (t *Teduh) applyTwoStepSetting(app core.App) error {
	office, err := LoadOffice(app)
	if err != nil {
		return nil // no profile yet: nothing to apply
	}
	want := office.Record.GetBool("mfa_supervisors")
	if want && !app.Settings().SMTP.Enabled {
		app.Logger().Warn("two-step sign-in for supervisors is asked for but mail (SMTP) is not configured; it stays off")
		want = false
	}
	c, err := app.FindCollectionByNameOrId("staff")
	if err != nil {
		return err
	}
	if c.MFA.Enabled == want && c.OTP.Enabled == want {
		return nil
	}
	c.MFA.Enabled, c.OTP.Enabled = want, want
	return app.Save(c)
}
