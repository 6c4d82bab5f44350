// The member's screens after login, each against the REST API
// (docs/openapi.yaml): promos, rewards, vouchers with their QR codes,
// reservations, history with the e-nota, and the profile with the
// member's rights (consent, export, erasure).
import * as api from './api.js';
import { t, rupiah, day, dayTime, setLanguage, language } from './i18n.js';
import { h, field, busy, toast, message, blobUrl } from './ui.js';
import { go, clearCard } from './app.js';

function terms(v) {
  if (!v) return '';
  const parts = [];
  if (v.kind === 'percent_off') {
    parts.push(t('percentOff', { n: v.percent }));
    if (v.max_off) parts.push(t('maxOff', { amount: rupiah(v.max_off) }));
  } else if (v.kind === 'amount_off') {
    parts.push(t('amountOff', { amount: rupiah(v.amount_off) }));
  } else if (v.kind === 'free_item') {
    parts.push(t('freeItem', { n: v.free_qty || 1, what: v.free_sku || v.free_category || '' }));
  }
  if (v.min_spend) parts.push(t('minSpend', { amount: rupiah(v.min_spend) }));
  return parts.join(' · ');
}

function empty(text) {
  return h('p.muted.empty', text);
}

async function promos() {
  const { items } = await api.get('/v1/promos');
  if (!items.length) return empty(t('noPromos'));
  return h('ul.list#promo-list', items.map((p) => {
    const b = h('button.primary', { 'data-promo': p.id }, t('claim'));
    b.addEventListener('click', busy(b, async () => {
      await api.post(`/v1/promos/${encodeURIComponent(p.id)}/claim`);
      toast(t('claimed'));
      go('#/vouchers');
    }));
    return h('li.card',
      h('h3', p.title),
      h('p', terms(p.voucher)),
      h('p.muted', [t('until', { date: day(p.until) }), p.remaining != null ? ' · ' + t('left', { n: p.remaining }) : ''].join('')),
      b);
  }));
}

async function rewards() {
  const [{ items }, me] = await Promise.all([api.get('/v1/rewards'), api.get('/v1/me')]);
  if (!items.length) return empty(t('noRewards'));
  return h('div',
    h('p.balance', h('span', t('points') + ' : '), h('strong#points', String(me.points))),
    h('ul.list#reward-list', items.map((r) => {
      const b = h('button.primary', { 'data-reward': r.id, disabled: me.points < r.cost || r.remaining === 0 }, t('redeem'));
      b.addEventListener('click', busy(b, async () => {
        await api.post(`/v1/rewards/${encodeURIComponent(r.id)}/redeem`);
        toast(t('redeemed'));
        go('#/vouchers');
      }));
      return h('li.card',
        h('h3', r.title),
        h('p.cost', t('cost', { n: r.cost })),
        h('p', terms(r.voucher)),
        r.remaining != null ? h('p.muted', t('left', { n: r.remaining })) : null,
        b);
    })));
}

async function vouchers() {
  const { items } = await api.get('/v1/me/vouchers?limit=50');
  if (!items.length) return empty(t('noVouchers'));
  const list = h('ul.list#voucher-list');
  for (const v of items) {
    const img = h('img.qr.voucher-qr', { alt: v.code, width: 200, height: 200, 'data-code': v.code, hidden: true });
    list.append(h('li.card.voucher' + (v.status === 'active' ? '' : '.used'), { 'data-code': v.code },
      h('h3', v.title),
      h('p.status', t('status_' + v.status)),
      h('p', terms(v.terms)),
      h('p.muted', t('validUntil', { date: day(v.valid_until) })),
      img,
      h('p.voucher-code', v.code)));
    // The QR of an active voucher, fetched with the token as a blob.
    if (v.status === 'active') {
      api.blob(`/v1/me/vouchers/${encodeURIComponent(v.code)}/qr.png?scale=6`).then((b) => {
        img.src = blobUrl(b);
        img.hidden = false;
      }, () => {});
    }
  }
  return list;
}

