// The case page, for the victim complaints and for every other service
// from its definitions: the case's data (editable while the case is open,
// when its service allows), assignment for supervisors, its declared
// clocks, the timeline of every step with actor and time, and a form for
// exactly the next step, built from the workflow the case runs under.
// Withdrawal is a step too ("withdrawn", with notes).
import { api, get, q, download, isSupervisor } from './api.js';
import {
  $, el, setError, LABELS, OPEN_STATUSES, clock, fmtDateTime, fmtDate, urgencyBadge, clockBadge, badge, busy,
  showMessage, announce, showSummary,
} from './ui.js';
import { FieldSet, test, displayValue } from './fields.js';
import { ctx, staffName, activeStaff, mayRecord, myRole, serviceDef } from './state.js';
import { renderReferrals } from './referrals.js';
import { clockView, clocksSection, postMet, clockBadge as declaredBadge } from './clocks.js';
import { startLinkedCase } from './newcase.js';

// current is the open case: {id, rec, steps, clocks, svc, workflow, form}
// where svc is the service ({id, builtin, cases, steps, name, title_field,
// editable}) and workflow and form are the versions the case runs under.
let current = null;
let loadGen = 0;
let pending = ''; // a message for the next case page opened

export function setPendingMessage(m) { pending = m; }

// forgetCase drops the open case from memory (on sign-out).
export function forgetCase() {
  current = null;
  loadGen++;
}

// openCase loads and shows a case; message is shown on top (after a step).
// complaintService is the victim complaints' service as the page needs it.
function complaintService() {
  const d = serviceDef('complaint');
  return { id: 'complaint', builtin: true, cases: 'complaints', steps: 'case_steps', name: d ? d.name : 'Pengaduan korban', title_field: 'victim_name', editable: true };
}

function cannotOpen(view, r, back) {
  view.replaceChildren(
    el('p', null, el('a', { href: back }, '← Kembali ke antrean')),
    el('h1', { id: 'case-title', tabindex: '-1' }, 'Kasus tidak dapat dibuka'),
    el('p', { class: 'alert', role: 'alert' }, r.status === 404 ? 'Kasus ini tidak ditemukan, atau sudah ditugaskan kepada petugas lain.' : r.message));
  $('#case-title').focus();
}

// openCase loads and shows a victim complaint; message is shown on top
// (after a step).
export async function openCase(id, { message = '', focus = 'title' } = {}) {
  const gen = ++loadGen;
  if (pending) { message = message || pending; pending = ''; }
  const view = $('#view-case');
  if (!current || current.id !== id) view.replaceChildren(el('p', { class: 'notice', role: 'status' }, 'Memuat kasus…'));
  const withClocks = ((ctx.workflow && ctx.workflow.clocks) || []).length > 0;
  const [c, s, k] = await Promise.all([
    get(`/api/collections/complaints/records/${encodeURIComponent(id)}`),
    get('/api/collections/case_steps/records', { filter: `complaint = ${q(id)}`, sort: 'created,id', perPage: 500, skipTotal: 1 }),
    withClocks ? get('/api/collections/case_clocks/records', { filter: `complaint = ${q(id)}`, sort: 'created,id', perPage: 50, skipTotal: 1 }) : null,
  ]);
  if (gen !== loadGen) return;
  if (!c.ok || !s.ok) return cannotOpen(view, c.ok ? s : c, '#/antrean');
  let workflow = ctx.workflow;
  let form = ctx.form;
  // a case started under an older workflow follows it
  if ((c.data.workflow_version && c.data.workflow_version !== workflow.version) || (c.data.form_version && form.version && c.data.form_version !== form.version)) {
    const old = await get('/api/services/complaint', { workflow_version: c.data.workflow_version, form_version: c.data.form_version });
    if (gen !== loadGen) return;
    if (old.ok) ({ workflow, form } = old.data);
  }
  const clocks = k && k.ok ? (k.data.items || []).map((row) => clockView(row, workflow)) : [];
  current = { id, rec: c.data, steps: s.data.items || [], clocks, svc: complaintService(), workflow, form };
  await show(message, focus);
}

// openServiceCase loads and shows a case of another service.
export async function openServiceCase(service, id, { message = '', focus = 'title' } = {}) {
  const gen = ++loadGen;
  if (pending) { message = message || pending; pending = ''; }
  const view = $('#view-case');
  if (!current || current.id !== id) view.replaceChildren(el('p', { class: 'notice', role: 'status' }, 'Memuat kasus…'));
  const r = await get(`/api/services/${encodeURIComponent(service)}/cases/${encodeURIComponent(id)}`);
  if (gen !== loadGen) return;
  if (!r.ok) return cannotOpen(view, r, `#/antrean/${encodeURIComponent(service)}`);
  const d = r.data.service;
  current = {
    id, rec: r.data.case, steps: r.data.steps || [], clocks: r.data.clocks || [], workflow: d.workflow, form: d.form,
    svc: { id: d.id, builtin: false, cases: d.collections.cases, steps: d.collections.steps, name: d.name, title_field: d.title_field, editable: d.editable },
  };
  if (d.statuses) Object.assign(LABELS.status, d.statuses);
  await show(message, focus);
}

async function show(message, focus) {
  const referralsShown = render(message);
  document.title = `${current.rec.number} · Konsol Petugas Teduh`;
  if (focus === 'title') $('#case-title').focus();
  else if (focus === 'step' && $('#step-result')) $('#step-result').focus();
  await referralsShown;
}

// reopen shows the open case again, from the server.
function reopen(opts) {
  if (!current) return Promise.resolve();
  return current.svc.builtin ? openCase(current.id, opts) : openServiceCase(current.svc.id, current.id, opts);
}

// the workflow the open case runs under
const wfSteps = () => (current && current.workflow ? current.workflow.steps || [] : []);
const wfStep = (n) => wfSteps().find((x) => x.number === n) || null;
const mayWithdrawHere = () => ((current.workflow.withdraw && current.workflow.withdraw.roles) || []).includes(myRole());
const caseFields = () => {
  const out = [];
  for (const s of (current.form && current.form.sections) || []) out.push(...(s.fields || []));
  return out;
};

