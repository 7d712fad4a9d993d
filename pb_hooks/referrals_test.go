package pb_hooks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/referral"
)

// referralNow is Thursday 26 November 2026, 09:00 in Singkawang.
var referralNow = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

// Personal data of the unrelated case Y; none of it may appear on case X's papers.
const (
	refYVictim     = "Dewi Sekar Arum"
	refYNIK        = "6172025512880002"
	refYChronology = "Korban diancam oleh majikannya di toko kelontong dekat pasar."
)

// referralWorld: officer A handles adult case X (verified, step 3 done),
// officer B handles case Y, child case C is A's too; a supervisor and the
// system administrator.
type referralWorld struct {
	h                              *harness
	officerA, officerB, supervisor *core.Record
	tokA, tokB, tokSup, tokSU      string
	tokInactive                    string
	caseX, caseY, caseC            *core.Record
}

// newReferralWorld is newSeededReferralWorld with the office ready to send
// letters (readyForLetters).
func newReferralWorld(t *testing.T) *referralWorld {
	t.Helper()
	w := newSeededReferralWorld(t)
	readyForLetters(t, w.h)
	return w
}

// Head of office of the test world.
const (
	refHeadName = "Drs. Hendra Wijaya, M.Si."
	refHeadNIP  = "196805121994031005"
)

// readyForLetters does what an office does before its first letter: the
// head of office in the profile, and every referral institution checked,
// with its address and telephone, and confirmed.
func readyForLetters(t *testing.T, h *harness) {
	t.Helper()
	office, err := h.App.FindFirstRecordByFilter("office", "name != ''")
	if err != nil {
		t.Fatal(err)
	}
	office.Set("head_name", refHeadName)
	office.Set("head_nip", refHeadNIP)
	if err := h.App.Save(office); err != nil {
		t.Fatal(err)
	}
	all, err := h.App.FindAllRecords("referral_institutions")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range all {
		r.Set("address", fmt.Sprintf("Jalan Alianyang No. %d, Singkawang", i+1))
		r.Set("phone", fmt.Sprintf("(0562) 6310%02d", i+1))
		r.Set("confirmed", true)
		if err := h.App.Save(r); err != nil {
			t.Fatal(err)
		}
	}
}

// newSeededReferralWorld is the world with the office's data as seeded.
func newSeededReferralWorld(t *testing.T) *referralWorld {
	t.Helper()
	h := newHarness(t, referralNow)
	w := &referralWorld{h: h}
	w.officerA, w.tokA = h.Staff("petugas.a@teduh.test", "Petugas Ayu", "officer", true)
	w.officerA.Set("phone", "0812-1111-2222")
	if err := h.App.Save(w.officerA); err != nil {
		t.Fatal(err)
	}
	w.officerB, w.tokB = h.Staff("petugas.b@teduh.test", "Petugas Budi", "officer", true)
	w.supervisor, w.tokSup = h.Staff("kepala@teduh.test", "Kepala Bidang", "supervisor", true)
	inactive, tok := h.Staff("mantan@teduh.test", "Mantan Petugas", "officer", true)
	w.tokInactive = tok
	inactive.Set("active", false)
	if err := h.App.Save(inactive); err != nil {
		t.Fatal(err)
	}
	w.tokSU = h.Superuser()

	w.caseX = h.submit(with(validComplaint(),
		"victim_name", "Ani Lestari",
		"victim_nik", "6172015205900003", // woman born 12-05-1990
		"victim_birth_date", "1990-05-12",
		"victim_address", "Jalan Merdeka Gang Mawar Nomor 7",
		"victim_district", "Singkawang Barat",
		"injured", true,
		"incident_date", "2026-11-25",
		"violence_types", []string{"physical"},
		"perpetrator_relation", "spouse",
		"incident_place", "household",
	))
	h.mustStep(w.tokA, w.caseX.Id, 2, "done", "Korban ditenangkan.", nil)
	h.mustStep(w.tokA, w.caseX.Id, 3, "done", "", map[string]any{"requirements_complete": true, "referral_priorities": []string{"health", "shelter"}})

	w.caseY = h.submit(with(validComplaint(),
		"victim_name", refYVictim, "victim_nik", refYNIK, "chronology", refYChronology))
	h.mustStep(w.tokB, w.caseY.Id, 2, "done", "Korban ditenangkan.", nil)

	w.caseC = h.submit(with(validComplaint(),
		"reporter_relation", "family",
		"victim_name", "Citra Ayu",
		"victim_birth_date", "2012-06-01",
		"violence_types", []string{"sexual"},
		"incident_date", "2026-11-25",
		"perpetrator_relation", "parent",
	))
	h.mustStep(w.tokA, w.caseC.Id, 2, "done", "Korban ditenangkan.", nil)
	w.caseX, w.caseY, w.caseC = h.reload(w.caseX), h.reload(w.caseY), h.reload(w.caseC)
	return w
}

