// The team view for supervisors: every active staff member's load (open
// cases and how many of them are past the 7-day deadline) and the cases no
// one holds yet; below it the staff accounts (add, change, deactivate and
// reactivate, reset a password by mail or with a one-time password). The server's GET /api/staff-load answers in one query when
// it exists; otherwise the counts are list requests with perPage=1 that read
// totalItems, each answered from the (assigned_to, status) index.
import { api, get, q, pbDate, me } from './api.js';
import { $, el, LABELS, OPEN_STATUSES, showMessage, busy, badge, setError } from './ui.js';
import { activeStaff, ctx } from './state.js';
import { presetQueue } from './queue.js';
import { lineField, fitLines } from './setup.js';

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
  await loadAccounts();
}

// ---- staff accounts (supervisors): add, change, deactivate, reset passwords

const accountState = { open: new Set() };

const ACC_FIELDS = ['name', 'email', 'role', 'phone', 'nip', 'password_delivery'];

// accountInput is a labelled control for an account's edit form.
function accountInput(id, label, value, attrs = {}) {
  const err = el('p', { class: 'error', id: 'err-' + id, hidden: true });
  let control;
  if (attrs.options) control = el('select', { id, 'aria-describedby': err.id, disabled: attrs.disabled || null }, attrs.options.map(([v, l]) => el('option', { value: v }, l)));
  else if (attrs.line) control = lineField(id, err.id, { max: attrs.max });
  else control = el('input', { type: attrs.type || 'text', id, maxlength: attrs.max || null, inputmode: attrs.inputmode || null, 'aria-describedby': err.id });
  control.value = value || '';
  return { wrap: el('div', { class: 'field' }, el('label', { for: id }, label), attrs.help ? el('p', { class: 'help' }, attrs.help) : null, control, err), control, err };
}

function showFieldErrors(fields, r) {
  let first = null;
  for (const [name, msg] of Object.entries(r.fields || {})) {
    const f = fields[name];
    if (f) {
      setError([f.control], f.err, msg);
      first = first || f.control;
    }
  }
  return first;
}

// oneTimeBox shows a one-time password once, for the supervisor to hand over.
function oneTimeBox(name, password) {
  return el('div', { class: 'notice one-time', id: 'one-time-password' },
    el('p', null, el('strong', null, `Kata sandi sekali pakai untuk ${name}:`)),
    el('code', { class: 'code small', 'data-secret': '' }, password),
    el('p', { class: 'help' }, 'Berikan langsung kepada orangnya (jangan lewat grup). Kata sandi ini tampil sekali ini saja; saat masuk, petugas wajib menggantinya dengan kata sandi sendiri.'));
}

async function accountsMessage(msg, kind, extra) {
  const box = $('#accounts-message');
  box.className = kind;
  box.replaceChildren(el('p', null, msg), ...(extra ? [extra] : []));
  box.hidden = false;
  box.focus();
}

