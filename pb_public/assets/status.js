// The status page: looks up a complaint by its tracking code and shows only
// its status. The code never goes into the page URL or the history.
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

function show(data) {
  const total = office && office.service && office.service.procedure ? office.service.procedure.length : 0;
  $('#status-number').textContent = data.number || '–';
  $('#status-label').textContent = data.status_label || data.status || '–';
  $('#status-step').textContent = data.step
    ? `Tahap ${data.step}${total ? ' dari ' + total : ''}${data.step_name ? ': ' + data.step_name : ''}`
    : (data.step_name || '–');
  $('#status-updated').textContent = formatUpdated(data.updated, office && office.timezone);
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
  const res = await getJSON('/api/public/complaints/' + encodeURIComponent(code));
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
