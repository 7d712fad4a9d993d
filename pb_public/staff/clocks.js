// Declared clocks (the workflow's "clocks": the TPKS police report, a
// service complaint's answer deadline) as the queue and the case page show
// them: a badge with the time left or late, and on the case page each clock
// with its rule, and the form to record it met by hand when its definition
// allows that (the police report made).
import { api } from './api.js';
import { el, setError, badge, fmtDateTime, fmtDuration, busy, showMessage } from './ui.js';
import { parseDate } from './api.js';
import { myRole } from './state.js';

const SOON_MS = 24 * 3600 * 1000;

// shortLabel drops the rule's reference: "Laporan ke kepolisian (UU TPKS,
// 3×24 jam)" → "Laporan ke kepolisian".
export const shortLabel = (label) => String(label || '').replace(/\s*\(.*\)\s*$/, '');

// clockInfo describes where a clock stands.
export function clockInfo(c, now = Date.now()) {
  const due = parseDate(c.due_at);
  const met = parseDate(c.met_at);
  const name = shortLabel(c.label);
  if (met) {
    const late = c.status === 'missed';
    return { kind: late ? 'late' : 'met', short: `${name}: ${late ? 'terpenuhi terlambat' : 'terpenuhi'}`,
      text: `${c.label}: terpenuhi ${fmtDateTime(met)}${late ? ' (melewati tenggat)' : ''}` };
  }
  if (c.status === 'cancelled') return { kind: 'stopped', short: `${name}: dihentikan`, text: `${c.label}: dihentikan (kasus ditutup atau tidak lagi memerlukannya)` };
  if (!due) return { kind: 'stopped', short: name, text: c.label };
  const left = due - now;
  if (left < 0 || c.status === 'missed') {
    return { kind: 'overdue', short: `${name}: lewat ${fmtDuration(left)}`, text: `${c.label}: lewat tenggat ${fmtDuration(left)} (tenggat ${fmtDateTime(due)})` };
  }
  return { kind: left <= SOON_MS ? 'soon' : 'running', short: `${name}: sisa ${fmtDuration(left)}`,
    text: `${c.label}: sisa ${fmtDuration(left)} (tenggat ${fmtDateTime(due)})` };
}

const BADGES = { overdue: 'overdue', late: 'overdue', soon: 'soon', running: 'running', met: 'done', stopped: 'muted' };

export function clockBadge(c) {
  const i = clockInfo(c);
  return badge(i.short, BADGES[i.kind] || 'muted');
}

// clockBadges are the badges of the clocks still to meet (queue rows).
export function clockBadges(list) {
  const open = (list || []).filter((c) => !c.met_at && c.status !== 'cancelled');
  return open.map((c) => el('span', { class: 'qclockx', 'data-clock-id': c.clock }, ' ', clockBadge(c)));
}

// clockView builds a ClockView from a stored clock row and the workflow's
// declaration (the victim complaints' page reads case_clocks directly).
export function clockView(row, workflow) {
  const decl = ((workflow && workflow.clocks) || []).find((x) => x.id === row.clock) || {};
  const manual = (decl.met_by || []).map((m) => m.manual).find(Boolean);
  const now = Date.now();
  const due = parseDate(row.due_at);
  return {
    ...row,
    label: decl.label || row.clock,
    help: decl.help || '',
    manual: manual ? manual.label : '',
    manual_help: manual ? manual.help || '' : '',
    manual_roles: manual ? manual.roles || [] : [],
    overdue: !row.met_at && ['running', 'missed'].includes(row.status) && !!due && due < now,
  };
}

const MET_BY = { manual: 'dicatat petugas' };

function metBy(c) {
  if (!c.met_by) return '';
  if (MET_BY[c.met_by]) return MET_BY[c.met_by];
  const [kind, arg] = c.met_by.split(':');
  if (kind === 'referral_sent') return `surat rujukan dikirim (${arg})`;
  if (kind === 'step') return 'langkah dicatat';
  return c.met_by;
}

// clocksSection lists a case's clocks; recordMet(clock, notes) records one
// met by hand, reload() shows the case again.
export function clocksSection(clocks, { open, recordMet, reload }) {
  const sec = el('section', { id: 'case-clocks', class: 'card', 'aria-labelledby': 'case-clocks-title' },
    el('h2', { id: 'case-clocks-title' }, 'Tenggat'));
  const items = clocks.map((c) => {
    const i = clockInfo(c);
    const li = el('li', { id: `clock-${c.clock}`, 'data-clock': c.clock, 'data-status': c.status },
      clockBadge(c), ' ', el('span', { class: 'clock-text' }, i.text),
      c.help ? el('p', { class: 'clock-note' }, c.help) : null,
      c.met_at ? el('p', { class: 'clock-note' }, `Dipenuhi: ${metBy(c)}${c.met_by_name ? ' oleh ' + c.met_by_name : ''}${c.met_note ? ' — ' + c.met_note : ''}`) : null);
    if (open && !c.met_at && c.status !== 'cancelled' && c.manual && (c.manual_roles || []).includes(myRole())) {
      li.append(manualForm(c, recordMet, reload));
    }
    return li;
  });
  sec.append(el('ul', { class: 'clocks' }, items));
  return sec;
}

function manualForm(c, recordMet, reload) {
  const id = `met-${c.clock}`;
  const notes = el('textarea', { id: `${id}-notes`, rows: 2, maxlength: 2000, 'aria-required': 'true', 'aria-describedby': `${id}-help err-${id}-notes` });
  const err = el('p', { class: 'error', id: `err-${id}-notes`, hidden: true });
  const msg = el('div', { id: `${id}-message`, role: 'alert', hidden: true });
  const submit = el('button', { type: 'submit', id: `${id}-submit`, class: 'btn btn-small' }, `Catat: ${c.manual}`);
  const form = el('form', { id, class: 'clock-met', novalidate: true, autocomplete: 'off' },
    el('div', { class: 'field' },
      el('label', { for: notes.id }, `${c.manual} — keterangan`, el('span', { class: 'req' }, 'wajib')),
      c.manual_help ? el('p', { class: 'help', id: `${id}-help` }, c.manual_help) : el('span', { id: `${id}-help` }),
      notes, err),
    msg, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setError([notes], err, '');
    if (!notes.value.trim()) {
      setError([notes], err, 'Tulis keterangannya, misalnya nomor laporan polisi.');
      notes.focus();
      return;
    }
    const r = await busy(submit, 'Menyimpan…', () => recordMet(c.clock, notes.value.trim()));
    if (r.ok) { reload(`${shortLabel(c.label)} dicatat terpenuhi.`); return; }
    if (r.fields.notes) { setError([notes], err, r.fields.notes); notes.focus(); return; }
    showMessage(msg, r.message);
  });
  return el('details', { class: 'clock-met-box' }, el('summary', null, `Catat: ${c.manual}`), form);
}

// postMet records a clock met by hand through the service routes.
export const postMet = (service, caseId, clock, notes) => api('POST',
  `/api/services/${encodeURIComponent(service)}/cases/${encodeURIComponent(caseId)}/clocks/${encodeURIComponent(clock)}/met`, { body: { notes } });

