package pb_hooks_test

// The console on a phone: every page of layoutPages, at every width of
// layoutWidths, with the data an office really has (long names, a case with
// referrals, a letter number, an e-mail address), must fit the screen: no
// horizontal scroll, no text running out of its box or cut off, no control
// wider than the screen. A new page is one more row in layoutPages.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"
)

// layoutWidths are the phones to fit: small Android phones (360 px) and
// current iPhones (390 px).
var layoutWidths = []int{360, 390}

// layoutWorld is the data the pages show.
type layoutWorld struct {
	disposition, referral *core.Record // a case at step 7 and one at step 8
	sentReferral          string
}

// layoutPage is one screen of the console: where it is, when it is ready,
// what to open on it before measuring (JavaScript, may be empty).
type layoutPage struct {
	name  string
	hash  func(w *layoutWorld) string
	ready string
	open  string
}

var layoutPages = []layoutPage{
	{name: "queue", hash: func(*layoutWorld) string { return "#/antrean" },
		ready: `document.getElementById('queue-status').textContent.startsWith('Menampilkan')`,
		open:  `document.getElementById('q-more').open = true`},
	{name: "queue, waiting for the disposition", hash: func(*layoutWorld) string { return "#/antrean" },
		ready: `document.getElementById('queue-status').textContent.startsWith('Menampilkan')`,
		open: `(() => { const s = document.getElementById('q-status'); s.value = 'awaiting_disposition';
			s.dispatchEvent(new Event('change', { bubbles: true })); document.getElementById('q-more').open = true; })()`},
	{name: "case waiting for the disposition, with referrals", hash: func(w *layoutWorld) string { return "#/kasus/" + w.disposition.Id },
		ready: `document.querySelector('#step-form[data-step="7"]') && document.querySelector('#referral-list .ref')`},
	{name: "case at the referral step, sending a letter", hash: func(w *layoutWorld) string { return "#/kasus/" + w.referral.Id },
		ready: `document.querySelector('#step-form[data-step="8"]') && document.querySelector('#referral-list .ref[data-status="draft"] button[id$="-sent"]')`,
		open: `(() => { document.querySelector('#referral-list .ref[data-status="draft"] button[id$="-sent"]').click();
			document.getElementById('new-referral').open = true; document.getElementById('withdraw').open = true; })()`},
	{name: "team", hash: func(*layoutWorld) string { return "#/tim" },
		ready: `document.getElementById('team-status').textContent.startsWith('Beban kerja')`},
	{name: "team, the staff accounts", hash: func(*layoutWorld) string { return "#/tim" },
		ready: `document.getElementById('team-status').textContent.startsWith('Beban kerja') && document.querySelector('#account-list li[data-id]')`,
		open: `(() => { document.getElementById('account-new').open = true;
			for (const d of document.querySelectorAll('#account-list details')) d.open = true; })()`},
	{name: "set-up", hash: func(*layoutWorld) string { return "#/pengaturan" },
		ready: `document.getElementById('setup-status').textContent === 'Pengaturan dimuat.' && document.getElementById('setup-institutions')`,
		open: `(() => { document.getElementById('inst-new').open = true; document.getElementById('setup-extra-add').click();
			const first = document.querySelector('#setup-institution-list details'); if (first) first.open = true;
			document.getElementById('set-letterhead-custom').click(); })()`},
	{name: "notifications", hash: func(*layoutWorld) string { return "#/notifikasi" },
		ready: `document.querySelector('#notif-list li')`},
	{name: "statistics", hash: func(*layoutWorld) string { return "#/statistik" },
		ready: `document.getElementById('stats-status').textContent.startsWith('Statistik') && document.querySelector('#stats-body .stats-block')`},
}

