// Notifications: a badge with the number of unread ones, kept live through
// PocketBase realtime, and a list where they are read and marked as read.
// New and changed cases arrive the same way, so the queue and an open case
// refresh without a reload.
import { api, get, q, me, Realtime, topic } from './api.js';
import { $, el, fmtDateTime, toast, announce, showMessage, busy } from './ui.js';
import { ctx } from './state.js';

const KIND_LABELS = {
  new_complaint: 'Pengaduan baru',
  new_emergency: 'Pengaduan darurat baru',
  new_complaints_digest: 'Banyak pengaduan baru sekaligus',
  first_response_missed: 'Respons pertama terlambat',
  sla_due_soon: 'Tenggat segera tiba',
  sla_due_today: 'Tenggat hari ini',
  sla_overdue: 'Lewat tenggat',
  sla_escalation: 'Eskalasi tenggat',
  referral_unanswered: 'Rujukan belum dijawab',
  disposition_waiting: 'Menunggu disposisi',
  disposition_reminder: 'Disposisi belum diberikan',
  new_submission: 'Kiriman layanan baru',
  clock_reminder: 'Tenggat segera tiba',
  clock_escalation: 'Eskalasi tenggat',
};
const URGENT_KINDS = new Set(['new_emergency', 'first_response_missed', 'sla_overdue', 'sla_escalation', 'clock_escalation']);
const NOTE_FIELDS = 'id,recipient,complaint,service,case_id,kind,message,read,created';
const CASE_FIELDS = 'id,number,urgency,status,current_step,assigned_to,due_at,first_response_at,updated';

let rt = null;
let unread = 0;
const handlers = { caseChanged: [] };

export const kindLabel = (k) => KIND_LABELS[k] || 'Pemberitahuan';

// onCaseChanged registers a listener for realtime events on complaints.
export function onCaseChanged(fn) { handlers.caseChanged.push(fn); }

export function startLive() {
  stopLive();
  rt = new Realtime(received, (s) => {
    const dot = $('#live-state');
    dot.dataset.state = s;
    dot.textContent = s === 'live' ? 'Langsung' : s === 'reconnecting' ? 'Menyambung…' : 'Terputus';
    dot.title = s === 'live' ? 'Perubahan muncul tanpa memuat ulang halaman' : 'Perubahan belum dapat diterima langsung';
  });
  const topics = [topic('complaints', CASE_FIELDS)];
  if (ctx.features.notifications) topics.push(topic('notifications', NOTE_FIELDS));
  rt.start(topics);
  $('#nav-notifications').hidden = !ctx.features.notifications;
  if (ctx.features.notifications) refreshBadge();
}

export function stopLive() {
  if (rt) rt.stop();
  rt = null;
  unread = 0;
  paintBadge();
}

function received(t, msg) {
  const rec = msg.record || {};
  if (t.startsWith('complaints/')) {
    for (const fn of handlers.caseChanged) fn(msg.action, rec);
    // without notifications, a new emergency still gets everyone's attention
    if (!ctx.features.notifications && msg.action === 'create') {
      const text = `${rec.urgency === 'emergency' ? 'Pengaduan DARURAT baru' : 'Pengaduan baru'}: ${rec.number}`;
      toast(text, { urgent: rec.urgency === 'emergency', action: { label: 'Buka', run: () => { location.hash = `#/kasus/${rec.id}`; } } });
    }
    return;
  }
  if (t.startsWith('notifications/')) {
    if (!me() || rec.recipient !== me().id) return;
    if (msg.action === 'create') {
      if (!rec.read) unread++;
      paintBadge();
      const urgent = URGENT_KINDS.has(rec.kind);
      toast(rec.message || kindLabel(rec.kind), {
        urgent,
        action: rec.complaint || rec.case_id ? { label: 'Buka kasus', run: () => openNotification(rec) } : null,
      });
      if (!$('#view-notifications').hidden) loadNotifications();
    } else {
      refreshBadge();
    }
  }
}

