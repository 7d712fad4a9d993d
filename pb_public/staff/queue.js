// The queue: emergency and overdue cases first, then those due soon, then
// the rest, with filters (assignee, status, district) and a search by number
// or name. The server's /api/queue ranks them when it exists. Otherwise the
// list API does: PocketBase sorts by fields only, so the order is built from
// a few filtered queries ("tiers") read one after the other, each paged with
// page/perPage and skipTotal=1.
import { get, q, pbDate, me, isSupervisor, verifySession } from './api.js';
import { $, el, setError, LABELS, OPEN_STATUSES, DUE_SOON_MS, clock, fmtDateTime, urgencyBadge, clockBadge, badge, showMessage, announce } from './ui.js';
import { steps, stepDef, lastStep, staffName, activeStaff, formFields, ctx, serviceDef } from './state.js';
import { clockBadges } from './clocks.js';

export const PER_PAGE = 25;
const FIELDS = 'id,number,urgency,status,current_step,due_at,first_response_due_at,first_response_at,closed_at,assigned_to,victim_name,victim_district,created';

// The status filter's extra choice: open cases waiting for the supervisors'
// step (step 7, the disposition), which nobody else can record.
const AWAITING_DISPOSITION = 'awaiting_disposition';

// supervisorStep is the first step only supervisors may record (0: none).
export function supervisorStep() {
  const s = steps().find((x) => (x.roles || []).length === 1 && x.roles[0] === 'supervisor');
  return s ? s.number : 0;
}

let state = null; // {gen, tiers, index, rows}
let gen = 0;
let dirty = false;

const openClause = '(' + OPEN_STATUSES.map((s) => `status = ${q(s)}`).join(' || ') + ')';
const closedClause = "(status = 'closed' || status = 'withdrawn')";

// tiers builds the queries of the queue, in order, for the moment now.
export function tiers(now, status) {
  const N = q(pbDate(now));
  const S = q(pbDate(now + DUE_SOON_MS));
  const urgent = `(urgency = 'emergency' || (due_at != '' && due_at < ${N}) || (first_response_at = '' && first_response_due_at != '' && first_response_due_at < ${N}))`;
  const calm = `urgency != 'emergency' && (due_at = '' || due_at >= ${N}) && (first_response_at != '' || first_response_due_at = '' || first_response_due_at >= ${N})`;
  const soon = `((due_at != '' && due_at < ${S}) || (first_response_at = '' && first_response_due_at != ''))`;
  const notSoon = `(due_at = '' || due_at >= ${S}) && (first_response_at != '' || first_response_due_at = '')`;
  let open = openClause;
  if (OPEN_STATUSES.includes(status)) open = `status = ${q(status)}`;
  const out = [];
  if (status === 'open' || status === 'all' || OPEN_STATUSES.includes(status)) {
    out.push(
      { key: 'urgent', title: 'Darurat dan lewat tenggat', filter: `${open} && ${urgent}`, sort: 'urgency,due_at,first_response_due_at,created,id' },
      { key: 'soon', title: 'Segera jatuh tempo', filter: `${open} && ${calm} && ${soon}`, sort: 'due_at,first_response_due_at,created,id' },
      { key: 'running', title: 'Jam layanan berjalan', filter: `${open} && ${calm} && ${notSoon} && due_at != ''`, sort: 'due_at,id' },
      { key: 'waiting', title: 'Belum ada tenggat', filter: `${open} && ${calm} && ${notSoon} && due_at = ''`, sort: 'created,id' },
    );
  }
  if (status === 'all' || status === 'closed' || status === 'withdrawn') {
    const c = status === 'all' ? closedClause : `status = ${q(status)}`;
    out.push({ key: 'closed', title: 'Kasus ditutup', filter: c, sort: '-closed_at,-created,id' });
  }
  return out;
}

// filterClause is what the person chose in the filter bar.
function filterClause() {
  const parts = [];
  const who = $('#q-assignee').value;
  if (who === 'mine') parts.push(`assigned_to = ${q(me().id)}`);
  else if (who === 'unassigned') parts.push("assigned_to = ''");
  else if (who) parts.push(`assigned_to = ${q(who)}`);
  const district = $('#q-district').value;
  if (district) parts.push(`victim_district = ${q(district)}`);
  if ($('#q-status').value === AWAITING_DISPOSITION) parts.push(`current_step = ${supervisorStep() - 1}`);
  const text = $('#q-search').value.trim().replace(/%/g, '');
  if (text) {
    const t = q(text);
    parts.push(`(number ~ ${t} || victim_name ~ ${t} || reporter_name ~ ${t})`);
  }
  return parts.join(' && ');
}

