// The status page: looks up a complaint (or a submission to another public
// service, chosen in the list or by the page's #<service>) by its tracking
// code and shows only its status and the office's public answer. The code
// never goes into the page URL or the history.
import { $, el, initPage, getJSON, problem, setError, waHref } from './common.js';

let office = null;
const input = $('#tracking-code');
const errBox = $('#status-error');
const result = $('#status-result');

// normalise uppercases, drops anything but letters and digits, and groups by four
// (K7PMX3RT9WAC → K7PM-X3RT-9WAC), the way codes are printed.
export function normalise(s) {
  const c = String(s).toUpperCase().replace(/[^0-9A-Z]/g, '');
  return c.length >= 8 && c.length % 4 === 0 ? c.match(/.{4}/g).join('-') : c;
}

// formatUpdated shows the server's UTC time ("YYYY-MM-DD HH:MM:SS.sssZ") in the office time zone.
export function formatUpdated(s, tz) {
  const d = new Date(String(s || '').replace(' ', 'T'));
  if (isNaN(d)) return '–';
  const opts = { dateStyle: 'long', timeStyle: 'short' };
  try {
    const text = new Intl.DateTimeFormat('id-ID', { ...opts, timeZone: tz }).format(d);
    const zone = new Intl.DateTimeFormat('id-ID', { timeZone: tz, timeZoneName: 'short' })
      .formatToParts(d).find((p) => p.type === 'timeZoneName');
    return zone ? `${text} ${zone.value}` : text;
  } catch {
    return new Intl.DateTimeFormat('id-ID', opts).format(d);
  }
}

function showError(...parts) {
  result.hidden = true;
  errBox.hidden = false;
  errBox.replaceChildren(...parts);
  input.setAttribute('aria-invalid', 'true');
}

function contactLine() {
  if (office && office.whatsapp) {
    return [' Jika tetap tidak ditemukan, hubungi Dinas melalui WhatsApp ',
      el('a', { href: waHref(office.whatsapp), rel: 'noreferrer' }, office.whatsapp), '.'];
  }
  return [' Jika tetap tidak ditemukan, hubungi Dinas melalui nomor di bagian atas halaman.'];
}

let services = [];
const serviceSel = $('#status-service');
const chosen = () => (serviceSel && serviceSel.value) || 'complaint';

function fmtDay(s) {
  return formatUpdated(s, office && office.timezone);
}

function show(data) {
  const total = data.steps_total || (office && office.service && office.service.procedure ? office.service.procedure.length : 0);
  $('#status-number').textContent = data.number || '–';
  $('#status-label').textContent = data.status_label || data.status || '–';
  $('#status-step').textContent = data.step
    ? `Tahap ${data.step}${total ? ' dari ' + total : ''}${data.step_name ? ': ' + data.step_name : ''}`
    : (data.step_name || '–');
  $('#status-updated').textContent = formatUpdated(data.updated, office && office.timezone);
  const answers = $('#status-answers');
  const list = data.answers || [];
  answers.hidden = !list.length;
  answers.replaceChildren(...list.map((a) => el('div', { class: 'answer' },
    el('h3', null, a.label), el('p', { class: 'answer-text', 'data-secret': '' }, a.text), el('p', { class: 'muted' }, fmtDay(a.at)))));
  $('#status-result-title').textContent = data.service_name ? `Status: ${data.service_name}` : 'Status pengaduan';
  errBox.hidden = true;
  result.hidden = false;
  result.focus();
}

let busy = false;
async function lookup(ev) {
  ev.preventDefault();
  if (busy) return;
  setError([input], errBox, '');
  const code = normalise(input.value);
  if (!code) {
    showError('Tulis kode pelacakan Anda terlebih dahulu.');
    input.focus();
    return;
  }
  input.value = code;
  busy = true;
  const btn = $('#status-submit');
  btn.disabled = true;
  btn.textContent = 'Mencari…';
  const svc = chosen();
  const res = await getJSON(svc === 'complaint' ? '/api/public/complaints/' + encodeURIComponent(code)
    : `/api/public/services/${encodeURIComponent(svc)}/submissions/${encodeURIComponent(code)}`);
  busy = false;
  btn.disabled = false;
  btn.textContent = 'Cek status';
  if (res.status === 200 && res.data) {
    input.removeAttribute('aria-invalid');
    show(res.data);
    return;
  }
  if (res.status === 404) {
    showError('Kode tidak ditemukan. Periksa kembali kode Anda, huruf demi huruf, lalu coba lagi.', ...contactLine());
  } else if (res.status === 400) {
    const f = res.data && res.data.data && (res.data.data.tracking_code || res.data.data.code);
    showError((f && f.message) || 'Kode tidak sesuai format. Kode berisi huruf dan angka, contoh K7PM-X3RT-9WAC. Periksa kembali lalu coba lagi.');
  } else {
    showError(problem(res, false));
  }
  input.focus();
}

$('#status-form').addEventListener('submit', lookup);
input.addEventListener('blur', () => { if (input.value) input.value = normalise(input.value); });
initPage().then((o) => { office = o; });

// the services whose submissions have a status: shown as a choice when
// there is more than one; the page's #<service> preselects one
getJSON('/api/public/services').then((res) => {
  services = res.status === 200 && res.data ? res.data.items || [] : [];
  if (services.length < 2) return;
  serviceSel.replaceChildren(...services.map((s) => el('option', { value: s.id }, s.id === 'complaint' ? 'Pengaduan korban kekerasan' : s.name)));
  const want = decodeURIComponent((location.hash || '').replace(/^#/, ''));
  if (services.some((s) => s.id === want)) serviceSel.value = want;
  $('#status-service-box').hidden = false;
});
