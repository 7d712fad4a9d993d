// The complaint page: renders the form from the server's form definition,
// applies its conditions live, helps with the same rules the server checks,
// submits as multipart, and shows the service standard (the other services
// and the complaints about the service are services.js's).
// The server decides what is valid; the checks here only help earlier.
import { $, el, MSG, initPage, getJSON, inPage, request, problem, setError, showSummary, emergencyLinks, challengeAsked, solveChallenge } from './common.js';

const form = $('#complaint-form');
const fields = []; // {def, wrap, controls, err, counter, shown, required, reqMark, label}
const byName = {};
let office = null;

// ---- helpers for rules

const strip = (v) => v.replace(/[\s.\-]/g, '');
const PHONE = /^(?:\+62|62|0)\d{8,13}$/;
const TYPE_NAMES = { 'image/jpeg': 'JPG', 'image/png': 'PNG', 'image/webp': 'WEBP', 'application/pdf': 'PDF' };
const typeName = (t) => TYPE_NAMES[t] || t.split('/').pop().toUpperCase();
const listWords = (a) => (a.length > 1 ? a.slice(0, -1).join(', ') + ', atau ' + a[a.length - 1] : a[0] || '');
const mb = (n) => (n / 1048576).toLocaleString('id-ID', { maximumFractionDigits: 1 }) + ' MB';