// postStep records a step of the open case.
function postStep(body) {
  if (current.svc.builtin) return api('POST', '/api/collections/case_steps/records', { body: { complaint: current.id, ...body } });
  return api('POST', `/api/services/${encodeURIComponent(current.svc.id)}/cases/${encodeURIComponent(current.id)}/steps`, { body });
}

// caseChangedLive reloads the open case after a realtime change to it made
// elsewhere. The event of one's own write may arrive before its answer, so
// the check waits a moment and then compares the record's "updated" time.
let liveTimer = 0;
export function caseChangedLive(action, rec) {
  if (!current || rec.id !== current.id || !current.svc.builtin) return;
  clearTimeout(liveTimer);
  liveTimer = setTimeout(() => {
    if (!current || rec.id !== current.id || $('#view-case').hidden) return;
    if (rec.updated && rec.updated <= current.rec.updated) return;
    const editing = ($('#step-form') && $('#step-form').dataset.dirty === 'true') || $('#case-edit-form');
    if (editing) {
      $('#case-stale').hidden = false;
      return;
    }
    reopen({ focus: 'none' });
  }, 800);
}

// ---- page

function render(message) {
  const c = current.rec;
  const open = OPEN_STATUSES.includes(c.status);
  const info = clock(c);
  const view = $('#view-case');
  const svc = current.svc;
  const back = svc.builtin ? '#/antrean' : `#/antrean/${encodeURIComponent(svc.id)}`;
  const title = svc.title_field ? c[svc.title_field] || '' : '';
  // a service without the crisis clock shows its declared clocks instead
  const header = el('div', { class: 'case-head' },
    el('p', { class: 'back' }, el('a', { href: back }, '← Kembali ke antrean')),
    svc.builtin ? null : el('p', { class: 'case-service' }, svc.name),
    el('h1', { id: 'case-title', tabindex: '-1' }, el('span', { id: 'case-number' }, c.number), ' ', el('span', { class: 'case-name' }, title)),
    el('p', { class: 'case-badges' }, svc.builtin ? urgencyBadge(c.urgency) : null, ' ', badge(LABELS.status[c.status] || c.status, open ? 'running' : 'muted'), ' ',
      svc.builtin ? clockBadge(info) : null, ...current.clocks.filter((k) => !k.met_at && k.status !== 'cancelled').map((k) => [' ', clockBadgeOf(k)])),
    svc.builtin ? el('p', { id: 'case-clock', class: 'case-clock' }, info.text) : null,
    el('p', { id: 'case-stale', class: 'notice', hidden: true }, 'Kasus ini baru saja diubah di tempat lain. ',
      el('button', { type: 'button', class: 'linklike', onclick: () => reopen() }, 'Muat ulang kasus'), '.'),
  );
  const main = el('div', { class: 'case-main' }, nextStepSection(message));
  const side = el('div', { class: 'case-side' }, assignmentSection());
  if (current.clocks.length) {
    side.append(clocksSection(current.clocks, {
      open,
      recordMet: (clock, notes) => postMet(svc.id, current.id, clock, notes),
      reload: (msg) => reopen({ message: msg, focus: 'step' }),
    }));
  }
  side.append(dataSection());
  // SIMFONI (victim complaints): the perpetrators beside the step form at
  // the full identification (step 6), aside otherwise; the services given
  const simfoni = svc.builtin && ctx.perpetratorForm;
  if (simfoni) {
    const nextStep = wfStep((c.current_step || 0) + 1);
    const perps = el('section', { id: 'perpetrators', class: 'card', 'aria-labelledby': 'perpetrators-title' });
    if (open && nextStep && nextStep.code === 'assessment') main.append(perps);
    else side.append(perps);
    side.append(el('section', { id: 'services', class: 'card', 'aria-labelledby': 'services-title' }));
  }
  if (svc.builtin) side.append(documentsSection());
  const referrals = svc.builtin && ctx.features.referrals;
  if (referrals) {
    // beside the step form while the referral step is next, else aside
    const refs = el('section', { id: 'referrals', class: 'card', 'aria-labelledby': 'referrals-title' });
    const next = wfStep((c.current_step || 0) + 1);
    if (open && next && next.code === 'referral') main.append(refs);
    else side.append(refs);
  }
  main.append(timelineSection());
  view.replaceChildren(header, el('div', { class: 'case-grid' }, main, side));
  const more = [];
  if (simfoni) more.push(renderPerpetrators($('#perpetrators'), open), renderServices($('#services'), open));
  if (referrals) more.push(renderReferrals($('#referrals'), current.rec, { open, reload: () => reopen({ focus: 'none' }) }));
  return Promise.all(more);
}

// ---- SIMFONI: perpetrators

const perpLabel = (f, v) => (f && v ? displayValue(f, v) : '');

function perpSummary(p) {
  const defs = Object.fromEntries((ctx.perpetratorForm.sections || []).flatMap((s) => s.fields || []).map((f) => [f.name, f]));
  const parts = [perpLabel(defs.relation, p.relation), perpLabel(defs.sex, p.sex) || 'jenis kelamin tidak diketahui'];
  if (p.age) parts.push(`${p.age} tahun`);
  else if (p.age_group) parts.push(perpLabel(defs.age_group, p.age_group));
  if (p.education) parts.push(perpLabel(defs.education, p.education));
  if (p.occupation) parts.push(perpLabel(defs.occupation, p.occupation));
  return parts.filter(Boolean).join(' · ');
}

