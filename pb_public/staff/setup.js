// The office set-up view ("Pengaturan") for supervisors: what is still
// missing before letters can be sent and mail works (GET /api/setup), the
// sample warning, and forms for the profile, the head of office, the
// letterhead and letter settings with the emblem, the numbers the public
// pages show and the referral institutions. Every save is a PATCH or POST of
// PocketBase's records API; the server checks each value and answers by
// field. What the profile derives (letterhead, the head's title, emergency
// numbers, complaint channels) is shown as the server derives it.
import { api, get } from './api.js';
import { $, el, busy, showMessage, badge, announce, setError } from './ui.js';
import { ctx } from './state.js';

const ZONES = [
  ['Asia/Jakarta', 'WIB (Asia/Jakarta)'], ['Asia/Pontianak', 'WIB (Asia/Pontianak)'],
  ['Asia/Makassar', 'WITA (Asia/Makassar)'], ['Asia/Jayapura', 'WIT (Asia/Jayapura)'],
];
const TYPES = {
  health: 'Layanan kesehatan', police: 'Kepolisian', shelter: 'Rumah aman', psychosocial: 'Layanan psikososial',
  legal_aid: 'Bantuan hukum', civil_registry: 'Kependudukan dan pencatatan sipil', education: 'Pendidikan',
  religious: 'Bimbingan agama', social_rehab: 'Rehabilitasi sosial', other: 'Lainnya',
};
const KIND = { national: 'Nomor nasional', office: 'Dari profil kantor', extra: 'Tambahan kantor' };

let state = { office: null, setup: null, institutions: [], open: new Set() };

// ---- small form builders

// input builds a labelled control with its error line; opts: type (text,
// textarea, select, check), value, help, options [[value, label]], rows,
// placeholder, inputmode, max.
function input(id, label, opts = {}) {
  const errId = 'err-' + id;
  const helpId = 'help-' + id;
  const help = opts.help ? el('p', { class: 'help', id: helpId }, opts.help) : null;
  const err = el('p', { class: 'error', id: errId, hidden: true });
  const describedBy = [help && helpId, errId].filter(Boolean).join(' ');
  let control;
  if (opts.type === 'check') {
    control = el('input', { type: 'checkbox', id, 'aria-describedby': describedBy });
    control.checked = !!opts.value;
    return { wrap: el('div', { class: 'field field-bool' }, el('div', { class: 'check' }, control, el('label', { for: id }, label)), help, err), control, err };
  }
  if (opts.type === 'textarea') {
    control = el('textarea', { id, rows: opts.rows || 3, 'aria-describedby': describedBy, placeholder: opts.placeholder || null, maxlength: opts.max || null });
    control.value = opts.value || '';
  } else if (opts.type === 'select') {
    control = el('select', { id, 'aria-describedby': describedBy }, (opts.options || []).map(([v, l]) => el('option', { value: v }, l)));
    control.value = opts.value || '';
  } else if (opts.line) {
    control = lineField(id, describedBy, opts);
  } else {
    control = el('input', {
      type: opts.inputType || 'text', id, 'aria-describedby': describedBy, placeholder: opts.placeholder || null,
      inputmode: opts.inputmode || null, maxlength: opts.max || null, autocomplete: 'off', spellcheck: opts.spellcheck === false ? 'false' : null,
    });
    control.value = opts.value || '';
  }
  return { wrap: el('div', { class: 'field' }, el('label', { for: id }, label), help, control, err), control, err };
}

// lineField is a one-line text field that wraps instead of scrolling
// sideways: the long names and addresses of an office stay readable whole
// on a phone. Enter submits, as in a text input.
export function lineField(id, describedBy, opts = {}) {
  const t = el('textarea', {
    id, rows: 1, class: 'line', 'aria-describedby': describedBy || null, placeholder: opts.placeholder || null,
    maxlength: opts.max || null, inputmode: opts.inputmode || null, spellcheck: opts.spellcheck === false ? 'false' : null, autocomplete: 'off',
  });
  t.value = opts.value || '';
  t.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (t.form) t.form.requestSubmit();
    }
  });
  t.addEventListener('input', () => {
    if (t.value.includes('\n')) t.value = t.value.replace(/\s*\n\s*/g, ' ');
    fitLine(t);
  });
  return t;
}

