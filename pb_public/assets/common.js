// Shared by the public pages: quick exit, emergency bar, office footer,
// requests to the public API and field-error rendering. No library, no storage:
// nothing a person types is kept anywhere but in the page itself.

export const EXIT_URL = 'https://www.google.com/search?q=cuaca+hari+ini';

export const MSG = {
  network: 'Tidak dapat terhubung ke server. Periksa sinyal atau paket data, lalu coba lagi.',
  networkKept: 'Tidak dapat terhubung ke server. Isian Anda tidak hilang, masih ada di halaman ini. Periksa sinyal atau paket data, lalu tekan tombol kirim lagi.',
  tooMany: 'Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi.',
  server: 'Maaf, sedang ada gangguan di server. Coba lagi beberapa saat lagi.',
  tooLarge: 'File terlalu besar untuk dikirim. Pilih file yang lebih kecil.',
  invalid: 'Ada isian yang perlu diperbaiki.',
};

export const $ = (sel, root = document) => root.querySelector(sel);

// el builds an element; strings become text nodes, never HTML.
export function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v == null) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of kids.flat()) if (c != null && c !== false) e.append(c);
  return e;
}

// ---- quick exit

// quickExit empties every form and result, hides the page at once (a slow link
// may take a while to load the next one) and replaces this history entry.
export function quickExit(ev) {
  if (ev) ev.preventDefault();
  try {
    document.body.hidden = true;
    document.title = 'Cuaca';
    for (const f of document.forms) f.reset();
    for (const n of document.querySelectorAll('input, textarea')) {
      if (n.type !== 'checkbox' && n.type !== 'radio') n.value = '';
    }
    for (const n of document.querySelectorAll('[data-secret]')) n.textContent = '';
  } finally {
    window.location.replace(EXIT_URL);
  }
}

function bindQuickExit() {
  const b = $('#quick-exit');
  if (b) b.addEventListener('click', quickExit);
  document.addEventListener('keydown', (e) => {
    if ((e.key === 'Escape' || e.key === 'Esc') && !e.isComposing) quickExit(e);
  }, true);
}

// ---- links from office data

// safeHref lets through only the link kinds an office profile needs.
export function safeHref(href) {
  return /^(tel:|sms:|mailto:|https:\/\/)/i.test(href || '') ? href : null;
}
export const telHref = (n) => 'tel:' + String(n).replace(/[^\d+]/g, '');
export function waHref(n) {
  let d = String(n).replace(/\D/g, '');
  if (d.startsWith('0')) d = '62' + d.slice(1);
  return 'https://wa.me/' + d;
}

export function emergencyLinks(office) {
  return (office.emergency_contacts || []).map((c) => {
    const href = safeHref(c.href) || telHref(c.number);
    const same = String(c.label).includes(c.number);
    return el('li', null, el('a', { class: 'call', href, rel: 'noreferrer' },
      c.label, same ? null : el('span', { class: 'num' }, c.number)));
  });
}

function renderEmergency(office) {
  const list = $('#emergency-list');
  const items = emergencyLinks(office);
  if (list && items.length) list.replaceChildren(...items);
}