async function refreshBadge() {
  if (!ctx.features.notifications || !me()) return;
  const r = await get('/api/collections/notifications/records', {
    filter: `recipient = ${q(me().id)} && read = false`, perPage: 1, fields: 'id',
  });
  if (r.ok) {
    unread = r.data.totalItems || 0;
    paintBadge();
  }
}

function paintBadge() {
  const b = $('#notif-badge');
  if (!b) return;
  b.textContent = unread > 99 ? '99+' : String(unread);
  b.hidden = unread === 0;
  $('#nav-notifications').setAttribute('aria-label', unread ? `Pemberitahuan, ${unread} belum dibaca` : 'Pemberitahuan');
}

export const unreadCount = () => unread;

// ---- the list

export async function loadNotifications() {
  const list = $('#notif-list');
  const r = await get('/api/collections/notifications/records', {
    filter: `recipient = ${q(me().id)}`, sort: '-created,id', perPage: 50, skipTotal: 1, fields: NOTE_FIELDS, expand: '',
  });
  if (!r.ok) { showMessage($('#notif-error'), r.message); return; }
  $('#notif-error').hidden = true;
  const items = r.data.items || [];
  if (!items.length) {
    list.replaceChildren(el('li', { class: 'muted' }, 'Belum ada pemberitahuan.'));
    return;
  }
  list.replaceChildren(...items.map((n) => el('li', { class: `notif${n.read ? '' : ' notif-unread'}${URGENT_KINDS.has(n.kind) ? ' notif-urgent' : ''}`, 'data-id': n.id },
    el('p', { class: 'notif-head' }, el('strong', null, kindLabel(n.kind)), n.read ? '' : el('span', { class: 'badge badge-soon' }, 'Baru'), ' ',
      el('time', { datetime: n.created, class: 'muted' }, fmtDateTime(n.created))),
    el('p', null, n.message),
    el('p', { class: 'notif-actions' },
      n.complaint || n.case_id ? el('button', { type: 'button', class: 'btn btn-small', onclick: () => openNotification(n) }, 'Buka kasus') : null, ' ',
      n.read ? null : el('button', { type: 'button', class: 'btn btn-small btn-plain', onclick: (e) => markRead(n, e.currentTarget) }, 'Tandai sudah dibaca')))));
}

async function markRead(n, btn) {
  const r = await busy(btn, 'Menyimpan…', () => api('PATCH', `/api/collections/notifications/records/${n.id}`, { body: { read: true } }));
  if (!r.ok) { toast(r.message); return; }
  await refreshBadge();
  await loadNotifications();
  announce('Ditandai sudah dibaca.');
  const heading = $('#notifications-title');
  if (heading) heading.focus();
}

async function openNotification(n) {
  if (!n.read) {
    await api('PATCH', `/api/collections/notifications/records/${n.id}`, { body: { read: true } });
    refreshBadge();
  }
  // a case of another service opens on its service's page
  location.hash = n.service ? `#/layanan/${n.service}/${n.case_id}` : `#/kasus/${n.complaint}`;
}

export function bindNotifications() {
  $('#notif-read-all').addEventListener('click', async (e) => {
    const btn = e.currentTarget;
    await busy(btn, 'Menyimpan…', async () => {
      // one request on a server that has it; one per notification otherwise
      const all = await api('POST', '/api/notifications/read-all');
      if (all.ok) return;
      if (all.status !== 404) { toast(all.message); return; }
      const r = await get('/api/collections/notifications/records', {
        filter: `recipient = ${q(me().id)} && read = false`, perPage: 200, skipTotal: 1, fields: 'id',
      });
      if (!r.ok) { toast(r.message); return; }
      for (const n of r.data.items || []) await api('PATCH', `/api/collections/notifications/records/${n.id}`, { body: { read: true } });
    });
    await refreshBadge();
    await loadNotifications();
    announce('Semua pemberitahuan ditandai sudah dibaca.');
  });
}
