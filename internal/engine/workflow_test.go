package engine_test

import (
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"teduh/internal/engine"
)

// fakeFacts answers step validators from memory.
type fakeFacts struct {
	step7     map[string]any // latest step-7 data; nil = step 7 not recorded
	referrals map[string]int // referral count by status
	err       error          // CountReferrals fails with this
}

func (f *fakeFacts) LatestStepData(step int) (map[string]any, bool) {
	if step == 7 && f.step7 != nil {
		return f.step7, true
	}
	return nil, false
}

func (f *fakeFacts) CountReferrals(statuses ...string) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	n := 0
	for _, s := range statuses {
		n += f.referrals[s]
	}
	return n, nil
}

var (
	officer    = []string{"officer"}
	supervisor = []string{"supervisor"}
	superuser  = []string{engine.RoleSuperuser}
)

func at(step int, status string) engine.CaseState {
	return engine.CaseState{CurrentStep: step, Status: status}
}

// validStep6 is complete step-6 data.
func validStep6() map[string]any {
	return map[string]any{
		"violence_types":       []any{"sexual", "physical"},
		"perpetrator_relation": "parent",
		"incident_place":       "household",
		"needs":                []any{"health", "psychosocial"},
	}
}

type accepted struct {
	step     int
	status   string
	advances bool
	effects  []string
	data     map[string]any // when not nil, the exact cleaned data
}

type refused struct {
	status int
	field  string
	code   string
	msg    string // substring of the refusal message, when not ""
}