async function renderPerpetrators(sec, open) {
  const id = current.id;
  const r = await get('/api/collections/perpetrators/records', { filter: `complaint = ${q(id)}`, sort: 'created,id', perPage: 100, skipTotal: 1 });
  if (!current || current.id !== id) return;
  const items = r.ok ? r.data.items || [] : [];
  // perpetrators of the report's other cases (that this officer may see),
  // for "the same person as"
  let others = [];
  const rn = current.rec.report_number;
  if (open && rn) {
    const linked = await get('/api/collections/complaints/records', { filter: `report_number = ${q(rn)} && id != ${q(id)}`, fields: 'id,number', perPage: 50, skipTotal: 1 });
    const ids = linked.ok ? (linked.data.items || []) : [];
    if (ids.length) {
      const pr = await get('/api/collections/perpetrators/records', { filter: ids.map((x) => `complaint = ${q(x.id)}`).join(' || '), perPage: 100, skipTotal: 1 });
      const num = Object.fromEntries(ids.map((x) => [x.id, x.number]));
      others = pr.ok ? (pr.data.items || []).filter((p) => !p.same_as).map((p) => ({ ...p, caseNumber: num[p.complaint] })) : [];
    }
  }
  const msg = el('div', { id: 'perp-message', role: 'status', hidden: true });
  const list = el('ul', { class: 'perp-list', id: 'perp-list' }, items.map((p) => el('li', { 'data-id': p.id },
    el('p', null, perpSummary(p), p.same_as ? el('span', { class: 'muted' }, ' (sama dengan pelaku di kasus lain laporan ini)') : null),
    open ? el('button', { type: 'button', class: 'btn btn-small btn-plain', onclick: () => perpForm(sec, p, others) }, 'Ubah') : null,
    open ? el('button', { type: 'button', class: 'btn btn-small btn-plain', onclick: () => deletePerp(p) }, 'Hapus') : null)));
  sec.replaceChildren(
    el('h2', { id: 'perpetrators-title' }, `Pelaku (${items.length})`),
    el('p', { class: 'help' }, 'Setiap pelaku dicatat sendiri untuk SIMFONI-PPA: jenis kelamin, usia atau kelompok umur, hubungan dengan korban, pendidikan dan pekerjaan. Dapat diubah sampai kasus ditutup.'),
    items.length ? list : el('p', { class: 'muted', id: 'perp-none' }, 'Belum ada pelaku yang dicatat.'),
    msg);
  if (!r.ok) showMessage(msg, r.message);
  if (open) sec.append(el('p', null, el('button', { type: 'button', id: 'perp-add', class: 'btn btn-plain', onclick: () => perpForm(sec, null, others) }, 'Tambah pelaku')));
  else sec.append(el('p', { class: 'muted' }, 'Kasus sudah ditutup; data pelaku tidak dapat diubah lagi.'));
}

function perpForm(sec, p, others) {
  const old = $('#perp-form');
  if (old) old.remove();
  const fields = (ctx.perpetratorForm.sections || []).flatMap((s) => s.fields || []);
  const fs = new FieldSet(fields, { prefix: 'p-', values: p || {} });
  let same = null;
  if (others.length) {
    same = el('select', { id: 'p-same_as' }, el('option', { value: '' }, 'Bukan (orang yang berbeda)'),
      others.map((o) => el('option', { value: o.id }, `${o.caseNumber}: ${perpSummary(o)}`)));
    same.value = (p && p.same_as) || '';
  }
  const summary = el('div', { id: 'perp-summary', class: 'alert summary', role: 'alert', tabindex: '-1', hidden: true });
  const save = el('button', { type: 'submit', id: 'perp-save', class: 'btn' }, p ? 'Simpan perubahan' : 'Simpan pelaku');
  const form = el('form', { id: 'perp-form', novalidate: true, autocomplete: 'off' }, fs.root,
    same ? el('div', { class: 'field' }, el('label', { for: 'p-same_as' }, 'Pelaku yang sama dengan di kasus lain laporan ini'),
      el('p', { class: 'help' }, 'Pilih bila orang ini sudah dicatat pada korban lain dari laporan yang sama: SIMFONI menghitungnya satu kali.'), same) : null,
    summary, el('div', { class: 'actions' }, save, ' ', el('button', { type: 'button', class: 'btn btn-plain', onclick: () => form.remove() }, 'Batal')));
  sec.append(form);
  form.querySelector('select, input').focus();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    let errs = fs.check();
    if (!Object.keys(errs).length) {
      const body = { ...fs.values({ includeEmpty: true }) };
      if (same) body.same_as = same.value;
      if (!p) body.complaint = current.id;
      const r = await busy(save, 'Menyimpan…', () => (p
        ? api('PATCH', `/api/collections/perpetrators/records/${p.id}`, { body })
        : api('POST', '/api/collections/perpetrators/records', { body })));
      if (r.ok) {
        await renderPerpetrators(sec, true);
        showMessage($('#perp-message'), p ? 'Data pelaku diubah.' : 'Pelaku dicatat.', 'ok');
        announce(p ? 'Data pelaku diubah.' : 'Pelaku dicatat.');
        return;
      }
      errs = Object.keys(r.fields).length ? r.fields : { '': r.message };
      fs.showErrors(errs);
      showSummary(summary, r.message, Object.entries(errs).filter(([, v]) => v !== r.message).map(([k, v]) => ({ label: fs.byName[k] ? fs.label(k) : '', message: v })));
      summary.focus();
      return;
    }
    const { first } = fs.showErrors(errs);
    if (first) first.focus();
  });
}

async function deletePerp(p) {
  if (!window.confirm('Hapus catatan pelaku ini?')) return;
  const r = await api('DELETE', `/api/collections/perpetrators/records/${p.id}`);
  await renderPerpetrators($('#perpetrators'), true);
  showMessage($('#perp-message'), r.ok ? 'Catatan pelaku dihapus.' : r.message, r.ok ? 'ok' : 'alert');
}

// ---- SIMFONI: services given

