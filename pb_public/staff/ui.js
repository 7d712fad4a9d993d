// Small helpers shared by the console's views: formatting in the office's
// time zone, the 7-day and first-response clocks, labels, live announcements
// and toasts. The element builder and error rendering come from the public
// pages' common.js, so both look and behave alike.
import { $, el, setError } from '/assets/common.js';
import { parseDate } from './api.js';

export { $, el, setError };

export const OPEN_STATUSES = ['new', 'in_progress', 'awaiting_requirements'];

export const LABELS = {
  urgency: { emergency: 'Darurat', normal: 'Biasa' },
  channel: {
    online: 'Formulir online', walk_in: 'Datang langsung', whatsapp: 'WhatsApp', phone: 'Telepon',
    sapa: 'SAPA 129', suggestion_box: 'Kotak saran',
  },
  role: { officer: 'Petugas', supervisor: 'Kepala/penyelia', superuser: 'Administrator' },
  outcome: {
    done: 'Selesai', skipped: 'Dilewati', incomplete: 'Belum lengkap', progress: 'Kunjungan pemantauan',
    withdrawn: 'Dicabut/dialihkan',
    spam: 'Ditandai kiriman massal (spam), dicabut', spam_undone: 'Tanda spam dibatalkan',
  },
  // filled from the workflow definition's "statuses"
  status: {
    new: 'Diterima, menunggu petugas', in_progress: 'Sedang ditangani',
    awaiting_requirements: 'Menunggu kelengkapan persyaratan', closed: 'Selesai', withdrawn: 'Dicabut atau dialihkan',
  },
};

// ---- office time zone

let tz = 'Asia/Pontianak';
export function setTimeZone(name) {
  try {
    new Intl.DateTimeFormat('id-ID', { timeZone: name });
    tz = name;
  } catch { /* keep the default */ }
}
export const timeZone = () => tz;