// institution returns the id of a seeded institution by name.
func (w *referralWorld) institution(t *testing.T, name string) string {
	t.Helper()
	r, err := w.h.App.FindFirstRecordByData("referral_institutions", "name", name)
	if err != nil {
		t.Fatalf("institution %q: %v", name, err)
	}
	return r.Id
}

const (
	instHospital = "RSUD dr. Abdul Aziz Singkawang"
	instPolice   = "Unit PPA Satreskrim Polres Singkawang"
	instPsych    = "UPTD Perlindungan Perempuan dan Anak Kota Singkawang"
	instShelter  = "Rumah Aman (shelter) Kota Singkawang"
)

// draft creates a draft referral over REST and returns its id.
func (w *referralWorld) draft(t *testing.T, token, caseID, institution string, extra ...any) string {
	t.Helper()
	body := with(map[string]any{
		"complaint":   caseID,
		"institution": w.institution(t, institution),
		"services":    "Pemeriksaan dan perawatan luka, visum et repertum.",
		"reason":      "Korban terluka.",
	}, extra...)
	res := w.h.Do("POST", "/api/collections/referrals/records", body, token)
	if res.Status != 200 {
		t.Fatalf("create referral: %d %s", res.Status, res)
	}
	return res.JSON["id"].(string)
}

func (w *referralWorld) patch(id string, body map[string]any, token string) *response {
	return w.h.Do("PATCH", "/api/collections/referrals/records/"+id, body, token)
}

func (w *referralWorld) mustPatch(t *testing.T, id string, body map[string]any, token string) *response {
	t.Helper()
	res := w.patch(id, body, token)
	if res.Status != 200 {
		t.Fatalf("patch %v: %d %s", body, res.Status, res)
	}
	return res
}

// send records the adult victim's consent and sends the referral.
func (w *referralWorld) send(t *testing.T, id, token string) *response {
	t.Helper()
	return w.mustPatch(t, id, map[string]any{"consent": true, "consent_by": "victim", "status": "sent"}, token)
}