func TestDecideComplaintWorkflow(t *testing.T) {
	w := loadComplaint(t).Workflow
	env := testEnv(t)
	noRef := &fakeFacts{step7: map[string]any{"referral_needed": false}}
	withRef := &fakeFacts{step7: map[string]any{"referral_needed": true}}

	cases := []struct {
		name  string
		state engine.CaseState
		req   engine.StepRequest
		facts *fakeFacts
		ok    *accepted
		no    *refused
	}{
		// ordering
		{name: "step already recorded", state: at(3, "in_progress"),
			req: engine.StepRequest{Step: 3, Outcome: "done", Notes: "x", Roles: officer},
			no:  &refused{http.StatusConflict, "step", "step_already_recorded", "Langkah 3 (Verifikasi laporan dan rekomendasi prioritas rujukan) sudah dicatat"}},
		{name: "earlier step after later ones", state: at(5, "in_progress"),
			req: engine.StepRequest{Step: 2, Outcome: "done", Notes: "x", Roles: officer},
			no:  &refused{http.StatusConflict, "step", "step_already_recorded", ""}},
		{name: "skipping ahead names the next step", state: at(2, "in_progress"),
			req: engine.StepRequest{Step: 4, Outcome: "skipped", Notes: "aman", Roles: officer},
			no:  &refused{http.StatusBadRequest, "step", "step_out_of_order", "Langkah berikutnya adalah langkah 3 (Verifikasi laporan dan rekomendasi prioritas rujukan)"}},
		{name: "skipping to the report", state: at(1, "new"),
			req: engine.StepRequest{Step: 9, Outcome: "done", Notes: "x", Roles: supervisor},
			no:  &refused{http.StatusBadRequest, "step", "step_out_of_order", "langkah 2 (Identifikasi singkat dan penenangan korban)"}},
		{name: "closed case", state: at(9, "closed"),
			req: engine.StepRequest{Step: 9, Outcome: "done", Notes: "x", Roles: officer},
			no:  &refused{http.StatusConflict, "complaint", "case_closed", ""}},
		{name: "withdrawn case", state: at(4, "withdrawn"),
			req: engine.StepRequest{Step: 5, Outcome: "progress", Notes: "x", Roles: officer},
			no:  &refused{http.StatusConflict, "complaint", "case_closed", ""}},
		{name: "withdrawn case cannot be withdrawn again", state: at(4, "withdrawn"),
			req: engine.StepRequest{Step: 5, Outcome: "withdrawn", Notes: "x", Roles: officer},
			no:  &refused{http.StatusConflict, "complaint", "case_closed", ""}},
		{name: "unknown step 10", state: at(9, "in_progress"),
			req: engine.StepRequest{Step: 10, Outcome: "done", Notes: "x", Roles: officer},
			no:  &refused{http.StatusBadRequest, "step", "unknown_step", "Langkah 10 tidak ada"}},
		{name: "unknown step 0", state: at(1, "new"),
			req: engine.StepRequest{Step: 0, Outcome: "done", Roles: officer},
			no:  &refused{http.StatusBadRequest, "step", "unknown_step", ""}},
		{name: "automatic step 1 refused for staff", state: at(0, "new"),
			req: engine.StepRequest{Step: 1, Outcome: "done", Roles: officer},
			no:  &refused{http.StatusBadRequest, "step", "step_automatic", ""}},
		{name: "automatic step 1 refused for the superuser", state: at(0, "new"),
			req: engine.StepRequest{Step: 1, Outcome: "done", Roles: superuser},
			no:  &refused{http.StatusBadRequest, "step", "step_automatic", ""}},
		{name: "automatic step 1 recorded by the system", state: at(0, "new"),
			req: engine.StepRequest{Step: 1, Outcome: "done", System: true},
			ok:  &accepted{step: 1, status: "new", advances: true, data: map[string]any{}}},

		// roles
		{name: "step 7 refused for an officer", state: at(6, "in_progress"),
			req: engine.StepRequest{Step: 7, Outcome: "done", Notes: "rujuk", Data: map[string]any{"referral_needed": true}, Roles: officer},
			no:  &refused{http.StatusForbidden, "step", "role_not_allowed", "kepala/penyelia"}},
		{name: "step 7 by a supervisor", state: at(6, "in_progress"),
			req: engine.StepRequest{Step: 7, Outcome: "done", Notes: "rujuk", Data: map[string]any{"referral_needed": true}, Roles: supervisor},
			ok:  &accepted{step: 7, status: "in_progress", advances: true, data: map[string]any{"referral_needed": true}}},
		{name: "step 7 by the superuser", state: at(6, "in_progress"),
			req: engine.StepRequest{Step: 7, Outcome: "done", Notes: "rujuk", Data: map[string]any{"referral_needed": false}, Roles: superuser},
			ok:  &accepted{step: 7, status: "in_progress", advances: true, data: map[string]any{"referral_needed": false}}},
		{name: "no role at all", state: at(1, "new"),
			req: engine.StepRequest{Step: 2, Outcome: "done", Notes: "tenang"},
			no:  &refused{http.StatusForbidden, "step", "role_not_allowed", ""}},
		{name: "unknown role", state: at(1, "new"),
			req: engine.StepRequest{Step: 2, Outcome: "done", Notes: "tenang", Roles: []string{"viewer"}},
			no:  &refused{http.StatusForbidden, "step", "role_not_allowed", ""}},

		// step 2
		{name: "step 2 done", state: at(1, "new"),
			req: engine.StepRequest{Step: 2, Outcome: "done", Notes: "  Korban sudah tenang.  ", Roles: officer},
			ok:  &accepted{step: 2, status: "in_progress", advances: true, effects: []string{"assign_to_actor", "first_response"}, data: map[string]any{}}},
		{name: "step 2 without notes", state: at(1, "new"),
			req: engine.StepRequest{Step: 2, Outcome: "done", Notes: " \n ", Roles: officer},
			no:  &refused{http.StatusBadRequest, "notes", "required", ""}},
		{name: "step 2 notes with invalid UTF-8", state: at(1, "new"),
			req: engine.StepRequest{Step: 2, Outcome: "done", Notes: "tenang \xff", Roles: officer},
			no:  &refused{http.StatusBadRequest, "notes", "invalid_text", ""}},
		{name: "step 2 notes too long", state: at(1, "new"),
			req: engine.StepRequest{Step: 2, Outcome: "done", Notes: strings.Repeat("a", 10001), Roles: officer},
			no:  &refused{http.StatusBadRequest, "notes", "too_long", ""}},
		{name: "step 2 invalid outcome", state: at(1, "new"),
			req: engine.StepRequest{Step: 2, Outcome: "skipped", Notes: "x", Roles: officer},
			no:  &refused{http.StatusBadRequest, "outcome", "invalid_outcome", "done (Selesai)"}},
		{name: "step 2 empty outcome", state: at(1, "new"),
			req: engine.StepRequest{Step: 2, Notes: "x", Roles: officer},
			no:  &refused{http.StatusBadRequest, "outcome", "invalid_outcome", ""}},
		{name: "step 2 unknown data key", state: at(1, "new"),
			req: engine.StepRequest{Step: 2, Outcome: "done", Notes: "x", Data: map[string]any{"victim_safe": true}, Roles: officer},
			no:  &refused{http.StatusBadRequest, "data.victim_safe", "unknown_field", ""}},

		// step 3
		{name: "step 3 done", state: at(2, "in_progress"),
			req: engine.StepRequest{Step: 3, Outcome: "done", Data: map[string]any{"requirements_complete": true, "referral_priorities": []any{"police", "health"}}, Roles: officer},
			ok: &accepted{step: 3, status: "in_progress", advances: true, effects: []string{"start_clock"},
				data: map[string]any{"requirements_complete": true, "referral_priorities": []string{"police", "health"}}}},
		{name: "step 3 done from multipart strings", state: at(2, "in_progress"),
			req: engine.StepRequest{Step: 3, Outcome: "done", Data: map[string]any{"requirements_complete": "true", "referral_priorities": "shelter,health"}, Roles: officer},
			ok: &accepted{step: 3, status: "in_progress", advances: true, effects: []string{"start_clock"},
				data: map[string]any{"requirements_complete": true, "referral_priorities": []string{"shelter", "health"}}}},
		{name: "step 3 done without priorities", state: at(2, "in_progress"),
			req: engine.StepRequest{Step: 3, Outcome: "done", Data: map[string]any{"requirements_complete": true}, Roles: officer},
			no:  &refused{http.StatusBadRequest, "data.referral_priorities", "required", ""}},
		{name: "step 3 done with a repeated priority", state: at(2, "in_progress"),
			req: engine.StepRequest{Step: 3, Outcome: "done", Data: map[string]any{"requirements_complete": true, "referral_priorities": []any{"police", "police"}}, Roles: officer},
			no:  &refused{http.StatusBadRequest, "data.referral_priorities", "duplicate_option", ""}},
		{name: "step 3 done with an unknown institution type", state: at(2, "in_progress"),
			req: engine.StepRequest{Step: 3, Outcome: "done", Data: map[string]any{"requirements_complete": true, "referral_priorities": []any{"dukun"}}, Roles: officer},
			no:  &refused{http.StatusBadRequest, "data.referral_priorities", "invalid_option", ""}},
		{name: "step 3 done but requirements incomplete", state: at(2, "in_progress"),
			req: engine.StepRequest{Step: 3, Outcome: "done", Notes: "KTP belum ada", Data: map[string]any{"requirements_complete": false}, Roles: officer},
			no:  &refused{http.StatusBadRequest, "outcome", "outcome_mismatch", ""}},
		{name: "step 3 done without the requirements answer", state: at(2, "in_progress"),
			req: engine.StepRequest{Step: 3, Outcome: "done", Data: map[string]any{"referral_priorities": []any{"police"}}, Roles: officer},
			no:  &refused{http.StatusBadRequest, "data.requirements_complete", "required", ""}},
		{name: "step 3 incomplete does not advance", state: at(2, "in_progress"),
			req: engine.StepRequest{Step: 3, Outcome: "incomplete", Notes: "KTP korban belum ada", Data: map[string]any{"requirements_complete": false}, Roles: officer},
			ok:  &accepted{step: 2, status: "awaiting_requirements", advances: false, data: map[string]any{"requirements_complete": false}}},
		{name: "step 3 incomplete drops hidden priorities", state: at(2, "in_progress"),
			req: engine.StepRequest{Step: 3, Outcome: "incomplete", Notes: "KTP korban belum ada", Data: map[string]any{"requirements_complete": "false", "referral_priorities": []any{"police"}}, Roles: officer},
			ok:  &accepted{step: 2, status: "awaiting_requirements", advances: false, data: map[string]any{"requirements_complete": false}}},
		{name: "step 3 incomplete without notes", state: at(2, "in_progress"),
			req: engine.StepRequest{Step: 3, Outcome: "incomplete", Data: map[string]any{"requirements_complete": false}, Roles: officer},
			no:  &refused{http.StatusBadRequest, "notes", "required", ""}},
		{name: "step 3 incomplete but requirements complete", state: at(2, "in_progress"),
			req: engine.StepRequest{Step: 3, Outcome: "incomplete", Notes: "x", Data: map[string]any{"requirements_complete": true, "referral_priorities": []any{"police"}}, Roles: officer},
			no:  &refused{http.StatusBadRequest, "outcome", "outcome_mismatch", ""}},
		{name: "step 3 again while awaiting requirements", state: at(2, "awaiting_requirements"),
			req: engine.StepRequest{Step: 3, Outcome: "done", Data: map[string]any{"requirements_complete": true, "referral_priorities": []any{"health"}}, Roles: officer},
			ok:  &accepted{step: 3, status: "in_progress", advances: true, effects: []string{"start_clock"}}},
		{name: "step 3 incomplete again while awaiting requirements", state: at(2, "awaiting_requirements"),
			req: engine.StepRequest{Step: 3, Outcome: "incomplete", Notes: "masih belum", Data: map[string]any{"requirements_complete": false}, Roles: officer},
			ok:  &accepted{step: 2, status: "awaiting_requirements", advances: false}},
		{name: "step 4 while awaiting requirements", state: at(2, "awaiting_requirements"),
			req: engine.StepRequest{Step: 4, Outcome: "skipped", Notes: "aman", Roles: officer},
			no:  &refused{http.StatusBadRequest, "step", "step_out_of_order", "langkah 3"}},
		{name: "step 3 progress is not an outcome", state: at(2, "in_progress"),
			req: engine.StepRequest{Step: 3, Outcome: "progress", Notes: "x", Data: map[string]any{"requirements_complete": false}, Roles: officer},
			no:  &refused{http.StatusBadRequest, "outcome", "invalid_outcome", ""}},

		// step 4
		{name: "step 4 done", state: at(3, "in_progress"),
			req: engine.StepRequest{Step: 4, Outcome: "done", Data: map[string]any{"destination": " RSUD Abdul Aziz ", "police_assistance": false}, Roles: officer},
			ok:  &accepted{step: 4, status: "in_progress", advances: true, data: map[string]any{"destination": "RSUD Abdul Aziz", "police_assistance": false}}},
		{name: "step 4 done without destination", state: at(3, "in_progress"),
			req: engine.StepRequest{Step: 4, Outcome: "done", Data: map[string]any{"police_assistance": true}, Roles: officer},
			no:  &refused{http.StatusBadRequest, "data.destination", "required", ""}},
		{name: "step 4 done without police answer", state: at(3, "in_progress"),
			req: engine.StepRequest{Step: 4, Outcome: "done", Data: map[string]any{"destination": "Rumah aman"}, Roles: officer},
			no:  &refused{http.StatusBadRequest, "data.police_assistance", "required", ""}},
		{name: "step 4 destination too long", state: at(3, "in_progress"),
			req: engine.StepRequest{Step: 4, Outcome: "done", Data: map[string]any{"destination": strings.Repeat("x", 201), "police_assistance": true}, Roles: officer},
			no:  &refused{http.StatusBadRequest, "data.destination", "too_long", ""}},
		{name: "step 4 skipped with notes", state: at(3, "in_progress"),
			req: engine.StepRequest{Step: 4, Outcome: "skipped", Notes: "Korban sudah di rumah kerabat yang aman.", Roles: officer},
			ok:  &accepted{step: 4, status: "in_progress", advances: true}},
		{name: "step 4 skipped without notes", state: at(3, "in_progress"),
			req: engine.StepRequest{Step: 4, Outcome: "skipped", Roles: officer},
			no:  &refused{http.StatusBadRequest, "notes", "required", ""}},

		// step 5
		{name: "step 5 progress does not advance", state: at(4, "in_progress"),
			req: engine.StepRequest{Step: 5, Outcome: "progress", Notes: "Kunjungan pertama.", Roles: officer},
			ok:  &accepted{step: 4, status: "in_progress", advances: false}},
		{name: "step 5 progress without notes", state: at(4, "in_progress"),
			req: engine.StepRequest{Step: 5, Outcome: "progress", Roles: officer},
			no:  &refused{http.StatusBadRequest, "notes", "required", ""}},
		{name: "step 5 progress with a bad answer", state: at(4, "in_progress"),
			req: engine.StepRequest{Step: 5, Outcome: "progress", Notes: "x", Data: map[string]any{"victim_safe": "mungkin"}, Roles: officer},
			no:  &refused{http.StatusBadRequest, "data.victim_safe", "invalid_type", ""}},
		{name: "step 5 done with victim safe", state: at(4, "in_progress"),
			req: engine.StepRequest{Step: 5, Outcome: "done", Data: map[string]any{"victim_safe": true}, Roles: officer},
			ok:  &accepted{step: 5, status: "in_progress", advances: true, data: map[string]any{"victim_safe": true}}},
		{name: "step 5 done with victim not safe", state: at(4, "in_progress"),
			req: engine.StepRequest{Step: 5, Outcome: "done", Data: map[string]any{"victim_safe": false}, Roles: officer},
			no:  &refused{http.StatusBadRequest, "outcome", "outcome_mismatch", ""}},
		{name: "step 5 done without the answer", state: at(4, "in_progress"),
			req: engine.StepRequest{Step: 5, Outcome: "done", Roles: officer},
			no:  &refused{http.StatusBadRequest, "data.victim_safe", "required", ""}},

		// step 6
		{name: "step 6 done copies facts to the case", state: at(5, "in_progress"),
			req: engine.StepRequest{Step: 6, Outcome: "done", Data: validStep6(), Roles: officer},
			ok: &accepted{step: 6, status: "in_progress", advances: true,
				effects: []string{"copy_to_case:violence_types,perpetrator_relation,incident_place"},
				data: map[string]any{
					"violence_types": []string{"physical", "sexual"}, "perpetrator_relation": "parent",
					"incident_place": "household", "needs": []string{"health", "psychosocial"},
				}}},
		{name: "step 6 unknown violence type", state: at(5, "in_progress"),
			req: engine.StepRequest{Step: 6, Outcome: "done", Data: with(validStep6(), "violence_types", []any{"cyber"}), Roles: officer},
			no:  &refused{http.StatusBadRequest, "data.violence_types", "invalid_option", ""}},
		{name: "step 6 perpetrator relation not in the form's list", state: at(5, "in_progress"),
			req: engine.StepRequest{Step: 6, Outcome: "done", Data: with(validStep6(), "perpetrator_relation", "alien"), Roles: officer},
			no:  &refused{http.StatusBadRequest, "data.perpetrator_relation", "invalid_option", ""}},
		{name: "step 6 extra key", state: at(5, "in_progress"),
			req: engine.StepRequest{Step: 6, Outcome: "done", Data: with(validStep6(), "victim_name", "X"), Roles: officer},
			no:  &refused{http.StatusBadRequest, "data.victim_name", "unknown_field", ""}},

		// step 7
		{name: "step 7 without notes", state: at(6, "in_progress"),
			req: engine.StepRequest{Step: 7, Outcome: "done", Data: map[string]any{"referral_needed": true}, Roles: supervisor},
			no:  &refused{http.StatusBadRequest, "notes", "required", ""}},
		{name: "step 7 without the referral answer", state: at(6, "in_progress"),
			req: engine.StepRequest{Step: 7, Outcome: "done", Notes: "lanjut", Roles: supervisor},
			no:  &refused{http.StatusBadRequest, "data.referral_needed", "required", ""}},

		// step 8
		{name: "step 8 skipped when step 7 said no referral", state: at(7, "in_progress"), facts: noRef,
			req: engine.StepRequest{Step: 8, Outcome: "skipped", Roles: officer},
			ok:  &accepted{step: 8, status: "in_progress", advances: true, data: map[string]any{}}},
		{name: "step 8 skipped when step 7 said referral needed", state: at(7, "in_progress"), facts: withRef,
			req: engine.StepRequest{Step: 8, Outcome: "skipped", Roles: officer},
			no:  &refused{http.StatusBadRequest, "outcome", "referral_needed", "tidak dapat dilewati"}},
		{name: "step 8 skipped without step 7 data", state: at(7, "in_progress"), facts: &fakeFacts{},
			req: engine.StepRequest{Step: 8, Outcome: "skipped", Roles: officer},
			no:  &refused{http.StatusBadRequest, "outcome", "disposition_missing", ""}},
		{name: "step 8 done without a sent referral", state: at(7, "in_progress"), facts: withRef,
			req: engine.StepRequest{Step: 8, Outcome: "done", Notes: "dikirim", Roles: officer},
			no:  &refused{http.StatusBadRequest, "outcome", "referral_not_sent", "Belum ada surat rujukan yang dikirim"}},
		{name: "step 8 done with only a draft referral", state: at(7, "in_progress"),
			facts: &fakeFacts{step7: map[string]any{"referral_needed": true}, referrals: map[string]int{"draft": 2, "cancelled": 1}},
			req:   engine.StepRequest{Step: 8, Outcome: "done", Notes: "dikirim", Roles: officer},
			no:    &refused{http.StatusBadRequest, "outcome", "referral_not_sent", ""}},
		{name: "step 8 done with a sent referral", state: at(7, "in_progress"),
			facts: &fakeFacts{step7: map[string]any{"referral_needed": true}, referrals: map[string]int{"sent": 1}},
			req:   engine.StepRequest{Step: 8, Outcome: "done", Notes: "Surat ke UPTD PPA", Roles: officer},
			ok:    &accepted{step: 8, status: "in_progress", advances: true}},
		{name: "step 8 done with a completed referral", state: at(7, "in_progress"),
			facts: &fakeFacts{referrals: map[string]int{"completed": 1}},
			req:   engine.StepRequest{Step: 8, Outcome: "done", Notes: "Surat ke RS", Roles: officer},
			ok:    &accepted{step: 8, status: "in_progress", advances: true}},
		{name: "step 8 done when facts are unavailable", state: at(7, "in_progress"),
			facts: &fakeFacts{err: errors.New("db down")},
			req:   engine.StepRequest{Step: 8, Outcome: "done", Notes: "x", Roles: officer},
			no:    &refused{http.StatusBadRequest, "outcome", "facts_unavailable", ""}},
		{name: "step 8 done without notes (validators not reached)", state: at(7, "in_progress"), facts: &fakeFacts{err: errors.New("must not be asked")},
			req: engine.StepRequest{Step: 8, Outcome: "done", Roles: officer},
			no:  &refused{http.StatusBadRequest, "notes", "required", ""}},
		{name: "step 8 takes no data", state: at(7, "in_progress"), facts: noRef,
			req: engine.StepRequest{Step: 8, Outcome: "skipped", Data: map[string]any{"referral_needed": false}, Roles: officer},
			no:  &refused{http.StatusBadRequest, "data.referral_needed", "unknown_field", ""}},

		// step 9
		{name: "step 9 with draft referrals", state: at(8, "in_progress"),
			facts: &fakeFacts{referrals: map[string]int{"draft": 1, "sent": 3}},
			req:   engine.StepRequest{Step: 9, Outcome: "done", Notes: "Ringkasan penanganan.", Roles: officer},
			no:    &refused{http.StatusBadRequest, "outcome", "draft_referrals", "Masih ada 1 rujukan berstatus draf"}},
		{name: "step 9 closes the case", state: at(8, "in_progress"),
			facts: &fakeFacts{referrals: map[string]int{"sent": 3}},
			req:   engine.StepRequest{Step: 9, Outcome: "done", Notes: "Ringkasan penanganan.", Roles: officer},
			ok:    &accepted{step: 9, status: "closed", advances: true, effects: []string{"close_case"}, data: map[string]any{}}},
		{name: "step 9 without summary", state: at(8, "in_progress"), facts: &fakeFacts{},
			req: engine.StepRequest{Step: 9, Outcome: "done", Roles: officer},
			no:  &refused{http.StatusBadRequest, "notes", "required", ""}},

		// withdrawal
		{name: "withdrawal of an open case", state: at(4, "in_progress"),
			req: engine.StepRequest{Step: 5, Outcome: "withdrawn", Notes: " Pelapor mencabut pengaduan. ", Roles: officer},
			ok:  &accepted{step: 5, status: "withdrawn", advances: true, effects: []string{"close_case"}, data: map[string]any{}}},
		{name: "withdrawal of a new case", state: at(1, "new"),
			req: engine.StepRequest{Step: 2, Outcome: "withdrawn", Notes: "Ditangani kantor lain.", Roles: supervisor},
			ok:  &accepted{step: 2, status: "withdrawn", advances: true, effects: []string{"close_case"}}},
		{name: "withdrawal while awaiting requirements", state: at(2, "awaiting_requirements"),
			req: engine.StepRequest{Step: 3, Outcome: "withdrawn", Notes: "Tidak melengkapi.", Roles: officer},
			ok:  &accepted{step: 3, status: "withdrawn", advances: true, effects: []string{"close_case"}}},
		{name: "withdrawal at step 9 (instead of the report)", state: at(8, "in_progress"),
			req: engine.StepRequest{Step: 9, Outcome: "withdrawn", Notes: "Dicabut.", Roles: officer},
			ok:  &accepted{step: 9, status: "withdrawn", advances: true, effects: []string{"close_case"}}},
		{name: "withdrawal by the superuser", state: at(4, "in_progress"),
			req: engine.StepRequest{Step: 5, Outcome: "withdrawn", Notes: "Dicabut.", Roles: superuser},
			ok:  &accepted{step: 5, status: "withdrawn", advances: true, effects: []string{"close_case"}}},
		{name: "withdrawal with a step already recorded", state: at(4, "in_progress"),
			req: engine.StepRequest{Step: 4, Outcome: "withdrawn", Notes: "Dicabut.", Roles: officer},
			no:  &refused{http.StatusConflict, "step", "step_already_recorded", ""}},
		{name: "withdrawal skipping ahead", state: at(4, "in_progress"),
			req: engine.StepRequest{Step: 6, Outcome: "withdrawn", Notes: "Dicabut.", Roles: officer},
			no:  &refused{http.StatusBadRequest, "step", "step_out_of_order", "langkah 5"}},
		{name: "withdrawal without notes", state: at(4, "in_progress"),
			req: engine.StepRequest{Step: 5, Outcome: "withdrawn", Notes: "\t", Roles: officer},
			no:  &refused{http.StatusBadRequest, "notes", "required", ""}},
		{name: "withdrawal notes with invalid UTF-8", state: at(4, "in_progress"),
			req: engine.StepRequest{Step: 5, Outcome: "withdrawn", Notes: "\xfe", Roles: officer},
			no:  &refused{http.StatusBadRequest, "notes", "invalid_text", ""}},
		{name: "withdrawal with data", state: at(4, "in_progress"),
			req: engine.StepRequest{Step: 5, Outcome: "withdrawn", Notes: "Dicabut.", Data: map[string]any{"victim_safe": true}, Roles: officer},
			no:  &refused{http.StatusBadRequest, "data", "unknown_field", ""}},
		{name: "withdrawal by an unknown role", state: at(4, "in_progress"),
			req: engine.StepRequest{Step: 5, Outcome: "withdrawn", Notes: "Dicabut.", Roles: []string{"viewer"}},
			no:  &refused{http.StatusForbidden, "outcome", "role_not_allowed", ""}},
		{name: "withdrawal without roles", state: at(4, "in_progress"),
			req: engine.StepRequest{Step: 5, Outcome: "withdrawn", Notes: "Dicabut."},
			no:  &refused{http.StatusForbidden, "outcome", "role_not_allowed", ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			facts := tc.facts
			if facts == nil {
				facts = &fakeFacts{}
			}
			d, r := w.Decide(tc.state, tc.req, env, facts)
			if (tc.ok == nil) == (tc.no == nil) {
				t.Fatal("test case must expect exactly one of ok/no")
			}
			if tc.no != nil {
				assertRefused(t, d, r, tc.no)
				return
			}
			assertAccepted(t, tc.req, d, r, tc.ok)
		})
	}
}

