// "Promo & Hadiah": the store's promos, rewards and birthday gift edited
// in forms (docs/console.md), checked (POST /v1/admin/rules/check),
// previewed on a sample sale and the last 30 days (.../preview), saved as
// a new rule version (PUT /v1/admin/rules with base_version), and the
// versions: who saved what, a version's diff against the newest, restore.
// Only the sections promos, rewards and birthday are sent; the rest of the
// rule file stays as it is.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { card, clear, errorBox, h, notice, num, pageHead, rupiah, table, when } from '../ui.js';
import {
  benefitText, birthdayForm, clearErrors, collectBirthday, collectPromo, collectReward, promoForm, rewardForm, showErrors,
} from './promo_forms.js';

let state = null; // {rules: store_rules, promos: [{old}], rewards: [{old}], birthday: old|null}

// One item as a <details>: its summary line, its form, a remove button.
function itemBox(kind, i, item, summary, formParts, onRemove) {
  return h('details', { class: `item ${kind}-item`, id: `${kind}-${i}`, dataset: { index: String(i) }, open: !item.id ? true : false },
    h('summary', {}, summary),
    h('div', { class: 'item-form' }, formParts,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'danger remove', onclick: onRemove }, t('pf.remove')))));
}

function promoSummary(p) {
  return [h('strong', {}, p.title || t('pf.new_promo')), ' ',
    h('span', { class: 'muted' }, [p.id, p.from && p.until ? `${when(p.from, { time: false })} – ${when(p.until, { time: false })}` : '', benefitText(p.voucher)].filter(Boolean).join(' · '))];
}

function rewardSummary(r) {
  return [h('strong', {}, r.title || t('pf.new_reward')), ' ',
    h('span', { class: 'muted' }, [r.id, r.cost ? `${num(r.cost)} ${t('pf.points')}` : '', benefitText(r.voucher)].filter(Boolean).join(' · '))];
}

// The draft from the forms: sections for check, preview and save.
function collect(form) {
  const promos = state.promos.map((old, i) => (old === null ? null : collectPromo(form, `promos[${i}]`, old))).filter(Boolean);
  const rewards = state.rewards.map((old, i) => (old === null ? null : collectReward(form, `rewards[${i}]`, old))).filter(Boolean);
  const birthday = state.birthday === null ? null : collectBirthday(form, state.birthday);
  return { promos, rewards, birthday };
}

// Removed items stay as null until the page is drawn again, so that the
// indexes of the inputs (promos[2].until) keep matching the list sent...
// except that a removed item is not sent: renumber before sending.
function renumber(view) {
  const form = view.querySelector('#promo-form');
  const draft = collect(form);
  state.promos = draft.promos;
  state.rewards = draft.rewards;
  state.birthday = draft.birthday;
  drawForm(view);
  return draft;
}

function drawForm(view) {
  const open = new Set([...view.querySelectorAll('#promo-form details[open]')].map((d) => d.id));
  const form = clear(view.querySelector('#promo-form'));
  const promos = h('div', { id: 'promo-list', class: 'items' },
    state.promos.map((p, i) => itemBox('promo', i, p, promoSummary(p), promoForm(`promos[${i}]`, p), () => { state.promos[i] = null; renumber(view); })));
  const rewards = h('div', { id: 'reward-list', class: 'items' },
    state.rewards.map((r, i) => itemBox('reward', i, r, rewardSummary(r), rewardForm(`rewards[${i}]`, r), () => { state.rewards[i] = null; renumber(view); })));
  const bday = state.birthday === null
    ? h('p', { class: 'muted', id: 'birthday-none' }, t('pf.no_birthday'))
    : h('details', { class: 'item birthday-item', id: 'birthday-0', open: !state.birthday.voucher },
      h('summary', {}, h('strong', {}, t('pf.birthday_gift')), ' ', h('span', { class: 'muted' }, benefitText(state.birthday.voucher))),
      h('div', { class: 'item-form' }, birthdayForm(state.birthday),
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'danger remove', onclick: () => { state.birthday = null; renumber(view); } }, t('pf.remove')))));
  form.append(
    h('datalist', { id: 'pf-audiences' }, ['members', 'everyone'].map((v) => h('option', { value: v }))),
    card(t('pf.promos'), h('p', { class: 'muted' }, t('pf.promos_hint')), promos,
      h('button', { type: 'button', id: 'add-promo', onclick: () => { renumber(view); state.promos.push({}); drawForm(view); focusLast(view, '#promo-list'); } }, t('pf.add_promo'))),
    card(t('pf.rewards'), h('p', { class: 'muted' }, t('pf.rewards_hint')), rewards,
      h('button', { type: 'button', id: 'add-reward', onclick: () => { renumber(view); state.rewards.push({}); drawForm(view); focusLast(view, '#reward-list'); } }, t('pf.add_reward'))),
    card(t('pf.birthday'), bday,
      state.birthday === null ? h('button', { type: 'button', id: 'add-birthday', onclick: () => { renumber(view); state.birthday = { message: {} }; drawForm(view); } }, t('pf.add_birthday')) : null));
  for (const id of open) { const d = form.querySelector(`#${CSS.escape(id)}`); if (d) d.open = true; }
}