// fitLine makes a line field as tall as its text.
export function fitLine(t) {
  t.style.height = 'auto';
  t.style.height = t.scrollHeight + 4 + 'px';
}

const lines = (s) => String(s || '').split('\n').map((x) => x.trim()).filter(Boolean);

// card is one section of the page: a heading, its content and a message box.
function card(id, title, ...kids) {
  return el('section', { class: 'card setup-card', id, 'aria-labelledby': id + '-title' },
    el('h2', { id: id + '-title', tabindex: '-1' }, title), ...kids);
}

// saver binds a form to a save: fields maps record field → built input,
// read(f) gives the value to send. It shows field errors beside the fields
// and a message in the form's box, then reloads the page's data.
function saver(form, box, button, fields, send, success) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    for (const f of Object.values(fields)) setError([f.control], f.err, '');
    box.hidden = true;
    const r = await busy(button, 'Menyimpan…', send);
    if (!r.ok) {
      let first = null;
      for (const [name, msg] of Object.entries(r.fields || {})) {
        const f = fields[name.split('.')[0]];
        if (f) {
          setError([f.control], f.err, msg);
          first = first || f.control;
        }
      }
      showMessage(box, r.message, 'alert');
      (first || box).focus();
      return;
    }
    await reload();
    const again = document.getElementById(box.id);
    if (again) {
      showMessage(again, success, 'ok');
      again.focus();
    }
    announce(success);
  });
}

function patchOffice(body) {
  return api('PATCH', `/api/collections/office/records/${encodeURIComponent(state.office.id)}`, { body });
}

const msgBox = (id) => el('div', { id, role: 'status', tabindex: '-1', hidden: true });

// ---- the checklist

function checklist(s) {
  const items = s.checklist || [];
  const todo = items.filter((x) => !x.ok);
  const goTo = (section) => {
    const h = document.getElementById(section + '-title');
    if (h) h.focus();
  };
  const parts = [];
  if (s.sample) {
    const b = el('button', { type: 'button', class: 'btn btn-small', id: 'setup-confirm-sample' }, 'Tandai profil sudah benar');
    const box = msgBox('setup-sample-message');
    b.addEventListener('click', async () => {
      const r = await busy(b, 'Menyimpan…', () => patchOffice({ sample: false }));
      if (!r.ok) { showMessage(box, r.message, 'alert'); return; }
      await reload();
      const m = $('#setup-checklist-message');
      if (m) { showMessage(m, 'Profil kantor sudah ditandai benar.', 'ok'); m.focus(); }
    });
    parts.push(el('div', { class: 'alert', id: 'setup-sample' },
      el('p', null, el('strong', null, 'Profil ini masih contoh.'), ' Isinya data awal Teduh (', state.office.name, ', ', state.office.government,
        '). Periksa dan ubah setiap bagian di bawah untuk kantor Anda, lalu tandai profil sudah benar.'),
      el('p', null, b), box));
  }
  parts.push(el('p', { class: s.letters_ready && s.mail_ready && !todo.length ? 'ok' : 'notice', id: 'setup-readiness' },
    s.letters_ready ? 'Surat rujukan dapat dikirim. ' : 'Surat rujukan belum dapat dikirim. ',
    s.mail_ready ? 'E-mail dapat terkirim.' : 'E-mail belum dapat terkirim.'));
  parts.push(el('ul', { class: 'checklist', id: 'setup-checklist-items' }, items.map((it) => el('li', { 'data-key': it.key, 'data-ok': String(it.ok) },
    el('p', { class: 'check-head' }, it.ok ? badge('Sudah', 'running') : badge(it.for ? 'Belum' : 'Disarankan', it.for ? 'overdue' : 'soon'), ' ', el('strong', null, it.title)),
    it.problem ? el('p', { class: 'check-problem' }, it.problem) : null,
    !it.ok && it.section === 'admin' ? el('p', { class: 'help' }, 'Diatur administrator sistem di panel admin (/_/); lihat juga menu Sistem.') : null,
    !it.ok && it.section && it.section !== 'admin'
      ? el('p', null, el('button', { type: 'button', class: 'linklike', onclick: () => goTo(it.section) }, 'Buka bagian ini')) : null))));
  return card('setup-checklist', 'Yang masih perlu dilengkapi', msgBox('setup-checklist-message'), ...parts);
}

