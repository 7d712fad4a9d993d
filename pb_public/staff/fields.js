// FieldSet renders a list of field definitions (the complaint form's fields
// or a workflow step's data form, both of the engine's one shape) into
// labelled controls, applies show_when / required / required_when /
// required_for live, collects typed values and shows errors beside fields.
// The server decides what is valid; the checks here only help earlier.
import { el, setError } from './ui.js';

// test evaluates a definition condition against typed values, as the engine does.
export function test(c, value) {
  if (!c) return true;
  if (Array.isArray(c.all) && !c.all.every((x) => test(x, value))) return false;
  if (Array.isArray(c.any) && c.any.length && !c.any.some((x) => test(x, value))) return false;
  if (!c.field) return true;
  const v = value(c.field);
  if ('equals' in c && c.equals !== null && v !== c.equals) return false;
  const s = typeof v === 'string' ? v : '';
  if (Array.isArray(c.in) && c.in.length && !c.in.includes(s)) return false;
  if (Array.isArray(c.not_in) && c.not_in.length && c.not_in.includes(s)) return false;
  if (c.contains && !(Array.isArray(v) && v.includes(c.contains))) return false;
  return true;
}

const PHONE = /^(?:\+62|62|0)\d{8,13}$/;

export class FieldSet {
  // opts: prefix (id prefix), boolStyle ('check' | 'yesno'), values (initial),
  // outcome (function giving the chosen outcome, for required_for), onChange.
  constructor(defs, opts = {}) {
    this.prefix = opts.prefix || 'f-';
    this.boolStyle = opts.boolStyle || 'check';
    this.outcome = opts.outcome || (() => '');
    this.onChange = opts.onChange || (() => {});
    this.fields = [];
    this.byName = {};
    this.root = el('div', { class: 'fieldset' });
    for (const d of defs) {
      const f = this.render(d, (opts.values || {})[d.name]);
      this.fields.push(f);
      this.byName[d.name] = f;
      this.root.append(f.wrap);
    }
    this.root.addEventListener('input', (e) => this.changed(e));
    this.root.addEventListener('change', (e) => this.changed(e));
    this.update();
  }

  id(name) { return this.prefix + name; }

  render(d, initial) {
    const id = this.id(d.name);
    const errId = 'err-' + id;
    const helpId = 'help-' + id;
    const reqMark = el('span', { class: 'req', hidden: true }, 'wajib');
    const help = d.help ? el('p', { class: 'help', id: helpId }, d.help) : null;
    const err = el('p', { class: 'error', id: errId, hidden: true });
    const describedBy = [help && helpId, errId].filter(Boolean).join(' ');
    const f = { def: d, err, reqMark, controls: [], shown: true, required: false, order: [] };

    if (d.type === 'multiselect') {
      const picked = Array.isArray(initial) ? initial : [];
      f.order = picked.slice();
      f.orderNote = d.ordered ? el('p', { class: 'help order-note', id: `order-${id}`, 'aria-live': 'polite' }) : null;
      const opts = (d.options || []).map((o) => {
        const c = el('input', { type: 'checkbox', id: `${id}-${o.code}`, name: d.name, value: o.code, 'data-field': d.name });
        c.checked = picked.includes(o.code);
        f.controls.push(c);
        const rank = el('span', { class: 'rank', 'aria-hidden': 'true' });
        return el('div', { class: 'check' }, c, el('label', { for: c.id }, o.label, rank));
      });
      f.wrap = el('fieldset', { class: 'field group', id, 'aria-describedby': [describedBy, f.orderNote && f.orderNote.id].filter(Boolean).join(' ') },
        el('legend', null, d.label, reqMark), help, d.ordered ? el('p', { class: 'help' }, 'Centang berurutan, mulai dari yang paling mendesak.') : null,
        el('div', { class: 'options' }, opts), f.orderNote, err);
    } else if (d.type === 'bool' && this.boolStyle === 'yesno') {
      const yes = el('input', { type: 'radio', id: `${id}-yes`, name: this.prefix + d.name, value: 'true', 'data-field': d.name });
      const no = el('input', { type: 'radio', id: `${id}-no`, name: this.prefix + d.name, value: 'false', 'data-field': d.name });
      yes.checked = initial === true;
      no.checked = initial === false;
      f.controls.push(yes, no);
      f.wrap = el('fieldset', { class: 'field group yesno', id, 'aria-describedby': describedBy },
        el('legend', null, d.label, reqMark), help,
        el('div', { class: 'inline-options' },
          el('div', { class: 'check' }, yes, el('label', { for: yes.id }, 'Ya')),
          el('div', { class: 'check' }, no, el('label', { for: no.id }, 'Tidak'))),
        err);
    } else if (d.type === 'bool') {
      const c = el('input', { type: 'checkbox', id, name: d.name, value: 'true', 'aria-describedby': describedBy, 'data-field': d.name });
      c.checked = initial === true;
      f.controls.push(c);
      f.wrap = el('div', { class: 'field field-bool' }, el('div', { class: 'check' }, c, el('label', { for: id }, d.label, reqMark)), help, err);
    } else {
      let c;
      const a = { id, name: d.name, autocomplete: 'off', 'aria-describedby': describedBy, 'data-field': d.name };
      if (d.type === 'textarea') {
        c = el('textarea', { ...a, rows: 4, maxlength: d.max_length || null });
      } else if (d.type === 'select') {
        c = el('select', a, el('option', { value: '' }, 'Pilih…'), (d.options || []).map((o) => el('option', { value: o.code }, o.label)));
      } else if (d.type === 'date') {
        c = el('input', { ...a, type: 'date', min: d.min_date || null });
      } else if (d.type === 'number') {
        c = el('input', { ...a, type: 'number', inputmode: 'decimal', step: d.integer ? '1' : 'any', min: d.min ?? null, max: d.max ?? null });
      } else if (d.type === 'file') {
        c = el('input', { ...a, type: 'file', accept: (d.accept || []).join(',') || null });
      } else if (d.type === 'phone') {
        c = el('input', { ...a, type: 'tel', inputmode: 'tel', maxlength: 24 });
      } else if (d.type === 'nik') {
        c = el('input', { ...a, type: 'text', inputmode: 'numeric', maxlength: 24, spellcheck: 'false' });
      } else {
        c = el('input', { ...a, type: 'text', maxlength: d.max_length || null });
      }
      if (d.type === 'date' && initial) c.value = String(initial).slice(0, 10);
      else if (d.type === 'file') f.existing = initial || '';
      else if (initial !== undefined && initial !== null) c.value = String(initial);
      f.controls.push(c);
      const existing = d.type === 'file' && initial ? el('p', { class: 'help' }, 'Berkas tersimpan: ', el('strong', null, String(initial)), '. Pilih berkas baru hanya untuk menggantinya.') : null;
      f.wrap = el('div', { class: 'field' }, el('label', { for: id }, d.label, reqMark), help, existing, c, err);
    }
    f.wrap.dataset.field = d.name;
    this.paintOrder(f);
    return f;
  }