function focusLast(view, list) {
  const d = view.querySelector(`${list} details:last-of-type`);
  if (d) { d.open = true; const i = d.querySelector('input'); if (i) i.focus(); }
}

// --- check, preview, save ------------------------------------------------

function status(view, ...nodes) { clear(view.querySelector('#promo-status')).append(...nodes); }

function reportErrors(view, e, body) {
  const errors = (body && body.errors) || [];
  const rest = showErrors(view.querySelector('#promo-form'), errors);
  status(view, h('div', { class: 'alert', role: 'alert', id: 'promo-errors' },
    h('p', {}, t('pf.errors', { n: errors.length })),
    rest.length ? h('ul', {}, rest.map((x) => h('li', {}, `${x.field || ''}${x.line ? ` (${t('pf.line')} ${x.line})` : ''}: ${x.message}`))) : null));
}

// The API answers 422 with errors[] beside error{}: ApiError keeps only
// error{}, so these calls read the body themselves through api.raw.
async function send(view, method, path, body) {
  clearErrors(view.querySelector('#promo-form'));
  const r = await api.raw(method, path, body);
  if (r.status === 422 && r.body && r.body.errors) {
    reportErrors(view, null, r.body);
    return null;
  }
  if (!r.ok) {
    const e = new Error((r.body && r.body.error && r.body.error.message) || `HTTP ${r.status}`);
    e.status = r.status;
    e.reason = (r.body && r.body.error && r.body.error.reason) || '';
    throw e;
  }
  return r.body;
}

async function check(view) {
  const sections = renumber(view);
  const r = await send(view, 'POST', '/v1/admin/rules/check', { sections });
  if (r) status(view, notice(t('pf.check_ok'), 'ok'));
}

function saleFromForm(view) {
  const total = Number(view.querySelector('#sample-total').value || 0);
  const items = [...view.querySelectorAll('#sample-lines .sample-line')].map((row) => ({
    sku: row.querySelector('.sku').value.trim(),
    category: row.querySelector('.category').value.trim(),
    qty: Number(row.querySelector('.qty').value || 1),
    unit_price: Number(row.querySelector('.price').value || 0),
  })).filter((l) => l.unit_price > 0 || l.sku || l.category);
  if (!items.length) items.push({ sku: 'SAMPLE', category: '', qty: 1, unit_price: total });
  const sale = { items };
  if (total > 0) { sale.total = total; sale.subtotal = total; }
  return sale;
}

function change(n, money) {
  const s = money ? rupiah(Math.abs(n)) : num(Math.abs(n));
  return h('span', { class: n > 0 ? 'pos' : n < 0 ? 'neg' : '' }, n > 0 ? `+${s}` : n < 0 ? `−${s}` : s);
}