function renderFooter(office) {
  const box = $('#office-info');
  if (!box) return;
  const web = office.website ? String(office.website).replace(/^https?:\/\//i, '') : '';
  box.replaceChildren(...[
    el('p', null, el('strong', null, office.name || '')),
    office.government ? el('p', null, office.government) : null,
    office.address ? el('p', null, office.address) : null,
    office.phone ? el('p', null, 'Telepon: ', el('a', { href: telHref(office.phone) }, office.phone)) : null,
    office.whatsapp ? el('p', null, 'WhatsApp: ', el('a', { href: waHref(office.whatsapp), rel: 'noreferrer' }, office.whatsapp)) : null,
    web ? el('p', null, 'Situs web: ', el('a', { href: 'https://' + web, rel: 'noopener noreferrer' }, web)) : null,
  ].filter(Boolean));
}

// ---- requests

// request never rejects: status 0 means the network failed.
export function request(method, url, body, onProgress, headers) {
  return new Promise((resolve) => {
    const x = new XMLHttpRequest();
    x.open(method, url);
    x.setRequestHeader('Accept', 'application/json');
    for (const [k, v] of Object.entries(headers || {})) x.setRequestHeader(k, v);
    if (body != null && !(body instanceof FormData)) {
      x.setRequestHeader('Content-Type', 'application/json');
      body = JSON.stringify(body);
    }
    if (method === 'GET') x.timeout = 30000;
    if (onProgress && x.upload) {
      x.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    }
    x.onload = () => {
      let data = null;
      try { data = JSON.parse(x.responseText); } catch { /* not JSON */ }
      resolve({ status: x.status, data });
    };
    x.onerror = x.ontimeout = x.onabort = () => resolve({ status: 0, data: null });
    x.send(body ?? null);
  });
}
export const getJSON = (url) => request('GET', url);

// challengeAsked returns the proof-of-work challenge a refused submission
// carries (the server asks for one only during a flood), or null.
export function challengeAsked(res) {
  const c = res.status === 400 && res.data && res.data.data && res.data.data.challenge;
  return c && c.code === 'challenge_required' && c.params ? c.params : null;
}

// solveChallenge finds the number of an ALTCHA challenge (SHA-256 of salt
// and number) and returns the header that carries it. The hash library is
// loaded only now: in normal times nobody downloads it.
export async function solveChallenge(p, onProgress) {
  const { sha256 } = await import('/assets/vendor/sha256.min.mjs');
  const started = Date.now();
  for (let n = 0; n <= p.maxnumber; n++) {
    if (sha256(p.salt + n) === p.challenge) {
      const value = btoa(JSON.stringify({ algorithm: p.algorithm, challenge: p.challenge, number: n, salt: p.salt, signature: p.signature }));
      return { [p.header || 'X-Teduh-Challenge']: value };
    }
    if (n % 5000 === 4999) {
      if (onProgress) onProgress(Math.min(0.99, n / p.maxnumber), Date.now() - started);
      await new Promise((r) => setTimeout(r, 0)); // let the page breathe
    }
  }
  return null;
}

// problem turns a failed response into a sentence for the page.
export function problem(res, keptInput) {
  if (res.status === 0) return keptInput ? MSG.networkKept : MSG.network;
  if (res.status === 429) return MSG.tooMany;
  if (res.status === 413) return MSG.tooLarge;
  if (res.status >= 500) return MSG.server;
  return (res.data && res.data.message) || MSG.invalid;
}

// inPage reads a JSON block the server put in the page (the same answer the
// API gives, saving a slow phone a round trip), or null when there is none.
export function inPage(id) {
  const n = document.getElementById(id);
  if (!n) return null;
  try { return JSON.parse(n.textContent); } catch { return null; }
}

let officePromise;
export function loadOffice() {
  if (!officePromise) {
    const office = inPage('teduh-office');
    officePromise = office ? Promise.resolve(office)
      : getJSON('/api/public/office').then((r) => (r.status === 200 && r.data ? r.data : null));
  }
  return officePromise;
}

// ---- field errors

// setError shows msg beside a field; controls get aria-invalid. An empty msg clears it.
export function setError(controls, errEl, msg) {
  for (const c of controls) {
    if (msg) c.setAttribute('aria-invalid', 'true');
    else c.removeAttribute('aria-invalid');
  }
  if (!errEl) return;
  errEl.textContent = msg || '';
  errEl.hidden = !msg;
}

// showSummary fills a summary box: a title and, per item, a button that focuses the field.
export function showSummary(box, title, items) {
  box.replaceChildren(el('p', null, el('strong', null, title)));
  if (items.length) {
    box.append(el('ul', null, items.map((it) => el('li', null, it.focus
      ? el('button', { type: 'button', class: 'linklike', onclick: () => it.focus.focus() }, `${it.label}: ${it.message}`)
      : `${it.label ? it.label + ': ' : ''}${it.message}`))));
  }
  box.hidden = false;
}

// initPage binds the quick exit and fills the emergency bar and footer from the office profile.
export function initPage() {
  bindQuickExit();
  return loadOffice().then((office) => {
    if (office) { renderEmergency(office); renderFooter(office); }
    return office;
  });
}
