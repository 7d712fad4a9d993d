// Referrals of a case (SOP step 8): the priority table's recommendations with
// the institutions of each type, the case's referrals with their status
// changes (draft → sent → accepted | declined, accepted → completed, revoked
// from draft or sent), a form for a new draft, and the referral letters as
// PDF downloads. Consent is confirmed at the moment of sending. The page
// says what still keeps a letter from being sent (the head of office in the
// profile, an institution's address, telephone or confirmation) and how a
// sent letter goes out: mailed to the institution, or to be printed and
// handed over.
import { api, get, q, download } from './api.js';
import { el, setError, fmtDateTime, busy, showMessage, badge, announce } from './ui.js';
import { ctx } from './state.js';

const STATUS = {
  draft: 'Draf', sent: 'Terkirim', accepted: 'Diterima lembaga', declined: 'Ditolak lembaga',
  completed: 'Selesai', revoked: 'Dibatalkan',
};
const STATUS_KIND = { draft: 'muted', sent: 'soon', accepted: 'running', declined: 'overdue', completed: 'done', revoked: 'muted' };

// the moves from each status; note: the note field the move takes
const MOVES = {
  draft: [
    { to: 'sent', label: 'Kirim rujukan', consent: true },
    { to: 'revoked', label: 'Batalkan', note: 'closing_note', noteLabel: 'Alasan pembatalan', required: true },
  ],
  sent: [
    { to: 'accepted', label: 'Lembaga menerima', note: 'response_note', noteLabel: 'Jawaban lembaga (boleh dikosongkan)' },
    { to: 'declined', label: 'Lembaga menolak', note: 'response_note', noteLabel: 'Jawaban lembaga, misalnya alasan penolakan', required: true },
    { to: 'revoked', label: 'Batalkan', note: 'closing_note', noteLabel: 'Alasan pembatalan', required: true },
  ],
  accepted: [{ to: 'completed', label: 'Layanan selesai', note: 'closing_note', noteLabel: 'Catatan penyelesaian (boleh dikosongkan)' }],
};

// done reloads the case and says what happened beside the referrals, with
// focus on the referral concerned.
async function done(reload, text, focusId) {
  await reload();
  const m = document.getElementById('referral-message');
  if (m) showMessage(m, text, 'ok');
  const target = document.getElementById(focusId) || m;
  if (target) target.focus();
  announce(text);
}

function typeLabels() {
  const step3 = ctx.workflow ? ctx.workflow.steps.find((s) => s.number === 3) : null;
  const f = step3 && (step3.fields || []).find((x) => x.name === 'referral_priorities');
  const out = {};
  for (const o of (f && f.options) || []) out[o.code] = o.label;
  return out;
}

// institutionGaps is what an institution lacks before a letter can be
// addressed to it, as the server checks it.
export function institutionGaps(i) {
  if (!i) return [];
  const out = [];
  if (!(i.address || '').trim()) out.push('alamat');
  if (!(i.phone || '').trim()) out.push('telepon');
  if (!i.confirmed) out.push('konfirmasi data oleh kantor');
  return out;
}

function gapsText(i) {
  const g = institutionGaps(i);
  return g.length ? `Surat ke ${i.name} belum dapat dikirim: belum ada ${g.join(', ')}. Minta penyelia atau administrator sistem melengkapi daftar lembaga rujukan.` : '';
}

// deliveryText says how a sent letter goes (or went) out.
export function deliveryText(r, inst) {
  const name = inst ? inst.name : 'lembaga tujuan';
  const print = 'unduh surat, cetak, tandatangani, lalu serahkan langsung ke lembaga.';
  switch (r.letter_delivery) {
    case 'emailed': return `Surat dikirim lewat e-mail ke ${r.letter_emailed_to} (lampiran PDF), ${fmtDateTime(r.letter_emailed_at)}.`;
    case 'email_failed': return `E-mail ke ${r.letter_emailed_to} gagal terkirim (${r.letter_email_error || 'server e-mail menolak'}). Kirim ulang e-mail, atau ${print}`;
    case 'no_email': return `${name} tidak memiliki alamat e-mail: ${print}`;
    case 'no_mail_server': return `Pengiriman e-mail belum diatur di server: ${print}`;
    default: break;
  }
  if (r.letter_emailed_to) return `Surat belum terkirim lewat e-mail ke ${r.letter_emailed_to}. Kirim ulang e-mail, atau ${print}`;
  return `Surat tidak dikirim lewat e-mail: ${print}`;
}