async function renderServices(sec, open) {
  const id = current.id;
  const r = await get(`/api/complaints/${encodeURIComponent(id)}/services`);
  if (!current || current.id !== id) return;
  sec.replaceChildren(el('h2', { id: 'services-title' }, 'Layanan yang diberikan (SIMFONI)'));
  if (!r.ok) { sec.append(el('p', { class: 'alert' }, r.message)); return; }
  const { derived, given, options } = r.data;
  const chosen = given.length ? given : derived;
  const label = (c) => (options.find((o) => o.code === c) || { label: c }).label;
  sec.append(el('p', { class: 'help' }, given.length
    ? 'Sudah dikonfirmasi petugas.'
    : `Belum dikonfirmasi: dari langkah dan rujukan kasus ini tercatat ${derived.map(label).join(', ')}. Periksa lalu simpan.`));
  if (!open) {
    sec.append(el('p', { id: 'services-list' }, chosen.map(label).join(', ')));
    return;
  }
  const boxes = options.map((o) => {
    const c = el('input', { type: 'checkbox', id: `sv-${o.code}`, value: o.code });
    c.checked = chosen.includes(o.code);
    return { c, wrap: el('div', { class: 'check' }, c, el('label', { for: c.id }, o.label)) };
  });
  const err = el('p', { class: 'error', id: 'err-services', hidden: true });
  const done = el('p', { id: 'services-status', role: 'status', class: 'muted' });
  const save = el('button', { type: 'submit', id: 'services-save', class: 'btn btn-plain' }, 'Simpan layanan');
  const form = el('form', { id: 'services-form', novalidate: true },
    el('fieldset', { class: 'field group', 'aria-describedby': 'err-services' }, el('legend', null, 'Layanan yang diterima korban'), boxes.map((x) => x.wrap), err),
    save, done);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setError(boxes.map((x) => x.c), err, '');
    const services = boxes.filter((x) => x.c.checked).map((x) => x.c.value);
    const res = await busy(save, 'Menyimpan…', () => api('POST', `/api/complaints/${encodeURIComponent(current.id)}/services`, { body: { services } }));
    if (!res.ok) { setError(boxes.map((x) => x.c), err, res.fields.services || res.message); boxes[0].c.focus(); return; }
    done.textContent = 'Layanan disimpan.';
  });
  sec.append(form);
}

const clockBadgeOf = (k) => el('span', { class: 'case-declared-clock', 'data-clock': k.clock }, declaredBadge(k));

// ---- next step

function nextStepSection(message) {
  const c = current.rec;
  const sec = el('section', { id: 'next-step', class: 'card card-primary', 'aria-labelledby': 'next-step-title' });
  const result = el('div', { id: 'step-result', class: 'ok', tabindex: '-1', role: 'status', hidden: !message }, message ? el('p', null, message) : null);
  if (!OPEN_STATUSES.includes(c.status)) {
    sec.append(el('h2', { id: 'next-step-title' }, 'Kasus ditutup'), result,
      el('p', null, c.status === 'withdrawn' ? 'Kasus ini dicabut atau dialihkan. Tidak ada langkah lagi.' : 'Semua langkah sudah dicatat. Tidak ada langkah lagi.'));
    return sec;
  }
  const step = wfStep((c.current_step || 0) + 1);
  if (!step) {
    sec.append(el('h2', { id: 'next-step-title' }, 'Tidak ada langkah berikutnya'), result);
    return sec;
  }
  sec.append(el('h2', { id: 'next-step-title' }, `Langkah berikutnya: ${step.number}. ${step.label}`), result);
  if (step.description) sec.append(el('p', { class: 'help' }, step.description));
  if (!mayRecord(step)) {
    const who = (step.roles || []).map((r) => LABELS.role[r] || r).join(' atau ');
    sec.append(el('p', { id: 'step-not-allowed', class: 'notice' }, `Langkah ini dicatat oleh ${who}. Kasus menunggu langkah tersebut.`));
  } else {
    sec.append(stepForm(step));
  }
  if (mayWithdrawHere()) sec.append(withdrawForm(step));
  return sec;
}

