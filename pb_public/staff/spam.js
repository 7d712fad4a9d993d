// Kiriman massal: supervisors mark the complaints of a flood as spam in one
// batch (POST /api/spam-batches) and undo a batch (POST …/{id}/undo). The
// server records each as a withdrawal with the reason and checks that only
// cases nobody has handled are marked.
import { api, get } from './api.js';
import { $, el, fmtDateTime, showMessage, busy, announce } from './ui.js';

export async function loadSpam() {
  $('#spam-error').hidden = true;
  const since = Date.now() - 24 * 3600 * 1000;
  const [queue, batches] = await Promise.all([
    get('/api/queue', { scope: 'unassigned', status: 'new', perPage: 100 }),
    get('/api/collections/spam_batches/records', { sort: '-created', perPage: 20, skipTotal: 1 }),
  ]);
  const list = $('#spam-cases');
  if (!queue.ok) {
    showMessage($('#spam-error'), queue.message);
    list.replaceChildren();
  } else {
    const items = (queue.data.items || []).filter((c) => c.current_step === 1 && new Date(String(c.created).replace(' ', 'T')).getTime() >= since);
    list.replaceChildren(...(items.length ? items.map((c) => el('li', null,
      el('label', null, el('input', { type: 'checkbox', value: c.id, class: 'spam-pick' }), ' ',
        el('strong', null, c.number), ' ', el('span', { class: 'muted' }, fmtDateTime(c.created)), ' ', c.victim_name || ''))) : [el('li', { class: 'muted' }, 'Tidak ada pengaduan baru yang belum ditangani.')]));
  }
  const bl = $('#spam-batches');
  const rows = batches.ok ? batches.data.items || [] : [];
  bl.replaceChildren(...(rows.length ? rows.map((b) => el('li', null,
    el('p', null, el('strong', null, `${b.size} pengaduan`), ' · ', fmtDateTime(b.created), ' · ', b.reason),
    b.undone_at
      ? el('p', { class: 'muted' }, `Dibatalkan ${fmtDateTime(b.undone_at)}: ${b.undo_reason}`)
      : el('p', { class: 'spam-undo' },
        el('label', { for: `undo-${b.id}` }, 'Alasan pembatalan'), ' ',
        el('input', { type: 'text', id: `undo-${b.id}`, maxlength: '500' }), ' ',
        el('button', { type: 'button', class: 'btn btn-small btn-plain', id: `undo-btn-${b.id}`, onclick: (e) => undo(b, e.currentTarget) }, 'Batalkan tanda spam'))))
    : [el('li', { class: 'muted' }, 'Belum ada.')]));
}

async function mark(ev) {
  ev.preventDefault();
  const reason = $('#spam-reason');
  const err = $('#spam-reason-error');
  err.hidden = true;
  const ids = [...document.querySelectorAll('.spam-pick:checked')].map((c) => c.value);
  if (!ids.length) { showMessage($('#spam-error'), 'Pilih pengaduan yang akan ditandai.'); return; }
  if (!reason.value.trim()) {
    err.textContent = 'Tulis alasannya.';
    err.hidden = false;
    reason.focus();
    return;
  }
  const r = await busy($('#spam-submit'), 'Menyimpan…', () => api('POST', '/api/spam-batches', { body: { cases: ids, reason: reason.value.trim() } }));
  if (!r.ok) { showMessage($('#spam-error'), r.fields.cases || r.fields.reason || r.message); return; }
  reason.value = '';
  announce(`${r.data.size} pengaduan ditandai sebagai spam.`);
  await loadSpam();
}

async function undo(b, btn) {
  const input = $(`#undo-${b.id}`);
  const reason = input.value;
  if (!reason.trim()) {
    showMessage($('#spam-error'), 'Tulis mengapa tanda spam dibatalkan.');
    input.focus();
    return;
  }
  const r = await busy(btn, 'Menyimpan…', () => api('POST', `/api/spam-batches/${encodeURIComponent(b.id)}/undo`, { body: { reason: reason.trim() } }));
  if (!r.ok) { showMessage($('#spam-error'), r.fields.reason || r.message); return; }
  announce('Tanda spam dibatalkan; pengaduan kembali ke antrean.');
  await loadSpam();
}

export function bindSpam() {
  $('#spam-form').addEventListener('submit', mark);
  $('#spam-all').addEventListener('click', () => { for (const c of document.querySelectorAll('.spam-pick')) c.checked = true; });
  $('#spam-none').addEventListener('click', () => { for (const c of document.querySelectorAll('.spam-pick')) c.checked = false; });
}
