package pb_migrations

import (
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"teduh/internal/profile"
)

// Office set-up by the office itself (issue 11):
//   - the profile gets what its derived parts need (the local SAPA service's
//     name, whether there is a suggestion box) and "sample", true for the
//     seeded Singkawang profile until a supervisor confirms it;
//   - the letterhead, the head of office's title, the letter's place and the
//     emergency numbers the seed stored are cleared where they are exactly
//     what the profile derives (internal/profile), so they follow the
//     profile from now on; what an office wrote itself stays;
//   - supervisors update the profile and the referral institutions, and
//     update staff accounts (the rules let staff try; request hooks decide
//     who and which fields, pb_hooks/setup.go and staff_admin.go); a staff
//     account can be told to change its password at the next sign-in.
func init() {
	m.Register(func(app core.App) error {
		for _, up := range []func(core.App) error{officeSetupFields, deriveSeededProfile, staffManagement, institutionsBySupervisors} {
			if err := up(app); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		office, err := app.FindCollectionByNameOrId("office")
		if err != nil {
			return err
		}
		for _, f := range []string{"sample", "sapa_name", "suggestion_box"} {
			office.Fields.RemoveByName(f)
		}
		office.UpdateRule = nil
		if err := app.Save(office); err != nil {
			return err
		}
		staff, err := app.FindCollectionByNameOrId("staff")
		if err != nil {
			return err
		}
		staff.Fields.RemoveByName("password_must_change")
		staff.UpdateRule = ptr(ruleStaff + ` && id = @request.auth.id && @request.body.role:isset = false && @request.body.active:isset = false && @request.body.email:isset = false && @request.body.verified:isset = false`)
		if err := app.Save(staff); err != nil {
			return err
		}
		institutions, err := app.FindCollectionByNameOrId("referral_institutions")
		if err != nil {
			return err
		}
		institutions.CreateRule, institutions.UpdateRule = nil, nil
		return app.Save(institutions)
	})
}

func officeSetupFields(app core.App) error {
	c, err := app.FindCollectionByNameOrId("office")
	if err != nil {
		return err
	}
	c.Fields.Add(
		// the seeded profile is an example until the office confirms it
		&core.BoolField{Name: "sample"},
		// the local SAPA service, one of the complaint channels ("SAPA Singkawang")
		&core.TextField{Name: "sapa_name", Max: 100},
		// a suggestion box at the office, another complaint channel
		&core.BoolField{Name: "suggestion_box"},
	)
	// supervisors update the profile: the rule lets active staff try, so
	// that the request hook (pb_hooks/setup.go) can tell an officer why not,
	// and keeps the administrator's fields (origins, two-step sign-in, the
	// service standard) the administrator's
	c.UpdateRule = ptr(ruleStaff)
	return app.Save(c)
}

// The seeded Singkawang profile, as the first migration wrote it: a record
// that still holds these is the sample.
var seededProfile = map[string]string{
	"government": "Pemerintah Kota Singkawang",
	"address":    "Jalan Firdaus H Rais No 63 Singkawang 79123",
	"phone":      "0562639472",
	"whatsapp":   "089520338668",
	"head_name":  "",
}

// deriveSeededProfile marks the seed as a sample, moves its complaint
// channels into the fields they derive from, and clears the stored values
// the profile now derives.
func deriveSeededProfile(app core.App) error {
	records, err := app.FindAllRecords("office")
	if err != nil {
		return err
	}
	for _, r := range records {
		sample := true
		for field, seeded := range seededProfile {
			if r.GetString(field) != seeded {
				sample = false
			}
		}
		r.Set("sample", sample)

		var service struct {
			Channels []string `json:"complaint_channels"`
		}
		_ = r.UnmarshalJSONField("service", &service)
		if len(service.Channels) == 0 && sample {
			// 1795701510 cleared the standard the seed wrote (the service
			// definitions carry it now); its channels are the seed's
			for _, ch := range seededStandard["complaint_channels"].([]any) {
				service.Channels = append(service.Channels, ch.(string))
			}
		}
		for _, ch := range service.Channels {
			switch {
			case strings.HasPrefix(strings.ToLower(ch), "kotak saran"):
				r.Set("suggestion_box", true)
			case strings.HasPrefix(ch, "SAPA ") && r.GetString("sapa_name") == "":
				r.Set("sapa_name", ch)
			}
		}

		p := profile.Profile{
			Name: r.GetString("name"), Government: r.GetString("government"), Address: r.GetString("address"),
			Phone: r.GetString("phone"), Website: r.GetString("website"), WhatsApp: r.GetString("whatsapp"),
			Email: r.GetString("email"), RegencyName: r.GetString("regency_name"),
		}
		var lines []string
		if err := r.UnmarshalJSONField("letterhead_lines", &lines); err == nil && slices.Equal(lines, p.DefaultLetterhead()) {
			r.Set("letterhead_lines", nil)
		}
		if strings.TrimSpace(r.GetString("head_title")) == p.DefaultHeadTitle() {
			r.Set("head_title", "")
		}
		if strings.TrimSpace(r.GetString("letter_place")) == p.DefaultLetterPlace() {
			r.Set("letter_place", "")
		}
		// the stored emergency list keeps only the numbers the profile does
		// not derive (the national ones and the office's own are derived)
		var stored []profile.Contact
		_ = r.UnmarshalJSONField("emergency_contacts", &stored)
		derived := map[string]bool{}
		for _, c := range p.EmergencyContacts() {
			derived[profile.Digits(c.Number)] = true
		}
		extra := []map[string]string{}
		for _, c := range stored {
			if !derived[profile.Digits(c.Number)] {
				extra = append(extra, map[string]string{"label": c.Label, "number": c.Number})
			}
		}
		r.Set("emergency_contacts", extra)
		if err := app.SaveNoValidate(r); err != nil {
			return err
		}
	}
	return nil
}

func staffManagement(app core.App) error {
	c, err := app.FindCollectionByNameOrId("staff")
	if err != nil {
		return err
	}
	// set with a one-time password (or a new account): every request but
	// changing the password and reading one's own record is refused until
	// the account's owner chose their own
	c.Fields.Add(&core.BoolField{Name: "password_must_change"})
	// staff edit their own name, phone, NIP and password; supervisors also
	// others' name, phone, NIP, role and status — which fields exactly is
	// the staff hooks' (pb_hooks/staff_admin.go), with messages that say why
	c.UpdateRule = ptr(ruleStaff + ` && ((id = @request.auth.id && @request.body.role:isset = false && @request.body.active:isset = false && ` +
		`@request.body.email:isset = false && @request.body.verified:isset = false && @request.body.password_must_change:isset = false) || @request.auth.role = "supervisor")`)
	return app.Save(c)
}

// The seeded institutions' notes pointed at the admin panel; the console's
// set-up page is where the office completes them now.
var institutionSeedNotes = map[string]string{
	"Data awal: periksa nama, lalu lengkapi alamat dan telepon di panel admin.": "Data awal: periksa nama, lalu lengkapi alamat, telepon dan e-mail di konsol (Pengaturan → Lembaga rujukan) dan tandai sudah dikonfirmasi.",
}

func institutionsBySupervisors(app core.App) error {
	c, err := app.FindCollectionByNameOrId("referral_institutions")
	if err != nil {
		return err
	}
	// supervisors keep the directory (the request hook refuses officers
	// with the reason; no delete rule: an institution is retired with
	// active = false and keeps its old referrals)
	c.CreateRule = ptr(ruleStaff)
	c.UpdateRule = ptr(ruleStaff)
	if err := app.Save(c); err != nil {
		return err
	}
	records, err := app.FindAllRecords(c)
	if err != nil {
		return err
	}
	for _, r := range records {
		notes := r.GetString("notes")
		changed := notes
		for old, repl := range institutionSeedNotes {
			changed = strings.ReplaceAll(changed, old, repl)
		}
		if changed != notes {
			r.Set("notes", changed)
			if err := app.SaveNoValidate(r); err != nil {
				return err
			}
		}
	}
	return nil
}