function previewResult(p) {
  const promos = (o) => (o.promos.length ? o.promos.map((x) => `${x.title} (${rupiah(x.discount)})`).join(', ') : '—');
  const bt = p.backtest;
  return h('div', { id: 'preview-result' },
    h('h3', {}, t('pf.sample_sale', { total: rupiah(p.sale.total) })),
    table([t('pf.col_what'), t('pf.col_live'), t('pf.col_new')], [
      [t('pf.points_sale'), num(p.live.points), num(p.candidate.points)],
      [t('pf.promos_running'), promos(p.live), promos(p.candidate)],
    ], { cls: 'compare' }),
    h('h3', {}, t('pf.backtest', { days: bt.days })),
    h('p', { class: 'muted' }, t('pf.backtest_hint', { n: num(bt.member_sales), since: when(bt.since, { time: false }) })),
    table([t('pf.col_what'), t('pf.col_live'), t('pf.col_new'), t('pf.col_change')], [
      [t('pf.bt_points'), num(bt.live.points), num(bt.candidate.points), change(bt.points_change, false)],
      [t('pf.bt_liability'), rupiah(bt.live.liability), rupiah(bt.candidate.liability), change(bt.liability_change, true)],
    ], { cls: 'compare' }),
    h('p', { class: 'muted' }, t('pf.liability_hint')));
}

async function preview(view) {
  const sections = renumber(view);
  const out = clear(view.querySelector('#preview-out'));
  const r = await send(view, 'POST', '/v1/admin/rules/preview', { sections, sale: saleFromForm(view) });
  if (r) { status(view); out.append(previewResult(r)); }
}

async function save(view, rerender) {
  const sections = renumber(view);
  const note = view.querySelector('#save-note').value.trim();
  const r = await api.raw('PUT', '/v1/admin/rules', { sections, base_version: state.rules.version, note });
  if (r.status === 422 && r.body && r.body.errors) return reportErrors(view, null, r.body);
  if (r.status === 409) {
    return status(view, h('div', { class: 'alert', role: 'alert', id: 'promo-stale' },
      h('p', {}, t('pf.stale')), h('button', { type: 'button', id: 'promo-reload', onclick: rerender }, t('pf.reload'))));
  }
  if (!r.ok) throw Object.assign(new Error((r.body && r.body.error && r.body.error.message) || `HTTP ${r.status}`), { status: r.status });
  await rerender();
  status(view, notice(t('pf.saved', { v: r.body.version.version }), 'ok'));
}

// --- versions -----------------------------------------------------------

function diffView(d) {
  return h('div', { id: 'version-diff', class: 'diff-box' },
    h('p', {}, t('pf.diff_title', { from: d.from, to: d.to, added: d.added, removed: d.removed })),
    h('pre', { class: 'diff' }, d.lines.filter((l, i, a) => l.op !== ' ' || a.slice(Math.max(0, i - 2), i + 3).some((x) => x.op !== ' '))
      .map((l) => h('span', { class: l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'same' }, `${l.op} ${l.line}\n`))));
}

function sourceText(source) {
  const k = `pf.source.${source}`;
  const s = t(k);
  return s === k ? source : s;
}

async function versions(view, rerender) {
  const box = view.querySelector('#versions');
  const live = state.rules.version;
  const list = await api.get('/v1/admin/rules/versions?limit=50');
  const out = h('div', { id: 'version-out' });
  const rows = list.items.map((v) => [
    h('strong', {}, `v${v.version}`, v.version === live ? h('span', { class: 'pill good' }, t('pf.live')) : null),
    when(v.saved_at), v.actor, sourceText(v.source) + (v.restored_from ? ` (v${v.restored_from})` : ''), v.note || '—',
    v.version === live ? '' : h('span', { class: 'actions' },
      h('button', { type: 'button', class: 'ghost diff-btn', dataset: { v: String(v.version) }, onclick: async () => {
        try {
          clear(out).append(diffView(await api.get(`/v1/admin/rules/versions/${v.version}/diff?against=${live}`)));
        } catch (e) { clear(out).append(errorBox(e)); }
      } }, t('pf.view_diff')),
      h('button', { type: 'button', class: 'ghost restore-btn', dataset: { v: String(v.version) }, onclick: () => {
        clear(out).append(h('div', { class: 'alert confirm', id: 'restore-confirm' },
          h('p', {}, t('pf.restore_confirm', { v: v.version, live })),
          h('div', { class: 'actions' },
            h('button', { type: 'button', class: 'danger', id: 'restore-yes', onclick: async () => {
              try {
                await api.post(`/v1/admin/rules/versions/${v.version}/restore`, { base_version: live, note: t('pf.restore_note', { v: v.version }) });
              } catch (e) {
                clear(out).append(errorBox(e.status === 409 ? { message: t('pf.stale') } : e));
                return;
              }
              await rerender();
              status(view, notice(t('pf.restored', { v: v.version }), 'ok'));
            } }, t('pf.restore_yes')),
            h('button', { type: 'button', class: 'ghost', onclick: () => clear(out) }, t('pf.cancel')))));
      } }, t('pf.restore'))),
  ]);
  clear(box).append(table([t('pf.col_version'), t('pf.col_when'), t('pf.col_who'), t('pf.col_source'), t('pf.col_note'), ''], rows,
    { empty: t('pf.no_versions'), cls: 'versions' }), out);
}

