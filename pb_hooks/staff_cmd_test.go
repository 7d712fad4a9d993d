package pb_hooks_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"teduh/pb_hooks"
)

// `teduh staff add` works on a data directory the server has never opened:
// it applies the migrations itself instead of failing on a missing
// collection, so the README's "while or before the server runs" holds.
func TestStaffAddOnAFreshDataDirectory(t *testing.T) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	if _, err := pb_hooks.RegisterWith(app, pb_hooks.Config{}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TEDUH_STAFF_PASSWORD", "kata-sandi-panjang-1")
	cmd := pb_hooks.StaffCommand(app)
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"add", "kepala@teduh.test", "--name", "Kepala Bidang", "--role", "supervisor"})
	if err := cmd.Execute(); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Akun Kepala Bidang (kepala@teduh.test, supervisor) dibuat dan aktif.") {
		t.Errorf("output: %s", out.String())
	}
	rec, err := app.FindAuthRecordByEmail("staff", "kepala@teduh.test")
	if err != nil || !rec.ValidatePassword("kata-sandi-panjang-1") || rec.GetString("role") != "supervisor" {
		t.Fatalf("account not stored as asked: %v", err)
	}
	// the office profile and the rest of the schema came with it
	if _, err := app.FindFirstRecordByFilter("office", "name != ''"); err != nil {
		t.Errorf("office profile missing: %v", err)
	}
}
