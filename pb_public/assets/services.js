// The public page's list of the office's other services, from their
// definitions (GET /api/public/services): each with its standard in short
// and a link to its own form page (/layanan/#<id>). The victim complaint is
// the page's own form and standard (form.js).
import { $, el, getJSON } from './common.js';

async function renderServices() {
  const box = $('#services-list');
  if (!box) return;
  const res = await getJSON('/api/public/services');
  const items = res.status === 200 && res.data ? (res.data.items || []).filter((s) => s.id !== 'complaint') : null;
  if (!items) {
    box.replaceChildren(el('p', { class: 'muted' }, 'Daftar layanan belum dapat dimuat. Muat ulang halaman ini nanti.'));
    return;
  }
  if (!items.length) {
    box.replaceChildren();
    return;
  }
  box.replaceChildren(el('ul', { class: 'services' }, items.map((s) => el('li', { class: 'service', 'data-service': s.id },
    el('h3', null, s.name),
    s.summary ? el('p', null, s.summary) : null,
    el('p', { class: 'muted' }, [s.completion_time, s.cost].filter(Boolean).join(' · ')),
    el('p', null, el('a', { class: 'btn', id: `open-${s.id}`, href: `/layanan/#${encodeURIComponent(s.id)}` }, `Buka formulir ${s.name}`))))));
}

renderServices();