function stepForm(step) {
  const outcomes = step.outcomes || [];
  const conditional = outcomes.some((o) => o.when);
  let fs = null;
  // the chosen outcome (read from the radios themselves: the form may not
  // be in the page yet)
  const chosen = () => {
    const x = radios.find((y) => y.r.checked);
    return x ? x.r.value : '';
  };
  const radios = outcomes.map((o) => {
    const r = el('input', { type: 'radio', id: `o-${o.code}`, name: 'step-outcome', value: o.code, 'aria-describedby': 'err-step-outcome' });
    const why = o.when ? el('span', { class: 'help when', id: `when-${o.code}` }) : null;
    return { o, r, why, wrap: el('div', { class: 'check' }, r, el('label', { for: r.id }, o.label, why)) };
  });
  if (outcomes.length === 1) radios[0].r.checked = true;
  const outcomeErr = el('p', { class: 'error', id: 'err-step-outcome', hidden: true });
  const outcomeBox = el('fieldset', { class: 'field group outcomes', id: 'step-outcome' },
    el('legend', null, 'Hasil langkah ', el('span', { class: 'req' }, 'wajib')), radios.map((x) => x.wrap), outcomeErr);

  const notesReq = el('span', { class: 'req', hidden: true }, 'wajib');
  const notes = el('textarea', { id: 'step-notes', rows: 4, maxlength: 10000, 'aria-describedby': 'err-step-notes' });
  const notesErr = el('p', { class: 'error', id: 'err-step-notes', hidden: true });
  const notesBox = el('div', { class: 'field' }, el('label', { for: 'step-notes' }, 'Catatan', notesReq), notes, notesErr);

  const summary = el('div', { id: 'step-summary', class: 'alert summary', role: 'alert', tabindex: '-1', hidden: true });
  const submit = el('button', { type: 'submit', id: 'step-submit', class: 'btn' }, `Catat langkah ${step.number}`);
  const form = el('form', { id: 'step-form', novalidate: true, autocomplete: 'off', 'aria-labelledby': 'next-step-title', 'data-step': step.number });

  // outcome choices follow the data (step 3: complete → done, else incomplete)
  const sync = () => {
    const values = (n) => (fs ? fs.value(n) : undefined);
    for (const x of radios) {
      const ok = !x.o.when || test(x.o.when, values);
      x.r.disabled = !ok;
      if (x.why) x.why.textContent = ok ? '' : ' (sesuaikan isian di atas untuk memilih ini)';
      if (!ok && x.r.checked) x.r.checked = false;
    }
    if (conditional && outcomes.every((o) => o.when)) {
      const enabled = radios.filter((x) => !x.r.disabled);
      if (enabled.length === 1) enabled[0].r.checked = true;
    }
    const o = outcomes.find((x) => x.code === chosen());
    const need = !!(o && o.notes_required);
    notesReq.hidden = !need;
    if (need) notes.setAttribute('aria-required', 'true');
    else notes.removeAttribute('aria-required');
    if (fs) fs.update();
  };
  const prefill = fromCase(step);
  fs = new FieldSet(step.fields || [], { prefix: 's-', boolStyle: 'yesno', outcome: chosen, onChange: () => sync(), values: prefill });
  if (Object.keys(prefill).length) {
    form.append(el('p', { class: 'notice prefilled', id: 'step-prefilled' },
      'Sebagian isian sudah diisi dari data pengaduan. Periksa bersama korban dan ubah bila perlu.'));
  }

  if (conditional) form.append(fs.root, outcomeBox);
  else form.append(outcomeBox, fs.root);
  form.append(notesBox, summary, el('div', { class: 'actions' }, submit));
  const ordered = (step.fields || []).find((f) => f.type === 'multiselect' && f.ordered && f.options_from === 'institution_types');
  if (ordered && ctx.features.referrals && current.svc.builtin) suggestOrder(fs, ordered, () => { form.dataset.dirty = 'true'; sync(); });
  form.addEventListener('change', (e) => {
    form.dataset.dirty = 'true';
    if (e.target.name === 'step-outcome') { setError(radios.map((x) => x.r), outcomeErr, ''); sync(); }
  });
  form.addEventListener('input', (e) => {
    form.dataset.dirty = 'true';
    if (e.target === notes) setError([notes], notesErr, '');
  });
  sync();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.hidden = true;
    const errs = fs.check();
    const outcome = chosen();
    const o = outcomes.find((x) => x.code === outcome);
    const local = { ...errs };
    if (!outcome) local.outcome = 'Pilih hasil langkah ini.';
    if (o && o.notes_required && !notes.value.trim()) local.notes = `Catatan wajib diisi untuk hasil "${o.label}".`;
    if (Object.keys(local).length) return showStepErrors(fs, radios, outcomeErr, notes, notesErr, summary, local, 'Ada isian yang perlu diperbaiki.');
    const body = { step: step.number, outcome, notes: notes.value.trim(), data: fs.values() };
    const r = await busy(submit, 'Menyimpan…', () => postStep(body));
    if (r.ok) {
      const label = LABELS.outcome[outcome] || outcome;
      announce(`Langkah ${step.number} dicatat.`);
      return reopen({ message: `Langkah ${step.number} (${step.label}) dicatat: ${o ? o.label : label}.`, focus: 'step' });
    }
    const fields = {};
    for (const [k, v] of Object.entries(r.fields)) fields[k.startsWith('data.') ? k.slice(5) : k] = v;
    showStepErrors(fs, radios, outcomeErr, notes, notesErr, summary, fields, r.message, r.status === 409);
  });
  return form;
}

// fromCase is what a step's form starts with: the fields the step copies
// onto the case (step 6: violence types, perpetrator relation, place) as
// the complaint already holds them. The officer confirms or corrects them.
function fromCase(step) {
  const c = current.rec;
  const names = new Set();
  for (const o of step.outcomes || []) {
    for (const e of o.effects || []) {
      const [name, list] = e.split(':');
      if (name === 'copy_to_case' && list) for (const f of list.split(',')) names.add(f.trim());
    }
  }
  const out = {};
  for (const f of step.fields || []) {
    const v = c[f.name];
    if (!names.has(f.name) || v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) continue;
    const known = new Set((f.options || []).map((o) => o.code));
    if (f.type === 'multiselect' && Array.isArray(v)) {
      const kept = v.filter((x) => !known.size || known.has(x));
      if (kept.length) out[f.name] = kept;
    } else if (!known.size || known.has(v)) out[f.name] = v;
  }
  return out;
}

// suggestOrder offers the referral priority table's order (the referral
// recommendations) for an ordered list of institution types (step 3).
async function suggestOrder(fs, def, changed) {
  const id = current.id;
  const r = await get(`/api/complaints/${encodeURIComponent(id)}/referral-recommendations`);
  const f = fs.byName[def.name];
  if (!r.ok || !f || !current || current.id !== id) return;
  const known = new Set((def.options || []).map((o) => o.code));
  const items = (r.data.items || []).filter((x) => known.has(x.type));
  if (!items.length) return;
  const codes = items.map((x) => x.type);
  const box = el('div', { class: 'suggest', id: `suggest-${def.name}` },
    el('p', { class: 'help' }, 'Rekomendasi tabel prioritas: ', el('strong', null, items.map((x) => x.label || x.type).join(' → '))),
    el('button', { type: 'button', class: 'btn btn-small btn-plain', id: `use-suggest-${def.name}`, onclick: () => { fs.setList(def.name, codes); changed(); } }, 'Pakai urutan ini'));
  f.wrap.insertBefore(box, f.wrap.querySelector('.options'));
}