// ---- filters

export function initQueue() {
  const who = $('#q-assignee');
  const opts = [el('option', { value: '' }, isSupervisor() ? 'Semua petugas' : 'Kasus saya dan yang belum ditugaskan'), el('option', { value: 'mine' }, 'Kasus saya'), el('option', { value: 'unassigned' }, 'Belum ditugaskan')];
  if (isSupervisor()) {
    const g = el('optgroup', { label: 'Petugas' }, activeStaff().filter((s) => s.id !== me().id).map((s) => el('option', { value: s.id }, s.name)));
    opts.push(g);
  }
  who.replaceChildren(...opts);
  const status = $('#q-status');
  status.replaceChildren(...[
    el('option', { value: 'open' }, 'Semua kasus terbuka'),
    supervisorStep() ? el('option', { value: AWAITING_DISPOSITION }, 'Menunggu disposisi') : null,
    ...OPEN_STATUSES.map((s) => el('option', { value: s }, LABELS.status[s])),
    el('option', { value: 'closed' }, LABELS.status.closed),
    el('option', { value: 'withdrawn' }, LABELS.status.withdrawn),
    el('option', { value: 'all' }, 'Semua status'),
  ].filter(Boolean));
  const district = $('#q-district');
  const field = formFields().find((f) => f.name === 'victim_district');
  district.replaceChildren(el('option', { value: '' }, 'Semua kecamatan'),
    ...((field && field.options) || []).map((o) => el('option', { value: o.code }, o.label)));
}

// summarise puts the chosen filters into the (folded) filter line.
function summarise() {
  const words = [];
  for (const id of ['q-status', 'q-assignee', 'q-district']) {
    const sel = $('#' + id);
    if (sel.selectedIndex > 0 || id === 'q-status') words.push(sel.options[sel.selectedIndex] ? sel.options[sel.selectedIndex].text.toLowerCase() : '');
  }
  $('#q-summary').textContent = words.filter(Boolean).join(', ');
}

export function bindQueue() {
  const form = $('#queue-filters');
  // the filters are open on a wide screen, folded on a phone
  const wide = matchMedia('(min-width: 48rem)');
  const fold = () => { $('#q-more').open = wide.matches; };
  fold();
  wide.addEventListener('change', fold);
  form.addEventListener('submit', (e) => { e.preventDefault(); reloadQueue(); });
  for (const id of ['q-assignee', 'q-status', 'q-district']) $('#' + id).addEventListener('change', () => reloadQueue());
  $('#queue-more').addEventListener('click', () => loadMore(true));
  $('#queue-refresh').addEventListener('click', () => reloadQueue({ focus: true }));
  // the clocks move: repaint the time left every minute
  setInterval(() => { if (state && !$('#view-queue').hidden) repaintClocks(); }, 60000);
}

// showQueue opens the queue with a filter preset (from the team view).
export function presetQueue({ assignee, status } = {}) {
  if (assignee !== undefined) $('#q-assignee').value = assignee === me().id ? 'mine' : assignee;
  if (status !== undefined) $('#q-status').value = status;
  $('#q-search').value = '';
  $('#q-district').value = '';
  dirty = true; // the queue reloads when it is shown
}

// ---- loading

// The server's own queue (GET /api/queue: ranked, indexed SQL and a trigram
// name search) is used when the server has it; the list API with the tiers
// above is the fallback, and serves a supervisor's "one officer" filter,
// which /api/queue does not offer.
let backend = 'server'; // 'server' | 'list'

const RANK_TIERS = [
  { key: 'urgent', title: 'Darurat dan lewat tenggat' },
  { key: 'soon', title: 'Segera jatuh tempo' },
  { key: 'running', title: 'Lainnya' },
  { key: 'closed', title: 'Kasus ditutup' },
];

function serverParams() {
  const who = $('#q-assignee').value;
  const scope = who === 'mine' || who === 'unassigned' ? who : '';
  const status = $('#q-status').value;
  const waiting = status === AWAITING_DISPOSITION;
  return {
    scope, assignee: scope ? '' : who,
    status: waiting ? 'open' : status, waiting: waiting ? 'disposition' : '', district: $('#q-district').value, q: $('#q-search').value.trim(),
  };
}