const DELIVERY_KIND = { emailed: 'ok', email_failed: 'alert' };

export async function renderReferrals(box, kase, { open, reload }) {
  box.replaceChildren(el('h2', { id: 'referrals-title' }, 'Rujukan'), el('p', { class: 'muted', role: 'status' }, 'Memuat rujukan…'));
  const [refs, recs, inst, office] = await Promise.all([
    get('/api/collections/referrals/records', { filter: `complaint = ${q(kase.id)}`, sort: 'created,id', perPage: 100, skipTotal: 1, expand: 'institution' }),
    open ? get(`/api/complaints/${encodeURIComponent(kase.id)}/referral-recommendations`) : Promise.resolve({ ok: false }),
    open ? get('/api/collections/referral_institutions/records', { filter: 'active = true', sort: 'type,name', perPage: 500, skipTotal: 1 }) : Promise.resolve({ ok: false }),
    open ? get('/api/collections/office/records', { perPage: 1, skipTotal: 1, fields: 'head_name,head_nip' }) : Promise.resolve({ ok: false }),
  ]);
  const msg = el('div', { id: 'referral-message', role: 'status', tabindex: '-1', hidden: true });
  const parts = [el('h2', { id: 'referrals-title' }, 'Rujukan'), msg];
  const head = office.ok && office.data.items && office.data.items[0];
  if (head) {
    // the title needs no check: an empty one is derived from the office's name (Pengaturan)
    const missing = [['head_name', 'nama'], ['head_nip', 'NIP']].filter(([k]) => !(head[k] || '').trim()).map(([, w]) => w);
    if (missing.length) {
      parts.push(el('p', { class: 'notice', id: 'letters-not-ready' },
        `Surat rujukan belum dapat dikirim: ${missing.join(', ')} kepala kantor yang menandatangani surat belum diisi di profil kantor. Minta penyelia atau administrator sistem mengisinya.`));
    }
  }
  if (!refs.ok) {
    parts.push(el('p', { class: 'alert' }, refs.message));
    box.replaceChildren(...parts);
    return;
  }
  const items = refs.data.items || [];
  parts.push(items.length
    ? el('ul', { class: 'refs', id: 'referral-list' }, items.map((r) => referralItem(r, kase, msg, reload)))
    : el('p', { class: 'muted', id: 'referral-none' }, 'Belum ada rujukan untuk kasus ini.'));
  if (open) {
    // folded away until the referral step is near (or when referrals exist)
    const form = newReferralForm(kase, inst.ok ? inst.data.items || [] : [], items.length + 1, reload);
    const due = (kase.current_step || 0) >= 6;
    const box2 = el('details', { class: 'new-referral', id: 'new-referral', open: due || null },
      el('summary', null, items.length ? 'Buat rujukan lain' : 'Buat rujukan'),
      recs.ok && recs.data ? recommendations(recs.data, form) : null, form);
    parts.push(box2);
  }
  box.replaceChildren(...parts);
}

// recommendations lists the priority table's advice, each with the
// institutions of that type; "Pilih" puts one into the new referral form.
function recommendations(data, form) {
  const list = data.items || [];
  if (!list.length) return el('p', { class: 'muted' }, 'Tidak ada rekomendasi rujukan khusus untuk kasus ini.');
  const pick = (i) => {
    const s = form.querySelector('#rf-institution');
    s.value = i.id;
    s.dispatchEvent(new Event('change', { bubbles: true }));
    s.focus();
  };
  return el('div', { id: 'referral-recommendations' },
    el('h3', null, 'Rekomendasi prioritas rujukan'),
    el('ol', { class: 'recs' }, list.map((x) => el('li', { 'data-type': x.type },
      el('strong', null, x.label || x.type), x.reason ? el('p', { class: 'help' }, x.reason) : null,
      (x.institutions || []).length ? el('ul', null, x.institutions.map((i) => el('li', null, i.name, ' ',
        (i.missing || []).length ? el('span', { class: 'muted' }, '(data belum lengkap) ') : null,
        el('button', { type: 'button', class: 'linklike', 'aria-label': `Pilih ${i.name} sebagai lembaga tujuan`, onclick: () => pick(i) }, 'Pilih')))) : null))));
}

