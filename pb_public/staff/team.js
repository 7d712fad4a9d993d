// The team view for supervisors: every active staff member's load (open
// cases and how many of them are past the 7-day deadline) and the cases no
// one holds yet. The server's GET /api/staff-load answers in one query when
// it exists; otherwise the counts are list requests with perPage=1 that read
// totalItems, each answered from the (assigned_to, status) index.
import { get, q, pbDate } from './api.js';
import { $, el, LABELS, OPEN_STATUSES, showMessage } from './ui.js';
import { activeStaff } from './state.js';
import { presetQueue } from './queue.js';

const open = '(' + OPEN_STATUSES.map((s) => `status = ${q(s)}`).join(' || ') + ')';

async function count(filter) {
  const r = await get('/api/collections/complaints/records', { filter, perPage: 1, fields: 'id' });
  return r.ok ? r.data.totalItems : null;
}

// fromServer reads /api/staff-load; null when the server has no such route.
async function fromServer() {
  const r = await get('/api/staff-load');
  if (r.status === 404) return null;
  if (!r.ok) return { error: r.message, rows: [], free: null, freeOverdue: null };
  return {
    rows: (r.data.staff || []).map((x) => ({ s: x, n: x.open, u: x.overdue })),
    free: r.data.unassigned,
    freeOverdue: r.data.unassigned_overdue ?? null,
  };
}

async function fromLists() {
  const overdue = `due_at != '' && due_at < ${q(pbDate(Date.now()))}`;
  const rows = await Promise.all(activeStaff().map(async (s) => {
    const who = `assigned_to = ${q(s.id)} && ${open}`;
    const [n, u] = await Promise.all([count(who), count(`${who} && ${overdue}`)]);
    return { s, n, u };
  }));
  const [free, freeOverdue] = await Promise.all([count(`assigned_to = '' && ${open}`), count(`assigned_to = '' && ${open} && ${overdue}`)]);
  const error = rows.some((r) => r.n === null) || free === null ? 'Sebagian angka tidak dapat dihitung. Coba hitung ulang.' : '';
  return { rows, free, freeOverdue, error };
}

const num = (v) => (v === null || v === undefined ? '–' : String(v));

export async function loadTeam() {
  const body = $('#team-rows');
  const status = $('#team-status');
  status.textContent = 'Menghitung beban kerja…';
  const data = (await fromServer()) || (await fromLists());
  if (data.error) showMessage($('#team-error'), data.error);
  else $('#team-error').hidden = true;
  const rows = data.rows.slice().sort((a, b) => (b.n || 0) - (a.n || 0) || a.s.name.localeCompare(b.s.name, 'id'));
  const link = (label, assignee) => el('a', { href: '#/antrean', onclick: () => presetQueue({ assignee, status: 'open' }) }, label);
  body.replaceChildren(
    ...rows.map(({ s, n, u }) => el('tr', { 'data-staff': s.id },
      el('th', { scope: 'row' }, link(s.name, s.id), el('span', { class: 'team-role' }, LABELS.role[s.role] || s.role)),
      el('td', null, LABELS.role[s.role] || s.role),
      el('td', { class: 'num' }, num(n)),
      el('td', { class: u ? 'num hot' : 'num' }, num(u)))),
    el('tr', { class: 'team-free', 'data-staff': '' },
      el('th', { scope: 'row' }, link('Belum ditugaskan', 'unassigned')),
      el('td', null, '–'),
      el('td', { class: 'num' }, num(data.free)),
      el('td', { class: data.freeOverdue ? 'num hot' : 'num' }, num(data.freeOverdue))),
  );
  status.textContent = `Beban kerja ${rows.length} petugas aktif.`;
}
