package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"teduh/internal/definitions"
	"teduh/internal/referral"
)

// Referral institutions, referrals, and what the office profile needs to
// write referral letters (the letter number format and the place before
// the date).
func init() {
	m.Register(func(app core.App) error {
		if err := addLetterFields(app); err != nil {
			return err
		}
		institutions, err := referralInstitutionsCollection()
		if err != nil {
			return err
		}
		if err := app.Save(institutions); err != nil {
			return err
		}
		if err := seedInstitutions(app, institutions); err != nil {
			return err
		}
		referrals, err := referralsCollection(app, institutions)
		if err != nil {
			return err
		}
		return app.Save(referrals)
	}, func(app core.App) error {
		for _, name := range []string{"referrals", "referral_institutions"} {
			if c, err := app.FindCollectionByNameOrId(name); err == nil {
				if err := app.Delete(c); err != nil {
					return err
				}
			}
		}
		office, err := app.FindCollectionByNameOrId("office")
		if err != nil {
			return err
		}
		office.Fields.RemoveByName("letter_number_format")
		office.Fields.RemoveByName("letter_place")
		return app.Save(office)
	})
}

// addLetterFields adds the letter settings to the office profile and fills
// them for the office already there.
func addLetterFields(app core.App) error {
	office, err := app.FindCollectionByNameOrId("office")
	if err != nil {
		return err
	}
	office.Fields.Add(
		// placeholders {seq} {code} {month} {month_roman} {year}; checked by a hook
		&core.TextField{Name: "letter_number_format", Max: 80},
		// the town written before a letter's date ("Singkawang, 26 November 2026")
		&core.TextField{Name: "letter_place", Max: 100},
	)
	if err := app.Save(office); err != nil {
		return err
	}
	records, err := app.FindAllRecords(office)
	if err != nil {
		return err
	}
	for _, r := range records {
		if r.GetString("letter_number_format") == "" {
			r.Set("letter_number_format", referral.DefaultLetterFormat)
		}
		if r.GetString("letter_place") == "" && r.GetString("code") == "SKW" {
			r.Set("letter_place", "Singkawang")
		}
		if err := app.SaveNoValidate(r); err != nil {
			return err
		}
	}
	return nil
}

func referralInstitutionsCollection() (*core.Collection, error) {
	c := core.NewBaseCollection("referral_institutions")
	// read by active staff; created, edited and retired by the system
	// administrator in the admin panel (no create/update/delete rule)
	c.ListRule = ptr(ruleStaff)
	c.ViewRule = ptr(ruleStaff)
	types := make([]string, len(definitions.InstitutionTypes))
	for i, o := range definitions.InstitutionTypes {
		types[i] = o.Code
	}
	c.Fields.Add(
		&core.TextField{Name: "name", Required: true, Max: 200, Presentable: true},
		&core.SelectField{Name: "type", Required: true, MaxSelect: 1, Values: types},
		&core.TextField{Name: "address", Max: 300},
		&core.TextField{Name: "phone", Max: 40},
		// services offered, contact person, opening hours: for the officer
		&core.TextField{Name: "notes", Max: 1000},
		// a retired institution keeps its old referrals but gets no new ones
		&core.BoolField{Name: "active"},
	)
	timestamps(c)
	c.AddIndex("idx_referral_institutions_name", true, "name", "")
	c.AddIndex("idx_referral_institutions_type", false, "type, active", "")
	return c, nil
}

