// The staff console's entry point: sign-in (with the second step by e-mail
// code when the office asks for it), the forgotten-password and new-password
// pages, sign-out, session expiry (the token's end and 30 idle minutes), the
// hash router (#/antrean, #/antrean/SERVICE, #/kasus/ID, #/layanan/SERVICE/ID,
// #/baru, #/tim, #/kesehatan, #/pengaturan, #/kiriman-massal, #/kalender,
// #/statistik, #/notifikasi), the new password an account with a temporary one must choose
// first, and the live connection. Each view lives in its own module.
import {
  api, loadSession, saveSession, clearSession, setExpiredHandler, tokenExpiry, session, me, isSupervisor, verifySession,
} from './api.js';
import { $, el, LABELS, showMessage, busy } from './ui.js';
import { loadContext, clearContext } from './state.js';
import { initQueue, bindQueue, queueShown, caseChanged, showServiceQueue, bindServiceQueue } from './queue.js';
import { openCase, openServiceCase, caseChangedLive, forgetCase } from './case.js';
import { loadCalendar, bindCalendar } from './calendar.js';
import { renderNewCase, bindNewCase } from './newcase.js';
import { loadTeam, clearAccounts } from './team.js';
import { loadHealth, clearHealth } from './health.js';
import { initStats, bindStats, loadStats } from './stats.js';
import { loadSpam, bindSpam } from './spam.js';
import { loadSetup, clearSetup, checkSample } from './setup.js';
import { mustChangePassword, preparePasswordChange, bindPasswordChange } from './account.js';
import { startLive, stopLive, onCaseChanged, loadNotifications, bindNotifications } from './notify.js';

const VIEWS = ['signin', 'forgot', 'reset', 'password', 'loading', 'queue', 'squeue', 'case', 'new', 'team', 'health', 'spam', 'setup', 'calendar', 'stats', 'notifications'];
const IDLE_LIMIT = 30 * 60 * 1000;
const ACTIVE_KEY = 'teduh.staff.active';
let expiryTimer = 0;
let verifyTimer = 0;
let idleTimer = 0;
let lastMark = 0;
let ready = false;
let twoStep = null; // {mfaId, otpId, email} while the second step is asked for