// ---- profile

function profileCard(o) {
  const f = {
    name: input('set-name', 'Nama kantor', { line: true, value: o.name, max: 200, help: 'Misalnya Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak.' }),
    government: input('set-government', 'Pemerintah daerah', { line: true, value: o.government, max: 200, help: 'Misalnya Pemerintah Kabupaten Sambas.' }),
    regency_name: input('set-regency_name', 'Nama kota/kabupaten', { line: true, value: o.regency_name, max: 100, help: 'Dengan kata Kota atau Kabupaten, misalnya Kabupaten Sambas.' }),
    regency_code: input('set-regency_code', 'Kode wilayah (4 angka awal NIK)', { value: o.regency_code, inputmode: 'numeric', max: 4 }),
    code: input('set-code', 'Awalan nomor kasus', { value: o.code, max: 6, help: '2–6 huruf kapital, misalnya SBS untuk nomor SBS-2026-0001.' }),
    address: input('set-address', 'Alamat kantor', { type: 'textarea', rows: 2, value: o.address, max: 300 }),
    phone: input('set-phone', 'Telepon kantor', { value: o.phone, inputType: 'tel', max: 30 }),
    whatsapp: input('set-whatsapp', 'WhatsApp kantor', { value: o.whatsapp, inputType: 'tel', max: 30, help: 'Tampil di nomor darurat halaman publik dan di saluran pengaduan.' }),
    email: input('set-email', 'E-mail kantor', { line: true, value: o.email, inputmode: 'email', max: 200, spellcheck: false, help: 'Jawaban lembaga atas surat rujukan yang dikirim lewat e-mail sampai ke sini.' }),
    website: input('set-website', 'Situs web', { line: true, value: o.website, max: 200, spellcheck: false }),
    timezone: input('set-timezone', 'Zona waktu', { type: 'select', value: o.timezone, options: ZONES }),
    districts: input('set-districts', 'Kecamatan', { type: 'textarea', rows: 5, value: (o.districts || []).join('\n'), help: 'Satu kecamatan per baris. Dipakai di formulir pengaduan dan laporan.' }),
    sapa_name: input('set-sapa_name', 'Layanan SAPA daerah (bila ada)', { line: true, value: o.sapa_name, max: 100, help: 'Nama layanan SAPA setempat, misalnya SAPA Sambas. Kosongkan bila tidak ada.' }),
    suggestion_box: input('set-suggestion_box', 'Ada kotak saran di kantor', { type: 'check', value: o.suggestion_box }),
  };
  const button = el('button', { type: 'submit', class: 'btn', id: 'setup-profile-save' }, 'Simpan profil');
  const box = msgBox('setup-profile-message');
  const form = el('form', { id: 'setup-profile-form', novalidate: true }, Object.values(f).map((x) => x.wrap), box, el('div', { class: 'actions' }, button));
  saver(form, box, button, f, () => patchOffice({
    name: f.name.control.value, government: f.government.control.value, regency_name: f.regency_name.control.value,
    regency_code: f.regency_code.control.value.trim(), code: f.code.control.value.trim().toUpperCase(), address: f.address.control.value,
    phone: f.phone.control.value, whatsapp: f.whatsapp.control.value, email: f.email.control.value, website: f.website.control.value,
    timezone: f.timezone.control.value, districts: lines(f.districts.control.value), sapa_name: f.sapa_name.control.value,
    suggestion_box: f.suggestion_box.control.checked,
  }), 'Profil kantor disimpan.');
  return card('setup-profile', 'Profil kantor', form);
}

// ---- head of office