func (w *referralWorld) referral(t *testing.T, id string) *core.Record {
	t.Helper()
	r, err := w.h.App.FindRecordById("referrals", id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReferralInstitutionsSeededAndManagedByTheAdministrator(t *testing.T) {
	w := newSeededReferralWorld(t)
	h := w.h
	res := h.Do("GET", "/api/collections/referral_institutions/records?perPage=100&sort=name", nil, w.tokA)
	if res.Status != 200 {
		t.Fatalf("list: %d %s", res.Status, res)
	}
	items, _ := res.JSON["items"].([]any)
	byType := map[string][]string{}
	for _, it := range items {
		m := it.(map[string]any)
		byType[m["type"].(string)] = append(byType[m["type"].(string)], m["name"].(string))
		// nothing invented: addresses and numbers are the office's to fill
		// in, and the office has not confirmed any of them yet
		if m["address"] != "" || m["phone"] != "" || m["email"] != "" || m["active"] != true || m["confirmed"] != false {
			t.Errorf("seeded %v", m)
		}
	}
	for typ, name := range map[string]string{
		"health": instHospital, "police": instPolice, "shelter": instShelter, "psychosocial": instPsych,
		"legal_aid": "Pos Bantuan Hukum Pengadilan Negeri Singkawang", "civil_registry": "Dinas Kependudukan dan Pencatatan Sipil Kota Singkawang",
		"education": "Dinas Pendidikan dan Kebudayaan Kota Singkawang", "religious": "Kantor Kementerian Agama Kota Singkawang (penyuluh agama)",
	} {
		if !slices.Contains(byType[typ], name) {
			t.Errorf("%s: %v lacks %q", typ, byType[typ], name)
		}
	}
	if len(byType["health"]) != 2 {
		t.Errorf("health: %v, want the hospital and the puskesmas", byType["health"])
	}

	// the public sees nothing; officers cannot edit the list; supervisors
	// (the console's set-up page) and the administrator can
	if res := h.Do("GET", "/api/collections/referral_institutions/records", nil, ""); res.Status != 401 || res.JSON["items"] != nil {
		t.Errorf("anonymous list: %d %s", res.Status, res)
	}
	body := map[string]any{"name": "Klinik Pratama Kasih Ibu", "type": "health", "active": true}
	if res := h.Do("POST", "/api/collections/referral_institutions/records", with(body, "name", "Klinik Pratama Sehat"), w.tokA); res.Status != 403 {
		t.Errorf("officer created an institution: %d %s", res.Status, res)
	}
	if res := h.Do("POST", "/api/collections/referral_institutions/records", with(body, "name", "Klinik Pratama Sehat"), w.tokSup); res.Status != 200 {
		t.Errorf("supervisor could not add an institution: %d %s", res.Status, res)
	}
	id := w.institution(t, instHospital)
	if res := h.Do("PATCH", "/api/collections/referral_institutions/records/"+id, map[string]any{"address": "x"}, w.tokA); res.Status != 403 {
		t.Errorf("officer edited an institution: %d %s", res.Status, res)
	}
	if res := h.Do("POST", "/api/collections/referral_institutions/records", body, w.tokSU); res.Status != 200 {
		t.Errorf("administrator could not add an institution: %d %s", res.Status, res)
	}
	if res := h.Do("POST", "/api/collections/referral_institutions/records", with(body, "name", "Klinik X", "type", "dukun"), w.tokSU); res.Status != 400 || res.FieldCode("type") == "" {
		t.Errorf("unknown type accepted: %d %s", res.Status, res)
	}
	if res := h.Do("PATCH", "/api/collections/referral_institutions/records/"+id, map[string]any{"address": "Jalan dr. Soetomo"}, w.tokSU); res.Status != 200 {
		t.Errorf("administrator could not edit an address: %d %s", res.Status, res)
	}
	// the collections cannot be dropped from the admin panel
	for _, c := range []string{"referrals", "referral_institutions"} {
		if res := h.Do("DELETE", "/api/collections/"+c, nil, w.tokSU); res.Status != 403 {
			t.Errorf("collection %s deleted: %d %s", c, res.Status, res)
		}
	}
}

// A referral from draft to completed over REST: what staff send, what the
// server sets, what the audit trail records.
func TestReferralLifecycleOverREST(t *testing.T) {
	w := newReferralWorld(t)
	h := w.h
	hospital := w.institution(t, instHospital)
	base := map[string]any{"complaint": w.caseX.Id, "institution": hospital, "services": "Visum et repertum."}

	// create: only as a draft, with the services asked for, no server fields
	for _, tc := range []struct {
		name        string
		body        map[string]any
		field, code string
	}{
		{"created as sent", with(base, "status", "sent"), "status", "draft_only"},
		{"without services", with(base, "services", "   "), "services", "required"},
		{"without an institution", with(base, "institution", nil), "institution", "required"},
		{"with a letter number", with(base, "letter_number", "999/RUJ/SKW/XI/2026"), "letter_number", "system_field"},
		{"with a sending time", with(base, "sent_at", "2026-11-26 02:00:00.000Z"), "sent_at", "system_field"},
		{"with an answer already", with(base, "response_note", "diterima"), "response_note", "system_field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := h.Do("POST", "/api/collections/referrals/records", tc.body, w.tokA)
			if res.Status != 400 || res.FieldCode(tc.field) != tc.code {
				t.Fatalf("got %d %s, want 400 %s=%s", res.Status, res, tc.field, tc.code)
			}
		})
	}
	if n, _ := h.App.CountRecords("referrals"); n != 0 {
		t.Fatalf("refused referrals were stored: %d", n)
	}
	// an institution that no longer takes referrals cannot be chosen
	retired := w.institution(t, "Psikolog klinis mitra Dinas")
	rec, _ := h.App.FindRecordById("referral_institutions", retired)
	rec.Set("active", false)
	if err := h.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	if res := h.Do("POST", "/api/collections/referrals/records", with(base, "institution", retired), w.tokA); res.Status != 400 || res.FieldCode("institution") != "institution_inactive" {
		t.Fatalf("retired institution: %d %s", res.Status, res)
	}

	// a draft; the author is the caller, whatever the body says
	res := h.Do("POST", "/api/collections/referrals/records", with(base, "created_by", w.officerB.Id, "priority", 1), w.tokA)
	if res.Status != 200 || res.JSON["status"] != "draft" || res.JSON["letter_number"] != "" {
		t.Fatalf("create: %d %s", res.Status, res)
	}
	id := res.JSON["id"].(string)
	if got := w.referral(t, id).GetString("created_by"); got != w.officerA.Id {
		t.Fatalf("created_by %q, want officer A", got)
	}
	// a draft can still be edited
	w.mustPatch(t, id, map[string]any{"services": "Visum et repertum dan perawatan luka di kepala.", "reason": "Korban terluka di kepala."}, w.tokA)

	// sending without consent: refused, nothing half-saved
	res = w.patch(id, map[string]any{"status": "sent", "services": "diubah bersama pengiriman"}, w.tokA)
	if res.Status != 400 || res.FieldCode("consent") != "consent_required" {
		t.Fatalf("sent without consent: %d %s", res.Status, res)
	}
	if msg, _ := res.JSON["message"].(string); !strings.Contains(msg, "belum dapat dikirim") {
		t.Errorf("message %q", msg)
	}
	r := w.referral(t, id)
	if r.GetString("status") != "draft" || r.GetString("letter_number") != "" || !r.GetDateTime("sent_at").IsZero() || strings.Contains(r.GetString("services"), "diubah") {
		t.Fatalf("refused send changed the referral: %v", r)
	}

	// the sending time is the server's to write
	sentAt := referralNow.Add(3 * time.Hour)
	h.SetNow(sentAt)
	consent := map[string]any{"consent": true, "consent_by": "victim", "status": "sent"}
	res = w.patch(id, with(consent, "sent_at", sentAt.Add(-48*time.Hour).Format("2006-01-02 15:04:05.000Z")), w.tokA)
	if res.Status != 400 || res.FieldCode("sent_at") != "system_field" {
		t.Fatalf("backdated send: %d %s", res.Status, res)
	}
	// sending with the victim's consent: the server numbers and stamps it,
	// and the sender is the caller whatever the body says
	w.mustPatch(t, id, with(consent, "sent_by", w.officerB.Id), w.tokA)
	r = w.referral(t, id)
	if r.GetString("status") != "sent" || r.GetString("letter_number") != "001/RUJ/SKW/XI/2026" {
		t.Fatalf("after send: %q %q", r.GetString("status"), r.GetString("letter_number"))
	}
	if !r.GetDateTime("sent_at").Time().Equal(sentAt) || !r.GetDateTime("consent_at").Time().Equal(sentAt) {
		t.Fatalf("sent_at %v consent_at %v, want the server's time %v", r.GetDateTime("sent_at"), r.GetDateTime("consent_at"), sentAt)
	}
	if r.GetString("sent_by") != w.officerA.Id {
		t.Fatalf("sent_by %q, want the caller", r.GetString("sent_by"))
	}

	// after sending the content is locked, and server fields stay the server's
	for _, tc := range []struct {
		body        map[string]any
		field, code string
	}{
		{map[string]any{"services": "lain"}, "services", "referral_locked"},
		{map[string]any{"institution": w.institution(t, instPolice)}, "institution", "referral_locked"},
		{map[string]any{"consent": false}, "consent", "referral_locked"},
		{map[string]any{"letter_number": "002/RUJ/SKW/XI/2026"}, "letter_number", "system_field"},
		{map[string]any{"response_note": "sudah dijawab?"}, "response_note", "not_now"},
	} {
		if res := w.patch(id, tc.body, w.tokA); res.Status != 400 || res.FieldCode(tc.field) != tc.code {
			t.Errorf("%v: %d %s, want 400 %s=%s", tc.body, res.Status, res, tc.field, tc.code)
		}
	}

	// the institution's answer, then completion
	answeredAt := sentAt.Add(26 * time.Hour)
	h.SetNow(answeredAt)
	w.mustPatch(t, id, map[string]any{"status": "accepted", "response_note": "Korban diperiksa dr. Rina di IGD."}, w.tokA)
	r = w.referral(t, id)
	if !r.GetDateTime("responded_at").Time().Equal(answeredAt) || r.GetString("response_note") != "Korban diperiksa dr. Rina di IGD." {
		t.Fatalf("answer: %v %q", r.GetDateTime("responded_at"), r.GetString("response_note"))
	}
	h.SetNow(answeredAt.Add(48 * time.Hour))
	w.mustPatch(t, id, map[string]any{"status": "completed", "closing_note": "Hasil visum diserahkan ke Unit PPA."}, w.tokSup)
	r = w.referral(t, id)
	if r.GetString("status") != "completed" || !r.GetDateTime("completed_at").Time().Equal(answeredAt.Add(48*time.Hour)) {
		t.Fatalf("completed: %q %v", r.GetString("status"), r.GetDateTime("completed_at"))
	}
	if res := w.patch(id, map[string]any{"closing_note": "ubah"}, w.tokA); res.Status != 400 {
		t.Fatalf("completed referral edited: %d %s", res.Status, res)
	}

	// every transition is in the audit trail, with who, from and to
	entries := auditEntries(t, h, "collection_name = 'referrals' && record_id = {:id} && action = 'transition'", dbx.Params{"id": id})
	var trail []string
	for _, e := range entries {
		d := auditDetail(t, e)
		trail = append(trail, fmt.Sprintf("%s→%s by %s", d["from"], d["to"], e.GetString("actor_name")))
		if d["complaint"] != w.caseX.Id {
			t.Errorf("entry without the case: %v", d)
		}
	}
	want := "draft→sent by Petugas Ayu, sent→accepted by Petugas Ayu, accepted→completed by Kepala Bidang"
	if got := strings.Join(trail, ", "); got != want {
		t.Fatalf("audit trail\n got %s\nwant %s", got, want)
	}
	sent := auditDetail(t, entries[0])
	if sent["letter_number"] != "001/RUJ/SKW/XI/2026" || sent["transition"] != "send" {
		t.Errorf("send entry: %v", sent)
	}
	auditOne(t, h, "collection_name = 'referrals' && record_id = {:id} && action = 'create'", dbx.Params{"id": id})

	// nobody deletes a referral, the administrator neither
	if res := h.Do("DELETE", "/api/collections/referrals/records/"+id, nil, w.tokSup); res.Status != 403 {
		t.Errorf("supervisor deleted: %d %s", res.Status, res)
	}
	if res := h.Do("DELETE", "/api/collections/referrals/records/"+id, nil, w.tokSU); res.Status != 403 {
		t.Errorf("administrator deleted: %d %s", res.Status, res)
	}
}

// Every pair of statuses over REST: the six allowed moves succeed (with
// their required notes), every other move is refused with its code and
// leaves the referral as it was. The admin panel (superuser) and Go code
// are held to the same lifecycle.
func TestReferralEveryTransitionOverREST(t *testing.T) {
	w := newReferralWorld(t)
	h := w.h
	// brings a fresh referral to a status along the allowed path
	reach := func(status string) string {
		id := w.draft(t, w.tokA, w.caseX.Id, instHospital)
		switch status {
		case "draft":
		case "revoked":
			w.mustPatch(t, id, map[string]any{"status": "revoked", "closing_note": "Salah lembaga."}, w.tokA)
		default:
			w.send(t, id, w.tokA)
			switch status {
			case "accepted":
				w.mustPatch(t, id, map[string]any{"status": "accepted"}, w.tokA)
			case "declined":
				w.mustPatch(t, id, map[string]any{"status": "declined", "response_note": "Penuh."}, w.tokA)
			case "completed":
				w.mustPatch(t, id, map[string]any{"status": "accepted"}, w.tokA)
				w.mustPatch(t, id, map[string]any{"status": "completed"}, w.tokA)
			}
		}
		if got := w.referral(t, id).GetString("status"); got != status {
			t.Fatalf("reach %s: got %s", status, got)
		}
		return id
	}
	allowed := map[[2]string]map[string]any{
		{"draft", "sent"}:         {"consent": true, "consent_by": "victim"},
		{"draft", "revoked"}:      {"closing_note": "Korban memilih berobat sendiri."},
		{"sent", "accepted"}:      {},
		{"sent", "declined"}:      {"response_note": "Tidak ada dokter jaga."},
		{"sent", "revoked"}:       {"closing_note": "Korban pindah kota."},
		{"accepted", "completed"}: {},
	}
	required := map[[2]string]string{
		{"draft", "revoked"}: "closing_note", {"sent", "declined"}: "response_note", {"sent", "revoked"}: "closing_note",
	}
	stamp := map[string]string{"sent": "sent_at", "accepted": "responded_at", "declined": "responded_at", "completed": "completed_at", "revoked": "revoked_at"}
	for _, from := range referral.Statuses {
		for _, to := range referral.Statuses {
			if from == to {
				continue
			}
			key := [2]string{from, to}
			t.Run(from+"→"+to, func(t *testing.T) {
				id := reach(from)
				before := w.referral(t, id)
				extra, ok := allowed[key]
				if !ok {
					_, refusal := referral.Next(from, to)
					res := w.patch(id, map[string]any{"status": to, "consent": true, "consent_by": "victim"}, w.tokA)
					if res.Status != 400 || res.FieldCode("status") != refusal.Code {
						t.Fatalf("got %d %s, want 400 status=%s", res.Status, res, refusal.Code)
					}
					if msg, _ := res.JSON["message"].(string); msg != refusal.Message {
						t.Fatalf("message %q", msg)
					}
					after := w.referral(t, id)
					if after.GetString("status") != from || after.GetString("updated") != before.GetString("updated") {
						t.Fatal("a refused transition changed the referral")
					}
					return
				}
				if note := required[key]; note != "" {
					res := w.patch(id, map[string]any{"status": to}, w.tokA)
					if res.Status != 400 || res.FieldCode(note) != "required" {
						t.Fatalf("without %s: %d %s", note, res.Status, res)
					}
				}
				h.SetNow(h.Now().Add(time.Minute))
				w.mustPatch(t, id, with(extra, "status", to), w.tokA)
				after := w.referral(t, id)
				if after.GetString("status") != to || !after.GetDateTime(stamp[to]).Time().Equal(h.Now()) {
					t.Fatalf("after: %s %s=%v", after.GetString("status"), stamp[to], after.GetDateTime(stamp[to]))
				}
			})
		}
	}

	// the administrator cannot skip the lifecycle or write the number
	id := reach("draft")
	if res := w.patch(id, map[string]any{"status": "completed"}, w.tokSU); res.Status != 400 || res.FieldCode("status") != "not_sent" {
		t.Errorf("superuser completed a draft: %d %s", res.Status, res)
	}
	if res := w.patch(id, map[string]any{"letter_number": "001/RUJ/SKW/XI/2026"}, w.tokSU); res.Status != 400 || res.FieldCode("letter_number") != "system_field" {
		t.Errorf("superuser wrote a letter number: %d %s", res.Status, res)
	}
	// nor can Go code
	r := w.referral(t, id)
	r.Set("status", "accepted")
	if err := h.App.Save(r); err == nil || !strings.Contains(err.Error(), "draf") {
		t.Errorf("Go code moved a draft to accepted: %v", err)
	}
	r = w.referral(t, id)
	r.Set("status", "sent")
	if err := h.App.Save(r); err == nil {
		t.Error("Go code sent a referral without consent")
	}
}

// The consent gate: the victim's consent, or a parent's or guardian's for a child.
func TestReferralConsentGate(t *testing.T) {
	w := newReferralWorld(t)
	adult := w.draft(t, w.tokA, w.caseX.Id, instHospital)
	child := w.draft(t, w.tokA, w.caseC.Id, instHospital)
	for _, tc := range []struct {
		name        string
		id          string
		body        map[string]any
		field, code string
	}{
		{"no consent", adult, map[string]any{"status": "sent"}, "consent", "consent_required"},
		{"consent refused", adult, map[string]any{"status": "sent", "consent": false, "consent_by": "victim"}, "consent", "consent_required"},
		{"consent without who gave it", adult, map[string]any{"status": "sent", "consent": true}, "consent_by", "required"},
		{"a guardian for an adult", adult, map[string]any{"status": "sent", "consent": true, "consent_by": "guardian", "consent_name": "Pak Budi"}, "consent_by", "victim_consent_required"},
		{"a child consenting alone", child, map[string]any{"status": "sent", "consent": true, "consent_by": "victim"}, "consent_by", "guardian_consent_required"},
		{"a guardian without a name", child, map[string]any{"status": "sent", "consent": true, "consent_by": "guardian", "consent_name": "  "}, "consent_name", "required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := w.patch(tc.id, tc.body, w.tokA)
			if res.Status != 400 || res.FieldCode(tc.field) != tc.code {
				t.Fatalf("got %d %s, want 400 %s=%s", res.Status, res, tc.field, tc.code)
			}
			data, _ := res.JSON["data"].(map[string]any)
			item, _ := data[tc.field].(map[string]any)
			if msg, _ := item["message"].(string); len(msg) < 30 {
				t.Fatalf("field message %q", msg)
			}
			r := w.referral(t, tc.id)
			if r.GetString("status") != "draft" || r.GetString("letter_number") != "" || r.GetBool("consent") {
				t.Fatal("a refused send saved something")
			}
		})
	}
	// consent recorded on the draft first, sent later: fine
	w.mustPatch(t, child, map[string]any{"consent": true, "consent_by": "guardian", "consent_name": "Ibu Sari Wulandari"}, w.tokA)
	if r := w.referral(t, child); r.GetString("status") != "draft" || r.GetDateTime("consent_at").IsZero() {
		t.Fatalf("consent on a draft: %s %v", r.GetString("status"), r.GetDateTime("consent_at"))
	}
	w.mustPatch(t, child, map[string]any{"status": "sent"}, w.tokA)
	w.send(t, adult, w.tokA)
	if a, c := w.referral(t, adult).GetString("letter_number"), w.referral(t, child).GetString("letter_number"); a != "002/RUJ/SKW/XI/2026" || c != "001/RUJ/SKW/XI/2026" {
		t.Fatalf("numbers %q %q", a, c)
	}
	// the letter says who agreed
	res := w.h.Do("GET", "/api/referrals/"+child+"/letter.pdf", nil, w.tokA)
	if text := referralPDFText(t, res); !strings.Contains(text, "disetujui oleh orang tua/wali korban, Ibu Sari Wulandari") {
		t.Fatalf("letter does not name the guardian:\n%s", text)
	}
}

