// The statistics dashboard for supervisors: the period and district
// filters, SIMFONI-PPA's counts as charts drawn in plain SVG, each chart with
// its data table beside it (the table is what a screen reader reads), a
// print view (staff.css @media print), and the exports: the report PDF and
// the password-protected workbook. Every figure comes from GET /api/stats.
import { get, download } from './api.js';
import { $, el, setError, showMessage, busy, announce } from './ui.js';
import { ctx } from './state.js';

const SVG = 'http://www.w3.org/2000/svg';
let last = null; // the statistics shown

// svg builds an SVG element (presentation attributes only: no inline style
// under the strict CSP).
function svg(tag, attrs, ...kids) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v != null) e.setAttribute(k, String(v));
  for (const c of kids.flat()) if (c != null) e.append(c);
  return e;
}

const nf = new Intl.NumberFormat('id-ID');
const num = (n) => nf.format(n || 0);
const dec = (n, unit) => (n === null || n === undefined ? '–' : `${new Intl.NumberFormat('id-ID', { maximumFractionDigits: 1 }).format(n)} ${unit}`);
const pct = (p) => (p === null || p === undefined ? '–' : `${new Intl.NumberFormat('id-ID', { maximumFractionDigits: 1 }).format(p * 100)}%`);

// monthValue is YYYY-MM of a date in the office's time zone.
function monthValue(d) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: (ctx.office && ctx.office.timezone) || 'Asia/Pontianak', year: 'numeric', month: '2-digit' })
    .formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}`;
}

// ---- charts

let chartSeq = 0;

// barChart is a horizontal bar chart of rows [{label, value}] with its
// table beside it. columns names the table's columns (the first is the
// category); values are the table's rows of figures.
function chartWithTable({ id, title, unit, rows, columns, values, note }) {
  const cid = `chart-${id}-${++chartSeq}`;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const barH = 22;
  const gap = 6;
  const labelW = 140;
  const width = 400;
  const height = rows.length * (barH + gap) + gap;
  const plot = width - labelW - 44;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-labelledby': `${cid}-t`, focusable: 'false' },
    svg('title', { id: `${cid}-t` }, `${title} (grafik; angkanya ada di tabel di sampingnya)`),
    rows.map((r, i) => {
      const y = gap + i * (barH + gap);
      const w = Math.round((r.value / max) * plot);
      return svg('g', { class: 'bar' },
        svg('text', { x: labelW - 6, y: y + barH * 0.7, 'text-anchor': 'end', class: 'bar-label' }, r.label.length > 21 ? r.label.slice(0, 20) + '…' : r.label),
        svg('rect', { x: labelW, y, width: Math.max(w, r.value ? 2 : 0), height: barH, rx: 2, class: `bar-fill bar-${i % 6}` }),
        svg('text', { x: labelW + w + 6, y: y + barH * 0.7, class: 'bar-value' }, num(r.value)));
    }));
  const table = el('table', { class: 'stats-table', id: `${cid}-table` },
    el('caption', null, title, unit ? el('span', { class: 'muted' }, ` (satuan: ${unit})`) : null),
    el('thead', null, el('tr', null, columns.map((c, i) => el('th', { scope: 'col', class: i ? 'num' : null }, c)))),
    el('tbody', null, values.map((v) => el('tr', { class: v[0] === 'Jumlah' ? 'total' : null },
      el('th', { scope: 'row' }, v[0]), v.slice(1).map((x) => el('td', { class: 'num' }, x))))));
  return el('section', { class: 'card stats-block', id: `stats-${id}`, 'aria-labelledby': `${cid}-h` },
    el('h2', { id: `${cid}-h` }, title),
    note ? el('p', { class: 'help' }, note) : null,
    el('div', { class: 'chart-pair' }, el('div', { class: 'chart-box' }, chart), el('div', { class: 'table-wrap' }, table)));
}

// ---- rendering

function headline(st) {
  const t = st.totals;
  const item = (label, value, id) => el('div', { class: 'stat', id }, el('p', { class: 'stat-value' }, num(value)), el('p', { class: 'stat-label' }, label));
  return el('div', { class: 'stat-row', id: 'stats-totals' },
    item('Kasus (laporan)', t.cases, 'stat-cases'), item('Korban', t.victims, 'stat-victims'),
    item('Pelaku', t.perpetrators, 'stat-perpetrators'), item('Bentuk kekerasan', t.violence_forms, 'stat-forms'));
}

function render(st) {
  const out = [headline(st)];
  out.push(chartWithTable({
    id: 'months', title: 'Korban per bulan', unit: 'korban',
    rows: st.months.map((m) => ({ label: m.label, value: m.victims })),
    columns: ['Bulan', 'Kasus', 'Korban', 'Pelaku'],
    values: [...st.months.map((m) => [m.label, num(m.cases), num(m.victims), num(m.perpetrators)]),
      ['Jumlah', num(st.totals.cases), num(st.totals.victims), num(st.totals.perpetrators)]],
  }));
  for (const tb of st.tables) {
    const rows = tb.rows.map((r) => ({ label: r.label, value: r.count }));
    if (tb.by_sex) {
      out.push(chartWithTable({
        id: tb.id, title: tb.title, unit: tb.unit, rows,
        columns: ['Kelompok umur', 'Perempuan', 'Laki-laki', 'Tidak diketahui', 'Jumlah'],
        values: [...tb.rows.map((r) => [r.label, num(r.female), num(r.male), num(r.unknown_sex), num(r.count)]), ['Jumlah', '', '', '', num(tb.total)]],
      }));
    } else {
      out.push(chartWithTable({
        id: tb.id, title: tb.title, unit: tb.unit, rows, columns: ['Kategori', 'Jumlah'],
        values: [...tb.rows.map((r) => [r.label, num(r.count)]), ['Jumlah', num(tb.total)]],
      }));
    }
  }
  const s = st.service_standard;
  const fr = (u) => s.first_response[u] || { count: 0, median_minutes: null };
  out.push(chartWithTable({
    id: 'standard', title: `Standar pelayanan ${s.sla_days} hari`, unit: 'kasus ditutup',
    note: 'Kasus ditutup dihitung pada bulan penutupannya, respons pertama pada bulan pengaduan. Kasus terbuka dan lewat tenggat adalah keadaan saat ini.',
    rows: [{ label: 'Dalam standar', value: s.closed_on_time }, { label: 'Melewati standar', value: s.closed_late }],
    columns: ['Ukuran', 'Nilai'],
    values: [
      ['Ditutup setelah persyaratan lengkap', num(s.closed)], ['Dalam standar', num(s.closed_on_time)], ['Melewati standar', num(s.closed_late)],
      ['Persentase dalam standar', pct(s.share_on_time)], ['Median lama penyelesaian', dec(s.median_days_to_close, 'hari')],
      ['Median respons pertama, darurat', `${dec(fr('emergency').median_minutes, 'menit')} (${num(fr('emergency').count)} kasus)`],
      ['Median respons pertama, biasa', `${dec(fr('normal').median_minutes, 'menit')} (${num(fr('normal').count)} kasus)`],
      ['Kasus terbuka saat ini', num(s.open_now)], ['Lewat tenggat saat ini', num(s.overdue_now)],
    ],
  }));
  const tp = st.tpks;
  out.push(chartWithTable({
    id: 'tpks', title: 'Laporan ke kepolisian dalam 3×24 jam (UU TPKS Pasal 41)', unit: 'kasus kekerasan seksual',
    rows: [{ label: 'Dalam 3×24 jam', value: tp.met }, { label: 'Lewat 3×24 jam', value: tp.missed }, { label: 'Masih berjalan', value: tp.running }, { label: 'Dibatalkan', value: tp.cancelled }],
    columns: ['Keadaan', 'Kasus'],
    values: [['Dalam 3×24 jam', num(tp.met)], ['Lewat 3×24 jam', num(tp.missed)], ['Masih berjalan', num(tp.running)], ['Dibatalkan', num(tp.cancelled)],
      ['Jumlah', num(tp.cases)], ['Berjalan dan lewat batas saat ini', num(tp.running_overdue_now)]],
  }));
  const answers = st.referral_answers || [];
  out.push(chartWithTable({
    id: 'referrals', title: 'Rujukan menurut jenis lembaga dan jawaban', unit: 'rujukan',
    rows: st.referrals.map((r) => ({ label: r.label, value: r.total })),
    columns: ['Jenis lembaga', ...answers.map((a) => a.label), 'Jumlah'],
    values: st.referrals.map((r) => [r.label, ...answers.map((a) => num((r.answers || {})[a.code])), num(r.total)]),
  }));
  out.push(el('p', { class: 'muted stats-source' }, `Sumber kategori: ${st.source}`));
  return out;
}

// ---- filters and loading

function period() {
  return { from: $('#st-from').value, to: $('#st-to').value, district: $('#st-district').value };
}

function clearErrors() {
  for (const n of ['from', 'to', 'district', 'password']) setError([$(`#st-${n}`)], $(`#err-st-${n}`), '');
}