func with(m map[string]any, k string, v any) map[string]any {
	m[k] = v
	return m
}

func assertRefused(t *testing.T, d *engine.Decision, r *engine.Refusal, want *refused) {
	t.Helper()
	if r == nil {
		t.Fatalf("accepted (new step %d, status %s), want refusal %s/%s", d.NewStep, d.NewStatus, want.field, want.code)
	}
	if d != nil {
		t.Errorf("both a decision and a refusal")
	}
	if r.Status != want.status {
		t.Errorf("HTTP status %d, want %d (%s)", r.Status, want.status, r.Message)
	}
	fe := r.Fields[want.field]
	if fe == nil || fe.Code != want.code {
		got := map[string]string{}
		for k, e := range r.Fields {
			got[k] = e.Code
		}
		t.Errorf("field errors %v, want %s: %s", got, want.field, want.code)
	}
	if fe != nil && fe.Message == "" {
		t.Errorf("field error %s has no message", want.field)
	}
	if r.Message == "" {
		t.Errorf("refusal without a message")
	}
	if want.msg != "" && !strings.Contains(r.Message, want.msg) {
		t.Errorf("message %q does not contain %q", r.Message, want.msg)
	}
}

func assertAccepted(t *testing.T, req engine.StepRequest, d *engine.Decision, r *engine.Refusal, want *accepted) {
	t.Helper()
	if r != nil {
		got := map[string]string{}
		for k, e := range r.Fields {
			got[k] = e.Code
		}
		t.Fatalf("refused (%d %s %v), want accepted", r.Status, r.Message, got)
	}
	if d.Step == nil || d.Step.Number != req.Step {
		t.Errorf("decision step %v, want %d", d.Step, req.Step)
	}
	wantOutcome := req.Outcome
	if d.Outcome != wantOutcome {
		t.Errorf("outcome %q, want %q", d.Outcome, wantOutcome)
	}
	if d.NewStep != want.step || d.NewStatus != want.status || d.Advances != want.advances {
		t.Errorf("new step/status/advances = %d/%s/%v, want %d/%s/%v", d.NewStep, d.NewStatus, d.Advances, want.step, want.status, want.advances)
	}
	if !slices.Equal(d.Effects, want.effects) {
		t.Errorf("effects %v, want %v", d.Effects, want.effects)
	}
	if d.Notes != strings.TrimSpace(req.Notes) {
		t.Errorf("notes %q, want the trimmed request notes", d.Notes)
	}
	if want.data != nil && !reflect.DeepEqual(map[string]any(d.Data), want.data) {
		t.Errorf("data %#v, want %#v", d.Data, want.data)
	}
}