// showStepErrors puts each error beside its field (data fields, outcome,
// notes), lists them in the summary and focuses the first field.
function showStepErrors(fs, radios, outcomeErr, notes, notesErr, summary, errs, title, stale) {
  const { first, rest } = fs.showErrors(errs);
  const items = [];
  for (const f of fs.fields) if (errs[f.def.name] && f.shown) items.push({ label: f.def.label, message: errs[f.def.name], focus: f.controls[0] });
  let focus = first;
  if (rest.outcome) {
    setError(radios.map((x) => x.r), outcomeErr, rest.outcome);
    const target = radios.find((x) => !x.r.disabled);
    items.push({ label: 'Hasil langkah', message: rest.outcome, focus: target ? target.r : null });
    focus = focus || (target && target.r);
    delete rest.outcome;
  }
  if (rest.notes) {
    setError([notes], notesErr, rest.notes);
    items.push({ label: 'Catatan', message: rest.notes, focus: notes });
    focus = focus || notes;
    delete rest.notes;
  }
  for (const [k, v] of Object.entries(rest)) items.push({ label: fs.byName[k] ? fs.label(k) : '', message: v });
  showSummary(summary, title, items.filter((x) => x.message !== title));
  if (stale) {
    summary.append(el('p', null, el('button', { type: 'button', class: 'btn btn-plain', onclick: () => reopen() }, 'Muat ulang kasus')));
  }
  if (focus) focus.focus();
  else summary.focus();
}

function withdrawForm(step) {
  const w = current.workflow.withdraw || {};
  const notes = el('textarea', { id: 'withdraw-notes', rows: 3, maxlength: 10000, 'aria-required': 'true', 'aria-describedby': 'withdraw-help err-withdraw-notes' });
  const err = el('p', { class: 'error', id: 'err-withdraw-notes', hidden: true });
  const msg = el('div', { id: 'withdraw-message', role: 'alert', hidden: true });
  const submit = el('button', { type: 'submit', id: 'withdraw-submit', class: 'btn btn-danger' }, 'Catat pencabutan');
  const form = el('form', { id: 'withdraw-form', novalidate: true, autocomplete: 'off' },
    el('p', { class: 'help', id: 'withdraw-help' }, w.help || 'Tulis alasannya pada catatan.'),
    el('div', { class: 'field' }, el('label', { for: 'withdraw-notes' }, 'Alasan pencabutan atau pengalihan', el('span', { class: 'req' }, 'wajib')), notes, err),
    msg, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!notes.value.trim()) {
      setError([notes], err, 'Tulis alasan pencabutan atau pengalihan kasus.');
      notes.focus();
      return;
    }
    const r = await busy(submit, 'Menyimpan…', () => postStep({ step: step.number, outcome: 'withdrawn', notes: notes.value.trim() }));
    if (r.ok) return reopen({ message: 'Kasus dicatat sebagai dicabut/dialihkan dan ditutup.', focus: 'step' });
    if (r.fields.notes) { setError([notes], err, r.fields.notes); notes.focus(); return; }
    showMessage(msg, r.message);
  });
  return el('details', { id: 'withdraw', class: 'withdraw' }, el('summary', null, `Catat: ${w.label || 'pengaduan dicabut/dialihkan'}`), form);
}

// ---- timeline

function timelineSection() {
  const c = current.rec;
  const done = c.current_step || 0;
  const open = OPEN_STATUSES.includes(c.status);
  const byStep = {};
  for (const s of current.steps) (byStep[s.step] = byStep[s.step] || []).push(s);
  const items = wfSteps().map((st) => {
    const entries = byStep[st.number] || [];
    const withdrawn = entries.some((x) => x.outcome === 'withdrawn');
    let state = 'pending';
    let label = 'Belum';
    if (withdrawn) { state = 'withdrawn'; label = 'Dicabut/dialihkan'; }
    else if (st.number <= done) {
      const last = entries.filter((x) => ['done', 'skipped'].includes(x.outcome)).pop();
      state = 'done';
      label = last && last.outcome === 'skipped' ? 'Dilewati' : 'Selesai';
    } else if (open && st.number === done + 1) { state = 'current'; label = entries.length ? 'Sedang berjalan' : 'Berikutnya'; }
    return el('li', { class: `tl-step tl-${state}`, id: `tl-step-${st.number}`, 'data-state': state, 'aria-current': state === 'current' ? 'step' : null },
      el('div', { class: 'tl-head' },
        el('span', { class: 'tl-num', 'aria-hidden': 'true' }, String(st.number)),
        el('h3', null, el('span', { class: 'sr-only' }, `Langkah ${st.number}: `), st.label),
        badge(label, state === 'done' ? 'done' : state === 'current' ? 'soon' : state === 'withdrawn' ? 'overdue' : 'muted')),
      entries.length ? el('ol', { class: 'tl-entries' }, entries.map((x) => entry(st, x))) : null);
  });
  return el('section', { id: 'timeline', class: 'card', 'aria-labelledby': 'timeline-title' },
    el('h2', { id: 'timeline-title' }, current.svc.builtin ? 'Alur SOP' : 'Alur layanan'),
    el('ol', { class: 'timeline' }, items));
}

function entry(st, x) {
  const o = (st.outcomes || []).find((y) => y.code === x.outcome);
  const outcome = x.outcome === 'withdrawn' ? 'Dicabut/dialihkan' : (o ? o.label : LABELS.outcome[x.outcome] || x.outcome);
  const data = x.data && typeof x.data === 'object' ? x.data : {};
  const rows = [];
  for (const f of st.fields || []) {
    if (f.name in data) rows.push(el('dt', null, f.label), el('dd', null, displayValue(f, data[f.name])));
  }
  return el('li', { class: 'tl-entry' },
    el('p', { class: 'tl-meta' }, el('strong', null, outcome), ' · ', x.actor_name || staffName(x.actor) || 'Sistem', ' · ', el('time', { datetime: x.created }, fmtDateTime(x.created))),
    x.notes ? el('p', { class: 'tl-notes' }, x.notes) : null,
    rows.length ? el('dl', { class: 'tl-data' }, rows) : null);
}

// ---- assignment (supervisors)