function referralItem(r, kase, msg, reload) {
  const inst = (r.expand && r.expand.institution) || null;
  const li = el('li', { class: 'ref', id: `ref-${r.id}`, tabindex: '-1', 'data-id': r.id, 'data-status': r.status },
    el('p', null, el('strong', null, inst ? inst.name : 'Lembaga'), ' ', badge(STATUS[r.status] || r.status, STATUS_KIND[r.status] || 'muted')),
    r.letter_number ? el('p', null, 'Nomor surat: ', el('strong', { class: 'letter-number' }, r.letter_number)) : null,
    r.services ? el('p', null, 'Layanan yang dimohonkan: ', r.services) : null,
    r.reason ? el('p', { class: 'muted' }, 'Alasan: ', r.reason) : null,
    r.sent_at ? el('p', { class: 'muted' }, 'Dikirim ', fmtDateTime(r.sent_at)) : null,
    r.responded_at ? el('p', { class: 'muted' }, 'Dijawab ', fmtDateTime(r.responded_at)) : null,
    r.response_note ? el('p', null, 'Jawaban lembaga: ', r.response_note) : null,
    r.closing_note ? el('p', null, 'Catatan: ', r.closing_note) : null);
  const sent = ['sent', 'accepted', 'declined', 'completed'].includes(r.status);
  if (sent) {
    li.append(el('p', { class: `delivery ${DELIVERY_KIND[r.letter_delivery] || 'notice'}`, id: `ref-${r.id}-delivery` }, deliveryText(r, inst)));
  } else if (r.status === 'draft' && gapsText(inst)) {
    li.append(el('p', { class: 'notice', id: `ref-${r.id}-gaps` }, gapsText(inst)));
  }
  const actions = el('div', { class: 'actions' });
  const letter = el('button', { type: 'button', class: 'btn btn-small btn-plain', id: `letter-${r.id}` },
    r.status === 'draft' ? 'Pratinjau surat (PDF)' : 'Unduh surat rujukan (PDF)');
  letter.addEventListener('click', async () => {
    const res = await busy(letter, 'Mengunduh…', () => download(`/api/referrals/${encodeURIComponent(r.id)}/letter.pdf`));
    showMessage(msg, res.ok ? `Surat diunduh: ${res.filename}.` : res.message, res.ok ? 'ok' : 'alert');
    announce(res.ok ? 'Surat rujukan diunduh.' : res.message);
  });
  actions.append(letter);
  if (sent && (r.letter_delivery === 'email_failed' || (!r.letter_delivery && r.letter_emailed_to))) {
    const again = el('button', { type: 'button', class: 'btn btn-small btn-plain', id: `ref-${r.id}-email` }, 'Kirim ulang e-mail');
    again.addEventListener('click', async () => {
      const res = await busy(again, 'Mengirim…', () => api('POST', `/api/referrals/${encodeURIComponent(r.id)}/letter/email`));
      if (res.ok) return done(reload, deliveryText({ ...r, ...res.data }, inst), `ref-${r.id}`);
      showMessage(msg, res.fields['institution.email'] || res.message, 'alert');
      announce(res.fields['institution.email'] || res.message);
    });
    actions.append(' ', again);
  }
  if (['closed', 'withdrawn'].includes(kase.status)) {
    li.append(actions);
    return li;
  }
  for (const m of MOVES[r.status] || []) {
    const b = el('button', {
      type: 'button', class: m.to === 'revoked' || m.to === 'declined' ? 'btn btn-small btn-plain' : 'btn btn-small', id: `ref-${r.id}-${m.to}`,
    }, m.label);
    b.addEventListener('click', () => moveForm(li, r, m, reload));
    actions.append(' ', b);
  }
  li.append(actions);
  return li;
}