function zoneName(d) {
  try {
    const p = new Intl.DateTimeFormat('id-ID', { timeZone: tz, timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName');
    return p ? ' ' + p.value : '';
  } catch {
    return '';
  }
}

// fmtDateTime: "Kam, 26 Nov 2026 09.30 WIB".
export function fmtDateTime(v) {
  const d = v instanceof Date ? v : parseDate(v);
  if (!d) return '–';
  const s = new Intl.DateTimeFormat('id-ID', {
    timeZone: tz, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
  }).format(d);
  return s + zoneName(d);
}

// fmtDate shows a date-only value (stored at midnight UTC) as a calendar date.
export function fmtDate(v) {
  const d = parseDate(v);
  if (!d) return '–';
  return new Intl.DateTimeFormat('id-ID', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }).format(d);
}

// fmtDuration: "2 hari 5 jam", "3 jam 10 menit", "12 menit".
export function fmtDuration(ms) {
  const m = Math.max(0, Math.floor(Math.abs(ms) / 60000));
  const days = Math.floor(m / 1440);
  const hours = Math.floor((m % 1440) / 60);
  const mins = m % 60;
  if (days > 0) return hours ? `${days} hari ${hours} jam` : `${days} hari`;
  if (hours > 0) return mins ? `${hours} jam ${mins} menit` : `${hours} jam`;
  return `${Math.max(mins, 1)} menit`;
}

export const DUE_SOON_MS = 2 * 24 * 3600 * 1000; // "due soon": two days or less left

// clock describes where a case stands on its clocks: the 7-day completion
// clock once it runs, before that the crisis first-response clock.
// kind: closed | overdue | soon | running | first_overdue | first | waiting
export function clock(c, now = Date.now()) {
  if (!OPEN_STATUSES.includes(c.status)) {
    const closed = parseDate(c.closed_at);
    const due = parseDate(c.due_at);
    const late = closed && due && closed > due;
    return { kind: 'closed', text: closed ? `Ditutup ${fmtDateTime(closed)}${late ? ' (melewati tenggat)' : ''}` : 'Ditutup' };
  }
  const due = parseDate(c.due_at);
  if (due) {
    const left = due - now;
    if (left < 0) return { kind: 'overdue', short: `Lewat ${fmtDuration(left)}`, text: `Lewat tenggat ${fmtDuration(left)} (tenggat ${fmtDateTime(due)})`, due };
    return {
      kind: left <= DUE_SOON_MS ? 'soon' : 'running',
      short: `Sisa ${fmtDuration(left)}`,
      text: `Sisa ${fmtDuration(left)} dari jam layanan (tenggat ${fmtDateTime(due)})`,
      due,
    };
  }
  const first = parseDate(c.first_response_due_at);
  if (first && !c.first_response_at) {
    const left = first - now;
    if (left < 0) return { kind: 'first_overdue', short: `Respons pertama lewat ${fmtDuration(left)}`, text: `Respons pertama terlambat ${fmtDuration(left)} (batas ${fmtDateTime(first)})`, due: first };
    return { kind: 'first', short: `Respons pertama: sisa ${fmtDuration(left)}`, text: `Respons pertama paling lambat ${fmtDateTime(first)} (sisa ${fmtDuration(left)})`, due: first };
  }
  return { kind: 'waiting', short: 'Jam 7 hari belum mulai', text: 'Jam layanan 7 hari belum mulai (menunggu verifikasi persyaratan)' };
}

// ---- announcements

// announce tells screen readers what just happened (the visible message is
// shown where it belongs).
export function announce(msg) {
  const live = $('#live');
  if (!live) return;
  live.textContent = '';
  setTimeout(() => { live.textContent = msg; }, 30);
}

// toast shows a short message in the corner for a few seconds; urgent ones
// stay until closed and are read out at once.
export function toast(msg, { urgent = false, action } = {}) {
  const box = urgent ? $('#alerts') : $('#toasts');
  const close = el('button', { type: 'button', class: 'toast-close' }, 'Tutup');
  const t = el('div', { class: urgent ? 'toast toast-urgent' : 'toast' },
    el('p', null, msg),
    el('div', { class: 'toast-actions' },
      action ? el('button', { type: 'button', class: 'btn btn-small', onclick: () => { t.remove(); action.run(); } }, action.label) : null,
      close));
  close.addEventListener('click', () => t.remove());
  box.append(t);
  if (!urgent) setTimeout(() => t.remove(), 8000);
  return t;
}

// showSummary fills an error summary: a title and, per item, a button that
// focuses the field. A message that already names its field is not prefixed.
export function showSummary(box, title, items) {
  box.replaceChildren(el('p', null, el('strong', null, title)));
  const text = (it) => (!it.label || String(it.message).startsWith(it.label) ? it.message : `${it.label}: ${it.message}`);
  if (items.length) {
    box.append(el('ul', null, items.map((it) => el('li', null, it.focus
      ? el('button', { type: 'button', class: 'linklike', onclick: () => it.focus.focus() }, text(it))
      : text(it)))));
  }
  box.hidden = false;
}

// ---- small builders

export function badge(text, kind) {
  return el('span', { class: `badge badge-${kind}` }, text);
}

export function urgencyBadge(u) {
  return u === 'emergency' ? badge('Darurat', 'emergency') : badge('Biasa', 'normal');
}

export function clockBadge(info) {
  const kinds = { overdue: 'overdue', first_overdue: 'overdue', soon: 'soon', first: 'soon', running: 'running', waiting: 'muted', closed: 'muted' };
  return badge(info.short || info.text, kinds[info.kind] || 'muted');
}

// busy disables a button while work runs and puts back its label after.
export async function busy(button, label, work) {
  const old = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = label;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = old;
  }
}

// alertBox fills a message box (role=alert boxes are read out when filled).
export function showMessage(box, msg, kind = 'alert') {
  box.className = kind;
  box.replaceChildren(...(Array.isArray(msg) ? msg : [el('p', null, msg)]));
  box.hidden = !msg || (Array.isArray(msg) && !msg.length);
}