export async function reloadQueue({ focus = false } = {}) {
  gen++;
  summarise();
  dirty = false;
  $('#queue-refresh-box').hidden = true;
  setError([$('#q-search')], $('#err-q-search'), '');
  const now = Date.now();
  // the server orders and filters every choice (assignee= for one officer)
  const useServer = backend === 'server';
  if (useServer) {
    const p = serverParams();
    const archive = !!p.q || ['closed', 'withdrawn', 'all'].includes(p.status);
    state = { gen, now, mode: 'server', params: p, archive, page: 1, done: false, rows: 0, items: [] };
  } else {
    const extra = filterClause();
    const st = $('#q-status').value;
    const list = tiers(now, st === AWAITING_DISPOSITION ? 'open' : st).map((t) => ({ ...t, filter: extra ? `${t.filter} && ${extra}` : t.filter, page: 1 }));
    state = { gen, now, mode: 'list', tiers: list, index: 0, rows: 0, items: [] };
  }
  $('#queue-list').replaceChildren();
  $('#queue-status').textContent = 'Memuat antrean…';
  await loadMore(false);
  if (focus) $('#queue-title').focus();
}

const finished = (s) => (s.mode === 'server' ? s.done : s.index >= s.tiers.length);

async function loadMore(moveFocus) {
  const s = state;
  if (!s) return;
  const btn = $('#queue-more');
  btn.disabled = true;
  const firstNew = s.mode === 'server' ? await loadServerPage(s) : await loadListPages(s);
  if (firstNew === false || s.gen !== gen) { btn.disabled = false; return; }
  btn.disabled = false;
  $('#queue-more-box').hidden = finished(s);
  const n = s.rows;
  $('#queue-status').textContent = n === 0 ? 'Tidak ada kasus yang cocok dengan pilihan ini.'
    : `Menampilkan ${n} kasus${finished(s) ? ' (semua)' : ''}.`;
  // an empty queue may also mean the server no longer knows this session
  if (n === 0) verifySession();
  if (moveFocus && firstNew) {
    const a = firstNew.querySelector('a');
    if (a) a.focus();
    announce(`${n} kasus ditampilkan.`);
  }
}

// loadServerPage reads the next page of /api/queue; false when it failed.
async function loadServerPage(s) {
  const r = await get('/api/queue', { ...s.params, page: s.page, perPage: PER_PAGE });
  if (s.gen !== gen) return false;
  if (r.status === 404 && s.page === 1) {
    backend = 'list'; // an older server: use the list API
    await reloadQueue();
    return false;
  }
  if (!r.ok) {
    if (r.fields.q) {
      setError([$('#q-search')], $('#err-q-search'), r.fields.q);
      $('#q-search').focus();
    } else {
      showMessage($('#queue-error'), r.message);
    }
    $('#queue-status').textContent = '';
    return false;
  }
  $('#queue-error').hidden = true;
  const items = r.data.items || [];
  s.page++;
  s.done = !r.data.hasMore;
  let first = null;
  for (const c of items) {
    const t = s.archive ? { key: 'found', title: s.params.q ? 'Hasil pencarian' : 'Kasus' } : RANK_TIERS[Math.min(Math.max(c.rank || 0, 0), 3)];
    const li = appendRows(t, [c]);
    first = first || li;
  }
  return first;
}

// loadListPages reads the tiers one after the other until a page is full;
// false when a request failed.
async function loadListPages(s) {
  let need = PER_PAGE;
  let firstNew = null;
  while (need > 0 && s.index < s.tiers.length) {
    const t = s.tiers[s.index];
    const r = await get('/api/collections/complaints/records', {
      filter: t.filter, sort: t.sort, page: t.page, perPage: PER_PAGE, skipTotal: 1, fields: FIELDS,
    });
    if (s.gen !== gen) return false; // a newer load replaced this one
    if (!r.ok) {
      showMessage($('#queue-error'), r.message);
      $('#queue-status').textContent = '';
      return false;
    }
    $('#queue-error').hidden = true;
    const items = r.data.items || [];
    t.page++;
    if (items.length) {
      const li = appendRows(t, items);
      firstNew = firstNew || li;
      need -= items.length;
    }
    if (items.length < PER_PAGE) s.index++;
  }
  return firstNew;
}

// appendRows adds items under their tier's heading; it returns the first
// row added.
function appendRows(t, items) {
  const list = $('#queue-list');
  let group = list.querySelector(`[data-tier="${t.key}"] ul`);
  if (!group) {
    const h = el('h2', { class: `tier-title tier-${t.key}`, id: `tier-${t.key}` }, t.title);
    group = el('ul', { class: 'qrows', 'aria-labelledby': h.id });
    list.append(el('section', { class: 'tier', 'data-tier': t.key }, h, group));
  }
  let first = null;
  for (const c of items) {
    state.items.push(c);
    state.rows++;
    const li = row(c, t.key);
    group.append(li);
    first = first || li;
  }
  return first;
}