// The complaint walked from submission to report, each decision fed into the
// next state the way the hooks apply it.
func TestDecideWalkThrough(t *testing.T) {
	w := loadComplaint(t).Workflow
	env := testEnv(t)
	facts := &fakeFacts{referrals: map[string]int{}}
	state := at(0, "new")
	steps := []struct {
		req     engine.StepRequest
		step    int
		status  string
		effects []string
	}{
		{engine.StepRequest{Step: 1, Outcome: "done", System: true}, 1, "new", nil},
		{engine.StepRequest{Step: 2, Outcome: "done", Notes: "Korban ditenangkan.", Roles: officer}, 2, "in_progress", []string{"assign_to_actor", "first_response"}},
		{engine.StepRequest{Step: 3, Outcome: "incomplete", Notes: "KTP belum ada.", Data: map[string]any{"requirements_complete": false}, Roles: officer}, 2, "awaiting_requirements", nil},
		{engine.StepRequest{Step: 3, Outcome: "done", Data: map[string]any{"requirements_complete": true, "referral_priorities": []any{"health", "police"}}, Roles: officer}, 3, "in_progress", []string{"start_clock"}},
		{engine.StepRequest{Step: 4, Outcome: "done", Data: map[string]any{"destination": "RSUD", "police_assistance": true}, Roles: officer}, 4, "in_progress", nil},
		{engine.StepRequest{Step: 5, Outcome: "progress", Notes: "Kunjungan 1.", Roles: officer}, 4, "in_progress", nil},
		{engine.StepRequest{Step: 5, Outcome: "progress", Notes: "Kunjungan 2.", Roles: officer}, 4, "in_progress", nil},
		{engine.StepRequest{Step: 5, Outcome: "done", Data: map[string]any{"victim_safe": true}, Roles: officer}, 5, "in_progress", nil},
		{engine.StepRequest{Step: 6, Outcome: "done", Data: validStep6(), Roles: officer}, 6, "in_progress", []string{"copy_to_case:violence_types,perpetrator_relation,incident_place"}},
		{engine.StepRequest{Step: 7, Outcome: "done", Notes: "Rujuk ke RS dan polisi.", Data: map[string]any{"referral_needed": true}, Roles: supervisor}, 7, "in_progress", nil},
		{engine.StepRequest{Step: 8, Outcome: "done", Notes: "Surat dikirim.", Roles: officer}, 8, "in_progress", nil},
		{engine.StepRequest{Step: 9, Outcome: "done", Notes: "Laporan akhir.", Roles: officer}, 9, "closed", []string{"close_case"}},
	}
	for i, s := range steps {
		if s.req.Step == 8 {
			facts.referrals["sent"] = 1
		}
		d, r := w.Decide(state, s.req, env, facts)
		if r != nil {
			t.Fatalf("entry %d (step %d %s) refused: %s %v", i, s.req.Step, s.req.Outcome, r.Message, r.Fields)
		}
		if d.NewStep != s.step || d.NewStatus != s.status || !slices.Equal(d.Effects, s.effects) {
			t.Fatalf("entry %d (step %d %s): got %d/%s/%v, want %d/%s/%v", i, s.req.Step, s.req.Outcome,
				d.NewStep, d.NewStatus, d.Effects, s.step, s.status, s.effects)
		}
		if s.req.Step == 7 {
			facts.step7 = d.Data
		}
		state = engine.CaseState{CurrentStep: d.NewStep, Status: d.NewStatus}
	}
	// the closed case takes nothing more, not even a withdrawal
	for _, req := range []engine.StepRequest{
		{Step: 9, Outcome: "done", Notes: "lagi", Roles: superuser},
		{Step: 10, Outcome: "withdrawn", Notes: "cabut", Roles: superuser},
	} {
		if _, r := w.Decide(state, req, env, facts); r == nil || r.Fields["complaint"] == nil || r.Fields["complaint"].Code != "case_closed" {
			t.Errorf("closed case accepted or wrong refusal for %+v: %+v", req, r)
		}
	}
}