// Letter numbers are sequential per office year and unique when many
// officers send at the same moment over real HTTP.
func TestReferralLetterNumbersUnderConcurrentSends(t *testing.T) {
	w := newReferralWorld(t)
	h := w.h
	srv := httptest.NewServer(h.Handler)
	defer srv.Close()

	var ids []string
	for i := 0; i < 8; i++ {
		ids = append(ids, w.draft(t, w.tokA, w.caseX.Id, instHospital))
		ids = append(ids, w.draft(t, w.tokB, w.caseY.Id, instPolice))
	}
	token := map[string]string{}
	for _, id := range ids {
		if w.referral(t, id).GetString("complaint") == w.caseX.Id {
			token[id] = w.tokA
		} else {
			token[id] = w.tokB
		}
	}
	patch := func(id, tok string) (int, string) {
		body, _ := json.Marshal(map[string]any{"consent": true, "consent_by": "victim", "status": "sent"})
		req, _ := http.NewRequest("PATCH", srv.URL+"/api/collections/referrals/records/"+id, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer res.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(res.Body)
		return res.StatusCode, buf.String()
	}

	var wg sync.WaitGroup
	start := make(chan struct{})
	statuses := make([]int, len(ids))
	bodies := make([]string, len(ids))
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i], bodies[i] = patch(id, token[id])
		}()
	}
	close(start)
	wg.Wait()
	seen := map[string]bool{}
	for i, id := range ids {
		if statuses[i] != 200 {
			t.Fatalf("send %d: %d %s", i, statuses[i], bodies[i])
		}
		n := w.referral(t, id).GetString("letter_number")
		if seen[n] {
			t.Fatalf("letter number %s given twice", n)
		}
		seen[n] = true
	}
	for i := 1; i <= len(ids); i++ {
		if n := fmt.Sprintf("%03d/RUJ/SKW/XI/2026", i); !seen[n] {
			t.Fatalf("numbers are not 001..%03d: %v lacks %s", len(ids), seen, n)
		}
	}

	// one referral sent by several hands at once (double clicks, two
	// officers): one number, one send in the trail, no server error
	id := w.draft(t, w.tokA, w.caseX.Id, instHospital)
	results := make([]int, 6)
	start = make(chan struct{})
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i], _ = patch(id, w.tokA)
		}()
	}
	close(start)
	wg.Wait()
	for _, s := range results {
		if s != 200 && s != 409 {
			t.Fatalf("concurrent sends of one referral: %v", results)
		}
	}
	if n := w.referral(t, id).GetString("letter_number"); n != "017/RUJ/SKW/XI/2026" {
		t.Fatalf("letter number %q", n)
	}
	if got := len(auditEntries(t, h, "record_id = {:id} && action = 'transition'", dbx.Params{"id": id})); got != 1 {
		t.Fatalf("%d send entries in the audit trail", got)
	}

	// the year is the office's: 00:30 WIB on 1 January 2027 starts again at 001
	h.SetNow(time.Date(2026, 12, 31, 17, 30, 0, 0, time.UTC))
	id = w.draft(t, w.tokA, w.caseX.Id, instHospital)
	w.send(t, id, w.tokA)
	if n := w.referral(t, id).GetString("letter_number"); n != "001/RUJ/SKW/I/2027" {
		t.Fatalf("first letter of 2027: %q", n)
	}
}