// layoutProblems lists what does not fit the screen: the page wider than
// the viewport, an element reaching past its edges, text wider than its box
// or clipped by it. (A closed select shortens a long chosen option the way
// the phone's own controls do, and its picker shows the options whole; it is
// not measured.)
//
// The screen's width comes from the test: with a phone's viewport Chromium
// widens the layout viewport (window.innerWidth) to whatever overflows, so
// a page 402 px wide on a 390 px phone has innerWidth 402 and the phone
// zooms out or scrolls sideways.
const layoutProblems = `((vw) => {
	const bad = [];
	if (window.innerWidth > vw) bad.push('the layout viewport is ' + window.innerWidth + ' px wide on a ' + vw + ' px screen');
	const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') +
		' "' + (e.innerText || e.value || '').trim().slice(0, 40).replace(/\s+/g, ' ') + '"';
	const hiddenOnPurpose = (e) => !!e.closest('.sr-only, .skip, [hidden], details:not([open]) > :not(summary)');
	if (document.documentElement.scrollWidth > vw) bad.push('the page is ' + document.documentElement.scrollWidth + ' px wide on a ' + vw + ' px screen');
	for (const e of document.querySelectorAll('body *')) {
		if (!e.checkVisibility() || hiddenOnPurpose(e)) continue;
		const r = e.getBoundingClientRect();
		if (r.width === 0 || r.height === 0) continue;
		// only the outermost element past the edge (its children are too)
		const parentOut = (() => { const p = e.parentElement && e.parentElement.getBoundingClientRect(); return p && (p.right > vw + 0.5 || p.left < -0.5); })();
		if ((r.right > vw + 0.5 || r.left < -0.5) && !parentOut) bad.push(name(e) + ' spans ' + Math.round(r.left) + '..' + Math.round(r.right) + ' px');
		const s = getComputedStyle(e);
		if (s.overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1) bad.push(name(e) + ' scrolls sideways: ' + e.scrollWidth + ' px in ' + e.clientWidth + ' px');
		const ownText = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
		if (ownText && s.display !== 'inline' && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) bad.push(name(e) + ': text ' + e.scrollWidth + ' px in a ' + e.clientWidth + ' px box');
	}
	return bad;
})`

// Long names, as offices have them.
const (
	layoutVictim     = "Maria Goretti Anastasia Kusumawardhani Simanjuntak"
	layoutOfficer    = "Rahmawati Kusumaningrum Puspitasari, S.Sos., M.Kesos."
	layoutSupervisor = "Dra. Fransiska Xaveria Widyaningsih, M.Si."
)

