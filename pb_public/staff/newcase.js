// Recording a complaint that came in person, by WhatsApp, by phone, through
// SAPA 129 or the suggestion box: the same form definition as the public
// page, plus the channel (and, for supervisors, the assignee). The server
// records step 1 with the staff member as actor.
import { api, isSupervisor } from './api.js';
import { $, el, LABELS, busy, setError, showSummary } from './ui.js';
import { FieldSet } from './fields.js';
import { ctx, activeStaff } from './state.js';
import { setPendingMessage } from './case.js';

const STAFF_CHANNELS = ['walk_in', 'whatsapp', 'phone', 'sapa', 'suggestion_box'];
let sets = [];
// linked is the case of the same report another victim is recorded from
// ({id, number, values}); null for a new report.
let linked = null;

// what another victim of the same report shares with the first case
const SHARED = ['reporter_name', 'reporter_phone', 'reporter_relation', 'incident_date', 'incident_place', 'violence_types',
  'perpetrator_relation', 'immediate_danger', 'chronology'];

// startLinkedCase opens the form for another victim of a case's report:
// the reporter and the incident are taken over, the victim is new.
export function startLinkedCase(rec) {
  const values = {};
  for (const k of SHARED) if (rec[k] !== undefined && rec[k] !== '' && rec[k] !== null) values[k] = rec[k];
  if (values.reporter_relation === 'self') delete values.reporter_relation; // the reporter is not this victim
  linked = { id: rec.id, number: rec.report_number || rec.number, values };
  if (location.hash === '#/baru') renderNewCase();
  else location.hash = '#/baru';
}

export function renderNewCase() {
  const box = $('#new-fields');
  sets = [];
  const parts = [];
  for (const s of ctx.form.sections || []) {
    const fs = new FieldSet(s.fields || [], { prefix: 'n-', values: linked ? linked.values : undefined });
    sets.push(fs);
    parts.push(el('fieldset', { class: 'section' }, el('legend', null, s.title), s.help ? el('p', { class: 'help' }, s.help) : null, fs.root));
  }
  const all = new FieldSet([], { prefix: 'n-' });
  for (const fs of sets) for (const f of fs.fields) { all.fields.push(f); all.byName[f.def.name] = f; }
  for (const fs of sets) { fs.value = (n) => all.value(n); fs.update(); }
  box.replaceChildren(...parts);
  if (linked) {
    box.prepend(el('div', { class: 'notice', id: 'new-linked' },
      el('p', null, `Korban lain dari laporan ${linked.number}. Data pelapor dan kejadian sudah diisi dari kasus itu; periksa, lalu isi data korban ini. Korban ini mendapat nomor kasus dan alur SOP sendiri dengan nomor laporan yang sama.`),
      el('button', { type: 'button', class: 'btn btn-small btn-plain', onclick: () => { linked = null; renderNewCase(); } }, 'Jadikan laporan baru')));
  }
  // the consent sentence is the complainant's: the officer reads it out
  const consent = box.querySelector('[data-field="consent"]');
  if (consent) consent.prepend(el('p', { class: 'help' }, 'Bacakan kalimat berikut kepada pelapor, lalu centang bila ia setuju.'));
  $('#n-channel').replaceChildren(el('option', { value: '' }, 'Pilih…'), ...STAFF_CHANNELS.map((c) => el('option', { value: c }, LABELS.channel[c])));
  const assign = $('#n-assign-box');
  assign.hidden = !isSupervisor();
  if (isSupervisor()) {
    $('#n-assigned_to').replaceChildren(el('option', { value: '' }, 'Belum ditugaskan (langkah 2 menugaskan petugas)'),
      ...activeStaff().map((s) => el('option', { value: s.id }, s.name)));
  }
  $('#new-summary').hidden = true;
}

export function bindNewCase() {
  const form = $('#new-form');
  // the menu's "new complaint" is a new report
  $('#nav-new').addEventListener('click', () => { linked = null; });
  const update = () => { for (const fs of sets) fs.update(); };
  form.addEventListener('change', update);
  form.addEventListener('input', update);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const summary = $('#new-summary');
    summary.hidden = true;
    const channel = $('#n-channel');
    let errs = {};
    for (const fs of sets) Object.assign(errs, fs.check());
    if (!channel.value) errs.channel = 'Pilih saluran pengaduan.';
    if (!Object.keys(errs).length) {
      const data = {};
      const files = {};
      for (const fs of sets) { Object.assign(data, fs.values()); Object.assign(files, fs.files()); }
      data.channel = channel.value;
      if (isSupervisor() && $('#n-assigned_to').value) data.assigned_to = $('#n-assigned_to').value;
      if (linked) data.linked_case = linked.id;
      const r = await busy($('#new-submit'), 'Menyimpan…', () => api('POST', '/api/collections/complaints/records', { body: data }));
      if (r.ok) {
        // the identity document follows the saved case, on its own
        let note = '';
        if (Object.keys(files).length) {
          const fd = new FormData();
          for (const [k, f] of Object.entries(files)) fd.append(k, f);
          const up = await busy($('#new-submit'), 'Mengunggah berkas…', () => api('PATCH', `/api/collections/complaints/records/${r.data.id}`, { body: fd }));
          if (!up.ok) note = `Pengaduan tersimpan, tetapi berkas belum terunggah: ${Object.values(up.fields)[0] || up.message} Unggah lagi lewat "Ubah data".`;
        }
        form.reset();
        linked = null;
        renderNewCase();
        if (note) setPendingMessage(note);
        location.hash = `#/kasus/${r.data.id}`;
        return;
      }
      errs = Object.keys(r.fields).length ? r.fields : { '': r.message };
      return show(errs, r.message);
    }
    show(errs, 'Ada isian yang perlu diperbaiki.');
  });
}

function show(errs, title) {
  const items = [];
  let first = null;
  const channel = $('#n-channel');
  setError([channel], $('#err-n-channel'), errs.channel || '');
  if (errs.channel) { items.push({ label: 'Saluran pengaduan', message: errs.channel, focus: channel }); first = channel; }
  const seen = new Set(['channel']);
  for (const fs of sets) {
    const r = fs.showErrors(errs);
    first = first || r.first;
    for (const f of fs.fields) {
      if (errs[f.def.name]) { seen.add(f.def.name); items.push({ label: f.def.label, message: errs[f.def.name], focus: f.shown ? f.controls[0] : null }); }
    }
  }
  for (const [k, v] of Object.entries(errs)) if (!seen.has(k) && v !== title) items.push({ label: k === 'assigned_to' ? 'Petugas' : k, message: v });
  const summary = $('#new-summary');
  showSummary(summary, title, items);
  if (first) first.focus();
  else summary.focus();
}
