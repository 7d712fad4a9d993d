// The system health view ("Kesehatan sistem") for supervisors: whether mail
// is set up and went out lately, which mails were not sent, whether the
// links in mails point where staff can open them, the last reminder sweep,
// the last backup, free disk space and the audit chain — each with what to
// do when it is not right. Everything comes from GET /api/system-health.
import { get, parseDate } from './api.js';
import { $, el, fmtDateTime, badge, showMessage, timeZone } from './ui.js';

const KIND = {
  failed: 'Gagal, akan dicoba lagi',
  gave_up: 'Dihentikan setelah percobaan terakhir',
};

function size(n) {
  if (n == null) return '–';
  const units = [['GB', 1e9], ['MB', 1e6], ['KB', 1e3]];
  for (const [u, v] of units) {
    if (n >= v) return (n / v).toLocaleString('id-ID', { maximumFractionDigits: 1 }) + ' ' + u;
  }
  return n + ' bita';
}

// breakable lets long addresses, paths and server answers wrap on a phone.
function breakable(node) {
  node.style.overflowWrap = 'anywhere';
  return node;
}

const when = (v) => (parseDate(v) ? fmtDateTime(v) : 'Belum pernah');

// schedule reads PocketBase's backup cron (UTC) as people here read it.
function schedule(cron) {
  if (!cron) return 'Tidak aktif';
  const m = /^(\d{1,2}) (\d{1,2}) \* \* \*$/.exec(cron.trim());
  if (!m) return `Jadwal cron ${cron} (waktu UTC)`;
  const d = new Date(Date.UTC(2026, 0, 1, Number(m[2]), Number(m[1])));
  const p = Object.fromEntries(new Intl.DateTimeFormat('id-ID', {
    timeZone: timeZone(), hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short',
  }).formatToParts(d).map((x) => [x.type, x.value]));
  return `Setiap hari pukul ${p.hour}.${p.minute} ${p.timeZoneName || ''}`.trim();
}

// card is one part of the report: a heading with its state (true: fine,
// false: needs attention, null: cannot be told yet), the facts, and what is
// wrong with what to do.
function card(id, title, ok, facts, problems, extra) {
  const dl = el('dl', { class: 'facts compact' });
  for (const [k, v] of facts) dl.append(el('dt', null, k), el('dd', null, v));
  const state = ok === null ? badge('Belum tersedia', 'muted') : ok ? badge('Baik', 'running') : badge('Perlu perhatian', 'overdue');
  return el('section', { class: 'card', id, 'aria-labelledby': id + '-title', 'data-ok': String(ok) },
    el('h2', { id: id + '-title' }, title, ' ', state),
    dl,
    (problems || []).filter(Boolean).map((p) => breakable(el('p', { class: 'alert' }, p))),
    extra || null);
}

function unsentList(items) {
  if (!items.length) return null;
  return el('div', null,
    el('h3', null, 'E-mail yang belum terkirim'),
    el('p', { class: 'help' }, 'Pemberitahuannya tetap ada di konsol penerima; yang tidak terkirim hanya salinannya lewat e-mail.'),
    el('ul', { class: 'notifs', id: 'health-unsent' }, items.map((u) => el('li', { class: 'notif', 'data-status': u.status },
      el('p', { class: 'notif-head' }, el('a', { href: '#/kasus/' + u.complaint }, u.number || 'Kasus'), ' ', u.title),
      el('dl', { class: 'facts compact' },
        el('dt', null, 'Untuk'), el('dd', null, u.recipient || '–'),
        el('dt', null, 'Keadaan'), el('dd', null, KIND[u.status] || u.status,
          u.status === 'failed' && parseDate(u.next_attempt_at) ? ` (${fmtDateTime(u.next_attempt_at)})` : ''),
        el('dt', null, 'Percobaan'), el('dd', null, String(u.attempts)),
        el('dt', null, 'Jawaban server'), el('dd', null, u.error || '–'))))));
}