function fieldErrors(r) {
  let first = null;
  for (const [k, v] of Object.entries(r.fields || {})) {
    const input = $(`#st-${k}`);
    if (input) { setError([input], $(`#err-st-${k}`), v); first = first || input; }
  }
  return first;
}

export function initStats() {
  const district = $('#st-district');
  if (!district.options.length) {
    district.append(el('option', { value: '' }, 'Semua kecamatan'));
    for (const d of (ctx.office && ctx.office.districts) || []) district.append(el('option', { value: d }, d));
    district.append(el('option', { value: 'luar_wilayah' }, 'Luar wilayah'));
  }
  if (!$('#st-from').value) {
    const now = new Date();
    $('#st-to').value = monthValue(now);
    $('#st-from').value = `${monthValue(now).slice(0, 4)}-01`;
  }
}

export async function loadStats() {
  clearErrors();
  const status = $('#stats-status');
  const box = $('#stats-body');
  const p = period();
  status.textContent = 'Menghitung statistik…';
  const r = await busy($('#st-submit'), 'Menghitung…', () => get('/api/stats', p));
  if (!r.ok) {
    status.textContent = '';
    const first = fieldErrors(r);
    showMessage($('#stats-error'), r.message);
    if (first) first.focus();
    return;
  }
  $('#stats-error').hidden = true;
  last = r.data;
  chartSeq = 0;
  box.replaceChildren(...render(r.data));
  const area = p.district ? (p.district === 'luar_wilayah' ? 'korban dari luar wilayah' : `Kecamatan ${p.district}`) : 'seluruh wilayah';
  $('#stats-period').textContent = `Periode ${r.data.months[0].label} – ${r.data.months[r.data.months.length - 1].label}, ${area}.`;
  status.textContent = `Statistik ${r.data.totals.victims} korban ditampilkan.`;
  announce(status.textContent);
}