// The refusal for a coercion problem must say what is wrong with the value
// that was sent ("answer yes or no"), not that the answer is missing.
func TestDecideKeepsCoercionError(t *testing.T) {
	w := loadComplaint(t).Workflow
	cases := []struct {
		state engine.CaseState
		req   engine.StepRequest
		field string
	}{
		{at(6, "in_progress"), engine.StepRequest{Step: 7, Outcome: "done", Notes: "x", Data: map[string]any{"referral_needed": "maybe"}, Roles: supervisor}, "data.referral_needed"},
		{at(3, "in_progress"), engine.StepRequest{Step: 4, Outcome: "done", Data: map[string]any{"destination": 12.0, "police_assistance": false}, Roles: officer}, "data.destination"},
		{at(5, "in_progress"), engine.StepRequest{Step: 6, Outcome: "done", Data: with(validStep6(), "needs", 3.0), Roles: officer}, "data.needs"},
	}
	for _, tc := range cases {
		_, r := w.Decide(tc.state, tc.req, testEnv(t), &fakeFacts{})
		if r == nil {
			t.Errorf("step %d accepted an invalid %s", tc.req.Step, tc.field)
			continue
		}
		if fe := r.Fields[tc.field]; fe == nil || fe.Code != "invalid_type" {
			t.Errorf("step %d %s: got %+v, want code invalid_type", tc.req.Step, tc.field, fe)
		}
	}
}

