// Members: search (GET /v1/admin/members?q=), a member's profile with
// points history, vouchers, reservations and sales (GET
// /v1/admin/members/{code}), a points adjustment with its reason (POST
// .../points, audited) and a one-time recovery or claim code (POST
// .../recovery-code).
import { api } from '../api.js';
import { t } from '../i18n.js';
import { card, clear, errorBox, h, notice, num, pageHead, rupiah, table, when } from '../ui.js';

let lastQuery = '';

export async function render(view, args, ctx) {
  if (args[0]) return profile(view, args[0], ctx);
  return search(view);
}

async function search(view) {
  const input = h('input', { id: 'member-q', type: 'search', value: lastQuery, placeholder: t('members.search'), 'aria-label': t('members.search'), autocomplete: 'off' });
  const results = h('div', { id: 'member-results' });
  const run = async () => {
    lastQuery = input.value.trim();
    clear(results).append(h('p', { class: 'muted' }, t('common.loading')));
    try {
      const r = await api.get('/v1/admin/members?limit=50&q=' + encodeURIComponent(lastQuery));
      clear(results);
      if (!r.items.length) return results.append(h('p', { class: 'muted', id: 'member-none' }, t('members.none')));
      results.append(table(
        [t('members.name'), t('members.code'), t('members.phone'), t('members.joined')],
        r.items.map((m) => [
          h('a', { href: `#/members/${encodeURIComponent(m.code)}`, class: 'member-link' }, m.name),
          h('span', { class: 'code' }, m.code),
          m.phone,
          when(m.created_at, { time: false }),
        ]),
        { cls: 'stack' },
      ));
    } catch (e) {
      clear(results).append(errorBox(e));
    }
  };
  view.append(
    pageHead(t('members.title')),
    card(null,
      h('form', { class: 'inline', role: 'search', onsubmit: (e) => { e.preventDefault(); run(); } },
        h('label', {}, h('span', {}, t('members.search')), input),
        h('button', { class: 'primary', type: 'submit', id: 'member-search' }, t('members.search_button'))),
      results),
  );
  input.focus();
  if (lastQuery) run();
}

function why(e) {
  const w = e.why || {};
  switch (e.kind) {
    case 'earn': return t('members.why.earn', { receipt: w.sale?.receipt_no ?? '—' });
    case 'redeem': return t('members.why.redeem', { reward: w.reward ?? '—' });
    case 'expire': return t('members.why.expire');
    case 'reverse': return t('members.why.reverse', { receipt: w.refund?.receipt_no ?? '—' });
    case 'adjust': return t('members.why.adjust', { reason: w.adjustment?.reason ?? '', by: w.adjustment?.by ?? '' });
    default: return '';
  }
}

async function profile(view, code, { rerender }) {
  const m = await api.get('/v1/admin/members/' + encodeURIComponent(code));
  const status = h('div', { id: 'member-status' });

  const delta = h('input', { id: 'adjust-delta', type: 'number', step: 1, required: true, inputmode: 'numeric' });
  const reason = h('input', { id: 'adjust-reason', type: 'text', required: true, maxlength: 500 });
  const adjust = h('form', { class: 'inline', id: 'adjust-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const button = adjust.querySelector('button');
    button.disabled = true;
    try {
      const r = await api.post(`/v1/admin/members/${encodeURIComponent(m.code)}/points`, { delta: Number(delta.value), reason: reason.value.trim() });
      await rerender();
      document.getElementById('member-status')?.append(notice(t('members.adjusted', { before: num(r.adjustment.before), after: num(r.adjustment.after) })));
    } catch (e) {
      button.disabled = false;
      clear(status).append(e.reason === 'over_points_limit' ? h('p', { class: 'alert' }, t('members.over_limit')) : errorBox(e));
    }
  } },
  h('label', {}, h('span', {}, t('members.delta')), delta),
  h('label', { class: 'grow' }, h('span', {}, t('members.reason')), reason),
  h('button', { class: 'primary', type: 'submit' }, t('members.adjust_submit')));

  const codeOut = h('div', { id: 'recovery-out' });
  const issue = h('button', { type: 'button', id: 'recovery-code', onclick: async () => {
    issue.disabled = true;
    try {
      const r = await api.post(`/v1/admin/members/${encodeURIComponent(m.code)}/recovery-code`);
      clear(codeOut).append(h('div', { class: 'notice ok' },
        h('p', {}, t('members.code_issued', { purpose: t(`members.purpose.${r.purpose}`), until: when(r.expires_at) })),
        h('p', { class: 'big-code code', id: 'recovery-value' }, r.code)));
    } catch (e) {
      clear(codeOut).append(errorBox(e));
    } finally {
      issue.disabled = false;
    }
  } }, t('members.code_button'));

  const history = (m.points_history?.items || []).map((e) => [
    when(e.at),
    t(`members.kind.${e.kind}`),
    h('span', { class: e.points >= 0 ? 'pos' : 'neg' }, (e.points > 0 ? '+' : '') + num(e.points)),
    h('span', { class: 'why' }, why(e)),
  ]);
  const vouchers = (m.vouchers?.items || []).map((v) => [
    h('span', { class: 'code' }, v.code), v.title || '', h('span', { class: 'pill' }, v.status), when(v.valid_until, { time: false }),
  ]);
  const reservations = (m.reservations?.items || []).map((r) => [
    `${when(r.date + 'T' + r.time, {})}`, num(r.party), h('span', { class: 'pill' }, t(`res.status.${r.status}`)), r.note || '',
  ]);
  const sales = (m.transactions?.items || []).map((s) => [
    when(s.time), h('span', { class: 'code' }, s.receipt_no), rupiah(s.total), h('span', { class: 'pos' }, '+' + num(s.points_earned ?? 0)),
  ]);

  view.append(
    h('div', { class: 'page-head' },
      h('div', {}, h('a', { href: '#/members' }, '← ' + t('common.back')), h('h1', { id: 'member-name' }, m.name)),
      h('div', { class: 'points', id: 'member-points' }, num(m.points), ' ', h('span', { class: 'muted' }, t('members.points')))),
    status,
    h('div', { class: 'two' },
      card(null,
        h('dl', { class: 'facts' },
          h('dt', {}, t('members.code')), h('dd', { class: 'code' }, m.code),
          h('dt', {}, t('members.phone')), h('dd', {}, m.phone || '—'),
          h('dt', {}, t('members.email')), h('dd', {}, m.email || '—'),
          h('dt', {}, t('members.birth')), h('dd', {}, m.birth_date ? when(m.birth_date, { time: false }) : '—'),
          h('dt', {}, t('members.joined')), h('dd', {}, when(m.created_at, { time: false })))),
      card(t('members.adjust'), adjust, h('div', { class: 'actions' }, issue), codeOut)),
    card(t('members.history'), table([t('common.at'), '', t('members.points'), t('members.reason')], history, { cls: 'stack history' })),
    h('div', { class: 'two' },
      card(t('members.vouchers'), table([t('members.voucher_code'), t('members.voucher_title'), t('common.status'), t('members.expires')], vouchers, { cls: 'stack' })),
      card(t('members.reservations'), table([t('common.at'), t('res.party'), t('common.status'), t('res.note')], reservations, { cls: 'stack' }))),
    card(t('members.transactions'), table([t('common.at'), t('members.receipt'), t('members.total'), t('members.points')], sales, { cls: 'stack' })),
  );
  view.querySelector('.history')?.setAttribute('id', 'points-history');
}