async function downloadReport() {
  clearErrors();
  const p = period();
  const msg = $('#stats-export-message');
  const r = await busy($('#st-report'), 'Membuat PDF…', () => download(`/api/exports/report.pdf?${new URLSearchParams(p)}`, `laporan-data-kekerasan-${p.from}-${p.to}.pdf`));
  if (!r.ok) { fieldErrors(r); return showMessage(msg, r.message); }
  showMessage(msg, 'Laporan PDF diunduh. Unduhan ini tercatat di jejak audit.', 'ok');
}

async function downloadWorkbook(e) {
  e.preventDefault();
  clearErrors();
  const pw = $('#st-password');
  const msg = $('#stats-export-message');
  if (pw.value.length < 8) {
    setError([pw], $('#err-st-password'), 'Kata sandi berkas paling sedikit 8 karakter.');
    pw.focus();
    return;
  }
  const p = period();
  const r = await busy($('#st-xlsx'), 'Membuat berkas…', () => download('/api/exports/stats.xlsx', `statistik-simfoni-${p.from}-${p.to}.xlsx`,
    { method: 'POST', body: { ...p, password: pw.value } }));
  if (!r.ok) {
    const first = fieldErrors(r);
    showMessage(msg, r.message);
    if (first) first.focus();
    return;
  }
  pw.value = '';
  showMessage(msg, 'Berkas XLSX terenkripsi diunduh. Sampaikan kata sandinya kepada penerima melalui jalur lain. Unduhan ini tercatat di jejak audit.', 'ok');
}

export function bindStats() {
  $('#stats-filters').addEventListener('submit', (e) => { e.preventDefault(); loadStats(); });
  $('#st-print').addEventListener('click', () => window.print());
  $('#st-report').addEventListener('click', downloadReport);
  $('#stats-xlsx-form').addEventListener('submit', downloadWorkbook);
}

export const statsShown = () => last;