function headCard(o, s) {
  const f = {
    head_name: input('set-head_name', 'Nama kepala kantor (dengan gelar)', { line: true, value: o.head_name, max: 200 }),
    head_title: input('set-head_title', 'Jabatan', {
      line: true, value: o.head_title, max: 200, placeholder: s.head_title.default,
      help: `Kosongkan untuk memakai jabatan dari profil: ${s.head_title.default || '–'}. Tulis sendiri bila lain, misalnya Plt. Kepala Dinas.`,
    }),
    head_nip: input('set-head_nip', 'NIP', { value: o.head_nip, inputmode: 'numeric', max: 30, help: '18 angka, misalnya 19700101 199003 1 001.' }),
  };
  const button = el('button', { type: 'submit', class: 'btn', id: 'setup-head-save' }, 'Simpan kepala kantor');
  const box = msgBox('setup-head-message');
  const form = el('form', { id: 'setup-head-form', novalidate: true }, Object.values(f).map((x) => x.wrap), box, el('div', { class: 'actions' }, button));
  saver(form, box, button, f, () => patchOffice({
    head_name: f.head_name.control.value, head_title: f.head_title.control.value, head_nip: f.head_nip.control.value,
  }), 'Kepala kantor disimpan.');
  return card('setup-head', 'Kepala kantor (penanda tangan surat)',
    el('p', { class: 'help' }, 'Surat rujukan dan laporan penanganan ditandatangani atas nama kepala kantor.'), form);
}

// ---- letterhead, emblem and letter settings

function lettersCard(o, s) {
  const emblemBox = msgBox('setup-emblem-message');
  const file = el('input', { type: 'file', id: 'set-emblem', accept: 'image/png,image/jpeg', 'aria-describedby': 'help-set-emblem err-set-emblem' });
  const emblemErr = el('p', { class: 'error', id: 'err-set-emblem', hidden: true });
  const upload = el('button', { type: 'button', class: 'btn btn-small', id: 'setup-emblem-save' }, 'Unggah lambang');
  upload.addEventListener('click', async () => {
    setError([file], emblemErr, '');
    if (!file.files.length) { setError([file], emblemErr, 'Pilih berkas gambar lambang dulu.'); file.focus(); return; }
    const data = new FormData();
    data.append('emblem', file.files[0]);
    const r = await busy(upload, 'Mengunggah…', () => api('PATCH', `/api/collections/office/records/${encodeURIComponent(o.id)}`, { body: data }));
    if (!r.ok) { setError([file], emblemErr, r.fields.emblem || r.message); file.focus(); return; }
    await reload();
    const m = $('#setup-emblem-message');
    if (m) { showMessage(m, 'Lambang daerah disimpan.', 'ok'); m.focus(); }
  });
  const emblem = el('div', { class: 'field' },
    el('label', { for: 'set-emblem' }, 'Lambang daerah'),
    o.emblem ? el('p', null, el('img', { src: `/api/files/office/${encodeURIComponent(o.id)}/${encodeURIComponent(o.emblem)}`, alt: 'Lambang daerah yang dipakai sekarang', class: 'emblem-preview', id: 'setup-emblem-img' }))
      : el('p', { class: 'muted', id: 'setup-emblem-none' }, 'Belum ada lambang.'),
    el('p', { class: 'help', id: 'help-set-emblem' }, 'Gambar PNG atau JPEG, paling besar 2 MB, dicetak di kiri kop surat.'),
    file, emblemErr, el('p', null, upload), emblemBox);

  const custom = s.letterhead.custom;
  const f = {
    letterhead_custom: input('set-letterhead-custom', 'Pakai kop surat yang ditulis sendiri', { type: 'check', value: custom }),
    letterhead_lines: input('set-letterhead_lines', 'Baris kop surat', {
      type: 'textarea', rows: 5, value: custom ? s.letterhead.value.join('\n') : s.letterhead.default.join('\n'),
      help: 'Satu baris per baris, paling banyak 6, dari atas ke bawah.',
    }),
    letter_place: input('set-letter_place', 'Tempat sebelum tanggal surat', {
      line: true, value: o.letter_place, max: 100, placeholder: s.letter_place.default,
      help: `Kosongkan untuk memakai: ${s.letter_place.default || '–'}.`,
    }),
    letter_number_format: input('set-letter_number_format', 'Format nomor surat', {
      line: true, value: o.letter_number_format, max: 80, spellcheck: false,
      help: 'Bagian yang diisi sistem: {seq} nomor urut, {code} awalan kantor, {month} bulan, {month_roman} bulan Romawi, {year} tahun. Misalnya {seq}/RUJ/{code}/{month_roman}/{year}.',
    }),
    letter_copies_to: input('set-letter_copies_to', 'Tembusan', {
      type: 'textarea', rows: 3, value: (o.letter_copies_to || []).join('\n'),
      help: 'Satu tujuan per baris, misalnya "Yth. Bupati Sambas (sebagai laporan)" lalu "Arsip". Kosongkan bila tidak ada.',
    }),
  };
  const linesWrap = f.letterhead_lines.wrap;
  linesWrap.hidden = !custom;
  f.letterhead_custom.control.addEventListener('change', () => { linesWrap.hidden = !f.letterhead_custom.control.checked; });
  const button = el('button', { type: 'submit', class: 'btn', id: 'setup-letters-save' }, 'Simpan pengaturan surat');
  const box = msgBox('setup-letters-message');
  const preview = el('div', { class: 'letterhead-preview', id: 'setup-letterhead-preview', 'aria-label': 'Kop surat yang dipakai sekarang' },
    s.letterhead.value.map((l) => el('p', null, l)));
  const form = el('form', { id: 'setup-letters-form', novalidate: true },
    el('h3', null, 'Kop surat yang dipakai sekarang'), preview,
    el('p', { class: 'help' }, custom ? 'Kop ini ditulis sendiri oleh kantor.' : 'Kop ini dibuat dari profil: pemerintah daerah, nama kantor, alamat dan telepon, situs web dan e-mail.'),
    Object.values(f).map((x) => x.wrap), box, el('div', { class: 'actions' }, button));
  saver(form, box, button, f, () => patchOffice({
    letterhead_lines: f.letterhead_custom.control.checked ? lines(f.letterhead_lines.control.value) : [],
    letter_place: f.letter_place.control.value, letter_number_format: f.letter_number_format.control.value.trim(),
    letter_copies_to: lines(f.letter_copies_to.control.value),
  }), 'Pengaturan surat disimpan.');
  return card('setup-letters', 'Kop surat, lambang dan surat', emblem, form);
}