// moveForm asks for what a status change needs (consent when sending, a note
// otherwise) right under the referral, and sends it.
function moveForm(li, r, m, reload) {
  const old = li.querySelector('form');
  if (old) old.remove();
  const controls = {};
  const errs = {};
  const fields = [];
  const pid = `ref-${r.id}-${m.to}`;
  const errEl = (name) => { errs[name] = el('p', { class: 'error', id: `err-${pid}-${name}`, hidden: true }); return errs[name]; };
  if (m.consent) {
    controls.consent = el('input', { type: 'checkbox', id: `${pid}-consent`, 'aria-describedby': `err-${pid}-consent` });
    controls.consent.checked = !!r.consent;
    controls.consent_by = el('select', { id: `${pid}-consent_by`, 'aria-describedby': `err-${pid}-consent_by` },
      el('option', { value: '' }, 'Pilih…'), el('option', { value: 'victim' }, 'Korban sendiri'), el('option', { value: 'guardian' }, 'Orang tua/wali'));
    controls.consent_by.value = r.consent_by || '';
    controls.consent_name = el('input', { type: 'text', id: `${pid}-consent_name`, maxlength: 100, 'aria-describedby': `err-${pid}-consent_name` });
    controls.consent_name.value = r.consent_name || '';
    const inst = (r.expand && r.expand.institution) || null;
    const email = inst && (inst.email || '').trim();
    fields.push(
      el('p', { class: 'help' }, 'Rujukan hanya dikirim dengan persetujuan korban, atau orang tua/wali bila korban anak. Nomor surat diberikan saat dikirim, dan surat yang dikirim disimpan tanpa berubah lagi.'),
      // what keeps the letter back, or else how it will go out
      gapsText(inst) ? el('p', { class: 'notice', id: `${pid}-gaps` }, gapsText(inst)) : el('p', { class: 'help', id: `${pid}-how` }, email
        ? `Surat dikirim otomatis ke ${email} sebagai lampiran PDF bila pengiriman e-mail sudah diatur; bila tidak, surat dicetak dan diserahkan langsung.`
        : `${inst ? inst.name : 'Lembaga ini'} tidak memiliki alamat e-mail: setelah dikirim, unduh surat, cetak, tandatangani, lalu serahkan langsung.`),
      el('div', { class: 'field field-bool' }, el('div', { class: 'check' }, controls.consent,
        el('label', { for: controls.consent.id }, 'Korban (atau orang tua/wali) menyetujui rujukan ini')), errEl('consent')),
      el('div', { class: 'field' }, el('label', { for: controls.consent_by.id }, 'Persetujuan diberikan oleh'), controls.consent_by, errEl('consent_by')),
      el('div', { class: 'field' }, el('label', { for: controls.consent_name.id }, 'Nama orang tua/wali (bila wali)'), controls.consent_name, errEl('consent_name')));
  }
  if (m.note) {
    controls[m.note] = el('textarea', { id: `${pid}-${m.note}`, rows: 3, maxlength: 2000, 'aria-required': m.required ? 'true' : null, 'aria-describedby': `err-${pid}-${m.note}` });
    fields.push(el('div', { class: 'field' }, el('label', { for: controls[m.note].id }, m.noteLabel, m.required ? el('span', { class: 'req' }, 'wajib') : null),
      controls[m.note], errEl(m.note)));
  }
  const other = el('div', { role: 'alert', hidden: true });
  const ok = el('button', { type: 'submit', class: m.to === 'sent' ? 'btn' : 'btn btn-small', id: `${pid}-submit` }, m.to === 'sent' ? 'Kirim sekarang' : m.label);
  const cancel = el('button', { type: 'button', class: 'btn btn-small btn-plain' }, 'Batal');
  const form = el('form', { novalidate: true, class: 'move-form', id: `${pid}-form` }, ...fields, other, el('div', { class: 'actions' }, ok, cancel));
  cancel.addEventListener('click', () => { form.remove(); li.querySelector(`#${CSS.escape(pid)}`).focus(); });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const [k, c] of Object.entries(controls)) setError([c], errs[k], '');
    other.hidden = true;
    const body = { status: m.to };
    if (m.consent) {
      body.consent = controls.consent.checked;
      body.consent_by = controls.consent_by.value;
      body.consent_name = controls.consent_name.value.trim();
    }
    if (m.note) {
      const v = controls[m.note].value.trim();
      if (m.required && !v) {
        setError([controls[m.note]], errs[m.note], 'Catatan ini wajib diisi.');
        controls[m.note].focus();
        return;
      }
      if (v) body[m.note] = v;
    }
    const res = await busy(ok, 'Menyimpan…', () => api('PATCH', `/api/collections/referrals/records/${encodeURIComponent(r.id)}`, { body }));
    if (res.ok) {
      const inst = (r.expand && r.expand.institution) || null;
      const sentText = m.to === 'sent' && res.data ? ` Nomor surat ${res.data.letter_number}. ${deliveryText(res.data, inst)}` : '';
      return done(reload, `Status rujukan: ${STATUS[m.to]}.${sentText}`, `ref-${r.id}`);
    }
    let first = null;
    const rest = [];
    for (const [k, v] of Object.entries(res.fields)) {
      if (controls[k]) { setError([controls[k]], errs[k], v); first = first || controls[k]; } else rest.push(v);
    }
    showMessage(other, [el('p', null, res.message), ...rest.filter((x) => x !== res.message).map((x) => el('p', null, x))], 'alert');
    (first || ok).focus();
  });
  li.append(form);
  const firstControl = form.querySelector('input, select, textarea, button');
  if (firstControl) firstControl.focus();
}