function row(c, tier) {
  const done = c.current_step || 0;
  const cur = stepDef(done);
  const next = stepDef(done + 1);
  const info = clock(c);
  const open = OPEN_STATUSES.includes(c.status);
  const waiting = open && next && next.number === supervisorStep();
  const status = c.status === 'awaiting_requirements' ? badge(LABELS.status[c.status], 'soon')
    : waiting ? badge('Menunggu disposisi', 'soon')
      : open ? null : badge(LABELS.status[c.status] || c.status, 'muted');
  return el('li', { class: `qrow qrow-${tier}${c.urgency === 'emergency' ? ' qrow-emergency' : ''}`, 'data-id': c.id, 'data-number': c.number, 'data-tier': tier },
    el('div', { class: 'qhead' },
      el('a', { class: 'qlink', href: `#/kasus/${c.id}` }, el('span', { class: 'qnum' }, c.number), ' ', el('span', { class: 'qname' }, c.victim_name || 'Tanpa nama')),
      el('span', { class: 'qbadges' }, c.urgency === 'emergency' ? urgencyBadge(c.urgency) : null, ' ', el('span', { class: 'qclock', 'data-clock': '' }, clockBadge(info)),
        el('span', { class: 'qclocks', 'data-clocks': '' }, clockBadges(c.clocks)), status ? ' ' : null, status)),
    el('p', { class: 'qstep' },
      cur ? `Langkah ${done}/${lastStep()}: ${cur.label}` : 'Belum ada langkah',
      open && next ? el('span', { class: 'qnext' }, ` · berikutnya: ${next.number}. ${next.label}`) : null),
    el('p', { class: 'qmeta' },
      c.assigned_to ? `Petugas: ${staffName(c.assigned_to)}` : el('strong', null, 'Belum ditugaskan'),
      c.victim_district ? ` · ${c.victim_district === 'luar_wilayah' ? 'Luar wilayah' : c.victim_district}` : '',
      info.due ? ` · ${info.kind.startsWith('first') ? 'batas respons pertama' : 'tenggat'} ${fmtDateTime(info.due)}` : ''),
  );
}

function repaintClocks() {
  for (const li of document.querySelectorAll('#queue-list .qrow')) {
    const c = state.items.find((x) => x.id === li.dataset.id);
    const slot = li.querySelector('[data-clock]');
    if (c && slot) slot.replaceChildren(clockBadge(clock(c)));
    const declared = li.querySelector('[data-clocks]');
    if (c && declared) declared.replaceChildren(...clockBadges(c.clocks));
  }
}

// caseChanged is called for every realtime event on complaints. A case that
// is not on screen yet, or one whose place may have changed, refreshes the
// queue when the person is looking at its first page; otherwise a button
// offers the refresh, so nothing jumps under their hands.
let liveTimer = 0;
export function caseChanged(action, rec) {
  if (!state) return;
  const onScreen = state.items.find((x) => x.id === rec.id);
  if (onScreen && action === 'update') {
    Object.assign(onScreen, rec);
  }
  if ($('#view-queue').hidden) { dirty = true; return; }
  // a burst of changes (a busy office) becomes one reload
  clearTimeout(liveTimer);
  liveTimer = setTimeout(() => {
    if (!state || $('#view-queue').hidden) { dirty = true; return; }
    const firstPageOnly = state.mode === 'server' ? state.page <= 2 : state.tiers.every((t) => t.page <= 2);
    if (firstPageOnly && state.rows <= PER_PAGE * 2) reloadQueue();
    else $('#queue-refresh-box').hidden = false;
  }, 400);
}

export function queueShown() {
  renderServiceTabs('complaint');
  if (!state || dirty) reloadQueue();
  else repaintClocks();
}

// ---- a queue per service

// renderServiceTabs shows the services the member handles above the
// queues: the victim complaints' queue and one per other service.
export function renderServiceTabs(active) {
  const nav = $('#service-tabs');
  const services = ctx.services || [];
  nav.hidden = services.length < 2;
  $('#service-tab-list').replaceChildren(...services.map((s) => {
    const href = s.builtin ? '#/antrean' : `#/antrean/${encodeURIComponent(s.id)}`;
    return el('li', null, el('a', { href, id: `tab-${s.id}`, 'aria-current': s.id === active ? 'page' : null }, s.name));
  }));
}

let sq = null; // {service, page, done, gen, rows}
let sqGen = 0;