// --- the page ----------------------------------------------------------

function sampleLine() {
  return h('div', { class: 'inline-fields sample-line' },
    h('label', {}, h('span', {}, t('pf.line_category')), h('input', { class: 'category', type: 'text' })),
    h('label', {}, h('span', {}, 'SKU'), h('input', { class: 'sku', type: 'text' })),
    h('label', {}, h('span', {}, t('pf.qty')), h('input', { class: 'qty', type: 'number', min: 1, value: 1 })),
    h('label', {}, h('span', {}, t('pf.unit_price')), h('input', { class: 'price', type: 'number', min: 0 })));
}

export async function render(view, _args, { rerender }) {
  const reload = () => rerender();
  // store_rules: the newest saved version (the base of a save) with its
  // text and sections, so an edit starts from what it will be saved on.
  const rules = (await api.get('/v1/admin/rules')).store_rules;
  if (!rules) { view.append(pageHead(t('promos.title')), errorBox({ message: t('pf.unavailable') })); return; }
  const s = rules.sections || { promos: [], rewards: [], birthday: null };
  state = { rules, promos: [...(s.promos || [])], rewards: [...(s.rewards || [])], birthday: s.birthday || null };
  const guarded = (fn) => async (ev) => {
    const b = ev.currentTarget;
    b.disabled = true;
    try { await fn(); } catch (e) { status(view, errorBox(e)); } finally { b.disabled = false; }
  };
  view.append(
    pageHead(t('promos.title'), reload),
    h('p', { class: 'muted', id: 'rules-live' }, rules.version
      ? t('pf.live_version', { v: rules.version, who: rules.saved_by || '—', at: when(rules.saved_at) })
      : t('pf.from_file', { file: rules.file || '—' })),
    h('form', { id: 'promo-form', novalidate: true, onsubmit: (e) => e.preventDefault() }),
    card(t('pf.preview'),
      h('p', { class: 'muted' }, t('pf.preview_hint')),
      h('div', { class: 'inline-fields' },
        h('label', {}, h('span', {}, t('pf.sample_total')), h('input', { id: 'sample-total', type: 'number', min: 0, value: 52000, inputmode: 'numeric' }))),
      h('div', { id: 'sample-lines' }),
      h('button', { type: 'button', class: 'ghost', id: 'add-line', onclick: () => view.querySelector('#sample-lines').append(sampleLine()) }, t('pf.add_line')),
      h('div', { id: 'preview-out' })),
    card(t('pf.save_title'),
      h('label', {}, h('span', {}, t('pf.note')), h('input', { id: 'save-note', type: 'text', maxlength: 500, placeholder: t('pf.note_hint') })),
      h('div', { class: 'actions sticky-actions' },
        h('button', { type: 'button', id: 'promo-check', onclick: guarded(() => check(view)) }, t('pf.check')),
        h('button', { type: 'button', id: 'promo-preview', onclick: guarded(() => preview(view)) }, t('pf.preview_btn')),
        h('button', { type: 'button', class: 'primary', id: 'promo-save', onclick: guarded(() => save(view, reload)) }, t('pf.save'))),
      h('div', { id: 'promo-status', 'aria-live': 'polite' })),
    card(t('pf.versions'), h('div', { id: 'versions' }, h('p', { class: 'muted' }, t('common.loading')))));
  drawForm(view);
  try { await versions(view, reload); } catch (e) { clear(view.querySelector('#versions')).append(errorBox(e)); }
}
