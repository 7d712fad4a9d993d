// The staff console's entry point: sign-in and sign-out, session expiry, the
// hash router (#/antrean, #/kasus/ID, #/baru, #/tim, #/kesehatan, #/notifikasi) and the
// live connection. Each view lives in its own module.
import {
  api, loadSession, saveSession, clearSession, setExpiredHandler, tokenExpiry, session, me, isSupervisor, verifySession,
} from './api.js';
import { $, el, LABELS, showMessage, busy } from './ui.js';
import { loadContext, clearContext } from './state.js';
import { initQueue, bindQueue, queueShown, caseChanged } from './queue.js';
import { openCase, caseChangedLive, forgetCase } from './case.js';
import { renderNewCase, bindNewCase } from './newcase.js';
import { loadTeam } from './team.js';
import { loadHealth, clearHealth } from './health.js';
import { startLive, stopLive, onCaseChanged, loadNotifications, bindNotifications } from './notify.js';

const VIEWS = ['signin', 'loading', 'queue', 'case', 'new', 'team', 'health', 'notifications'];
let expiryTimer = 0;
let verifyTimer = 0;
let ready = false;

function show(view) {
  for (const v of VIEWS) $('#view-' + v).hidden = v !== view;
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
  stopLive();
  clearContext();
  forgetCase();
  clearHealth();
  // nothing of a case stays in the page once its reader is gone
  for (const id of ['view-case', 'queue-list', 'notif-list', 'team-rows', 'new-fields', 'alerts', 'toasts']) $('#' + id).replaceChildren();
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
  // setTimeout cannot wait longer than ~24 days; a shift is 12 hours
  expiryTimer = setTimeout(() => expired('Sesi Anda telah berakhir. Silakan masuk lagi.'), Math.max(0, Math.min(left, 2 ** 31 - 1)));
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
  if (!r.ok) {
    const msg = r.status === 400 ? 'Email atau kata sandi salah.' : r.message;
    showMessage(box, msg, 'alert');
    password.value = '';
    password.focus();
    return;
  }
  saveSession(r.data.token, r.data.record);
  password.value = '';
  await start();
}

function signOut() {
  clearSession();
  signedOutUI('Anda sudah keluar.');
}

// ---- start

async function start() {
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
  watchExpiry();
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
  if (!ready) return;
  const hash = location.hash || '#/antrean';
  const m = /^#\/kasus\/([a-z0-9]{1,30})$/i.exec(hash);
  if (m) {
    show('case');
    openCase(m[1]);
    return;
  }
  document.title = 'Konsol Petugas Teduh';
  switch (hash) {
    case '#/baru':
      show('new');
      renderNewCase();
      $('#new-title').focus();
      return;
    case '#/tim':
      if (!isSupervisor()) break;
      show('team');
      $('#team-title').focus();
      loadTeam();
      return;
    case '#/kesehatan':
      if (!isSupervisor()) break;
      show('health');
      $('#health-title').focus();
      loadHealth();
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
  $('#signout').addEventListener('click', signOut);
  window.addEventListener('hashchange', route);
  bindQueue();
  bindNewCase();
  bindNotifications();
  onCaseChanged((action, rec) => {
    caseChanged(action, rec);
    caseChangedLive(action, rec);
  });
  $('#team-refresh').addEventListener('click', () => loadTeam());
  // a token that ran out while the laptop slept
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || !session()) return;
    if (tokenExpiry(session().token) <= Date.now()) expired('Sesi Anda telah berakhir. Silakan masuk lagi.');
    else verifySession();
  });
}

setExpiredHandler(expired);
bind();
if (loadSession()) start();
else signedOutUI('');