// layoutSetup is a server with a supervisor, officers with long names and
// cases of every kind the pages show.
func layoutSetup(t *testing.T) (*harness, string, *layoutWorld) {
	t.Helper()
	h, base := consoleServer(t)
	readyForLetters(t, h)
	officer, offTok := h.Staff("petugas@teduh.test", layoutOfficer, "officer", true)
	h.Staff("petugas.dua@teduh.test", "Bonifasius Alexander Tanoesoedibjo", "officer", true)
	_, supTok := h.Staff("kepala@teduh.test", layoutSupervisor, "supervisor", true)
	inst, err := h.App.FindFirstRecordByData("referral_institutions", "name", "Unit PPA Satreskrim Polres Singkawang")
	if err != nil {
		t.Fatal(err)
	}
	inst.Set("name", "Unit Pelayanan Perempuan dan Anak Satuan Reserse Kriminal Kepolisian Resor Singkawang")
	inst.Set("email", "unit.ppa.satreskrim.polres.singkawang@polri.go.id")
	if err := h.App.Save(inst); err != nil {
		t.Fatal(err)
	}

	w := &layoutWorld{}
	long := func(extra ...any) map[string]any {
		return with(validComplaint(), append([]any{"victim_name", layoutVictim, "reporter_name", "Yohanes Bosco Hendrawan Sastrowardoyo",
			"victim_address", "Jalan Gunung Sari Gang Karya Bakti Nomor 17 RT 003 RW 011, Kelurahan Sekip Lama", "injured", true}, extra...)...)
	}
	step := func(c *core.Record, upTo int) {
		h.mustStep(offTok, c.Id, 2, "done", "Korban ditenangkan dan dihubungi lewat telepon.", nil)
		h.mustStep(offTok, c.Id, 3, "done", "", map[string]any{"requirements_complete": true, "referral_priorities": []string{"health", "police", "shelter"}})
		h.mustStep(offTok, c.Id, 4, "skipped", "Korban sudah di rumah keluarga.", nil)
		h.mustStep(offTok, c.Id, 5, "done", "", map[string]any{"victim_safe": true})
		h.mustStep(offTok, c.Id, 6, "done", "", map[string]any{"violence_types": []string{"physical", "psychological"}, "perpetrator_relation": "partner_friend",
			"incident_place": "public_facility", "needs": []string{"health", "legal_aid", "psychosocial"}})
		if upTo >= 7 {
			h.mustStep(supTok, c.Id, 7, "done", "Rujuk ke kepolisian untuk proses hukum.", map[string]any{"referral_needed": true})
		}
	}
	refer := func(c *core.Record, send bool) string {
		res := h.Do("POST", "/api/collections/referrals/records", map[string]any{"complaint": c.Id, "institution": inst.Id,
			"services": "Penerimaan laporan polisi, pendampingan pemeriksaan, dan permintaan visum et repertum ke RSUD dr. Abdul Aziz.",
			"reason":   "Korban ingin melaporkan pelaku yang masih tinggal di lingkungan yang sama."}, offTok)
		if res.Status != 200 {
			t.Fatalf("referral: %d %s", res.Status, res)
		}
		id := res.JSON["id"].(string)
		if send {
			if res := h.Do("PATCH", "/api/collections/referrals/records/"+id, map[string]any{"consent": true, "consent_by": "victim", "status": "sent"}, offTok); res.Status != 200 {
				t.Fatalf("send: %d %s", res.Status, res)
			}
		}
		return id
	}
	w.disposition = h.submit(long())
	step(w.disposition, 6)
	w.sentReferral = refer(w.disposition, true)
	w.referral = h.submit(long("victim_name", "Theresia Avila Kurniawati Hadiningrat Sitompul"))
	step(w.referral, 7)
	refer(w.referral, true)
	refer(w.referral, false)
	for i := 0; i < 3; i++ {
		h.submit(with(long(), "victim_name", fmt.Sprintf("Korban Dengan Nama Sangat Panjang Sekali Nomor %d", i+1)))
	}
	_ = officer
	h.Teduh.Reminders().Wait()
	return h, base, w
}

func TestConsoleFitsPhoneScreens(t *testing.T) {
	_, base, w := layoutSetup(t)
	b := openConsole(t, base)
	b.consoleSignIn("kepala@teduh.test")
	for _, width := range layoutWidths {
		for _, p := range layoutPages {
			t.Run(fmt.Sprintf("%s at %d px", p.name, width), func(t *testing.T) {
				b.t = t
				b.step(fmt.Sprintf("a %d px screen", width), chromedp.EmulateViewport(int64(width), 800, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
				b.goHash("#/")
				b.goHash(p.hash(w))
				b.waitJS(p.name+" is shown", p.ready)
				if p.open != "" {
					js[chromedp.Void](b, p.open)
					b.waitJS(p.name+" is shown", p.ready)
				}
				// let the layout settle (fonts, late sections)
				js[chromedp.Void](b, `new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))`)
				b.screenshot(fmt.Sprintf("layout-%s-%d", strings.NewReplacer(" ", "-", ",", "").Replace(p.name), width))
				if bad := js[[]string](b, fmt.Sprintf("(%s)(%d)", layoutProblems, width)); len(bad) > 0 {
					t.Errorf("%s at %d px does not fit the screen:\n  %s", p.name, width, strings.Join(bad, "\n  "))
				}
			})
		}
	}
}