// seedInstitutions enters Singkawang's usual referral network. Addresses
// and telephone numbers are left for the office to fill in rather than
// guessed: a wrong address on a referral letter sends a victim astray.
func seedInstitutions(app core.App, c *core.Collection) error {
	const check = "Data awal: periksa nama, lalu lengkapi alamat dan telepon di panel admin."
	seed := []struct{ name, typ, notes string }{
		{"RSUD dr. Abdul Aziz Singkawang", "health", check},
		{"Puskesmas sesuai wilayah tempat tinggal korban", "health", "Ganti dengan nama puskesmas yang dituju, atau tambahkan satu baris untuk setiap puskesmas."},
		{"Unit PPA Satreskrim Polres Singkawang", "police", check},
		{"Rumah Aman (shelter) Kota Singkawang", "shelter", "Alamat rumah aman dirahasiakan; jangan tuliskan di sini. " + check},
		{"UPTD Perlindungan Perempuan dan Anak Kota Singkawang", "psychosocial", check},
		{"Psikolog klinis mitra Dinas", "psychosocial", "Ganti dengan nama psikolog atau biro psikologi yang bekerja sama dengan Dinas."},
		{"Pos Bantuan Hukum Pengadilan Negeri Singkawang", "legal_aid", check},
		{"Dinas Kependudukan dan Pencatatan Sipil Kota Singkawang", "civil_registry", check},
		{"Dinas Pendidikan dan Kebudayaan Kota Singkawang", "education", "Untuk rujukan ke sekolah korban melalui dinas yang membawahinya. " + check},
		{"Kantor Kementerian Agama Kota Singkawang (penyuluh agama)", "religious", check},
	}
	for _, s := range seed {
		r := core.NewRecord(c)
		r.Load(map[string]any{"name": s.name, "type": s.typ, "notes": s.notes, "active": true})
		if err := app.Save(r); err != nil {
			return err
		}
	}
	return nil
}

func referralsCollection(app core.App, institutions *core.Collection) (*core.Collection, error) {
	staff, err := app.FindCollectionByNameOrId("staff")
	if err != nil {
		return nil, err
	}
	complaints, err := app.FindCollectionByNameOrId("complaints")
	if err != nil {
		return nil, err
	}
	c := core.NewBaseCollection("referrals")
	// a referral is part of its case: the case's visibility applies
	c.ListRule = ptr(ruleCaseChild)
	c.ViewRule = ptr(ruleCaseChild)
	c.UpdateRule = ptr(ruleCaseChild)
	// who may refer on which case is checked by the create hook, so that the
	// answer is a clear 404 rather than PocketBase's generic 400
	c.CreateRule = ptr(ruleStaff)
	// no delete rule: a referral is revoked, never deleted (hooks refuse superusers too)
	c.Fields.Add(
		&core.RelationField{Name: "complaint", CollectionId: complaints.Id, MaxSelect: 1, Required: true},
		&core.RelationField{Name: "institution", CollectionId: institutions.Id, MaxSelect: 1, Required: true},
		&core.TextField{Name: "services", Max: 2000},
		&core.TextField{Name: "reason", Max: 2000},
		// its place among the case's referrals (1 = most urgent)
		&core.NumberField{Name: "priority", OnlyInt: true, Min: ptr(0.0), Max: ptr(99.0)},
		&core.BoolField{Name: "consent"},
		&core.SelectField{Name: "consent_by", MaxSelect: 1, Values: []string{referral.ConsentByVictim, referral.ConsentByGuardian}},
		&core.TextField{Name: "consent_name", Max: 100},
		&core.SelectField{Name: "status", MaxSelect: 1, Values: referral.Statuses},
		&core.TextField{Name: "response_note", Max: 2000},
		&core.TextField{Name: "closing_note", Max: 2000},
		// set by the server only (hooks refuse other writers)
		&core.DateField{Name: "consent_at"},
		&core.TextField{Name: "letter_number", Max: 80, Presentable: true},
		&core.NumberField{Name: "letter_year", OnlyInt: true, Hidden: true},
		&core.NumberField{Name: "letter_seq", OnlyInt: true, Hidden: true},
		&core.DateField{Name: "sent_at"},
		&core.DateField{Name: "responded_at"},
		&core.DateField{Name: "completed_at"},
		&core.DateField{Name: "revoked_at"},
		&core.RelationField{Name: "created_by", CollectionId: staff.Id, MaxSelect: 1},
		&core.RelationField{Name: "sent_by", CollectionId: staff.Id, MaxSelect: 1},
	)
	timestamps(c)
	c.AddIndex("idx_referrals_complaint_status", false, "complaint, status", "")
	// the database's own guarantee that no two letters share a number
	c.AddIndex("idx_referrals_letter_seq", true, "letter_year, letter_seq", "letter_seq > 0")
	c.AddIndex("idx_referrals_letter_number", true, "letter_number", "letter_number != ''")
	return c, nil
}