// CopyFields and HasEffect read the effects a decision carries.
func TestCopyFieldsAndHasEffect(t *testing.T) {
	effects := []string{"assign_to_actor", "copy_to_case:a,b"}
	if got := engine.CopyFields(effects); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("CopyFields = %v, want [a b]", got)
	}
	if got := engine.CopyFields([]string{"close_case"}); got != nil {
		t.Errorf("CopyFields without copy_to_case = %v, want nil", got)
	}
	if !engine.HasEffect(effects, "copy_to_case") || !engine.HasEffect(effects, "assign_to_actor") || engine.HasEffect(effects, "close_case") {
		t.Errorf("HasEffect is wrong for %v", effects)
	}
}

func TestDueAtAndFirstResponseDue(t *testing.T) {
	w := loadComplaint(t).Workflow
	verified := time.Date(2026, 11, 26, 17, 30, 0, 0, time.UTC)
	if got, want := engine.DueAt(verified, 7), time.Date(2026, 12, 3, 17, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("DueAt(7 days) = %v, want %v", got, want)
	}
	if got, want := engine.DueAt(verified, 14), time.Date(2026, 12, 10, 17, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("DueAt(14 days) = %v, want %v", got, want)
	}
	cases := []struct {
		urgency string
		hours   int
	}{
		{engine.UrgencyEmergency, 1},
		{engine.UrgencyNormal, 24},
		{"", 24},
		{"unknown", 24},
	}
	for _, tc := range cases {
		if got, want := w.FirstResponseDue(verified, tc.urgency), verified.Add(time.Duration(tc.hours)*time.Hour); !got.Equal(want) {
			t.Errorf("FirstResponseDue(%q) = %v, want %v", tc.urgency, got, want)
		}
	}
}
