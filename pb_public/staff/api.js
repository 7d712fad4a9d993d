// The console's only door to the server: a small fetch wrapper over
// PocketBase's REST API, the signed-in session (kept in sessionStorage, so it
// ends with the tab), PocketBase filter quoting, authenticated downloads and a
// realtime client (an EventSource on /api/realtime plus a POST that sets the
// subscriptions). No SDK: nothing is loaded from another origin.

const SESSION_KEY = 'teduh.staff.session';

// Messages PocketBase itself sends in English, as staff should read them.
const PB_MESSAGES = {
  'Failed to authenticate.': 'Email atau kata sandi salah.',
  "The requested resource wasn't found.": 'Data tidak ditemukan, atau Anda tidak berhak membukanya.',
  'Something went wrong while processing your request.': 'Permintaan tidak dapat diproses. Periksa isian lalu coba lagi.',
  'Failed to create record.': 'Data belum dapat disimpan. Periksa isian yang ditandai.',
  'Failed to update record.': 'Perubahan belum dapat disimpan. Periksa isian yang ditandai.',
  'The request requires valid record authorization token.': 'Sesi Anda telah berakhir. Silakan masuk lagi.',
  'The authorized record is not allowed to perform this action.': 'Anda tidak berhak melakukan tindakan ini.',
  'Only superusers can perform this action.': 'Anda tidak berhak melakukan tindakan ini.',
  'Missing collection context.': 'Fitur ini belum tersedia di server.',
};

// PocketBase's own field error codes, in Bahasa Indonesia.
const PB_CODES = {
  validation_required: 'Wajib diisi.',
  validation_invalid_email: 'Alamat email tidak valid.',
  validation_is_email: 'Alamat email tidak valid.',
  validation_length_out_of_range: 'Panjang isian tidak sesuai.',
  validation_length_too_long: 'Isian terlalu panjang.',
  validation_length_too_short: 'Isian terlalu pendek.',
  validation_invalid_date: 'Tanggal tidak valid.',
  validation_not_in_invalid: 'Pilihan tidak dikenal.',
  validation_in_invalid: 'Pilihan tidak dikenal.',
  validation_missing_rel_records: 'Data yang dipilih tidak ditemukan.',
  validation_invalid_mime_type: 'Jenis berkas tidak dapat diterima.',
  validation_file_size_limit: 'Berkas terlalu besar.',
};

export const MSG = {
  network: 'Tidak dapat terhubung ke server. Periksa jaringan, lalu coba lagi.',
  server: 'Maaf, ada gangguan di server. Coba lagi beberapa saat lagi.',
  tooMany: 'Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi.',
  forbidden: 'Anda tidak berhak melakukan tindakan ini.',
  notFound: 'Data tidak ditemukan, atau Anda tidak berhak membukanya.',
  conflict: 'Data ini baru saja diubah orang lain. Muat ulang lalu ulangi.',
  invalid: 'Ada isian yang perlu diperbaiki.',
  expired: 'Sesi Anda telah berakhir. Silakan masuk lagi.',
};

// ---- session

let current = null; // {token, record}
let onExpired = () => {};

export function loadSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
    if (s && s.token && s.record && tokenExpiry(s.token) > Date.now()) current = s;
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    current = null;
  }
  return current;
}

export function saveSession(token, record) {
  current = { token, record };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(current));
}

export function clearSession() {
  current = null;
  sessionStorage.removeItem(SESSION_KEY);
}

export const session = () => current;
export const me = () => (current ? current.record : null);
export const isSupervisor = () => !!current && current.record.role === 'supervisor';

// setExpiredHandler names what happens when the server says the session is gone.
export function setExpiredHandler(fn) { onExpired = fn; }

// tokenExpiry reads the exp claim of a JWT (milliseconds; 0 when unreadable).
export function tokenExpiry(token) {
  try {
    const part = String(token).split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '=')));
    return (claims.exp || 0) * 1000;
  } catch {
    return 0;
  }
}

// ---- requests

// translate turns a server message into one for staff.
function translate(message, status) {
  if (message && PB_MESSAGES[message]) return PB_MESSAGES[message];
  if (message) return message;
  if (status === 0) return MSG.network;
  if (status === 403) return MSG.forbidden;
  if (status === 404) return MSG.notFound;
  if (status === 409) return MSG.conflict;
  if (status === 429) return MSG.tooMany;
  if (status >= 500) return MSG.server;
  return MSG.invalid;
}

// fieldErrors flattens PocketBase's error data into {"field": message,
// "data.field": message}, translating PocketBase's own codes.
export function fieldErrors(data, prefix = '') {
  const out = {};
  for (const [k, v] of Object.entries(data || {})) {
    if (!v || typeof v !== 'object') continue;
    if (typeof v.message === 'string' && typeof v.code === 'string') {
      // Teduh's own codes carry Bahasa Indonesia messages; PocketBase's
      // validation_* codes carry English ones
      out[prefix + k] = v.code.startsWith('validation_') ? (PB_CODES[v.code] || 'Isian ini tidak valid.') : v.message;
    } else {
      Object.assign(out, fieldErrors(v, prefix + k + '.'));
    }
  }
  return out;
}