function newReferralForm(kase, inst, priority, reload) {
  const labels = typeLabels();
  const byType = {};
  for (const i of inst) (byType[i.type] = byType[i.type] || []).push(i);
  const field = (id, label, control, required, help) => el('div', { class: 'field' },
    el('label', { for: id }, label, required ? el('span', { class: 'req' }, 'wajib') : null),
    help ? el('p', { class: 'help', id: `help-${id}` }, help) : null, control,
    el('p', { class: 'error', id: `err-${id}`, hidden: true }));
  const institution = el('select', { id: 'rf-institution', 'aria-required': 'true', 'aria-describedby': 'rf-institution-state err-rf-institution' },
    el('option', { value: '' }, 'Pilih lembaga…'),
    Object.entries(byType).map(([t, list]) => el('optgroup', { label: labels[t] || t },
      list.map((i) => el('option', { value: i.id }, institutionGaps(i).length ? `${i.name} (data belum lengkap)` : i.name)))));
  // what the chosen institution means for the letter: not sendable yet, mailed, or printed
  const state = el('p', { class: 'help', id: 'rf-institution-state', 'aria-live': 'polite' });
  const describe = () => {
    const i = inst.find((x) => x.id === institution.value);
    state.className = i && institutionGaps(i).length ? 'notice' : 'help';
    state.textContent = !i ? '' : gapsText(i) || (i.email ? `Surat dapat dikirim lewat e-mail ke ${i.email}.` : `${i.name} tidak memiliki alamat e-mail: surat dicetak dan diserahkan langsung.`);
    state.hidden = !i;
  };
  institution.addEventListener('change', describe);
  const services = el('textarea', { id: 'rf-services', rows: 3, maxlength: 2000, 'aria-required': 'true', 'aria-describedby': 'help-rf-services err-rf-services' });
  const reason = el('textarea', { id: 'rf-reason', rows: 3, maxlength: 2000, 'aria-describedby': 'err-rf-reason' });
  const summary = el('div', { role: 'alert', hidden: true, id: 'rf-summary', tabindex: '-1' });
  const submit = el('button', { type: 'submit', class: 'btn', id: 'rf-submit' }, 'Simpan draf rujukan');
  const controls = { institution, services, reason };
  const form = el('form', { id: 'referral-form', novalidate: true, autocomplete: 'off', 'aria-labelledby': 'rf-title' },
    el('h3', { id: 'rf-title' }, 'Rujukan baru'),
    field('rf-institution', 'Lembaga tujuan', institution, true), state,
    field('rf-services', 'Layanan yang dimohonkan', services, true, 'Misalnya: visum et repertum dan perawatan luka.'),
    field('rf-reason', 'Alasan rujukan', reason, false),
    summary, el('div', { class: 'actions' }, submit));
  describe();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const [k, c] of Object.entries(controls)) setError([c], form.querySelector(`#err-rf-${k}`), '');
    summary.hidden = true;
    let errs = {};
    let title = 'Ada isian yang perlu diperbaiki.';
    if (!institution.value) errs.institution = 'Pilih lembaga tujuan rujukan.';
    if (!services.value.trim()) errs.services = 'Tulis layanan yang dimohonkan dari lembaga ini.';
    if (!Object.keys(errs).length) {
      const body = { complaint: kase.id, institution: institution.value, services: services.value.trim(), reason: reason.value.trim(), priority };
      const res = await busy(submit, 'Menyimpan…', () => api('POST', '/api/collections/referrals/records', { body }));
      if (res.ok) return done(reload, 'Draf rujukan disimpan. Kirim rujukan setelah persetujuan korban dicatat.', `ref-${res.data.id}`);
      errs = res.fields;
      title = res.message;
    }
    let first = null;
    const rest = [];
    for (const [k, v] of Object.entries(errs)) {
      const c = controls[k];
      if (c) { setError([c], form.querySelector(`#err-rf-${k}`), v); first = first || c; } else rest.push(v);
    }
    showMessage(summary, [el('p', null, title), ...rest.filter((x) => x !== title).map((x) => el('p', null, x))], 'alert');
    (first || summary).focus();
  });
  return form;
}
