// The office calendar: the holidays deadlines in working days skip (the
// national holidays and cuti bersama seeded for the year, and the office's
// own closures). Everyone on duty reads it; supervisors add and remove
// days (the collection's rules say so on the server too).
import { api, get, isSupervisor } from './api.js';
import { $, el, setError, busy, showMessage, fmtDate, announce } from './ui.js';

const KINDS = { national_holiday: 'Libur nasional', cuti_bersama: 'Cuti bersama', office_closure: 'Kantor tutup' };

export async function loadCalendar() {
  $('#holiday-form').hidden = !isSupervisor();
  const r = await get('/api/collections/holidays/records', { sort: 'date', perPage: 500, skipTotal: 1 });
  if (!r.ok) { showMessage($('#calendar-error'), r.message); return; }
  $('#calendar-error').hidden = true;
  const items = r.data.items || [];
  if (!items.length) {
    $('#holiday-list').replaceChildren(el('li', { class: 'muted' }, 'Belum ada hari libur di kalender kantor.'));
    return;
  }
  $('#holiday-list').replaceChildren(...items.map((h) => el('li', { 'data-id': h.id, 'data-date': String(h.date).slice(0, 10) },
    el('time', { datetime: String(h.date).slice(0, 10) }, fmtDate(h.date)),
    el('span', null, h.name), ' ', el('span', { class: 'muted' }, `(${KINDS[h.kind] || h.kind})`),
    isSupervisor() ? el('button', { type: 'button', class: 'btn btn-small btn-plain', onclick: (e) => remove(h, e.currentTarget) }, 'Hapus') : null)));
}

async function remove(h, btn) {
  const r = await busy(btn, 'Menghapus…', () => api('DELETE', `/api/collections/holidays/records/${encodeURIComponent(h.id)}`));
  if (!r.ok) { showMessage($('#calendar-error'), r.message); return; }
  announce(`${h.name} dihapus dari kalender.`);
  await loadCalendar();
  $('#calendar-title').focus();
}

export function bindCalendar() {
  $('#holiday-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const date = $('#holiday-date');
    const name = $('#holiday-name');
    setError([date], $('#err-holiday-date'), '');
    setError([name], $('#err-holiday-name'), '');
    if (!date.value) { setError([date], $('#err-holiday-date'), 'Pilih tanggalnya.'); date.focus(); return; }
    if (!name.value.trim()) { setError([name], $('#err-holiday-name'), 'Tulis keterangannya, misalnya "Hari jadi kota".'); name.focus(); return; }
    const r = await busy($('#holiday-submit'), 'Menyimpan…', () => api('POST', '/api/collections/holidays/records', {
      body: { date: date.value, name: name.value.trim(), kind: $('#holiday-kind').value },
    }));
    if (!r.ok) {
      if (r.fields.date) { setError([date], $('#err-holiday-date'), r.status === 400 && /unique/i.test(r.fields.date) ? 'Tanggal ini sudah ada di kalender.' : r.fields.date); date.focus(); return; }
      if (r.fields.name) { setError([name], $('#err-holiday-name'), r.fields.name); name.focus(); return; }
      showMessage($('#calendar-error'), r.message);
      return;
    }
    $('#holiday-status').textContent = `${fmtDate(r.data.date)} ditambahkan.`;
    $('#holiday-form').reset();
    await loadCalendar();
  });
}
