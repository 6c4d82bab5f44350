// The forms of "Promo & Hadiah": one promo, one reward, the birthday gift
// and their voucher terms (docs/rules.md). Each input carries the path the
// rule loader names in its errors (data-field="promos[1].until"), so an
// error of POST /v1/admin/rules/check lands at its input. A form keeps the
// keys it does not show (collect() starts from the item it was given).
import { t } from '../i18n.js';
import { h, rupiah } from '../ui.js';

let seq = 0;

function field(path, label, input, hint) {
  input.dataset.field = path;
  input.id = input.id || `f-${++seq}`;
  return h('label', { class: 'field', for: input.id }, h('span', {}, label), input,
    hint ? h('small', { class: 'muted' }, hint) : null,
    h('small', { class: 'field-error', hidden: true, role: 'alert' }));
}

const text = (value, attrs = {}) => h('input', { type: 'text', value: value ?? '', ...attrs });
const int = (value, attrs = {}) => h('input', { type: 'number', step: 1, inputmode: 'numeric', value: value ?? '', ...attrs });
const date = (value) => h('input', { type: 'date', value: value ?? '' });
const time = (value) => h('input', { type: 'time', value: value ?? '' });

function read(form, path) {
  const el = form.querySelector(`[data-field="${CSS.escape(path)}"]`);
  if (!el) return undefined;
  if (el.type === 'checkbox') return el.checked;
  const v = el.value.trim();
  if (v === '') return undefined;
  if (el.type === 'number') return Number.isInteger(Number(v)) ? Number(v) : v;
  return v;
}

function put(obj, key, value) {
  if (value === undefined || value === '') delete obj[key]; else obj[key] = value;
}

// --- voucher terms -----------------------------------------------------

const BENEFITS = ['percent_off', 'amount_off', 'free_item'];

function benefitOf(v) { return BENEFITS.find((b) => v && v[b] !== undefined) || 'percent_off'; }

function voucherFields(prefix, v = {}) {
  const p = `${prefix}.voucher`;
  const benefit = benefitOf(v);
  const fi = (v && v.free_item) || {};
  const kind = fi.sku !== undefined ? 'sku' : 'category';
  const select = h('select', {}, BENEFITS.map((b) => h('option', { value: b, selected: b === benefit }, t(`pf.benefit.${b}`))));
  const kindSel = h('select', {}, ['category', 'sku'].map((k) => h('option', { value: k, selected: k === kind }, t(`pf.free.${k}`))));
  const parts = {
    percent_off: [field(`${p}.percent_off`, t('pf.percent_off'), int(v.percent_off, { min: 1, max: 100 })),
      field(`${p}.max_off`, t('pf.max_off'), int(v.max_off, { min: 1 }), t('pf.optional'))],
    amount_off: [field(`${p}.amount_off`, t('pf.amount_off'), int(v.amount_off, { min: 1 }))],
    free_item: [field(`${p}.free_item.kind`, t('pf.free_kind'), kindSel),
      field(`${p}.free_item.name`, t('pf.free_name'), text(fi.sku ?? fi.category)),
      field(`${p}.free_item.qty`, t('pf.qty'), int(fi.qty ?? 1, { min: 1, max: 100 }))],
  };
  const boxes = Object.fromEntries(BENEFITS.map((b) => [b, h('div', { class: 'inline-fields', hidden: b !== benefit }, parts[b])]));
  select.addEventListener('change', () => { for (const b of BENEFITS) boxes[b].hidden = b !== select.value; });
  // Errors about the voucher as a whole (e.g. "exactly one benefit") land on the choice.
  return h('fieldset', { class: 'voucher' }, h('legend', {}, t('pf.voucher')),
    h('div', { class: 'inline-fields' }, field(`${p}`, t('pf.benefit'), select)),
    BENEFITS.map((b) => boxes[b]),
    h('div', { class: 'inline-fields' },
      field(`${p}.min_spend`, t('pf.min_spend'), int(v.min_spend, { min: 0 }), t('pf.rupiah')),
      field(`${p}.valid_days`, t('pf.valid_days'), int(v.valid_days, { min: 1, max: 3650 }), t('pf.default', { v: 30 })),
      field(`${p}.title`, t('pf.voucher_title'), text(v.title, { maxlength: 100 }), t('pf.optional'))));
}