// api sends one request. It never throws: the answer is
// {ok, status, data, message, fields}, status 0 when the network failed.
// A 401 on an authenticated request ends the session.
export async function api(method, path, { body, query, signal, anonymous } = {}) {
  let url = path;
  if (query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
    const s = q.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const headers = { Accept: 'application/json' };
  if (current && !anonymous) headers.Authorization = current.token;
  let payload = body;
  if (body != null && !(body instanceof FormData)) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(url, { method, headers, body: payload, signal, credentials: 'omit', cache: 'no-store' });
  } catch (err) {
    if (err && err.name === 'AbortError') return { ok: false, status: -1, data: null, message: '', fields: {} };
    return { ok: false, status: 0, data: null, message: MSG.network, fields: {} };
  }
  let data = null;
  if (res.status !== 204) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (res.status === 401 && current && !anonymous) {
    onExpired(MSG.expired);
  }
  if (res.ok) return { ok: true, status: res.status, data, message: '', fields: {} };
  return {
    ok: false,
    status: res.status,
    data,
    message: translate(data && data.message, res.status),
    fields: fieldErrors(data && data.data),
  };
}

export const get = (path, query, opts) => api('GET', path, { ...opts, query });

// verifySession asks the server whether the session still stands. PocketBase
// treats a token it no longer accepts as no token at all, so a list simply
// comes back empty; reading one's own staff record (its rule also requires
// an active account) tells the difference. It answers false when the
// session ended, and ends it.
export async function verifySession() {
  if (!current) return false;
  const r = await get(`/api/collections/staff/records/${encodeURIComponent(current.record.id)}`, { fields: 'id,name,role,active' });
  if (!current) return false; // signed out meanwhile
  if (r.ok) {
    current.record = { ...current.record, ...r.data };
    return true;
  }
  if (current && [401, 403, 404].includes(r.status)) {
    onExpired(MSG.expired);
    return false;
  }
  return true; // the network failed: not a reason to sign out
}

// ---- PocketBase filters

// q quotes a value for a PocketBase filter: strings get single quotes with
// backslash escapes, so what a person types can never change the filter.
export function q(v) {
  if (v === null || v === undefined) return "''";
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return "'" + String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

// pbDate formats a time as PocketBase stores dates ("2026-11-26 02:00:00.000Z").
export const pbDate = (d) => new Date(d).toISOString().replace('T', ' ');

// parseDate reads a PocketBase date; null when empty.
export function parseDate(s) {
  if (!s) return null;
  const d = new Date(String(s).replace(' ', 'T'));
  return isNaN(d) ? null : d;
}

// collectionExists tells whether a collection is there and readable (features
// such as referrals and notifications arrive with their own migrations).
export async function collectionExists(name) {
  const r = await get(`/api/collections/${name}/records`, { perPage: 1, skipTotal: 1, fields: 'id' });
  return r.ok;
}

// ---- downloads

// download fetches a file with the Authorization header and saves it under
// name; it answers like api().
export async function download(path, name, { method = 'GET', body } = {}) {
  const headers = {};
  if (current) headers.Authorization = current.token;
  if (body) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined, credentials: 'omit', cache: 'no-store' });
  } catch {
    return { ok: false, status: 0, message: MSG.network, fields: {} };
  }
  if (!res.ok) {
    let data = null;
    try { data = await res.json(); } catch { /* not JSON */ }
    if (res.status === 401 && current) onExpired(MSG.expired);
    return { ok: false, status: res.status, message: translate(data && data.message, res.status), fields: fieldErrors(data && data.data) };
  }
  const blob = await res.blob();
  const disposition = res.headers.get('Content-Disposition') || '';
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const filename = name || (m ? decodeURIComponent(m[1]) : 'berkas');
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return { ok: true, status: res.status, message: '', fields: {}, filename, size: blob.size };
}

// ---- realtime

// Realtime keeps one EventSource open and (re)subscribes to topics whenever
// PocketBase says hello, which it does again after every reconnect.
export class Realtime {
  constructor(onEvent, onState) {
    this.topics = new Set();
    this.onEvent = onEvent;
    this.onState = onState || (() => {});
    this.es = null;
    this.clientId = '';
    this.listened = new Set();
  }

  start(topics) {
    for (const t of topics) this.topics.add(t);
    if (this.es) return this.subscribe();
    this.es = new EventSource('/api/realtime');
    this.es.addEventListener('PB_CONNECT', (e) => {
      try { this.clientId = JSON.parse(e.data).clientId; } catch { this.clientId = ''; }
      this.subscribe();
    });
    this.es.onerror = () => this.onState('reconnecting');
    this.bind();
    return Promise.resolve();
  }

  bind() {
    for (const t of this.topics) {
      if (this.listened.has(t)) continue;
      this.listened.add(t);
      this.es.addEventListener(t, (e) => {
        let msg = null;
        try { msg = JSON.parse(e.data); } catch { return; }
        this.onEvent(t, msg);
      });
    }
  }

  async subscribe() {
    if (!this.es || !this.clientId) return;
    this.bind();
    const r = await api('POST', '/api/realtime', { body: { clientId: this.clientId, subscriptions: [...this.topics] } });
    this.onState(r.ok ? 'live' : 'offline');
  }

  stop() {
    if (this.es) this.es.close();
    this.es = null;
    this.clientId = '';
    this.listened.clear();
    this.topics.clear();
    this.onState('offline');
  }
}

// topic builds a realtime topic for a whole collection, optionally asking for
// a few fields only (less personal data travelling than needed).
export function topic(collection, fields) {
  const base = `${collection}/*`;
  if (!fields) return base;
  return base + '?options=' + encodeURIComponent(JSON.stringify({ query: { fields } }));
}