const SQ_STATUSES = ['open', 'new', 'in_progress', 'closed', 'withdrawn', 'all'];

// showServiceQueue opens the queue of one service (not the victim
// complaints'), from its definition.
export function showServiceQueue(id) {
  const d = serviceDef(id);
  renderServiceTabs(id);
  if (!d) {
    $('#squeue-title').textContent = 'Layanan tidak ditemukan';
    $('#squeue-list').replaceChildren();
    showMessage($('#squeue-error'), 'Layanan ini tidak ada, atau tidak ditangani oleh akun Anda.');
    return;
  }
  $('#squeue-title').textContent = `Antrean: ${d.name}`;
  document.title = `${d.name} · Konsol Petugas Teduh`;
  const status = $('#sq-status');
  if (!status.options.length || status.dataset.service !== id) {
    status.replaceChildren(...SQ_STATUSES.map((s) => el('option', { value: s }, s === 'open' ? 'Semua yang terbuka' : s === 'all' ? 'Semua status' : LABELS.status[s] || s)));
    $('#sq-scope').replaceChildren(el('option', { value: '' }, 'Semua'), el('option', { value: 'mine' }, 'Kasus saya'), el('option', { value: 'unassigned' }, 'Belum ditugaskan'));
    status.dataset.service = id;
    $('#sq-search').value = '';
  }
  reloadServiceQueue(id);
}

async function reloadServiceQueue(id) {
  sq = { service: id, page: 1, done: false, gen: ++sqGen, rows: 0 };
  $('#squeue-list').replaceChildren();
  $('#squeue-status').textContent = 'Memuat antrean…';
  setError([$('#sq-search')], $('#err-sq-search'), '');
  await loadServicePage();
}

async function loadServicePage() {
  const s = sq;
  const r = await get(`/api/services/${encodeURIComponent(s.service)}/queue`, {
    status: $('#sq-status').value, scope: $('#sq-scope').value, q: $('#sq-search').value.trim(), page: s.page, perPage: PER_PAGE,
  });
  if (s.gen !== sqGen) return;
  if (!r.ok) {
    showMessage($('#squeue-error'), r.message);
    $('#squeue-status').textContent = '';
    return;
  }
  $('#squeue-error').hidden = true;
  const items = r.data.items || [];
  s.page++;
  s.done = !r.data.hasMore;
  for (const c of items) { $('#squeue-list').append(serviceRow(s.service, c)); s.rows++; }
  $('#squeue-more-box').hidden = s.done;
  $('#squeue-status').textContent = s.rows === 0 ? 'Tidak ada kasus yang cocok dengan pilihan ini.' : `Menampilkan ${s.rows} kasus${s.done ? ' (semua)' : ''}.`;
}

function serviceRow(service, c) {
  const open = OPEN_STATUSES.includes(c.status);
  const late = (c.clocks || []).some((k) => k.overdue);
  const summary = (c.summary || []).filter((x) => x.text).map((x) => `${x.label}: ${x.text}`).join(' · ');
  return el('li', { class: `qrow ${late ? 'qrow-urgent' : open ? '' : 'qrow-closed'}`, 'data-id': c.id, 'data-number': c.number },
    el('div', { class: 'qhead' },
      el('a', { class: 'qlink', href: `#/layanan/${encodeURIComponent(service)}/${c.id}` }, el('span', { class: 'qnum' }, c.number), ' ', el('span', { class: 'qname' }, c.title || '')),
      el('span', { class: 'qbadges' }, el('span', { class: 'qclocks' }, clockBadges(c.clocks)), ' ', open ? null : badge(c.status_label || c.status, 'muted'))),
    el('p', { class: 'qstep' }, c.step_name ? `Langkah ${c.current_step}/${c.steps_total}: ${c.step_name}` : 'Belum ada langkah',
      open && c.next_step ? el('span', { class: 'qnext' }, ` · berikutnya: ${c.next_step}`) : null),
    el('p', { class: 'qmeta' }, c.assigned_to ? `Ditangani: ${staffName(c.assigned_to)}` : el('strong', null, 'Belum ditugaskan'), summary ? ` · ${summary}` : ''));
}

export function bindServiceQueue() {
  $('#squeue-filters').addEventListener('submit', (e) => { e.preventDefault(); if (sq) reloadServiceQueue(sq.service); });
  for (const id of ['sq-status', 'sq-scope']) $('#' + id).addEventListener('change', () => { if (sq) reloadServiceQueue(sq.service); });
  $('#squeue-more').addEventListener('click', () => loadServicePage());
}
