package pb_hooks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The console around the supervisors' step: step 6 starts from what the
// complaint says; the officer learns a letter cannot go out yet and why;
// the supervisor is told the case waits and finds it under "Menunggu
// disposisi" in the queue.
func TestConsoleDispositionAndLetterReadiness(t *testing.T) {
	h, base := consoleServer(t)
	_, offTok := h.Staff("petugas@teduh.test", "Pak Petugas", "officer", true)
	h.Staff("kepala@teduh.test", "Bu Kepala", "supervisor", true)
	c := h.submit(with(validComplaint(), "violence_types", []string{"physical", "sexual"}, "perpetrator_relation", "spouse", "incident_place", "household"))
	other := h.submit(with(validComplaint(), "victim_name", "Bunga"))
	h.mustStep(offTok, c.Id, 2, "done", "Korban ditenangkan.", nil)
	h.mustStep(offTok, c.Id, 3, "done", "", map[string]any{"requirements_complete": true, "referral_priorities": []string{"health"}})
	h.mustStep(offTok, c.Id, 4, "skipped", "Korban sudah di rumah keluarga.", nil)
	h.mustStep(offTok, c.Id, 5, "done", "", map[string]any{"victim_safe": true})

	b := openConsole(t, base)
	b.expectFailedLoad(base + "/api/collections/referrals/records/") // the refused send
	b.consoleSignIn("petugas@teduh.test")
	b.goHash("#/kasus/" + c.Id)
	b.waitStepForm(6)
	if !b.visible("step-prefilled") {
		t.Error("step 6 does not say it starts from the complaint")
	}
	ticked := js[[]string](b, `[...document.querySelectorAll('#s-violence_types input:checked')].map((c) => c.value)`)
	if !sameSet(ticked, []string{"physical", "sexual"}) {
		t.Errorf("violence types ticked %v", ticked)
	}
	for id, want := range map[string]string{"s-perpetrator_relation": "spouse", "s-incident_place": "household"} {
		if v := runIn(b, "reading #"+id, chromedp.Value(chromedp.ID(id))); v != want {
			t.Errorf("#%s starts with %q, want %q", id, v, want)
		}
	}
	// editable: the place was in fact a public facility
	b.choose("s-incident_place", "public_facility")
	b.click("s-needs-health")
	b.click("step-submit")
	b.waitStepDone(6)
	var data struct {
		Types []string `json:"violence_types"`
		Place string   `json:"incident_place"`
	}
	step6, err := h.App.FindFirstRecordByFilter("case_steps", "complaint = {:c} && step = 6", map[string]any{"c": c.Id})
	if err != nil {
		t.Fatal(err)
	}
	_ = step6.UnmarshalJSONField("data", &data)
	if !sameSet(data.Types, []string{"physical", "sexual"}) || data.Place != "public_facility" {
		t.Errorf("step 6 stored %+v", data)
	}
	b.step("waiting for the notice on step 7", chromedp.WaitVisible(chromedp.ID("step-not-allowed")))

	// a letter cannot go out yet: the page says what is missing before and when sending
	b.waitJS("the referrals", `document.getElementById('letters-not-ready')`)
	if msg := b.text("letters-not-ready"); !strings.Contains(msg, "nama, NIP kepala kantor") || !strings.Contains(msg, "profil kantor") {
		t.Errorf("office notice %q", msg)
	}
	if !js[bool](b, `document.getElementById('new-referral').open`) {
		t.Error("the new referral form is folded although step 7 is next")
	}
	hospital := js[string](b, `[...document.querySelectorAll('#rf-institution option')].find((o) => o.textContent.startsWith('RSUD')).value`)
	b.choose("rf-institution", hospital)
	if msg := b.text("rf-institution-state"); !strings.Contains(msg, "belum dapat dikirim") || !strings.Contains(msg, "alamat, telepon, konfirmasi") {
		t.Errorf("institution state %q", msg)
	}
	b.typeInto("rf-services", "Visum et repertum.")
	b.click("rf-submit")
	b.waitJS("the draft", `document.querySelector('#referral-list .ref[data-status="draft"]')`)
	id := js[string](b, `document.querySelector('#referral-list .ref[data-status="draft"]').dataset.id`)
	b.click("ref-" + id + "-sent")
	b.click("ref-" + id + "-sent-consent")
	b.choose("ref-"+id+"-sent-consent_by", "victim")
	b.click("ref-" + id + "-sent-submit")
	b.waitJS("the refusal", `document.querySelector('#ref-`+id+`-sent-form [role=alert]:not([hidden])')`)
	refusal := js[string](b, `document.querySelector('#ref-`+id+`-sent-form [role=alert]').innerText`)
	for _, want := range []string{"Nama kepala kantor", "NIP kepala kantor", "Alamat RSUD", "belum dikonfirmasi"} {
		if !strings.Contains(refusal, want) {
			t.Errorf("the refusal lacks %q:\n%s", want, refusal)
		}
	}
	b.viewShot("console-letter-not-ready-phone", "ref-"+id+"-sent-form")
	if got := referralStatus(h, id); got != "draft" {
		t.Errorf("referral %s after the refusal", got)
	}
	b.consoleSignOut()

	// the supervisor: told, and the queue's filter
	b.consoleSignIn("kepala@teduh.test")
	b.waitJS("the notification count", `!document.getElementById('notif-badge').hidden`)
	b.choose("q-status", "awaiting_disposition")
	b.waitJS("the filtered queue", `document.getElementById('queue-status').textContent.includes('1 kasus')`)
	if got := b.queueNumbers(); !slices.Equal(got, []string{c.GetString("number")}) || slices.Contains(got, other.GetString("number")) {
		t.Errorf("waiting for the disposition: %v", got)
	}
	if row := js[string](b, `document.querySelector('#queue-list .qrow').innerText`); !strings.Contains(row, "Menunggu disposisi") {
		t.Errorf("queue row %q", row)
	}
	if !strings.Contains(b.text("q-summary"), "menunggu disposisi") {
		t.Errorf("filter summary %q", b.text("q-summary"))
	}
	b.click("nav-notifications")
	b.waitJS("the notifications", `document.querySelector('#notif-list li')`)
	if list := b.text("notif-list"); !strings.Contains(list, "menunggu disposisi tindak lanjut (langkah 7)") {
		t.Errorf("notifications %q", list)
	}
	b.checkA11y("notifications")
}

func referralStatus(h *harness, referralID string) string {
	r, err := h.App.FindRecordById("referrals", referralID)
	if err != nil {
		return "missing"
	}
	return r.GetString("status")
}