  changed(e) {
    const name = e.target && e.target.dataset ? e.target.dataset.field : '';
    const f = name && this.byName[name];
    if (!f) return;
    if (f.def.type === 'multiselect' && e.type === 'change') {
      const code = e.target.value;
      f.order = f.order.filter((x) => x !== code);
      if (e.target.checked) f.order.push(code);
      this.paintOrder(f);
    }
    if (f.controls.some((c) => c.getAttribute('aria-invalid'))) setError(f.controls, f.err, '');
    this.update();
    this.onChange(f);
  }

  // paintOrder shows the rank of each ticked option of an ordered multiselect.
  paintOrder(f) {
    if (!f.def.ordered) return;
    const labels = {};
    for (const o of f.def.options || []) labels[o.code] = o.label;
    for (const c of f.controls) {
      const rank = c.parentElement ? c.parentElement.querySelector('.rank') : null;
      const i = f.order.indexOf(c.value);
      if (rank) rank.textContent = i >= 0 ? ` (urutan ${i + 1})` : '';
    }
    if (f.orderNote) f.orderNote.textContent = f.order.length ? 'Urutan: ' + f.order.map((x) => labels[x] || x).join(' → ') : '';
  }

  // value is a field's typed value as conditions see it: booleans, arrays
  // for multiselects, trimmed strings; undefined for an unanswered yes/no.
  value(name) {
    const f = this.byName[name];
    if (!f || !f.shown) return undefined;
    const d = f.def;
    const c = f.controls[0];
    if (d.type === 'bool' && this.boolStyle === 'yesno') {
      if (f.controls[0].checked) return true;
      if (f.controls[1].checked) return false;
      return undefined;
    }
    if (d.type === 'bool') return c.checked;
    if (d.type === 'multiselect') {
      const ticked = f.controls.filter((x) => x.checked).map((x) => x.value);
      return d.ordered ? f.order.filter((x) => ticked.includes(x)) : ticked;
    }
    if (d.type === 'file') return c.files && c.files[0] ? c.files[0] : undefined;
    if (d.type === 'number') return c.value.trim() === '' ? undefined : Number(c.value);
    return c.value.trim();
  }

  isRequired(f) {
    const d = f.def;
    if (d.required) return true;
    if (d.required_when && test(d.required_when, (n) => this.value(n))) return true;
    const o = this.outcome();
    return !!o && Array.isArray(d.required_for) && d.required_for.includes(o);
  }