function accountItem(a) {
  const self = me() && me().id === a.id;
  const prefix = `acc-${a.id}-`;
  const f = {
    name: accountInput(prefix + 'name', 'Nama lengkap', a.name, { max: 100, line: true }),
    role: accountInput(prefix + 'role', 'Peran', a.role, { options: [['officer', 'Petugas'], ['supervisor', 'Kepala/penyelia']], disabled: self }),
    phone: accountInput(prefix + 'phone', 'Telepon/WhatsApp', a.phone, { type: 'tel', max: 30 }),
    nip: accountInput(prefix + 'nip', 'NIP', a.nip, { inputmode: 'numeric', max: 30 }),
  };
  const save = el('button', { type: 'submit', class: 'btn btn-small', id: prefix + 'save' }, 'Simpan');
  const form = el('form', { novalidate: true, id: prefix + 'form' }, Object.values(f).map((x) => x.wrap), el('div', { class: 'actions' }, save));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    for (const x of Object.values(f)) setError([x.control], x.err, '');
    const body = { name: f.name.control.value, phone: f.phone.control.value, nip: f.nip.control.value };
    if (!self) body.role = f.role.control.value;
    const r = await busy(save, 'Menyimpan…', () => api('PATCH', `/api/collections/staff/records/${encodeURIComponent(a.id)}`, { body }));
    if (!r.ok) {
      (showFieldErrors(f, r) || save).focus();
      if (!Object.keys(r.fields || {}).length) accountsMessage(r.message, 'alert');
      return;
    }
    await loadAccounts();
    accountsMessage(`Akun ${body.name} disimpan.`, 'ok');
  });

  const actions = [];
  if (!self) {
    const toggle = el('button', { type: 'button', class: a.active ? 'btn btn-small btn-plain' : 'btn btn-small', id: prefix + 'active' },
      a.active ? 'Nonaktifkan' : 'Aktifkan lagi');
    toggle.addEventListener('click', async () => {
      if (a.active && !window.confirm(`Nonaktifkan akun ${a.name}? Ia tidak dapat masuk lagi; kasusnya tetap tercatat atas namanya. Alihkan kasus terbukanya ke petugas lain.`)) return;
      const r = await busy(toggle, 'Menyimpan…', () => api('PATCH', `/api/collections/staff/records/${encodeURIComponent(a.id)}`, { body: { active: !a.active } }));
      if (!r.ok) { accountsMessage(r.fields.active || r.message, 'alert'); return; }
      await loadAccounts();
      accountsMessage(a.active ? `Akun ${a.name} dinonaktifkan.` : `Akun ${a.name} aktif lagi.`, 'ok');
    });
    actions.push(toggle);
    if (a.active) {
      const mail = el('button', { type: 'button', class: 'btn btn-small btn-plain', id: prefix + 'reset-mail' }, 'Kirim tautan kata sandi');
      mail.addEventListener('click', async () => {
        const r = await busy(mail, 'Mengirim…', () => api('POST', `/api/staff-accounts/${encodeURIComponent(a.id)}/reset-mail`));
        if (!r.ok) { accountsMessage(r.fields.mail || r.message, 'alert'); return; }
        accountsMessage(`Tautan untuk membuat kata sandi baru dikirim ke ${r.data.sent_to} (berlaku 30 menit).`, 'ok');
      });
      const once = el('button', { type: 'button', class: 'btn btn-small btn-plain', id: prefix + 'one-time' }, 'Kata sandi sekali pakai');
      once.addEventListener('click', async () => {
        if (!window.confirm(`Buat kata sandi sekali pakai untuk ${a.name}? Kata sandinya yang sekarang tidak berlaku lagi dan sesinya berakhir.`)) return;
        const r = await busy(once, 'Membuat…', () => api('POST', `/api/staff-accounts/${encodeURIComponent(a.id)}/one-time-password`));
        if (!r.ok) { accountsMessage(r.message, 'alert'); return; }
        await loadAccounts();
        accountsMessage(`Kata sandi ${a.name} diatur ulang.`, 'ok', oneTimeBox(a.name, r.data.password));
      });
      actions.push(mail, once);
    }
  }
  const d = el('details', { class: 'account-edit', id: prefix + 'details', open: accountState.open.has(a.id) || null },
    el('summary', null, 'Ubah nama, peran, telepon, NIP'), form);
  d.addEventListener('toggle', () => { if (d.open) accountState.open.add(a.id); else accountState.open.delete(a.id); });
  return el('li', { class: a.active ? 'account' : 'account account-inactive', 'data-id': a.id, 'data-active': String(a.active) },
    el('p', { class: 'account-head' }, el('strong', null, a.name), ' ', el('span', { class: 'muted' }, LABELS.role[a.role] || a.role),
      !a.active ? badge('Tidak aktif', 'muted') : null, a.password_must_change ? badge('Belum mengganti kata sandi', 'soon') : null,
      self ? badge('Anda', 'normal') : null),
    el('p', { class: 'account-meta' }, a.email, a.phone ? ` · ${a.phone}` : '', a.nip ? ` · NIP ${a.nip}` : ''),
    actions.length ? el('div', { class: 'actions account-actions' }, actions) : null,
    d);
}

// loadAccounts lists every account (GET /api/staff-accounts) and refreshes
// the console's staff list (names, assignments).
export async function loadAccounts() {
  const r = await get('/api/staff-accounts');
  if (!r.ok) {
    showMessage($('#accounts-message'), r.message);
    return;
  }
  const items = r.data.items || [];
  $('#account-list').replaceChildren(...items.map(accountItem));
  fitLines($('#account-list'));
  ctx.staff = items.map((a) => ({ id: a.id, name: a.name, role: a.role, active: a.active }));
}

async function addAccount(ev) {
  ev.preventDefault();
  const fields = {};
  for (const k of ACC_FIELDS) {
    const id = k === 'password_delivery' ? 'acc-delivery-email' : 'acc-' + k;
    fields[k] = { control: $('#' + id), err: $('#err-acc-' + k) };
    setError([fields[k].control], fields[k].err, '');
  }
  const box = $('#account-form-message');
  box.hidden = true;
  const body = {
    name: $('#acc-name').value.trim(), email: $('#acc-email').value.trim(), role: $('#acc-role').value,
    phone: $('#acc-phone').value.trim(), nip: $('#acc-nip').value.trim(),
    password_delivery: $('#acc-delivery-once').checked ? 'one_time' : 'email',
  };
  const r = await busy($('#acc-submit'), 'Menambah…', () => api('POST', '/api/staff-accounts', { body }));
  if (!r.ok) {
    const first = showFieldErrors(fields, r);
    showMessage(box, r.message, 'alert');
    (first || box).focus();
    return;
  }
  $('#account-form').reset();
  $('#account-new').open = false;
  await loadAccounts();
  const name = r.data.account.name;
  if (r.data.password) accountsMessage(`Akun ${name} dibuat dan aktif.`, 'ok', oneTimeBox(name, r.data.password));
  else if (r.data.mail_error) accountsMessage(r.data.mail_error, 'alert');
  else accountsMessage(`Akun ${name} dibuat dan aktif. Tautan untuk membuat kata sandi dikirim ke ${r.data.sent_to}.`, 'ok');
}

export function clearAccounts() {
  accountState.open.clear();
  $('#account-list').replaceChildren();
  $('#accounts-message').replaceChildren();
  $('#accounts-message').hidden = true;
}

$('#account-form').addEventListener('submit', addAccount);