function assignmentSection() {
  const c = current.rec;
  const sec = el('section', { id: 'assignment', class: 'card', 'aria-labelledby': 'assignment-title' },
    el('h2', { id: 'assignment-title' }, 'Penanganan'));
  const facts = el('dl', { class: 'facts compact' },
    el('dt', null, 'Petugas'), el('dd', { id: 'case-assignee' }, c.assigned_to ? staffName(c.assigned_to) : 'Belum ditugaskan'),
    el('dt', null, 'Saluran'), el('dd', null, channelLabel(c.channel)),
    el('dt', null, 'Diterima'), el('dd', null, fmtDateTime(c.created)),
    c.first_response_at ? el('dt', null, 'Respons pertama') : null, c.first_response_at ? el('dd', null, fmtDateTime(c.first_response_at)) : null,
    c.verified_at ? el('dt', null, 'Persyaratan lengkap') : null, c.verified_at ? el('dd', null, fmtDateTime(c.verified_at)) : null,
    c.due_at ? el('dt', null, 'Tenggat 7 hari') : null, c.due_at ? el('dd', null, fmtDateTime(c.due_at)) : null,
    c.report_number && c.report_number !== c.number ? el('dt', null, 'Nomor laporan') : null,
    c.report_number && c.report_number !== c.number ? el('dd', { id: 'case-report-number' }, c.report_number) : null);
  // officers handle only the services that name them: the choice of
  // assignee follows the service's roles
  const roles = (serviceDef(current.svc.id) || {}).roles || ['officer', 'supervisor'];
  sec.append(facts);
  // several victims of one report (victim complaints): each is a case of
  // its own with the report's number
  if (current.svc.builtin) {
    sec.append(el('p', null, el('button', { type: 'button', id: 'case-add-victim', class: 'btn btn-small btn-plain', onclick: () => startLinkedCase(c) },
      'Catat korban lain dari laporan ini')));
  }
  if (!isSupervisor() || !OPEN_STATUSES.includes(c.status)) return sec;
  const select = el('select', { id: 'case-assign', 'aria-describedby': 'err-case-assign' },
    el('option', { value: '' }, 'Belum ditugaskan'),
    activeStaff().filter((s) => roles.includes(s.role)).map((s) => el('option', { value: s.id }, `${s.name} (${LABELS.role[s.role] || s.role})`)));
  select.value = c.assigned_to || '';
  const err = el('p', { class: 'error', id: 'err-case-assign', hidden: true });
  const done = el('p', { id: 'case-assign-status', role: 'status', class: 'muted' });
  const btn = el('button', { type: 'submit', id: 'case-assign-submit', class: 'btn btn-plain' }, c.assigned_to ? 'Alihkan' : 'Tugaskan');
  const label = el('label', { for: 'case-assign' }, c.assigned_to ? 'Alihkan ke petugas lain' : 'Tugaskan kepada');
  const form = el('form', { id: 'assign-form', class: 'inline-form', novalidate: true },
    el('div', { class: 'field' }, label, select, err), btn, done);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setError([select], err, '');
    const r = await busy(btn, 'Menyimpan…', () => api('PATCH', `/api/collections/${current.svc.cases}/records/${current.id}`, { body: { assigned_to: select.value } }));
    if (!r.ok) { setError([select], err, r.fields.assigned_to || r.message); select.focus(); return; }
    current.rec = { ...current.rec, ...r.data };
    $('#case-assignee').textContent = r.data.assigned_to ? staffName(r.data.assigned_to) : 'Belum ditugaskan';
    done.textContent = r.data.assigned_to ? `Kasus ditugaskan kepada ${staffName(r.data.assigned_to)}.` : 'Penugasan dihapus.';
    btn.textContent = r.data.assigned_to ? 'Alihkan' : 'Tugaskan';
    label.textContent = r.data.assigned_to ? 'Alihkan ke petugas lain' : 'Tugaskan kepada';
  });
  sec.append(form);
  return sec;
}

// ---- data

const DATA_SKIP = new Set(['consent']);

function dataSection() {
  const c = current.rec;
  const sec = el('section', { id: 'case-data', class: 'card', 'aria-labelledby': 'case-data-title' },
    el('h2', { id: 'case-data-title' }, current.svc.builtin ? 'Data korban dan pengaduan' : 'Data kiriman'));
  const warnings = Array.isArray(c.warnings) ? c.warnings : [];
  if (warnings.length) {
    sec.append(el('div', { class: 'notice', id: 'case-warnings' }, el('p', null, el('strong', null, 'Perlu diperiksa:')),
      el('ul', null, warnings.map((w) => el('li', null, w.message)))));
  }
  const msg = el('div', { id: 'case-data-message', role: 'status', hidden: true });
  const view = el('div', { id: 'case-data-view' });
  for (const s of current.form.sections || []) {
    const rows = [];
    for (const f of s.fields || []) {
      if (DATA_SKIP.has(f.name)) continue;
      let v = c[f.name];
      if (f.type === 'date') v = v ? fmtDate(v) : '';
      const dd = f.type === 'file'
        ? el('dd', null, v ? el('button', { type: 'button', class: 'linklike', id: `open-${f.name}`, onclick: () => openFile(f.name, v) }, 'Unduh berkas') : '–')
        : el('dd', { 'data-field': f.name }, displayValue(f, v));
      rows.push(el('dt', null, f.label), dd);
    }
    if (rows.length) view.append(el('h3', null, s.title), el('dl', { class: 'facts compact' }, rows));
  }
  sec.append(msg, view);
  if (OPEN_STATUSES.includes(c.status) && current.svc.editable) {
    const edit = el('button', { type: 'button', id: 'case-edit', class: 'btn btn-plain' }, 'Ubah data');
    edit.addEventListener('click', () => startEdit(sec, view, edit, msg));
    sec.append(el('div', { class: 'actions' }, edit));
  } else if (!current.svc.editable) {
    sec.append(el('p', { class: 'muted' }, 'Isi kiriman disimpan seperti yang ditulis pengirim dan tidak diubah.'));
  } else {
    sec.append(el('p', { class: 'muted' }, 'Kasus sudah ditutup; data tidak dapat diubah lagi.'));
  }
  return sec;
}