// ---- emergency numbers and complaint channels on the public pages

function publicCard(o, s) {
  const rows = el('div', { id: 'setup-extra-rows' });
  const err = el('p', { class: 'error', id: 'err-set-emergency_contacts', hidden: true });
  let n = 0;
  const addRow = (c = {}) => {
    n += 1;
    const label = el('input', { type: 'text', id: `set-extra-label-${n}`, maxlength: 60, 'aria-describedby': 'err-set-emergency_contacts' });
    const number = el('input', { type: 'tel', id: `set-extra-number-${n}`, maxlength: 30, 'aria-describedby': 'err-set-emergency_contacts' });
    label.value = c.label || '';
    number.value = c.number || '';
    const row = el('fieldset', { class: 'extra-row' }, el('legend', { class: 'sr-only' }, `Nomor tambahan ${n}`),
      el('div', { class: 'field' }, el('label', { for: label.id }, 'Nama'), label),
      el('div', { class: 'field' }, el('label', { for: number.id }, 'Nomor'), number),
      el('button', { type: 'button', class: 'btn btn-small btn-plain', onclick: () => { row.remove(); } }, 'Hapus'));
    rows.append(row);
    return label;
  };
  for (const c of o.emergency_contacts || []) addRow(c);
  const add = el('button', { type: 'button', class: 'btn btn-small btn-plain', id: 'setup-extra-add', onclick: () => addRow().focus() }, 'Tambah nomor');
  const button = el('button', { type: 'submit', class: 'btn', id: 'setup-public-save' }, 'Simpan nomor tambahan');
  const box = msgBox('setup-public-message');
  const control = { control: rows, err };
  const form = el('form', { id: 'setup-public-form', novalidate: true },
    el('h3', null, 'Nomor tambahan kantor'),
    el('p', { class: 'help' }, 'Misalnya nomor UPTD PPA atau rumah sakit rujukan 24 jam. Nomor yang sudah ada di daftar tidak ditampilkan dua kali.'),
    rows, err, el('p', null, add), box, el('div', { class: 'actions' }, button));
  saver(form, box, button, { emergency_contacts: control }, () => patchOffice({
    emergency_contacts: [...rows.querySelectorAll('.extra-row')].map((r) => {
      const [label, number] = r.querySelectorAll('input');
      return { label: label.value.trim(), number: number.value.trim() };
    }).filter((c) => c.label || c.number),
  }), 'Nomor tambahan disimpan.');
  return card('setup-public', 'Nomor darurat dan saluran pengaduan',
    el('p', { class: 'help' }, 'Seperti tampil di halaman publik. Nomor nasional tetap sama untuk semua kantor; WhatsApp dan telepon kantor diambil dari profil.'),
    el('h3', null, 'Nomor darurat'),
    el('ul', { class: 'setup-list', id: 'setup-emergency' }, s.emergency_contacts.map((c) => el('li', { 'data-kind': c.kind },
      el('strong', null, c.label), ' ', el('span', { class: 'num' }, c.number), ' ', badge(KIND[c.kind] || c.kind, 'muted'),
      c.source ? el('span', { class: 'help source' }, 'Sumber: ', c.source) : null))),
    el('h3', null, 'Saluran pengaduan tentang layanan'),
    el('p', { class: 'help' }, 'Dari profil: alamat kantor, kotak saran, alamat aplikasi (pengaturan administrator), layanan SAPA daerah dan WhatsApp kantor.'),
    el('ul', { class: 'setup-list', id: 'setup-channels' }, s.complaint_channels.map((c) => el('li', null, c))),
    form);
}