  // update applies the conditions twice, so a field controlled by one further
  // down settles too.
  update() {
    for (let pass = 0; pass < 2; pass++) {
      for (const f of this.fields) {
        const shown = test(f.def.show_when, (n) => this.value(n));
        if (shown !== f.shown) {
          f.shown = shown;
          f.wrap.hidden = !shown;
          for (const c of f.controls) c.disabled = !shown;
          if (!shown) setError(f.controls, f.err, '');
        }
        f.required = shown && this.isRequired(f);
        f.reqMark.hidden = !f.required;
        if (f.def.type !== 'multiselect' && !(f.def.type === 'bool' && this.boolStyle === 'yesno')) {
          for (const c of f.controls) {
            if (f.required) c.setAttribute('aria-required', 'true');
            else c.removeAttribute('aria-required');
          }
        } else if (f.required) f.wrap.setAttribute('aria-required', 'true');
        else f.wrap.removeAttribute('aria-required');
      }
    }
  }

  // values collects what is shown and answered, ready for JSON.
  values({ includeEmpty = false } = {}) {
    const out = {};
    for (const f of this.fields) {
      if (!f.shown || f.def.type === 'file') continue;
      const v = this.value(f.def.name);
      if (v === undefined || (!includeEmpty && (v === '' || (Array.isArray(v) && !v.length)))) continue;
      out[f.def.name] = v;
    }
    return out;
  }

  files() {
    const out = {};
    for (const f of this.fields) {
      if (f.shown && f.def.type === 'file') {
        const file = this.value(f.def.name);
        if (file) out[f.def.name] = file;
      }
    }
    return out;
  }

  // check runs the plain checks (required, lengths, phone, NIK) and returns
  // {name: message}.
  check() {
    this.update();
    const errs = {};
    for (const f of this.fields) {
      if (!f.shown) continue;
      const d = f.def;
      const v = this.value(d.name);
      let m = '';
      if (d.type === 'multiselect') {
        if (f.required && !(v && v.length)) m = 'Pilih paling sedikit satu.';
      } else if (d.type === 'bool') {
        if (this.boolStyle === 'yesno' && f.required && v === undefined) m = 'Pilih Ya atau Tidak.';
        else if (d.must_be_true && !v) m = 'Centang kotak ini; tanpa persetujuan pengaduan tidak dapat dicatat.';
      } else if (d.type === 'file') {
        if (f.required && !v && !f.existing) m = 'Pilih berkas terlebih dahulu.';
        else if (v && d.max_size && v.size > d.max_size) m = 'Berkas terlalu besar.';
      } else if (v === '' || v === undefined) {
        if (f.required) m = d.type === 'select' ? 'Silakan pilih salah satu.' : 'Kolom ini wajib diisi.';
      } else if (d.min_length && v.length < d.min_length) {
        m = `Terlalu pendek. Tulis paling sedikit ${d.min_length} karakter.`;
      } else if (d.max_length && v.length > d.max_length) {
        m = `Terlalu panjang. Paling banyak ${d.max_length} karakter.`;
      } else if (d.type === 'phone' && !PHONE.test(v.replace(/[\s.\-()]/g, ''))) {
        m = 'Nomor HP belum benar. Tulis seperti 081234567890.';
      } else if (d.type === 'nik' && !/^\d{16}$/.test(v.replace(/[\s.\-]/g, ''))) {
        m = 'NIK harus 16 angka, atau kosongkan.';
      }
      if (m) errs[d.name] = m;
    }
    return errs;
  }

  // showErrors puts messages beside their fields and returns the control of
  // the first one shown (to focus) and the messages with no field here.
  showErrors(errs) {
    let first = null;
    const rest = {};
    const done = new Set();
    for (const f of this.fields) {
      const msg = errs[f.def.name];
      if (!msg) { setError(f.controls, f.err, ''); continue; }
      done.add(f.def.name);
      if (!f.shown) { rest[f.def.name] = msg; continue; }
      setError(f.controls, f.err, msg);
      first = first || f.controls[0];
    }
    for (const [k, v] of Object.entries(errs)) if (!done.has(k)) rest[k] = v;
    return { first, rest };
  }

  // setList ticks exactly these options of a multiselect, in this order.
  setList(name, codes) {
    const f = this.byName[name];
    if (!f || f.def.type !== 'multiselect') return;
    for (const c of f.controls) c.checked = codes.includes(c.value);
    f.order = codes.filter((x) => f.controls.some((c) => c.value === x));
    setError(f.controls, f.err, '');
    this.paintOrder(f);
    this.update();
  }

  clearErrors() {
    for (const f of this.fields) setError(f.controls, f.err, '');
  }

  label(name) {
    const f = this.byName[name];
    return f ? f.def.label : name;
  }
}

// displayValue turns a stored value into words using a field's options.
export function displayValue(def, v) {
  if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) return '–';
  const label = (code) => {
    const o = (def.options || []).find((x) => x.code === code);
    return o ? o.label : code;
  };
  if (def.type === 'bool') return v === true || v === 'true' ? 'Ya' : 'Tidak';
  if (def.type === 'multiselect') return (Array.isArray(v) ? v : [v]).map(label).join(def.ordered ? ' → ' : ', ');
  if (def.type === 'select') return label(v);
  return String(v);
}