// today as YYYY-MM-DD in the office's time zone (device time if unknown).
function today(tz) {
  try {
    const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: tz || undefined, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date()).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day}`;
  } catch {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  }
}

// value of a field as the conditions see it: bool → boolean, multiselect → array, else trimmed string.
function value(name) {
  const f = byName[name];
  if (!f) return '';
  const t = f.def.type;
  if (t === 'bool') return f.shown && f.controls[0].checked;
  if (t === 'multiselect') return f.shown ? f.controls.filter((c) => c.checked).map((c) => c.value) : [];
  if (t === 'file') return f.shown && f.controls[0].files.length ? 'file' : '';
  return f.shown ? f.controls[0].value.trim() : '';
}

// test evaluates a show_when/required_when condition.
function test(c) {
  if (!c) return true;
  if (Array.isArray(c.all)) return c.all.every(test);
  if (Array.isArray(c.any)) return c.any.some(test);
  const v = value(c.field);
  const vals = Array.isArray(v) ? v : [v];
  if ('equals' in c) return vals.includes(c.equals);
  if ('not_equals' in c) return !vals.includes(c.not_equals);
  if (Array.isArray(c.in)) return vals.some((x) => c.in.includes(x));
  if (Array.isArray(c.not_in)) return !vals.some((x) => c.not_in.includes(x));
  if ('filled' in c) return (Array.isArray(v) ? v.length > 0 : v !== '' && v !== false) === !!c.filled;
  return true;
}

// ---- rendering

// afterPaint runs fn once the browser has drawn what is on screen.
const afterPaint = (fn) => requestAnimationFrame(() => setTimeout(fn, 0));

const notFuture = []; // date inputs whose latest date is today

function setDateLimits(tz) {
  const t = today(tz);
  for (const c of notFuture) c.max = t;
}

function renderField(d, tz) {
  const id = 'f-' + d.name;
  const helpId = 'help-' + d.name;
  const errId = 'err-' + d.name;
  const reqMark = el('span', { class: 'req' }, 'wajib');
  const help = d.help ? el('p', { class: 'help', id: helpId }, d.help) : null;
  const err = el('p', { class: 'error', id: errId, hidden: true });
  const described = [help && helpId, errId];
  const f = { def: d, err, reqMark, label: d.label, controls: [], counter: null, shown: true };
  const common = { autocomplete: 'off' };

  if (d.type === 'multiselect') {
    const opts = (d.options || []).map((o) => {
      const c = el('input', { type: 'checkbox', id: `${id}-${o.code}`, name: d.name, value: o.code, autocomplete: 'off' });
      f.controls.push(c);
      return el('div', { class: 'check' }, c, el('label', { for: c.id }, o.label));
    });
    f.wrap = el('fieldset', { class: 'field group', id, 'aria-describedby': described.filter(Boolean).join(' ') },
      el('legend', null, d.label, reqMark), help, opts, err);
  } else if (d.type === 'bool') {
    const c = el('input', { type: 'checkbox', id, name: d.name, value: 'true', autocomplete: 'off', 'aria-describedby': described.filter(Boolean).join(' ') });
    f.controls.push(c);
    f.wrap = el('div', { class: 'field field-bool' }, el('div', { class: 'check' }, c, el('label', { for: id }, d.label, reqMark)), help, err);
  } else {
    let c;
    const a = { id, name: d.name, ...common };
    if (d.type === 'textarea') {
      c = el('textarea', { ...a, rows: 5, maxlength: d.max_length, minlength: d.min_length });
      if (d.max_length || d.min_length) {
        f.counter = el('p', { class: 'counter', id: 'count-' + d.name });
        described.push(f.counter.id);
      }
    } else if (d.type === 'select') {
      c = el('select', a, el('option', { value: '' }, 'Pilih…'), (d.options || []).map((o) => el('option', { value: o.code }, o.label)));
    } else if (d.type === 'date') {
      // "not after today" is set after the first paint (afterPaint): the
      // date library's first use costs a slow phone a noticeable moment
      c = el('input', { ...a, type: 'date', min: d.min_date, max: d.not_future ? null : d.max_date });
      if (d.not_future) notFuture.push(c);
    } else if (d.type === 'file') {
      c = el('input', { ...a, type: 'file', accept: (d.accept || []).join(',') });
    } else if (d.type === 'phone') {
      c = el('input', { ...a, type: 'tel', inputmode: 'tel', maxlength: 24 });
    } else if (d.type === 'number') {
      c = el('input', { ...a, type: 'text', inputmode: 'numeric', maxlength: 6, spellcheck: 'false' });
    } else if (d.type === 'nik') {
      c = el('input', { ...a, type: 'text', inputmode: 'numeric', maxlength: 24, spellcheck: 'false' });
    } else {
      c = el('input', { ...a, type: 'text', maxlength: d.max_length, minlength: d.min_length });
    }
    c.setAttribute('aria-describedby', described.filter(Boolean).join(' '));
    f.controls.push(c);
    const clear = d.type === 'file'
      ? el('button', { type: 'button', class: 'linklike', hidden: true, onclick: () => { c.value = ''; c.dispatchEvent(new Event('change')); } }, 'Batalkan file yang dipilih')
      : null;
    f.clear = clear;
    f.wrap = el('div', { class: 'field' }, el('label', { for: id }, d.label, reqMark), help, c, clear, f.counter, err);
  }
  if (d.name === 'immediate_danger' && office) {
    f.note = el('div', { class: 'alert', hidden: true },
      el('p', null, 'Jika bahaya sedang terjadi, hubungi nomor darurat sekarang. Pengaduan ini bisa dikirim nanti setelah Anda aman.'),
      el('ul', { class: 'emergency-inline' }, emergencyLinks(office)));
    f.wrap.append(f.note);
  }
  f.wrap.dataset.field = d.name;
  return f;
}

function render(def, tz) {
  if (def.title) $('#form-title').textContent = def.title;
  $('#form-description').textContent = def.description || '';
  const box = $('#form-fields');
  box.replaceChildren();
  fields.length = 0;
  notFuture.length = 0;
  for (const s of def.sections || []) {
    const sid = 'section-' + s.id;
    const fs = el('fieldset', { class: 'section', id: sid }, el('legend', null, s.title),
      s.help ? el('p', { class: 'help' }, s.help) : null);
    for (const d of s.fields || []) {
      const f = renderField(d, tz);
      fields.push(f);
      byName[d.name] = f;
      fs.append(f.wrap);
    }
    box.append(fs);
  }
  update();
  for (const f of fields) updateCounter(f);
}

// update applies show_when and required_when to every field, in order, twice
// so that a field controlled by a field further down settles too.
function update() {
  for (let pass = 0; pass < 2; pass++) {
    for (const f of fields) {
      const shown = test(f.def.show_when);
      if (shown !== f.shown) {
        f.shown = shown;
        f.wrap.hidden = !shown;
        for (const c of f.controls) c.disabled = !shown;
        if (!shown) setError(f.controls, f.err, '');
      }
      f.required = shown && (!!f.def.required || (f.def.required_when ? test(f.def.required_when) : false));
      f.reqMark.hidden = !f.required;
      for (const c of f.controls) {
        if (f.def.type === 'multiselect') continue;
        if (f.required) c.setAttribute('aria-required', 'true');
        else c.removeAttribute('aria-required');
      }
      if (f.note) f.note.hidden = !(shown && f.controls[0].checked);
      if (f.clear) f.clear.hidden = !f.controls[0].value;
    }
  }
}

function updateCounter(f) {
  if (!f.counter) return;
  const n = f.controls[0].value.length;
  const { min_length: min, max_length: max } = f.def;
  f.counter.textContent = min && n < min ? `${n} karakter, paling sedikit ${min}`
    : max ? `${n} dari ${max} karakter` : `${n} karakter`;
}

// ---- client-side checks (same rules as the server, in plain words)

function check(f) {
  if (!f.shown) return '';
  const d = f.def;
  const c = f.controls[0];
  if (d.type === 'multiselect') {
    return f.required && !f.controls.some((x) => x.checked) ? 'Pilih paling sedikit satu.' : '';
  }
  if (d.type === 'bool') {
    if (d.must_be_true && !c.checked) return 'Centang kotak ini bila Anda setuju. Tanpa persetujuan ini, pengaduan belum dapat kami terima.';
    if (f.required && !c.checked && !d.must_be_true) return 'Kotak ini wajib dicentang.';
    return '';
  }
  if (d.type === 'file') {
    const file = c.files[0];
    if (!file) return f.required ? 'Pilih file terlebih dahulu.' : '';
    if (d.max_size && file.size > d.max_size) return `File terlalu besar. Paling besar ${mb(d.max_size)}.`;
    if (d.accept && d.accept.length && file.type && !d.accept.includes(file.type)) {
      return `Jenis file tidak dapat diterima. Gunakan ${listWords(d.accept.map(typeName))}.`;
    }
    return '';
  }
  if (d.type === 'date' && c.validity && c.validity.badInput) return 'Tanggal belum lengkap atau belum benar.';
  const v = c.value.trim();
  if (!v) {
    if (!f.required) return '';
    return d.type === 'select' ? 'Silakan pilih salah satu.' : 'Kolom ini wajib diisi.';
  }
  if (d.min_length && v.length < d.min_length) return `Terlalu pendek. Tulis paling sedikit ${d.min_length} karakter.`;
  if (d.max_length && v.length > d.max_length) return `Terlalu panjang. Paling banyak ${d.max_length} karakter.`;
  if (d.type === 'phone' && !PHONE.test(strip(v))) return 'Nomor HP belum benar. Tulis seperti 081234567890.';
  if ((d.type === 'nik' || (d.validators || []).includes('nik')) && !/^\d{16}$/.test(strip(v))) {
    return 'NIK harus 16 angka. Periksa kembali KTP atau Kartu Keluarga, atau kosongkan bila tidak tahu.';
  }
  if (d.type === 'number' && (!/^\d+$/.test(v) || (d.max != null && Number(v) > d.max) || (d.min != null && Number(v) < d.min))) {
    return `Tulis angka saja${d.max != null ? `, paling besar ${d.max}` : ''}.`;
  }
  if (d.type === 'date') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return 'Tanggal belum benar.';
    if (d.not_future && v > today(office && office.timezone)) return 'Tanggal tidak boleh melewati hari ini.';
    if (d.min_date && v < d.min_date) return 'Tanggal terlalu lama. Periksa kembali.';
  }
  return '';
}

const validate = (f) => { const m = check(f); setError(f.controls, f.err, m); return m; };
const focusTarget = (f) => f.controls[0];
const short = (t) => (t.length > 60 ? t.slice(0, 57).replace(/\s+\S*$/, '') + '…' : t);

// ---- submit

function buildBody() {
  const fd = new FormData();
  for (const f of fields) {
    if (!f.shown) continue; // a hidden field is not sent; copy_from is the server's job
    const d = f.def;
    const c = f.controls[0];
    if (d.type === 'bool') fd.append(d.name, c.checked ? 'true' : 'false');
    else if (d.type === 'multiselect') f.controls.filter((x) => x.checked).forEach((x) => fd.append(d.name, x.value));
    else if (d.type === 'file') { if (c.files[0]) fd.append(d.name, c.files[0]); }
    else {
      const v = c.value.trim();
      if (v) fd.append(d.name, v);
    }
  }
  return fd;
}

function showErrors(title, errs) {
  const items = [];
  let first = null;
  for (const f of fields) {
    const e = errs[f.def.name];
    if (!e) continue;
    const msg = typeof e === 'string' ? e : e.message || 'Isian ini belum benar.';
    if (f.shown) {
      setError(f.controls, f.err, msg);
      items.push({ label: short(f.label), message: msg, focus: focusTarget(f) });
      first = first || f;
    } else {
      items.push({ label: short(f.label), message: msg });
    }
  }
  for (const [k, e] of Object.entries(errs)) {
    if (!byName[k]) items.push({ label: '', message: (e && e.message) || String(e) });
  }
  const box = $('#form-summary');
  showSummary(box, title, items);
  if (first) focusTarget(first).focus();
  else box.focus();
}

let sending = false;
async function submit(ev) {
  ev.preventDefault();
  if (sending) return;
  update();
  const summary = $('#form-summary');
  summary.hidden = true;
  const errs = {};
  for (const f of fields) { const m = validate(f); if (m) errs[f.def.name] = m; }
  const n = Object.keys(errs).length;
  if (n) {
    showErrors(n === 1 ? 'Ada 1 isian yang perlu diperbaiki.' : `Ada ${n} isian yang perlu diperbaiki.`, errs);
    return;
  }
  sending = true;
  const btn = $('#submit');
  const prog = $('#submit-progress');
  btn.disabled = true;
  btn.textContent = 'Mengirim…';
  prog.hidden = false;
  prog.textContent = 'Sedang mengirim. Mohon tunggu dan jangan tutup halaman ini.';
  const send = (headers) => request('POST', '/api/public/complaints', buildBody(), (p) => {
    prog.textContent = `Sedang mengirim… ${Math.round(p * 100)}%. Mohon tunggu dan jangan tutup halaman ini.`;
  }, headers);
  let res = await send();
  // during a flood the server asks for a small proof of work first
  for (let tries = 0; tries < 3 && challengeAsked(res); tries++) {
    prog.textContent = 'Banyak kiriman masuk sekaligus. Memastikan pengirimnya manusia… Mohon tunggu, jangan tutup halaman ini.';
    const headers = await solveChallenge(challengeAsked(res), (p) => {
      prog.textContent = `Memastikan pengirimnya manusia… ${Math.round(p * 100)}%. Mohon tunggu, jangan tutup halaman ini.`;
    });
    if (!headers) break;
    res = await send(headers);
  }
  sending = false;
  btn.disabled = false;
  btn.textContent = 'Kirim pengaduan';
  prog.hidden = true;
  if (res.status === 200 && res.data && res.data.tracking_code) return succeed(res.data);
  const data = (res.status === 400 && res.data && res.data.data) || {};
  const msg = problem(res, true);
  if (Object.keys(data).length) showErrors(msg, data);
  else { showSummary(summary, msg, []); summary.focus(); }
}

function succeed(data) {
  form.reset();
  for (const f of fields) setError(f.controls, f.err, '');
  $('#form-area').hidden = true;
  $('#result-number').textContent = data.number || '';
  $('#result-tracking').textContent = data.tracking_code;
  const s = $('#success');
  s.hidden = false;
  s.scrollIntoView();
  s.focus();
}

function copyTracking() {
  const code = $('#result-tracking').textContent;
  const out = $('#copy-status');
  const done = () => { out.textContent = 'Kode sudah disalin.'; };
  const fallback = () => {
    const r = document.createRange();
    r.selectNodeContents($('#result-tracking'));
    const sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(r);
    out.textContent = document.execCommand && document.execCommand('copy') ? 'Kode sudah disalin.' : 'Kode sudah dipilih. Salin dengan menekan lama pada kode.';
  };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(code).then(done, fallback);
  else fallback();
}

// ---- service standard (from the office profile, as the SOP states it)

function renderService(o) {
  const body = $('#service-body');
  const s = o && o.service;
  if (!s) {
    body.replaceChildren(el('p', { class: 'muted' }, 'Standar pelayanan belum dapat dimuat. Silakan muat ulang halaman ini nanti.'));
    return;
  }
  const list = (items, tag = 'ol') => el(tag, null, (items || []).map((x) => el('li', null, x)));
  const dl = el('dl', { class: 'facts' });
  const add = (t, ...dd) => dl.append(el('dt', null, t), el('dd', null, ...dd));
  add('Persyaratan', list(s.requirements));
  add('Prosedur', el('ol', { class: 'steps' }, (s.procedure || []).map((p) =>
    el('li', { value: p.number }, el('strong', null, p.label), p.description ? el('span', null, p.description) : null))));
  add('Waktu penyelesaian', s.completion_time || (o.sla_days ? `${o.sla_days} hari` : ''));
  add('Biaya/tarif', s.cost || 'Tidak dipungut biaya');
  add('Produk pelayanan', list(s.products));
  add('Pengaduan tentang layanan', el('p', null, 'Pengaduan, saran, dan masukan tentang pelayanan kami dapat disampaikan melalui:'),
    list(s.complaint_channels, 'ul'), el('p', null, 'atau melalui formulir Pengaduan Layanan di bawah ini.'));
  body.replaceChildren(s.name ? el('p', null, el('strong', null, s.name)) : '', dl);
}

// ---- start

const fetchForm = () => getJSON('/api/public/forms/complaint');

async function loadForm(pending) {
  $('#form-loading').hidden = false;
  $('#form-load-error').hidden = true;
  const res = await (pending || fetchForm());
  $('#form-loading').hidden = true;
  if (res.status !== 200 || !res.data || !Array.isArray(res.data.sections)) {
    $('#form-load-error').hidden = false;
    return;
  }
  render(res.data, office && office.timezone);
  form.hidden = false;
  afterPaint(() => setDateLimits(office && office.timezone));
}

function bind() {
  form.addEventListener('submit', submit);
  form.addEventListener('input', (e) => {
    const f = byName[e.target.name];
    if (!f) return;
    updateCounter(f);
    update();
    if (f.controls.some((c) => c.getAttribute('aria-invalid'))) validate(f);
  });
  form.addEventListener('change', (e) => {
    const f = byName[e.target.name];
    if (!f) return;
    update();
    if (f.def.type !== 'multiselect' || f.controls.some((c) => c.getAttribute('aria-invalid'))) validate(f);
  });
  form.addEventListener('focusout', (e) => {
    const f = byName[e.target.name];
    if (f && e.target.value && ['text', 'phone', 'nik', 'textarea', 'date'].includes(f.def.type)) validate(f);
  });
  $('#form-retry').addEventListener('click', () => loadForm());
  $('#copy-tracking').addEventListener('click', copyTracking);
}

bind();
// the definition comes in the page; without it, it is fetched in parallel
// with the office profile (slow links)
const formInPage = inPage('teduh-form');
const pendingForm = formInPage ? Promise.resolve({ status: 200, data: formInPage }) : fetchForm();
// the form first: the service standard below it waits for the next frame,
// so a slow phone can be filled in sooner
initPage().then(async (o) => {
  office = o;
  await loadForm(pendingForm);
  afterPaint(() => renderService(o));
});