// ---- referral institutions

function institutionForm(inst, idPrefix) {
  const v = inst || { type: 'health', active: true };
  const f = {
    name: input(idPrefix + 'name', 'Nama lembaga', { line: true, value: v.name, max: 200 }),
    type: input(idPrefix + 'type', 'Jenis layanan', { type: 'select', value: v.type, options: Object.entries(TYPES) }),
    address: input(idPrefix + 'address', 'Alamat', { type: 'textarea', rows: 2, value: v.address, max: 300, help: 'Surat rujukan dialamatkan ke sini. Untuk rumah aman: alamat surat-menyurat pengelolanya, bukan lokasinya.' }),
    phone: input(idPrefix + 'phone', 'Telepon', { value: v.phone, inputType: 'tel', max: 40 }),
    email: input(idPrefix + 'email', 'E-mail', { line: true, value: v.email, inputmode: 'email', max: 200, spellcheck: false, help: 'Bila diisi dan e-mail server sudah diatur, surat rujukan dikirim ke sini sebagai lampiran.' }),
    notes: input(idPrefix + 'notes', 'Catatan untuk petugas', { type: 'textarea', rows: 3, value: v.notes, max: 1000 }),
    active: input(idPrefix + 'active', 'Aktif (dapat dipilih untuk rujukan baru)', { type: 'check', value: v.active }),
    confirmed: input(idPrefix + 'confirmed', 'Data sudah diperiksa kantor (nama, alamat, telepon, e-mail)', { type: 'check', value: v.confirmed }),
  };
  const body = () => ({
    name: f.name.control.value, type: f.type.control.value, address: f.address.control.value, phone: f.phone.control.value,
    email: f.email.control.value, notes: f.notes.control.value, active: f.active.control.checked, confirmed: f.confirmed.control.checked,
  });
  return { f, body };
}

function institutionItem(inst) {
  const prefix = `inst-${inst.id}-`;
  const { f, body } = institutionForm(inst, prefix);
  const button = el('button', { type: 'submit', class: 'btn btn-small', id: prefix + 'save' }, 'Simpan lembaga');
  const box = msgBox(prefix + 'message');
  const form = el('form', { novalidate: true, id: prefix + 'form' }, Object.values(f).map((x) => x.wrap), box, el('div', { class: 'actions' }, button));
  saver(form, box, button, f, () => api('PATCH', `/api/collections/referral_institutions/records/${encodeURIComponent(inst.id)}`, { body: body() }),
    `${inst.name}: disimpan.`);
  const state2 = !inst.active ? badge('Tidak aktif', 'muted') : inst.confirmed ? badge('Dikonfirmasi', 'running') : badge('Belum dikonfirmasi', 'overdue');
  const d = el('details', { class: 'inst', id: prefix + 'details', 'data-id': inst.id, open: state.open.has(inst.id) || null },
    el('summary', null, el('span', { class: 'inst-name' }, inst.name), ' ', state2, el('span', { class: 'inst-type' }, TYPES[inst.type] || inst.type)),
    form);
  d.addEventListener('toggle', () => { if (d.open) state.open.add(inst.id); else state.open.delete(inst.id); });
  return el('li', null, d);
}