function show(view) {
  for (const v of VIEWS) $('#view-' + v).hidden = v !== view;
  if (view !== 'queue' && view !== 'squeue') $('#service-tabs').hidden = true;
  for (const a of document.querySelectorAll('#nav a[data-view]')) {
    if (a.dataset.view === view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// ---- session

function signedOutUI(message) {
  ready = false;
  clearTimeout(expiryTimer);
  clearInterval(verifyTimer);
  clearInterval(idleTimer);
  sessionStorage.removeItem(ACTIVE_KEY);
  twoStep = null;
  $('#signin-form').hidden = false;
  $('#signin-code-form').hidden = true;
  stopLive();
  clearContext();
  forgetCase();
  clearHealth();
  clearSetup();
  clearAccounts();
  // nothing of a case stays in the page once its reader is gone
  for (const id of ['view-case', 'queue-list', 'squeue-list', 'holiday-list', 'notif-list', 'team-rows', 'spam-cases', 'spam-batches', 'new-fields', 'stats-body', 'alerts', 'toasts']) $('#' + id).replaceChildren();
  $('#q-search').value = '';
  $('#new-form').reset();
  $('#app-nav').hidden = true;
  $('#who').hidden = true;
  $('#whoami').textContent = '';
  document.title = 'Masuk · Konsol Petugas Teduh';
  show('signin');
  const box = $('#signin-message');
  if (message) showMessage(box, message, 'notice');
  else box.hidden = true;
  $('#signin-password').value = '';
  $('#signin-email').focus();
}

function expired(message) {
  if (!session()) return;
  clearSession();
  signedOutUI(message);
}

function watchExpiry() {
  clearTimeout(expiryTimer);
  const left = tokenExpiry(session().token) - Date.now();
  // setTimeout cannot wait longer than ~24 days; a working day is 8 hours
  expiryTimer = setTimeout(() => expired('Sesi Anda telah berakhir. Silakan masuk lagi.'), Math.max(0, Math.min(left, 2 ** 31 - 1)));
}

// The idle clock: a console left open on a shared desk signs itself out
// after 30 minutes without a key, a click or a touch. The last activity is
// a time kept with the session, checked every half minute and whenever the
// tab comes back (timers do not run while a laptop sleeps).
function active() {
  if (!session()) return;
  const now = Date.now();
  if (now - lastMark < 5000) return;
  lastMark = now;
  sessionStorage.setItem(ACTIVE_KEY, String(now));
}

function idleCheck() {
  if (!session()) return false;
  const last = Number(sessionStorage.getItem(ACTIVE_KEY) || 0);
  if (last && Date.now() - last >= IDLE_LIMIT) {
    expired('Anda keluar otomatis setelah 30 menit tanpa aktivitas. Silakan masuk lagi.');
    return true;
  }
  return false;
}

function watchIdle() {
  lastMark = 0;
  active();
  clearInterval(idleTimer);
  idleTimer = setInterval(idleCheck, 30 * 1000);
}

async function signIn(e) {
  e.preventDefault();
  const email = $('#signin-email');
  const password = $('#signin-password');
  const box = $('#signin-message');
  box.hidden = true;
  if (!email.value.trim() || !password.value) {
    showMessage(box, 'Isi email dan kata sandi.', 'alert');
    (email.value.trim() ? password : email).focus();
    return;
  }
  const r = await busy($('#signin-submit'), 'Masuk…', () => api('POST', '/api/collections/staff/auth-with-password', {
    body: { identity: email.value.trim(), password: password.value }, anonymous: true,
  }));
  password.value = '';
  if (r.status === 401 && r.data && r.data.mfaId) {
    // the office asks supervisors for a second step: a code by e-mail
    const otp = await api('POST', '/api/collections/staff/request-otp', { body: { email: email.value.trim() }, anonymous: true });
    if (!otp.ok || !otp.data || !otp.data.otpId) {
      showMessage(box, otp.message || 'Kode masuk tidak dapat dikirim. Coba lagi.', 'alert');
      return;
    }
    twoStep = { mfaId: r.data.mfaId, otpId: otp.data.otpId };
    $('#signin-form').hidden = true;
    $('#signin-code-form').hidden = false;
    $('#signin-code').value = '';
    $('#signin-code').focus();
    return;
  }
  if (!r.ok) {
    const msg = r.status === 400 ? 'Email atau kata sandi salah.' : r.message;
    showMessage(box, msg, 'alert');
    password.focus();
    return;
  }
  saveSession(r.data.token, r.data.record);
  await start();
}

async function signInCode(e) {
  e.preventDefault();
  const box = $('#signin-message');
  const code = $('#signin-code');
  box.hidden = true;
  if (!twoStep) return;
  if (!code.value.trim()) {
    showMessage(box, 'Tulis kode masuk dari email Anda.', 'alert');
    code.focus();
    return;
  }
  const r = await busy($('#signin-code-submit'), 'Masuk…', () => api('POST', '/api/collections/staff/auth-with-otp', {
    body: { otpId: twoStep.otpId, password: code.value.trim(), mfaId: twoStep.mfaId }, anonymous: true,
  }));
  if (!r.ok) {
    showMessage(box, r.message || 'Kode salah atau sudah tidak berlaku.', 'alert');
    code.focus();
    return;
  }
  twoStep = null;
  code.value = '';
  saveSession(r.data.token, r.data.record);
  await start();
}

function cancelCode() {
  signedOutUI('');
}

// ---- forgotten password

async function forgot(e) {
  e.preventDefault();
  const box = $('#forgot-message');
  const email = $('#forgot-email');
  box.hidden = true;
  if (!email.value.trim()) {
    showMessage(box, 'Tulis email akun Anda.', 'alert');
    email.focus();
    return;
  }
  const r = await busy($('#forgot-submit'), 'Mengirim…', () => api('POST', '/api/collections/staff/request-password-reset', {
    body: { email: email.value.trim() }, anonymous: true,
  }));
  if (!r.ok && r.status !== 400) {
    showMessage(box, r.message, 'alert');
    return;
  }
  // the same words whether or not the address is an account
  showMessage(box, 'Bila email itu terdaftar, tautan untuk membuat kata sandi baru sudah dikirim. Periksa kotak masuk (dan folder spam) dalam beberapa menit.', 'notice');
}

async function resetPassword(e) {
  e.preventDefault();
  const box = $('#reset-message');
  const pw = $('#reset-password');
  const confirm = $('#reset-confirm');
  box.hidden = true;
  for (const id of ['reset-password-error', 'reset-confirm-error']) $('#' + id).hidden = true;
  const fieldError = (id, input, msg) => {
    const p = $('#' + id);
    p.textContent = msg;
    p.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  };
  if (pw.value.length < 10) return fieldError('reset-password-error', pw, 'Kata sandi paling sedikit 10 karakter.');
  if (confirm.value !== pw.value) return fieldError('reset-confirm-error', confirm, 'Kedua kata sandi tidak sama.');
  const token = resetToken();
  const r = await busy($('#reset-submit'), 'Menyimpan…', () => api('POST', '/api/collections/staff/confirm-password-reset', {
    body: { token, password: pw.value, passwordConfirm: confirm.value }, anonymous: true,
  }));
  pw.value = '';
  confirm.value = '';
  if (!r.ok) {
    showMessage(box, r.fields.password || r.fields.token || r.message, 'alert');
    return;
  }
  history.replaceState(null, '', '#/masuk');
  signedOutUI('Kata sandi baru sudah disimpan. Silakan masuk.');
}

const resetToken = () => (/^#\/atur-ulang-sandi\/([A-Za-z0-9._-]+)$/.exec(location.hash) || [])[1] || '';

// signedOutRoute shows the pages a person without a session may open.
function signedOutRoute() {
  if (location.hash === '#/lupa-sandi') {
    show('forgot');
    $('#forgot-message').hidden = true;
    $('#forgot-title').focus();
    return true;
  }
  if (resetToken()) {
    show('reset');
    $('#reset-message').hidden = true;
    $('#reset-title').focus();
    return true;
  }
  return false;
}

function signOut() {
  clearSession();
  signedOutUI('Anda sudah keluar.');
}

// ---- start

async function start() {
  if (mustChangePassword()) {
    // the server refuses everything else until then
    ready = false;
    watchExpiry();
    watchIdle();
    $('#whoami').textContent = me().name;
    $('#who').hidden = false;
    document.title = 'Buat kata sandi · Konsol Petugas Teduh';
    preparePasswordChange();
    show('password');
    $('#password-title').focus();
    return;
  }
  show('loading');
  $('#loading-error').hidden = true;
  const failed = await loadContext();
  if (!session()) return; // expired while loading
  if (failed) {
    showMessage($('#loading-error'), [el('p', null, failed.message),
      el('button', { type: 'button', class: 'btn', onclick: start }, 'Coba lagi')], 'alert');
    return;
  }
  const who = me();
  $('#whoami').textContent = who.name;
  $('#whorole').textContent = LABELS.role[who.role] || who.role;
  $('#app-nav').hidden = false;
  $('#who').hidden = false;
  $('#nav-team-item').hidden = !isSupervisor();
  $('#nav-health-item').hidden = !isSupervisor();
  $('#nav-setup-item').hidden = !isSupervisor();
  if (isSupervisor()) checkSample();
  $('#nav-stats-item').hidden = !isSupervisor();
  watchExpiry();
  watchIdle();
  // a token the server stopped accepting (password changed, account
  // deactivated) is noticed within minutes even on a quiet screen
  clearInterval(verifyTimer);
  verifyTimer = setInterval(verifySession, 5 * 60 * 1000);
  initQueue();
  ready = true;
  startLive();
  route();
}

// ---- routing

function route() {
  if (!session() && signedOutRoute()) return;
  if (!session() && VIEWS.some((v) => v !== 'signin' && !$('#view-' + v).hidden)) {
    signedOutUI('');
    return;
  }
  if (!ready) return;
  const hash = location.hash || '#/antrean';
  // #/cases/ID is the address the reminder mails link to
  const m = /^#\/(?:kasus|cases)\/([a-z0-9]{1,30})$/i.exec(hash);
  if (m) {
    show('case');
    openCase(m[1]);
    return;
  }
  const sc = /^#\/layanan\/([a-z][a-z0-9_]{0,62})\/([a-z0-9]{1,30})$/i.exec(hash);
  if (sc) {
    show('case');
    if (sc[1] === 'complaint') openCase(sc[2]);
    else openServiceCase(sc[1], sc[2]);
    return;
  }
  const sq = /^#\/antrean\/([a-z][a-z0-9_]{0,62})$/i.exec(hash);
  if (sq && sq[1] !== 'complaint') {
    show('squeue');
    $('#squeue-title').focus();
    showServiceQueue(sq[1]);
    return;
  }
  document.title = 'Konsol Petugas Teduh';
  switch (hash) {
    case '#/baru':
      show('new');
      renderNewCase();
      $('#new-title').focus();
      return;
    case '#/kiriman-massal':
      if (!isSupervisor()) break;
      show('spam');
      $('#spam-title').focus();
      loadSpam();
      return;
    case '#/tim':
      if (!isSupervisor()) break;
      show('team');
      $('#team-title').focus();
      loadTeam();
      return;
    case '#/statistik':
      if (!isSupervisor()) break;
      show('stats');
      $('#stats-title').focus();
      initStats();
      if (!$('#stats-body').children.length) loadStats();
      return;
    case '#/pengaturan':
      if (!isSupervisor()) break;
      show('setup');
      $('#setup-title').focus();
      loadSetup();
      return;
    case '#/kesehatan':
      if (!isSupervisor()) break;
      show('health');
      $('#health-title').focus();
      loadHealth();
      return;
    case '#/kalender':
      show('calendar');
      $('#calendar-title').focus();
      loadCalendar();
      return;
    case '#/notifikasi':
      show('notifications');
      // the list shows them all: the pop-up messages have done their work
      $('#alerts').replaceChildren();
      $('#toasts').replaceChildren();
      $('#notifications-title').focus();
      loadNotifications();
      return;
    default:
  }
  if (hash !== '#/antrean') { history.replaceState(null, '', '#/antrean'); }
  show('queue');
  $('#queue-title').focus();
  queueShown();
}

function bind() {
  $('#signin-form').addEventListener('submit', signIn);
  $('#signin-code-form').addEventListener('submit', signInCode);
  $('#signin-code-cancel').addEventListener('click', cancelCode);
  $('#forgot-form').addEventListener('submit', forgot);
  $('#reset-form').addEventListener('submit', resetPassword);
  bindSpam();
  bindPasswordChange((message) => signedOutUI(message));
  for (const ev of ['pointerdown', 'keydown', 'touchstart', 'wheel']) document.addEventListener(ev, active, { passive: true });
  $('#signout').addEventListener('click', signOut);
  window.addEventListener('hashchange', route);
  bindQueue();
  bindServiceQueue();
  bindCalendar();
  bindNewCase();
  bindNotifications();
  onCaseChanged((action, rec) => {
    caseChanged(action, rec);
    caseChangedLive(action, rec);
  });
  $('#team-refresh').addEventListener('click', () => loadTeam());
  bindStats();
  // a token that ran out while the laptop slept
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || !session()) return;
    if (idleCheck()) return;
    if (tokenExpiry(session().token) <= Date.now()) expired('Sesi Anda telah berakhir. Silakan masuk lagi.');
    else verifySession();
  });
}

setExpiredHandler(expired);
bind();
if (loadSession()) {
  if (!idleCheck()) start();
} else if (!signedOutRoute()) signedOutUI('');
