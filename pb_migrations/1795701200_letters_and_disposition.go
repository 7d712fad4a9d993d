package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Letters an office signs, and the supervisor's disposition:
//   - the office profile gets the regional emblem and the letter's Tembusan;
//     staff an optional NIP for the letters they appear in;
//   - referral institutions (the letters' addressees) get an e-mail address
//     and "confirmed": the seeded Singkawang rows are the office's to check,
//     and no letter is sent to an institution nobody has confirmed;
//   - a referral keeps the letter it was sent with (a protected PDF written
//     by the server once) and how that letter went out;
//   - two notification kinds tell supervisors a case waits for step 7;
//   - an index finds the open cases waiting at one step.
func init() {
	m.Register(func(app core.App) error {
		for _, up := range []func(core.App) error{
			addOfficeLetterFields, addStaffNIP, addInstitutionContact, addReferralLetter, addDispositionKinds, addOpenStepIndex,
		} {
			if err := up(app); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		remove := map[string][]string{
			"office":                {"emblem", "letter_copies_to"},
			"staff":                 {"nip"},
			"referral_institutions": {"email", "confirmed"},
			"referrals":             {"letter_file", "letter_delivery", "letter_emailed_to", "letter_emailed_at", "letter_email_error"},
		}
		for name, fields := range remove {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			for _, f := range fields {
				c.Fields.RemoveByName(f)
			}
			if err := app.Save(c); err != nil {
				return err
			}
		}
		complaints, err := app.FindCollectionByNameOrId("complaints")
		if err != nil {
			return err
		}
		complaints.RemoveIndex(openStepIndex)
		if err := app.Save(complaints); err != nil {
			return err
		}
		notifications, err := app.FindCollectionByNameOrId("notifications")
		if err != nil {
			return err
		}
		if kind, ok := notifications.Fields.GetByName("kind").(*core.SelectField); ok {
			var keep []string
			for _, v := range kind.Values {
				if v != "disposition_waiting" && v != "disposition_reminder" {
					keep = append(keep, v)
				}
			}
			kind.Values = keep
		}
		return app.Save(notifications)
	})
}

func addOfficeLetterFields(app core.App) error {
	office, err := app.FindCollectionByNameOrId("office")
	if err != nil {
		return err
	}
	office.Fields.Add(
		// the lambang daerah at the left of the letterhead; a hook checks
		// that it is a readable image
		&core.FileField{Name: "emblem", MaxSelect: 1, MaxSize: 2 << 20, MimeTypes: []string{"image/png", "image/jpeg"}},
		// the letter's Tembusan, in order: ["Yth. Wali Kota Singkawang (sebagai laporan)", "Arsip"]
		&core.JSONField{Name: "letter_copies_to", MaxSize: 5000},
	)
	return app.Save(office)
}

func addStaffNIP(app core.App) error {
	staff, err := app.FindCollectionByNameOrId("staff")
	if err != nil {
		return err
	}
	// the civil-servant number printed beside the officer's name on letters
	// and reports; contract staff have none
	staff.Fields.Add(&core.TextField{Name: "nip", Max: 30})
	return app.Save(staff)
}

// shelterSeedNote is the seeded note of the shelter; its address must now be
// filled in, so the note says which one.
const shelterSeedNote = "Alamat rumah aman dirahasiakan; jangan tuliskan di sini. Data awal: periksa nama, lalu lengkapi alamat dan telepon di panel admin."

func addInstitutionContact(app core.App) error {
	c, err := app.FindCollectionByNameOrId("referral_institutions")
	if err != nil {
		return err
	}
	c.Fields.Add(
		// where a sent letter is mailed (as a PDF attachment) when mail is set up
		&core.EmailField{Name: "email"},
		// the office has checked name, address, telephone and e-mail; the
		// seeded rows have not (false), and letters go only to confirmed ones
		&core.BoolField{Name: "confirmed"},
	)
	if err := app.Save(c); err != nil {
		return err
	}
	shelters, err := app.FindAllRecords(c)
	if err != nil {
		return err
	}
	for _, r := range shelters {
		if r.GetString("notes") == shelterSeedNote {
			r.Set("notes", "Lokasi rumah aman dirahasiakan: isi alamat surat-menyurat pengelolanya, bukan lokasi rumah aman. "+
				"Data awal: periksa nama, lalu lengkapi alamat, telepon dan e-mail, dan tandai sudah dikonfirmasi.")
			if err := app.SaveNoValidate(r); err != nil {
				return err
			}
		}
	}
	return nil
}

func addReferralLetter(app core.App) error {
	c, err := app.FindCollectionByNameOrId("referrals")
	if err != nil {
		return err
	}
	c.Fields.Add(
		// set by the server only, once, when the referral is sent: every
		// download afterwards serves these bytes
		&core.FileField{Name: "letter_file", MaxSelect: 1, MaxSize: 5 << 20, Protected: true, MimeTypes: []string{"application/pdf"}},
		// how the letter went out: mailed to the institution, the mail failed,
		// or to be printed and handed over (no e-mail address, no mail server)
		&core.SelectField{Name: "letter_delivery", MaxSelect: 1, Values: []string{"emailed", "email_failed", "no_email", "no_mail_server"}},
		&core.TextField{Name: "letter_emailed_to", Max: 255},
		&core.DateField{Name: "letter_emailed_at"},
		&core.TextField{Name: "letter_email_error", Max: 1000},
	)
	return app.Save(c)
}

func addDispositionKinds(app core.App) error {
	c, err := app.FindCollectionByNameOrId("notifications")
	if err != nil {
		return err
	}
	kind, ok := c.Fields.GetByName("kind").(*core.SelectField)
	if !ok {
		return nil
	}
	kind.Values = append(kind.Values, "disposition_waiting", "disposition_reminder")
	return app.Save(c)
}

const openStepIndex = "idx_complaints_open_step"

// addOpenStepIndex: the cases waiting at one step (step 7, the
// supervisors' disposition) for the queue's filter and the sweep, among the
// open cases only.
func addOpenStepIndex(app core.App) error {
	c, err := app.FindCollectionByNameOrId("complaints")
	if err != nil {
		return err
	}
	c.AddIndex(openStepIndex, false, "current_step, status", "status IN ('new', 'in_progress', 'awaiting_requirements')")
	return app.Save(c)
}