function collectVoucher(form, prefix, old = {}) {
  const p = `${prefix}.voucher`;
  const v = { ...(old || {}) };
  const benefit = read(form, p);
  for (const b of BENEFITS) delete v[b];
  delete v.max_off;
  if (benefit === 'percent_off') {
    put(v, 'percent_off', read(form, `${p}.percent_off`));
    put(v, 'max_off', read(form, `${p}.max_off`));
  } else if (benefit === 'amount_off') {
    put(v, 'amount_off', read(form, `${p}.amount_off`));
  } else {
    const fi = {};
    put(fi, read(form, `${p}.free_item.kind`) || 'category', read(form, `${p}.free_item.name`));
    put(fi, 'qty', read(form, `${p}.free_item.qty`));
    v.free_item = fi;
  }
  put(v, 'min_spend', read(form, `${p}.min_spend`));
  put(v, 'valid_days', read(form, `${p}.valid_days`));
  put(v, 'title', read(form, `${p}.title`));
  return v;
}

// "10% (maks Rp 20.000)", "Rp 15.000", "1 gratis: coffee"
export function benefitText(v) {
  if (!v) return '';
  if (v.percent_off !== undefined) return `${v.percent_off}%` + (v.max_off ? ` (${t('pf.max')} ${rupiah(v.max_off)})` : '');
  if (v.amount_off !== undefined) return rupiah(v.amount_off);
  if (v.free_item) return t('pf.free_text', { n: v.free_item.qty ?? 1, what: v.free_item.sku ?? v.free_item.category ?? '' });
  return '';
}

// --- the three forms ---------------------------------------------------

export function promoForm(prefix, p = {}) {
  const claim = p.claim || {};
  const announce = h('input', { type: 'checkbox', checked: p.announce === true });
  return [
    h('div', { class: 'inline-fields' },
      field(`${prefix}.id`, t('pf.id'), text(p.id, { pattern: '[a-z0-9][a-z0-9_-]*', autocapitalize: 'off' }), t('pf.id_hint')),
      field(`${prefix}.title`, t('pf.title'), text(p.title, { maxlength: 100 })),
      field(`${prefix}.audience`, t('pf.audience'), text(p.audience ?? 'members', { list: 'pf-audiences' }), t('pf.audience_hint'))),
    h('div', { class: 'inline-fields' },
      field(`${prefix}.from`, t('pf.from'), date(p.from)),
      field(`${prefix}.until`, t('pf.until'), date(p.until)),
      field(`${prefix}.claim.per_member`, t('pf.per_member'), int(claim.per_member, { min: 1, max: 1000 }), t('pf.default', { v: 1 })),
      field(`${prefix}.claim.total`, t('pf.claim_total'), int(claim.total, { min: 1 }), t('pf.unlimited'))),
    h('div', { class: 'inline-fields' },
      field(`${prefix}.announce`, t('pf.announce'), announce),
      field(`${prefix}.announce_at`, t('pf.announce_at'), time(p.announce_at), t('pf.default', { v: '09:00' }))),
    voucherFields(prefix, p.voucher),
  ];
}

export function collectPromo(form, prefix, old = {}) {
  const p = { ...old };
  for (const k of ['id', 'title', 'audience', 'from', 'until', 'announce_at']) put(p, k, read(form, `${prefix}.${k}`));
  put(p, 'announce', read(form, `${prefix}.announce`) ? true : undefined);
  const claim = { ...(old.claim || {}) };
  put(claim, 'per_member', read(form, `${prefix}.claim.per_member`));
  put(claim, 'total', read(form, `${prefix}.claim.total`));
  put(p, 'claim', Object.keys(claim).length ? claim : undefined);
  p.voucher = collectVoucher(form, prefix, old.voucher);
  return p;
}