function startEdit(sec, view, editBtn, msg) {
  const c = current.rec;
  const values = {};
  for (const f of caseFields()) values[f.name] = c[f.name];
  const sets = [];
  const form = el('form', { id: 'case-edit-form', novalidate: true, autocomplete: 'off' });
  const byFs = [];
  for (const s of current.form.sections || []) {
    const fields = (s.fields || []).filter((f) => !DATA_SKIP.has(f.name));
    if (!fields.length) continue;
    const fs = new FieldSet(fields, { prefix: 'e-', values });
    sets.push(fs);
    byFs.push(el('fieldset', { class: 'section' }, el('legend', null, s.title), fs.root));
  }
  // conditions may cross sections (the victim's name depends on the relation)
  const all = new FieldSet([], { prefix: 'e-' });
  for (const fs of sets) for (const f of fs.fields) { all.fields.push(f); all.byName[f.def.name] = f; }
  for (const fs of sets) fs.value = (n) => all.value(n);
  const summary = el('div', { id: 'case-edit-summary', class: 'alert summary', role: 'alert', tabindex: '-1', hidden: true });
  const save = el('button', { type: 'submit', id: 'case-edit-save', class: 'btn' }, 'Simpan perubahan');
  const cancel = el('button', { type: 'button', id: 'case-edit-cancel', class: 'btn btn-plain' }, 'Batal');
  form.append(...byFs, summary, el('div', { class: 'actions' }, save, ' ', cancel));
  const update = () => { for (const fs of sets) fs.update(); };
  form.addEventListener('change', update);
  form.addEventListener('input', update);
  update();
  view.hidden = true;
  editBtn.hidden = true;
  msg.hidden = true;
  sec.append(form);
  const firstControl = form.querySelector('input, select, textarea');
  if (firstControl) firstControl.focus();

  const close = () => { form.remove(); view.hidden = false; editBtn.hidden = false; editBtn.focus(); };
  cancel.addEventListener('click', close);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.hidden = true;
    let errs = {};
    for (const fs of sets) Object.assign(errs, fs.check());
    if (!Object.keys(errs).length) {
      const data = {};
      const files = {};
      for (const fs of sets) {
        Object.assign(data, fs.values({ includeEmpty: true }));
        Object.assign(files, fs.files());
      }
      // the data as JSON; a new file after it, on its own (multipart)
      const r = await busy(save, 'Menyimpan…', async () => {
        const first = await api('PATCH', `/api/collections/${current.svc.cases}/records/${current.id}`, { body: data });
        if (!first.ok || !Object.keys(files).length) return first;
        const fd = new FormData();
        for (const [k, f] of Object.entries(files)) fd.append(k, f);
        return api('PATCH', `/api/collections/${current.svc.cases}/records/${current.id}`, { body: fd });
      });
      if (r.ok) {
        await reopen({ focus: 'none' });
        const m = $('#case-data-message');
        showMessage(m, 'Perubahan data disimpan.', 'ok');
        m.tabIndex = -1;
        m.focus();
        return;
      }
      errs = r.fields;
      if (!Object.keys(errs).length) errs = { '': r.message };
      return showEditErrors(sets, summary, errs, r.message);
    }
    showEditErrors(sets, summary, errs, 'Ada isian yang perlu diperbaiki.');
  });
}

function showEditErrors(sets, summary, errs, title) {
  const items = [];
  let first = null;
  const seen = new Set();
  for (const fs of sets) {
    const { first: f } = fs.showErrors(errs);
    first = first || f;
    for (const x of fs.fields) {
      if (errs[x.def.name]) {
        seen.add(x.def.name);
        items.push({ label: x.def.label, message: errs[x.def.name], focus: x.shown ? x.controls[0] : null });
      }
    }
  }
  for (const [k, v] of Object.entries(errs)) if (!seen.has(k) && v !== title) items.push({ label: k, message: v });
  showSummary(summary, title, items);
  if (first) first.focus();
  else summary.focus();
}

// openFile downloads a protected file (the identity document) with a
// short-lived file token; the server records the download.
async function openFile(field, name) {
  const btn = $(`#open-${field}`);
  await busy(btn, 'Mengunduh…', async () => {
    const t = await api('POST', '/api/files/token');
    if (!t.ok) { announce(t.message); return; }
    const r = await download(`/api/files/${current.svc.cases}/${current.id}/${encodeURIComponent(name)}?token=${encodeURIComponent(t.data.token)}`, name);
    announce(r.ok ? 'Berkas diunduh.' : r.message);
  });
}

// ---- documents

function documentsSection() {
  const c = current.rec;
  const msg = el('p', { id: 'report-message', role: 'status', hidden: true });
  const btn = el('button', { type: 'button', id: 'report-download', class: 'btn btn-plain' }, 'Unduh laporan penanganan (PDF)');
  btn.addEventListener('click', async () => {
    const r = await busy(btn, 'Mengunduh…', () => download(`/api/complaints/${current.id}/report.pdf`, `laporan-${c.number}.pdf`));
    msg.hidden = false;
    msg.className = r.ok ? 'ok' : 'alert';
    msg.textContent = r.ok ? 'Laporan penanganan diunduh.' : (r.status === 404 ? 'Laporan penanganan belum tersedia di server.' : r.message);
  });
  return el('section', { id: 'documents', class: 'card', 'aria-labelledby': 'documents-title' },
    el('h2', { id: 'documents-title' }, 'Dokumen'),
    el('p', { class: 'help' }, 'Laporan penanganan berisi data kasus dan seluruh langkah yang sudah dicatat.'),
    btn, msg);
}


// channelLabel names a channel: the victim complaints' labels, or the
// open case's service's own.
function channelLabel(code) {
  const d = serviceDef(current.svc.id);
  const own = d && (d.staff_channels || []).find((x) => x.code === code);
  return own ? own.label : LABELS.channel[code] || code;
}

