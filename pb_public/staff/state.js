// What every view needs once signed in: the office profile, the workflow and
// form definitions, the services the member handles (each with its own
// form and workflow, from its definition files), the staff list and which
// optional features the server has (referrals, notifications, the handling
// report).
import { get, me, isSupervisor } from './api.js';
import { LABELS, setTimeZone } from './ui.js';

export const ctx = {
  office: null,
  workflow: null,
  form: null,
  perpetratorForm: null, // SIMFONI: a case's perpetrator records
  staff: [], // active and inactive, for names
  services: [], // GET /api/services: every service the member handles
  features: { referrals: false, notifications: false },
};

// loadContext fetches the definitions and lists in parallel; it answers the
// first failed response, or null when everything loaded.
export async function loadContext() {
  const [office, workflow, form, staff, referrals, notifications, services, perpetrator] = await Promise.all([
    get('/api/public/office'),
    get('/api/workflows/complaint'),
    get('/api/forms/complaint'),
    get('/api/collections/staff/records', { perPage: 500, sort: 'name', fields: 'id,name,role,active', skipTotal: 1 }),
    get('/api/collections/referrals/records', { perPage: 1, skipTotal: 1, fields: 'id' }),
    get('/api/collections/notifications/records', { perPage: 1, skipTotal: 1, fields: 'id' }),
    get('/api/services'),
    get('/api/forms/perpetrator'),
  ]);
  for (const r of [office, workflow, form, staff]) if (!r.ok) return r;
  ctx.office = office.data;
  ctx.workflow = workflow.data;
  ctx.form = form.data;
  ctx.staff = staff.data.items || [];
  ctx.features.referrals = referrals.ok;
  ctx.features.notifications = notifications.ok;
  ctx.services = services.ok ? (services.data.items || []) : [];
  ctx.perpetratorForm = perpetrator.ok ? perpetrator.data : null;
  if (ctx.workflow.statuses) Object.assign(LABELS.status, ctx.workflow.statuses);
  setTimeZone(ctx.office.timezone || 'Asia/Pontianak');
  return null;
}

export function clearContext() {
  ctx.office = ctx.workflow = ctx.form = ctx.perpetratorForm = null;
  ctx.staff = [];
  ctx.services = [];
}

// serviceDef is a service the member handles, by id (null when not).
export const serviceDef = (id) => ctx.services.find((s) => s.id === id) || null;

// otherServices are the services besides the victim complaints.
export const otherServices = () => ctx.services.filter((s) => !s.builtin);

export const steps = () => (ctx.workflow ? ctx.workflow.steps : []);
export const stepDef = (n) => steps().find((s) => s.number === n) || null;
export const lastStep = () => steps().length;

export function staffName(id) {
  if (!id) return '';
  const s = ctx.staff.find((x) => x.id === id);
  return s ? s.name : 'Petugas lain';
}

export const activeStaff = () => ctx.staff.filter((s) => s.active);

// myRole is the signed-in member's role as the workflow names roles.
export const myRole = () => (me() ? me().role : '');

export function mayRecord(step) {
  return !!step && !step.automatic && (step.roles || []).includes(myRole());
}

export const mayWithdraw = () => ((ctx.workflow && ctx.workflow.withdraw && ctx.workflow.withdraw.roles) || []).includes(myRole());

export { isSupervisor };

// formFields lists the complaint form's fields in order.
export function formFields() {
  const out = [];
  for (const s of (ctx.form && ctx.form.sections) || []) out.push(...(s.fields || []));
  return out;
}

export function districtOptions() {
  return (ctx.office && ctx.office.districts) || [];
}