function tomorrow() {
  const d = new Date(Date.now() + 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

async function reservations() {
  const slots = h('div#slots');
  const mine = h('div#my-reservations');
  const find = h('button.primary#find-slots', { type: 'submit' }, t('findSlots'));
  const form = h('form.card#reserve-form',
    field(t('date'), { name: 'date', type: 'date', required: true, value: tomorrow() }),
    field(t('party'), { name: 'party', type: 'number', min: 1, max: 1000, required: true, value: 2 }),
    field(t('note'), { name: 'note', maxLength: 200 }),
    find);

  const showMine = async () => {
    const { items } = await api.get('/v1/me/reservations?limit=20');
    mine.replaceChildren(h('h2', t('myReservations')), items.length ? h('ul.list', items.map((r) => {
      const row = h('li.card.reservation', { 'data-id': r.id, 'data-status': r.status },
        h('h3', `${day(r.date)} ${r.time}`),
        h('p', t('people', { n: r.party }) + ' · ' + t('res_' + r.status)),
        r.note ? h('p.muted', r.note) : null);
      if (r.status !== 'cancelled' && Date.parse(r.starts_at) > Date.now()) {
        const b = h('button.secondary.cancel', t('cancel'));
        b.addEventListener('click', busy(b, async () => {
          await api.del(`/v1/me/reservations/${r.id}`);
          toast(t('cancelled'));
          await showMine();
        }));
        row.append(b);
      }
      return row;
    })) : empty(t('noReservations')));
  };

  form.addEventListener('submit', busy(find, async () => {
    const f = form.elements;
    const q = new URLSearchParams({ date: f.date.value, party: f.party.value });
    const a = await api.get('/v1/reservations/availability?' + q);
    if (a.closed) return slots.replaceChildren(empty(t('closedDay')));
    if (!a.slots.length) return slots.replaceChildren(empty(t('noSlots')));
    slots.replaceChildren(h('div.slots', a.slots.map((s) => {
      const b = h('button.slot', { 'data-time': s.time }, t('book', { time: s.time }));
      b.addEventListener('click', busy(b, async () => {
        await api.post('/v1/me/reservations', { date: a.date, time: s.time, party: Number(f.party.value), note: f.note.value.trim() || undefined });
        toast(t('booked'));
        slots.replaceChildren();
        await showMine();
      }));
      return b;
    })));
  }));
  await showMine();
  return h('div', form, slots, mine);
}

async function history() {
  const [sales, points] = await Promise.all([api.get('/v1/me/transactions?limit=20'), api.get('/v1/me/points?limit=50')]);
  // Why each sale earned its points: the ledger's earn rows name the rules.
  const why = new Map();
  for (const p of points.items) {
    if (p.kind === 'earn' && p.why?.sale?.receipt_no) why.set(p.why.sale.receipt_no, (p.why.rule_ids || []).join(', '));
  }
  const list = sales.items.length ? h('ul.list#sale-list', sales.items.map((s) => h('li.card.sale', { 'data-id': s.id },
    h('a', { href: `#/enota/${s.id}` },
      h('h3', t('receipt', { no: s.receipt_no })),
      h('p', `${dayTime(s.time)} · ${rupiah(s.total)}`),
      h('p.earned', t('earned', { n: s.points_earned })),
      why.get(s.receipt_no) ? h('p.muted.why', t('why', { rules: why.get(s.receipt_no) })) : null)))) : empty(t('noHistory'));
  const other = points.items.filter((p) => p.kind !== 'earn');
  return h('div', list, other.length ? h('section',
    h('h2', t('pointsHistory')),
    h('ul.list', other.map((p) => h('li.card.points-row',
      h('p', `${t('kind_' + p.kind)}: ${p.points > 0 ? '+' : ''}${p.points}`),
      h('p.muted', dayTime(p.at) + (p.why?.reward ? ' · ' + p.why.reward : '') + (p.why?.adjustment?.reason ? ' · ' + p.why.adjustment.reason : '')))))) : null);
}

async function enota(id) {
  const s = await api.get(`/v1/me/transactions/${encodeURIComponent(id)}`);
  const row = (label, value) => h('tr', h('th', label), h('td', value));
  const money = [['subtotal', s.subtotal], ['discount', s.discount ? -s.discount : 0], ['serviceCharge', s.service_charge], ['tax', s.tax]];
  return h('article.card.enota#enota',
    h('p', h('a', { href: '#/history' }, '← ' + t('back'))),
    h('h2', t('enota')),
    h('p.store', document.getElementById('brand-name').textContent),
    h('p', `${t('receipt', { no: s.receipt_no })} · ${dayTime(s.time)}`),
    s.table ? h('p', t('table', { t: s.table })) : null,
    h('table.items', s.items.map((i) => h('tr', h('td', `${i.qty} x ${i.name}`), h('td.num', rupiah(i.amount))))),
    h('table.totals',
      money.filter(([, v]) => v).map(([k, v]) => row(t(k), rupiah(v))),
      row(t('total'), rupiah(s.total)),
      s.paid != null ? row(t('paid'), rupiah(s.paid)) : null,
      s.change != null ? row(t('change'), rupiah(s.change)) : null),
    h('p.earned#enota-points', t('earned', { n: s.points_earned })));
}

async function profile() {
  const [me, consents] = await Promise.all([api.get('/v1/me'), api.get('/v1/me/consents')]);
  const save = h('button.primary#profile-save', { type: 'submit' }, t('save'));
  const details = h('form.card#profile-form',
    h('h2', t('profile')),
    h('p.muted', me.code),
    field(t('name'), { name: 'name', value: me.name, required: true, maxLength: 100 }),
    field(t('email'), { name: 'email', type: 'email', value: me.email || '' }),
    field(t('phone'), { name: 'phone', type: 'tel', value: me.phone, required: true }),
    field(me.birth_date ? t('birthDate') : `${t('birthDate')} (${t('birthLocked')})`, { name: 'birth_date', type: 'date', value: me.birth_date || '', disabled: Boolean(me.birth_date) }),
    h('label.field', h('span', t('language')), h('select', { name: 'language' },
      h('option', { value: 'id', selected: me.language !== 'en' }, 'Bahasa Indonesia'),
      h('option', { value: 'en', selected: me.language === 'en' }, 'English'))),
    save);
  details.addEventListener('submit', busy(save, async () => {
    const f = details.elements;
    const change = { name: f.name.value.trim(), phone: f.phone.value.trim(), language: f.language.value };
    if (f.email.value.trim() !== (me.email || '')) change.email = f.email.value.trim();
    if (!me.birth_date && f.birth_date.value) change.birth_date = f.birth_date.value;
    await api.patch('/v1/me', change);
    if (change.language !== language()) setLanguage(change.language);
    toast(t('saved'));
    go('#/profile');
  }));

  const pwSave = h('button.secondary', { type: 'submit' }, t('changePassword'));
  const password = h('form.card#password-form',
    h('h2', t('changePassword')),
    field(t('currentPassword'), { name: 'current', type: 'password', required: true, autocomplete: 'current-password' }),
    field(t('newPassword'), { name: 'next', type: 'password', required: true, minLength: 8, autocomplete: 'new-password' }),
    pwSave);
  password.addEventListener('submit', busy(pwSave, async () => {
    await api.patch('/v1/me', { current_password: password.elements.current.value, password: password.elements.next.value });
    password.reset();
    toast(t('passwordChanged'));
  }));

  // Consent per kind: promo announcements are the one marketing channel.
  const promo = consents.channels?.push_promo?.granted === true;
  const box = h('input#consent-push-promo', { type: 'checkbox', checked: promo });
  box.addEventListener('change', async () => {
    box.disabled = true;
    try {
      await api.patch('/v1/me/consents', { push_promo: box.checked, notice: 'app-2026-12' });
      toast(t('saved'));
    } catch (e) {
      box.checked = !box.checked;
      toast(message(e), true);
    } finally {
      box.disabled = false;
    }
  });
  const consent = h('section.card',
    h('h2', t('notifications')),
    h('label.check', box, h('span', t('consentPromo'))),
    h('p.muted', t('consentNote')));

  const exportButton = h('button.secondary#export', t('exportData'));
  exportButton.addEventListener('click', busy(exportButton, async () => {
    const b = await api.blob('/v1/me/export');
    const a = h('a', { href: blobUrl(b), download: `setia-${me.code}.json` });
    document.body.append(a);
    a.click();
    a.remove();
  }));
  const logoutButton = h('button.secondary#logout', t('logout'));
  logoutButton.addEventListener('click', busy(logoutButton, async () => {
    await api.logout();
    clearCard();
    go('#/login');
  }));

  const del = h('button.danger#delete-submit', { type: 'submit' }, t('confirmDelete'));
  const erase = h('form.card.danger-zone#delete-form',
    h('h2', t('deleteAccount')),
    h('p', t('deleteWarn')),
    field(t('currentPassword'), { name: 'current', type: 'password', required: true, autocomplete: 'current-password' }),
    me.points > 0 ? h('label.check', h('input', { type: 'checkbox', name: 'forfeit' }), h('span', t('forfeit', { n: me.points }))) : null,
    del);
  erase.addEventListener('submit', busy(del, async () => {
    await api.del('/v1/me', { current_password: erase.elements.current.value, forfeit_points: Boolean(erase.elements.forfeit?.checked) });
    api.forget();
    clearCard();
    toast(t('deleted'));
    go('#/login');
  }));

  return h('div', details, password, consent, h('section.card.actions', exportButton, logoutButton), erase);
}

export const screens = { promos, rewards, vouchers, reservations, history, enota, profile };