function institutionsCard(list, sum) {
  const { f, body } = institutionForm(null, 'inst-new-');
  const button = el('button', { type: 'submit', class: 'btn btn-small', id: 'inst-new-save' }, 'Tambah lembaga');
  const box = msgBox('inst-new-message');
  const form = el('form', { novalidate: true, id: 'inst-new-form' }, Object.values(f).map((x) => x.wrap), box, el('div', { class: 'actions' }, button));
  saver(form, box, button, f, () => api('POST', '/api/collections/referral_institutions/records', { body: body() }), 'Lembaga baru ditambahkan.');
  return card('setup-institutions', 'Lembaga rujukan',
    el('p', { class: 'help' }, `${sum.active} lembaga aktif, ${sum.ready} siap menerima surat (dikonfirmasi, dengan alamat dan telepon), ${sum.unconfirmed} belum dikonfirmasi. `
      + 'Surat rujukan hanya dikirim ke lembaga yang sudah dikonfirmasi. Lembaga tidak dihapus: hapus centang Aktif agar tidak dipilih lagi.'),
    el('ul', { class: 'insts', id: 'setup-institution-list' }, list.map(institutionItem)),
    el('details', { class: 'new-referral', id: 'inst-new' }, el('summary', null, 'Tambah lembaga'), form));
}

// ---- loading

function render() {
  const { office, setup, institutions } = state;
  $('#setup-body').replaceChildren(
    checklist(setup),
    profileCard(office),
    headCard(office, setup),
    lettersCard(office, setup),
    publicCard(office, setup),
    institutionsCard(institutions, setup.institutions),
  );
  fitLines($('#setup-body'));
}

// fitLines sizes the line fields once they are on the page (and again when
// a closed section opens: a hidden field has no height to measure).
export function fitLines(root) {
  for (const t of root.querySelectorAll('textarea.line')) fitLine(t);
  for (const d of root.querySelectorAll('details')) {
    d.addEventListener('toggle', () => { for (const t of d.querySelectorAll('textarea.line')) fitLine(t); });
  }
}

async function fetchAll() {
  const [office, setup, inst] = await Promise.all([
    get('/api/collections/office/records', { perPage: 1, skipTotal: 1 }),
    get('/api/setup'),
    get('/api/collections/referral_institutions/records', { sort: '-active,name', perPage: 500, skipTotal: 1 }),
  ]);
  for (const r of [office, setup, inst]) if (!r.ok) return r;
  state.office = (office.data.items || [])[0];
  state.setup = setup.data;
  state.institutions = inst.data.items || [];
  return null;
}

// reload fetches again after a save and refreshes what the rest of the
// console knows of the office (time zone, districts).
async function reload() {
  const failed = await fetchAll();
  if (failed) {
    showMessage($('#setup-error'), failed.message);
    return;
  }
  render();
  markSample(!!state.setup.sample);
  const pub = await get('/api/public/office');
  if (pub.ok) ctx.office = pub.data;
}

// markSample puts a mark on the menu's Pengaturan while the profile is
// still the seeded sample, so every supervisor sees it from any page.
export function markSample(sample) {
  const link = $('#nav-setup');
  if (!link) return;
  let mark = $('#nav-setup-sample');
  if (sample && !mark) {
    mark = el('span', { id: 'nav-setup-sample', class: 'count' }, '!', el('span', { class: 'sr-only' }, ' profil kantor masih contoh'));
    link.append(mark);
    link.title = 'Pengaturan kantor: profil masih contoh, periksa dan tandai sudah benar';
  } else if (!sample && mark) {
    mark.remove();
    link.title = 'Pengaturan kantor';
  }
}

// checkSample asks the server whether the profile is still the sample.
export async function checkSample() {
  const r = await get('/api/setup');
  if (r.ok) markSample(!!r.data.sample);
}

export async function loadSetup() {
  const status = $('#setup-status');
  status.textContent = 'Memuat pengaturan…';
  const failed = await fetchAll();
  if (failed) {
    status.textContent = '';
    showMessage($('#setup-error'), failed.message);
    return;
  }
  $('#setup-error').hidden = true;
  render();
  markSample(!!state.setup.sample);
  status.textContent = 'Pengaturan dimuat.';
}

export function clearSetup() {
  markSample(false);
  state = { office: null, setup: null, institutions: [], open: new Set() };
  $('#setup-body').replaceChildren();
  $('#setup-status').textContent = '';
}