export function rewardForm(prefix, r = {}) {
  return [
    h('div', { class: 'inline-fields' },
      field(`${prefix}.id`, t('pf.id'), text(r.id, { autocapitalize: 'off' }), t('pf.id_hint')),
      field(`${prefix}.title`, t('pf.title'), text(r.title, { maxlength: 100 })),
      field(`${prefix}.cost`, t('pf.cost'), int(r.cost, { min: 1 }), t('pf.points')),
      field(`${prefix}.stock`, t('pf.stock'), int(r.stock, { min: 0 }), t('pf.unlimited'))),
    h('div', { class: 'inline-fields' },
      field(`${prefix}.available_from`, t('pf.available_from'), date(r.available_from), t('pf.optional')),
      field(`${prefix}.available_until`, t('pf.available_until'), date(r.available_until), t('pf.optional'))),
    voucherFields(prefix, r.voucher),
  ];
}

export function collectReward(form, prefix, old = {}) {
  const r = { ...old };
  for (const k of ['id', 'title', 'cost', 'stock', 'available_from', 'available_until']) put(r, k, read(form, `${prefix}.${k}`));
  r.voucher = collectVoucher(form, prefix, old.voucher);
  return r;
}

export function birthdayForm(b = {}) {
  const m = b.message || {};
  return [
    h('div', { class: 'inline-fields' },
      field('birthday.send_at', t('pf.send_at'), time(b.send_at), t('pf.default', { v: '09:00' })),
      field('birthday.notice_days', t('pf.notice_days'), int(b.notice_days, { min: 0, max: 366 }), t('pf.default', { v: 30 }))),
    field('birthday.message.id', t('pf.message_id'), h('textarea', { rows: 2, maxlength: 500 }, m.id ?? ''), t('pf.message_hint')),
    field('birthday.message.en', t('pf.message_en'), h('textarea', { rows: 2, maxlength: 500 }, m.en ?? ''), t('pf.optional')),
    voucherFields('birthday', b.voucher),
  ];
}

export function collectBirthday(form, old = {}) {
  const b = { ...old };
  put(b, 'send_at', read(form, 'birthday.send_at'));
  put(b, 'notice_days', read(form, 'birthday.notice_days'));
  const m = { ...(old.message || {}) };
  put(m, 'id', read(form, 'birthday.message.id'));
  put(m, 'en', read(form, 'birthday.message.en'));
  b.message = m;
  b.voucher = collectVoucher(form, 'birthday', old.voucher);
  return b;
}

// --- errors at their fields ----------------------------------------------

export function clearErrors(root) {
  root.querySelectorAll('.has-error').forEach((e) => e.classList.remove('has-error'));
  root.querySelectorAll('.field-error').forEach((e) => { e.hidden = true; e.textContent = ''; });
}

// Each error at its input: the exact path, else the nearest one above it
// (promos[1].voucher.free_item -> promos[1].voucher's choice), else the
// item's own box. Opens the item it is in. Gives the errors no input took.
export function showErrors(root, errors) {
  clearErrors(root);
  const rest = [];
  for (const e of errors) {
    let path = e.field || '';
    let input = null;
    while (path && !input) {
      input = root.querySelector(`[data-field="${CSS.escape(path)}"]`);
      if (!input) path = path.replace(/(\.[^.[\]]*|\[\d+\])$/, '') === path ? '' : path.replace(/(\.[^.[\]]*|\[\d+\])$/, '');
    }
    const label = input && input.closest('label.field');
    if (!label) { rest.push(e); continue; }
    label.classList.add('has-error');
    const msg = label.querySelector('.field-error');
    msg.hidden = false;
    msg.textContent = msg.textContent ? `${msg.textContent}; ${e.message}` : e.message;
    const details = label.closest('details');
    if (details) details.open = true;
  }
  const first = root.querySelector('.has-error input, .has-error select, .has-error textarea');
  if (first) first.focus({ preventScroll: false });
  return rest;
}