// Step 8 "done" needs a sent referral; step 9 is refused while a draft is
// left; a closed case's referrals are read-only but its papers stay available.
func TestReferralStepsEightAndNine(t *testing.T) {
	w := newReferralWorld(t)
	h := w.h
	c := w.caseX.Id
	h.mustStep(w.tokA, c, 4, "done", "", map[string]any{"destination": "RSUD dr. Abdul Aziz", "police_assistance": false})
	h.mustStep(w.tokA, c, 5, "done", "", map[string]any{"victim_safe": true})
	h.mustStep(w.tokA, c, 6, "done", "", map[string]any{"violence_types": []string{"physical"}, "perpetrator_relation": "spouse",
		"incident_place": "household", "needs": []string{"health", "legal_aid"}})
	h.mustStep(w.tokSup, c, 7, "done", "Rujuk ke rumah sakit dan bantuan hukum.", map[string]any{"referral_needed": true})

	draft := w.draft(t, w.tokA, c, instHospital)
	if res := h.step(w.tokA, c, 8, "done", "Surat dibuat.", nil); res.Status != 400 || res.FieldCode("outcome") != "referral_not_sent" {
		t.Fatalf("step 8 with only a draft: %d %s", res.Status, res)
	}
	w.send(t, draft, w.tokA)
	h.mustStep(w.tokA, c, 8, "done", "Surat rujukan ke RSUD dikirim.", nil)

	second := w.draft(t, w.tokA, c, "Pos Bantuan Hukum Pengadilan Negeri Singkawang", "services", "Pendampingan hukum.")
	res := h.step(w.tokA, c, 9, "done", "Kasus selesai.", nil)
	if res.Status != 400 || res.FieldCode("outcome") != "draft_referrals" {
		t.Fatalf("step 9 with a draft left: %d %s", res.Status, res)
	}
	if msg := res.String(); !strings.Contains(msg, "draf") {
		t.Fatalf("message does not say why: %s", msg)
	}
	w.mustPatch(t, second, map[string]any{"status": "revoked", "closing_note": "Korban belum ingin menempuh proses hukum."}, w.tokA)
	h.mustStep(w.tokA, c, 9, "done", "Korban aman, perawatan selesai.", nil)

	// closed: no new referral, no change, but the letter and the report remain
	if res := h.Do("POST", "/api/collections/referrals/records", map[string]any{"complaint": c, "institution": w.institution(t, instPolice), "services": "x"}, w.tokA); res.Status != 409 || res.FieldCode("complaint") != "case_closed" {
		t.Fatalf("referral on a closed case: %d %s", res.Status, res)
	}
	if res := w.patch(draft, map[string]any{"status": "accepted"}, w.tokA); res.Status != 409 {
		t.Fatalf("referral of a closed case changed: %d %s", res.Status, res)
	}
	if res := w.patch(draft, map[string]any{"status": "accepted"}, w.tokSU); res.Status != 409 {
		t.Fatalf("administrator changed a closed case's referral: %d %s", res.Status, res)
	}
	for _, path := range []string{"/api/referrals/" + draft + "/letter.pdf", "/api/complaints/" + c + "/report.pdf"} {
		if res := h.Do("GET", path, nil, w.tokA); res.Status != 200 {
			t.Fatalf("%s after closing: %d %s", path, res.Status, res)
		}
	}
}

