// Reservations: a day as a timeline of starts with the seats held (GET
// /v1/admin/reservations?date=), confirm or cancel, and a booking taken by
// phone for a member or a guest (POST /v1/admin/reservations).
import { api } from '../api.js';
import { t } from '../i18n.js';
import { card, clear, errorBox, h, notice, num, pageHead, when } from '../ui.js';

function todayIn(offsetText) {
  // The store's today: the API's own clock is the store's; the browser's
  // date is a fine first guess and the date field changes it.
  const now = new Date();
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return offsetText || `${y}-${m}-${d}`;
}

function who(r) {
  if (r.member) return [h('span', { class: 'name' }, r.member.name), ' ', h('span', { class: 'code muted' }, r.member.code)];
  if (r.guest) return [h('span', { class: 'name' }, r.guest.name), ' ', h('span', { class: 'pill warn' }, t('res.guest')), r.guest.phone ? ' ' + r.guest.phone : ''];
  return [];
}

export async function render(view, args, { rerender }) {
  const date = args[0] && /^\d{4}-\d{2}-\d{2}$/.test(args[0]) ? args[0] : todayIn();
  const day = await api.get('/v1/admin/reservations?date=' + encodeURIComponent(date));
  const status = h('div', { id: 'res-status' });

  const picker = h('input', { type: 'date', id: 'res-date', value: date, 'aria-label': t('common.date'),
    onchange: () => { if (picker.value) location.hash = `#/reservations/${picker.value}`; } });

  // The timeline: each start with its seats held, and the bookings that begin there.
  const timeline = h('div', { class: 'timeline', id: 'timeline' });
  const byTime = new Map();
  for (const r of day.items) {
    if (!byTime.has(r.time)) byTime.set(r.time, []);
    byTime.get(r.time).push(r);
  }
  const act = async (r, what) => {
    try {
      await api.post(`/v1/admin/reservations/${r.id}/${what}`);
      await rerender();
    } catch (e) {
      clear(status).append(errorBox(e));
    }
  };
  const bookingRow = (r) => h('div', { class: `booking ${r.status}`, dataset: { id: String(r.id) } },
    ...who(r),
    h('span', { class: 'muted' }, `· ${num(r.party)} ${t('res.party').toLowerCase()}`),
    r.note ? h('span', { class: 'muted' }, `· ${r.note}`) : null,
    h('span', { class: `pill ${r.status === 'confirmed' ? 'good' : r.status === 'cancelled' ? 'bad' : 'warn'}` }, t(`res.status.${r.status}`)),
    r.status === 'cancelled' ? null : h('span', { class: 'actions' },
      r.status === 'pending' ? h('button', { type: 'button', class: 'confirm', onclick: () => act(r, 'confirm') }, t('res.confirm')) : null,
      h('button', { type: 'button', class: 'danger cancel', onclick: () => act(r, 'cancel') }, t('res.cancel'))));

  if (!day.takes_reservations && !day.items.length) {
    timeline.append(h('p', { class: 'muted' }, t('res.not_configured')));
  } else if (day.closed && !day.items.length) {
    timeline.append(h('p', { class: 'muted' }, t('res.closed')));
  } else {
    const times = day.slots.length ? day.slots : [...byTime.keys()].sort().map((time) => ({ time, held: 0, free: 0 }));
    for (const s of times) {
      const bookings = byTime.get(s.time) || [];
      const pct = day.seats ? Math.min(100, Math.round((s.held / day.seats) * 100)) : 0;
      const bar = h('div', { class: `seatbar${s.free === 0 && day.seats ? ' full' : ''}`, role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': day.seats, 'aria-valuenow': s.held },
        h('span', {}));
      bar.firstChild.style.width = `${pct}%`;  // CSSOM, allowed by the CSP (no inline style attribute)
      timeline.append(h('div', { class: 'slot', id: `slot-${s.time.replace(':', '')}` },
        h('div', { class: 'slot-time' }, s.time),
        h('div', { class: 'slot-body' },
          day.seats ? h('div', { class: 'seats' }, t('res.seats', { held: num(s.held), seats: num(day.seats) })) : null,
          day.seats ? bar : null,
          ...bookings.map(bookingRow))));
    }
    if (!day.items.length) timeline.prepend(h('p', { class: 'muted', id: 'res-none' }, t('res.none')));
  }

  // A booking by phone.
  const forMember = h('input', { type: 'radio', name: 'book-for', id: 'book-member', value: 'member' });
  const forGuest = h('input', { type: 'radio', name: 'book-for', id: 'book-guest', value: 'guest', checked: true });
  const memberCode = h('input', { id: 'book-member-code', autocomplete: 'off', placeholder: 'MAR-…' });
  const guestName = h('input', { id: 'book-guest-name', autocomplete: 'off', maxlength: 100 });
  const guestPhone = h('input', { id: 'book-guest-phone', type: 'tel', autocomplete: 'off', maxlength: 20 });
  const memberFields = h('div', { class: 'member-fields' }, h('label', {}, h('span', {}, t('res.member_code')), memberCode));
  const guestFields = h('div', { class: 'guest-fields inline-fields' },
    h('label', {}, h('span', {}, t('res.guest_name')), guestName),
    h('label', {}, h('span', {}, t('res.guest_phone')), guestPhone));
  const sync = () => { memberFields.hidden = !forMember.checked; guestFields.hidden = !forGuest.checked; };
  forMember.addEventListener('change', sync);
  forGuest.addEventListener('change', sync);
  const timeSelect = h('select', { id: 'book-time', required: true },
    (day.slots.length ? day.slots : []).map((s) => h('option', { value: s.time, disabled: s.free === 0 && day.seats ? true : false }, `${s.time} (${num(s.free)})`)));
  const party = h('input', { id: 'book-party', type: 'number', min: 1, value: 2, required: true, inputmode: 'numeric' });
  const note = h('input', { id: 'book-note', maxlength: 200 });
  const form = h('form', { class: 'stack', id: 'book-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const body = { date, time: timeSelect.value, party: Number(party.value) };
    if (note.value.trim()) body.note = note.value.trim();
    if (forMember.checked) body.member = memberCode.value.trim();
    else body.guest = { name: guestName.value.trim(), ...(guestPhone.value.trim() ? { phone: guestPhone.value.trim() } : {}) };
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const r = await api.post('/v1/admin/reservations', body);
      await rerender();
      document.getElementById('res-status')?.append(notice(t('res.booked', { time: r.reservation.time, party: num(r.reservation.party) })));
    } catch (e) {
      button.disabled = false;
      clear(status).append(errorBox(e));
    }
  } },
  h('fieldset', { class: 'choice' }, h('legend', {}, t('res.for')),
    h('label', { class: 'radio' }, forGuest, h('span', {}, t('res.guest'))),
    h('label', { class: 'radio' }, forMember, h('span', {}, t('res.member')))),
  guestFields, memberFields,
  h('div', { class: 'inline-fields' },
    h('label', {}, h('span', {}, t('common.time')), timeSelect),
    h('label', {}, h('span', {}, t('res.party')), party)),
  h('label', {}, h('span', {}, t('res.note')), note),
  h('button', { class: 'primary', type: 'submit' }, t('res.book')));
  sync();

  view.append(
    h('div', { class: 'page-head' },
      h('h1', {}, t('res.title')),
      h('div', { class: 'actions' }, picker, h('button', { class: 'ghost', type: 'button', id: 'refresh', onclick: rerender }, t('common.refresh')))),
    h('p', { class: 'muted sub' }, when(date, { time: false })),
    status,
    h('div', { class: 'two' },
      card(null, timeline),
      day.takes_reservations && !day.closed ? card(t('res.new'), form) : h('div', {})),
  );
}
