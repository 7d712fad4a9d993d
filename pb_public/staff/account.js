// One's own account: the new password an account with a temporary one
// (a one-time password from a supervisor, an account the administrator
// made) must choose before anything else. The server refuses every other
// request of such an account; the console shows this form instead of the
// queue, and signs in again with the new password.
import { api, me, session, clearSession } from './api.js';
import { $, showMessage, busy, setError } from './ui.js';

// mustChangePassword tells whether the signed-in account still has a
// temporary password.
export const mustChangePassword = () => !!(me() && me().password_must_change);

// showPasswordChange fills in the form's state; the caller shows the view.
export function preparePasswordChange() {
  for (const id of ['password-old', 'password-new', 'password-confirm']) {
    $('#' + id).value = '';
    setError([$('#' + id)], $('#' + id + '-error'), '');
  }
  $('#password-message').hidden = true;
}

// bindPasswordChange wires the form; done(message) runs after the change
// (the session has ended: the server ends every session of an account
// whose password changes).
export function bindPasswordChange(done) {
  $('#password-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const old = $('#password-old');
    const pw = $('#password-new');
    const confirm = $('#password-confirm');
    const box = $('#password-message');
    box.hidden = true;
    for (const c of [old, pw, confirm]) setError([c], $('#' + c.id + '-error'), '');
    const fail = (c, msg) => { setError([c], $('#' + c.id + '-error'), msg); c.focus(); };
    if (!old.value) return fail(old, 'Tulis kata sandi sementara yang Anda terima.');
    if (pw.value.length < 10) return fail(pw, 'Kata sandi paling sedikit 10 karakter.');
    if (pw.value === old.value) return fail(pw, 'Buat kata sandi yang lain dari kata sandi sementara.');
    if (confirm.value !== pw.value) return fail(confirm, 'Kedua kata sandi tidak sama.');
    if (!session()) return;
    const r = await busy($('#password-submit'), 'Menyimpan…', () => api('PATCH', `/api/collections/staff/records/${encodeURIComponent(me().id)}`, {
      body: { oldPassword: old.value, password: pw.value, passwordConfirm: confirm.value },
    }));
    if (!r.ok) {
      if (r.fields.oldPassword) return fail(old, 'Kata sandi sementara salah.');
      if (r.fields.password) return fail(pw, r.fields.password);
      if (r.fields.passwordConfirm) return fail(confirm, r.fields.passwordConfirm);
      showMessage(box, r.message, 'alert');
      return;
    }
    for (const c of [old, pw, confirm]) c.value = '';
    clearSession();
    done('Kata sandi baru sudah disimpan. Silakan masuk dengan kata sandi baru.');
  });
}