// Who may do what: the case's visibility decides, for the REST records and
// for the documents alike.
func TestReferralAuthorization(t *testing.T) {
	w := newReferralWorld(t)
	h := w.h
	id := w.draft(t, w.tokA, w.caseX.Id, instHospital)
	w.send(t, id, w.tokA)

	rec := "/api/collections/referrals/records/" + id
	letter := "/api/referrals/" + id + "/letter.pdf"
	report := "/api/complaints/" + w.caseX.Id + "/report.pdf"
	recs := "/api/complaints/" + w.caseX.Id + "/referral-recommendations"
	cases := []struct {
		who, token, method, path string
		body                     any
		status                   int
	}{
		{"officer B", w.tokB, "GET", rec, nil, 404},
		{"officer B", w.tokB, "PATCH", rec, map[string]any{"status": "accepted"}, 404},
		{"officer B", w.tokB, "GET", letter, nil, 404},
		{"officer B", w.tokB, "GET", report, nil, 404},
		{"officer B", w.tokB, "GET", recs, nil, 404},
		{"officer B", w.tokB, "POST", "/api/collections/referrals/records", map[string]any{"complaint": w.caseX.Id, "institution": w.institution(t, instPolice), "services": "x"}, 404},
		{"anonymous", "", "GET", rec, nil, 401},
		{"anonymous", "", "PATCH", rec, map[string]any{"status": "accepted"}, 401},
		{"anonymous", "", "GET", letter, nil, 401},
		{"anonymous", "", "GET", report, nil, 401},
		{"anonymous", "", "GET", recs, nil, 401},
		{"anonymous", "", "POST", "/api/collections/referrals/records", map[string]any{"complaint": w.caseX.Id, "institution": w.institution(t, instPolice), "services": "x"}, 401},
		{"inactive officer", w.tokInactive, "GET", letter, nil, 403},
		{"inactive officer", w.tokInactive, "GET", report, nil, 403},
		{"inactive officer", w.tokInactive, "GET", rec, nil, 403},
		{"supervisor", w.tokSup, "GET", rec, nil, 200},
		{"supervisor", w.tokSup, "GET", letter, nil, 200},
		{"supervisor", w.tokSup, "GET", report, nil, 200},
		{"supervisor", w.tokSup, "GET", recs, nil, 200},
		{"administrator", w.tokSU, "GET", letter, nil, 200},
		{"officer A", w.tokA, "GET", letter, nil, 200},
		{"officer A", w.tokA, "GET", "/api/referrals/nosuchreferral1/letter.pdf", nil, 404},
		{"officer A", w.tokA, "GET", "/api/complaints/nosuchcase0001/report.pdf", nil, 404},
	}
	for _, tc := range cases {
		t.Run(tc.who+" "+tc.method+" "+tc.path, func(t *testing.T) {
			res := h.Do(tc.method, tc.path, tc.body, tc.token)
			if res.Status != tc.status {
				t.Fatalf("got %d %s, want %d", res.Status, res, tc.status)
			}
			if tc.status >= 400 && bytes.HasPrefix(res.Body, []byte("%PDF")) {
				t.Fatal("a refusal carried the document")
			}
		})
	}
	if r := w.referral(t, id); r.GetString("status") != "sent" {
		t.Fatalf("an outsider changed the referral: %s", r.GetString("status"))
	}
	if n, _ := h.App.CountRecords("referrals"); n != 1 {
		t.Fatalf("an outsider created a referral: %d referrals", n)
	}
	// lists show each officer only their cases' referrals
	res := h.Do("GET", "/api/collections/referrals/records", nil, w.tokB)
	if res.Status != 200 || res.JSON["totalItems"] != float64(0) {
		t.Fatalf("officer B listed A's referral: %s", res)
	}
	// an unassigned case is open to every officer: someone must act on a new crisis
	u := h.submit(with(validComplaint(), "victim_name", "Eka Putri"))
	if got := w.draft(t, w.tokB, u.Id, instShelter); got == "" {
		t.Fatal("no draft on an unassigned case")
	}
	// reads are audited like reads of the case: the supervisor's one view above
	view := auditOne(t, h, "action = 'view' && collection_name = 'referrals' && record_id = {:id}", dbx.Params{"id": id})
	auditExpectActor(t, view, w.supervisor.Id, "staff", "referrals", id)
}

