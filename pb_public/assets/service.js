// The page of any public service, from its definitions: /layanan/#<id>
// loads the service (GET /api/public/services/<id>), shows its standard
// (requirements, procedure, completion time, cost, product, complaint
// channels), renders its form with the same field renderer as the staff
// console, submits it, and shows the number and tracking code. The server
// decides what is valid; the checks here only help earlier.
import { $, el, initPage, getJSON, request, problem, showSummary, challengeAsked, solveChallenge } from './common.js';
import { FieldSet } from '/staff/fields.js';

let service = null;
let sets = [];

const serviceId = () => decodeURIComponent((location.hash || '').replace(/^#/, '')).replace(/[^a-z0-9_]/g, '');

function fail(msg) {
  $('#service-loading').hidden = true;
  const box = $('#service-error');
  box.hidden = false;
  box.replaceChildren(el('p', null, msg), el('p', null, el('a', { href: '/' }, 'Kembali ke halaman utama')));
}

function renderStandard(s) {
  const list = (items, tag = 'ol') => el(tag, null, (items || []).map((x) => el('li', null, x)));
  const dl = el('dl', { class: 'facts' });
  const add = (t, ...dd) => dl.append(el('dt', null, t), el('dd', null, ...dd));
  add('Persyaratan', list(s.requirements));
  add('Prosedur', el('ol', { class: 'steps' }, (s.procedure || []).map((p) =>
    el('li', null, el('strong', null, p.label), p.description ? el('span', null, p.description) : null))));
  add('Waktu penyelesaian', s.completion_time || '');
  add('Biaya/tarif', s.cost || '');
  add('Produk pelayanan', list(s.products));
  add('Pengaduan tentang layanan', list(s.complaint_channels, 'ul'));
  $('#service-standard-body').replaceChildren(dl);
  $('#service-standard').hidden = false;
}

function renderForm(def) {
  $('#service-form-title').textContent = def.title || 'Formulir';
  $('#service-form-description').textContent = def.description || '';
  sets = [];
  const parts = [];
  for (const s of def.sections || []) {
    const fs = new FieldSet(s.fields || [], { prefix: 'f-' });
    sets.push(fs);
    parts.push(el('fieldset', { class: 'section', id: 'section-' + s.id }, el('legend', null, s.title), s.help ? el('p', { class: 'help' }, s.help) : null, fs.root));
  }
  // conditions may cross sections
  const all = new FieldSet([], { prefix: 'f-' });
  for (const fs of sets) for (const f of fs.fields) { all.fields.push(f); all.byName[f.def.name] = f; }
  for (const fs of sets) { fs.value = (n) => all.value(n); fs.update(); }
  $('#service-fields').replaceChildren(...parts);
  $('#service-form').hidden = false;
}

function showErrors(title, errs) {
  const items = [];
  let first = null;
  const seen = new Set();
  for (const fs of sets) {
    const r = fs.showErrors(errs);
    first = first || r.first;
    for (const f of fs.fields) {
      if (errs[f.def.name]) { seen.add(f.def.name); items.push({ label: f.def.label, message: errs[f.def.name], focus: f.shown ? f.controls[0] : null }); }
    }
  }
  for (const [k, v] of Object.entries(errs)) if (!seen.has(k) && v !== title) items.push({ label: '', message: v });
  const box = $('#service-summary-errors');
  showSummary(box, title, items);
  if (first) first.focus();
  else box.focus();
}

let sending = false;
async function submit(ev) {
  ev.preventDefault();
  if (sending || !service) return;
  $('#service-summary-errors').hidden = true;
  const errs = {};
  for (const fs of sets) Object.assign(errs, fs.check());
  const n = Object.keys(errs).length;
  if (n) { showErrors(n === 1 ? 'Ada 1 isian yang perlu diperbaiki.' : `Ada ${n} isian yang perlu diperbaiki.`, errs); return; }
  const data = {};
  const files = {};
  for (const fs of sets) { Object.assign(data, fs.values()); Object.assign(files, fs.files()); }
  let body = data;
  if (Object.keys(files).length) {
    body = new FormData();
    for (const [k, v] of Object.entries(data)) {
      if (Array.isArray(v)) v.forEach((x) => body.append(k, x));
      else body.append(k, String(v));
    }
    for (const [k, f] of Object.entries(files)) body.append(k, f);
  }
  sending = true;
  const btn = $('#service-submit');
  const label = btn.textContent;
  btn.disabled = true;
  btn.textContent = 'Mengirim…';
  const url = `/api/public/services/${encodeURIComponent(service.id)}/submissions`;
  let res = await request('POST', url, body);
  // during a flood the server asks for a small proof of work first
  for (let tries = 0; tries < 3 && challengeAsked(res); tries++) {
    btn.textContent = 'Memastikan pengirimnya manusia…';
    const headers = await solveChallenge(challengeAsked(res));
    if (!headers) break;
    res = await request('POST', url, body, null, headers);
  }
  sending = false;
  btn.disabled = false;
  btn.textContent = label;
  if (res.status === 200 && res.data && res.data.tracking_code) {
    $('#service-form').hidden = true;
    $('#service-success-message').textContent = res.data.message || '';
    $('#service-result-number').textContent = res.data.number || '';
    $('#service-result-tracking').textContent = res.data.tracking_code;
    $('#service-status-link').setAttribute('href', `/status/#${encodeURIComponent(service.id)}`);
    const ok = $('#service-success');
    ok.hidden = false;
    ok.scrollIntoView();
    ok.focus();
    return;
  }
  const fields = (res.status === 400 && res.data && res.data.data) || {};
  const msgs = {};
  for (const [k, v] of Object.entries(fields)) msgs[k] = (v && v.message) || String(v);
  const msg = problem(res, true);
  if (Object.keys(msgs).length) showErrors(msg, msgs);
  else { showSummary($('#service-summary-errors'), msg, []); $('#service-summary-errors').focus(); }
}

async function load() {
  const id = serviceId();
  if (!id) { fail('Layanan belum dipilih. Pilih layanan dari halaman utama.'); return; }
  const res = await getJSON(`/api/public/services/${encodeURIComponent(id)}`);
  if (res.status !== 200 || !res.data || !res.data.service) {
    fail(res.status === 404 ? 'Layanan ini tidak ditemukan.' : problem(res, false));
    return;
  }
  service = res.data.service;
  $('#service-loading').hidden = true;
  $('#service-name').textContent = service.name;
  $('#service-summary').textContent = service.summary || '';
  document.title = `Teduh · ${service.name}`;
  if (service.submit_label) $('#service-submit').textContent = service.submit_label;
  renderForm(res.data.form);
  renderStandard(service);
}

$('#service-form').addEventListener('submit', submit);
$('#service-form').addEventListener('input', () => { for (const fs of sets) fs.update(); });
window.addEventListener('hashchange', () => location.reload());
initPage();
load();