function render(h) {
  const m = h.mail;
  const parts = [
    card('health-mail', 'E-mail pemberitahuan', m.ok, [
      ['Server SMTP', m.smtp_enabled ? `Aktif (${m.smtp_host || 'tanpa host'})` : 'Belum diatur'],
      ['Alamat pengirim', m.sender_address || '–'],
      ['Terakhir terkirim', when(m.last_sent_at)],
      ['Menunggu dikirim', String(m.pending)],
      ['Gagal, akan dicoba lagi', String(m.failing)],
      ['Dihentikan (7 hari terakhir)', String(m.gave_up)],
    ], m.problems, unsentList(m.unsent || [])),
    card('health-url', 'Alamat aplikasi', h.app_url.ok, [
      ['Tautan di e-mail menuju', h.app_url.url || '–'],
    ], [h.app_url.problem], h.app_url.note ? breakable(el('p', { class: 'notice' }, h.app_url.note)) : null),
    sweepCard(h.reminders),
    backupCard(h.backups),
    card('health-disk', 'Ruang disk', h.disk.ok, [
      ['Sisa ruang', h.disk.total_bytes ? `${size(h.disk.free_bytes)} dari ${size(h.disk.total_bytes)}` : '–'],
      ['Lokasi data', h.disk.path],
    ], [h.disk.problem]),
    auditCard(h.audit || {}),
    replicationCard(h.replication || {}),
  ];
  const bad = parts.filter((p) => p.dataset.ok === 'false').length;
  $('#health-summary').replaceChildren(el('p', { class: bad ? 'alert' : 'ok' },
    bad ? `${bad} hal perlu perhatian.` : 'Semua baik.', ' ', el('span', { class: 'muted' }, `Diperiksa ${fmtDateTime(h.checked_at)}.`)));
  $('#health-body').replaceChildren(...parts);
}

function sweepCard(r) {
  const last = r.last;
  let outcome = '–';
  if (last) {
    outcome = last.ok
      ? `Berhasil: ${last.notifications} pemberitahuan baru, ${last.mails_sent} e-mail terkirim, ${last.mails_failed} gagal`
      : `Gagal: ${last.error}`;
  }
  return card('health-sweep', 'Sapuan pengingat', r.ok, [
    ['Terakhir', last ? fmtDateTime(last.at) : 'Belum ada'],
    ['Hasil', outcome],
    ['Jadwal', `Setiap ${r.interval_minutes} menit`],
  ], [r.problem]);
}

function backupCard(b) {
  const last = b.last;
  return card('health-backup', 'Cadangan data', b.ok, [
    ['Jadwal', schedule(b.schedule)],
    ['Cadangan terakhir', last ? `${last.name}, ${fmtDateTime(last.time)}, ${size(last.size)}` : 'Belum ada'],
    ['Tersimpan', b.keep ? `${b.count} (paling banyak ${b.keep})` : String(b.count)],
    ['Penyimpanan', b.storage === 's3' ? 'Penyimpanan S3' : 'Disk server ini'],
  ], [b.problem], b.note ? breakable(el('p', { class: 'notice' }, b.note)) : null);
}

function auditCard(a) {
  const labels = { unknown: 'Belum dapat diperiksa', ok: 'Utuh', broken: 'Tidak utuh', error: 'Tidak dapat diperiksa' };
  const facts = [['Keadaan', labels[a.status] || String(a.status || '–')]];
  for (const [k, v] of Object.entries(a)) {
    if (k !== 'status' && k !== 'error') facts.push([k, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
  }
  const ok = a.status === 'unknown' ? null : a.status === 'ok';
  return card('health-audit', 'Rantai catatan akses (audit)', ok, facts,
    [a.status === 'error' ? a.error : '', ok !== false || a.status === 'error' ? '' : 'Rantai catatan akses tidak utuh. Hubungi administrator sistem.']);
}

// replicationCard: the copies of the database on other disks (Litestream)
// and the encrypted backups.
function replicationCard(r) {
  const facts = [['Replikasi', r.configured ? (r.running ? 'Berjalan' : 'Diatur, tidak berjalan') : 'Belum diatur']];
  for (const t of r.targets || []) {
    facts.push([`Replika ${t.kind}`, t.last_sync ? `sinkron ${fmtDateTime(t.last_sync)}, tertinggal ${Math.round(t.lag_seconds || 0)} detik` : 'belum pernah sinkron']);
  }
  const b = r.backup || {};
  facts.push(['Cadangan terenkripsi', b.encrypted ? 'Ya' : 'Tidak']);
  if (b.last) facts.push(['Cadangan terakhir', `${b.last.name} (${fmtDateTime(b.last.time)})${b.last.uploaded_s3 ? ', terunggah ke S3' : ''}`]);
  return card('health-replication', 'Replika dan cadangan terenkripsi', r.ok, facts, r.errors || []);
}

export async function loadHealth() {
  const status = $('#health-status');
  status.textContent = 'Memeriksa kesehatan sistem…';
  const r = await get('/api/system-health');
  status.textContent = '';
  if (!r.ok) {
    showMessage($('#health-error'), r.message);
    return;
  }
  $('#health-error').hidden = true;
  render(r.data);
  status.textContent = 'Pemeriksaan selesai.';
}

export function clearHealth() {
  $('#health-body').replaceChildren();
  $('#health-summary').replaceChildren();
}

$('#health-refresh').addEventListener('click', () => loadHealth());