// The letter number follows the office's own format from its profile; a
// format that cannot number every letter of a year apart is refused.
func TestReferralLetterNumberFormatFromOfficeProfile(t *testing.T) {
	w := newReferralWorld(t)
	h := w.h
	office, err := h.App.FindFirstRecordByFilter("office", "name != ''")
	if err != nil {
		t.Fatal(err)
	}
	if got := office.GetString("letter_number_format"); got != referral.DefaultLetterFormat {
		t.Fatalf("seeded format %q", got)
	}
	path := "/api/collections/office/records/" + office.Id
	for _, bad := range []string{"{seq}/RUJ", "{seq}/{tahun}/{year}"} {
		if res := h.Do("PATCH", path, map[string]any{"letter_number_format": bad}, w.tokSU); res.Status != 400 || res.FieldCode("letter_number_format") != "invalid_letter_format" {
			t.Errorf("format %q: %d %s", bad, res.Status, res)
		}
	}
	if res := h.Do("PATCH", path, map[string]any{"letter_number_format": "400.2.4/{seq}/DSP3A/{year}"}, w.tokSU); res.Status != 200 {
		t.Fatalf("format: %d %s", res.Status, res)
	}
	id := w.draft(t, w.tokA, w.caseX.Id, instHospital)
	w.send(t, id, w.tokA)
	if n := w.referral(t, id).GetString("letter_number"); n != "400.2.4/001/DSP3A/2026" {
		t.Fatalf("letter number %q", n)
	}
}
