// "Hari ini": the owner's day at a glance (GET /v1/admin/dashboard): today,
// this month against last month to the same day, net of refunds; members,
// points, promos, the day's reservations; the days of both months as a
// chart (Debian's Chart.js); this month's best products.
import { api } from '../api.js';
import { lang, t } from '../i18n.js';
import { card, h, num, pageHead, rupiah, table, when } from '../ui.js';

let chart = null;

function stat(id, label, value, ...detail) {
  return h('section', { class: 'card stat', id },
    h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, value),
    ...detail.filter(Boolean).map((d) => h('div', { class: 'detail' }, d)));
}

function change(now, before) {
  if (!before) return null;
  const pct = Math.round(((now - before) / Math.abs(before)) * 1000) / 10;
  return h('span', { class: pct >= 0 ? 'delta-up' : 'delta-down' }, `${pct >= 0 ? '▲' : '▼'} ${Math.abs(pct)}%`);
}

export async function render(view, args, { rerender }) {
  const d = await api.get('/v1/admin/dashboard');
  const today = d.today;
  const month = d.month;
  const last = d.last_month;
  const day = Number(d.date.slice(8, 10));

  view.append(
    pageHead(t('dash.title'), rerender),
    h('p', { class: 'muted sub', id: 'dash-date' }, `${when(d.date, { time: false })} · ${d.store}`),
    h('div', { class: 'grid' },
      stat('dash-sales-today', t('dash.sales_today'), rupiah(today.net_amount),
        t('dash.sales_count', { n: num(today.sales) }),
        today.refunds ? t('dash.refunds', { n: num(today.refunds), amount: rupiah(today.refunded) }) : t('dash.no_refunds')),
      stat('dash-month', t('dash.month'), rupiah(month.net_amount),
        h('span', {}, change(month.net_amount, last.net_amount), ' ', t('dash.vs_last_month', { amount: rupiah(last.net_amount), day })),
        t('dash.sales_count', { n: num(month.sales) })),
      stat('dash-members-new', t('dash.members_new'), num(today.new_members),
        t('dash.members_new_detail', { month: num(month.new_members), total: num(d.members) }),
        t('dash.member_share', { pct: String(today.members_share_pct).replace('.', lang() === 'en' ? '.' : ',') })),
      stat('dash-points', t('dash.points'), num(today.points_issued - today.points_redeemed),
        t('dash.points_detail', { issued: num(today.points_issued), redeemed: num(today.points_redeemed) })),
      stat('dash-promos', t('dash.promos'), num(today.promo_claims + today.vouchers_redeemed),
        t('dash.promos_detail', { claims: num(today.promo_claims), vouchers: num(today.vouchers_redeemed) })),
      h('a', { href: '#/reservations', class: 'stat-link' },
        stat('dash-reservations', t('dash.reservations'), num(d.reservations.bookings),
          t('dash.reservations_detail', { pending: num(d.reservations.pending), seats: num(d.reservations.seats) })))),
  );

  const canvas = h('canvas', { id: 'dash-chart', role: 'img', 'aria-label': t('dash.chart_title') });
  const chartCard = card(t('dash.chart_title'), h('div', { class: 'chart-box' }, canvas));
  const top = table([t('dash.product'), t('dash.qty'), t('dash.amount')],
    d.top_products.map((p) => [p.name, num(p.qty), rupiah(p.amount)]), { cls: 'stack' });
  const topCard = card(t('dash.top_products'), top);
  topCard.id = 'top-products';
  view.append(h('div', { class: 'two' }, chartCard, topCard));
  drawChart(canvas, chartCard, d);
}

function drawChart(canvas, box, d) {
  if (chart) { chart.destroy(); chart = null; }
  const days = Math.max(d.month_days.length, d.last_month_days.length, 1);
  const labels = Array.from({ length: days }, (_, i) => String(i + 1));
  const thisMonth = d.month_days.map((p) => p.net_amount);
  const lastMonth = d.last_month_days.map((p) => p.net_amount);
  if (typeof window.Chart !== 'function') {
    // No Chart.js (not installed, not served): the numbers instead.
    box.querySelector('.chart-box').replaceWith(h('div', {},
      h('p', { class: 'muted' }, t('dash.chart_missing')),
      table([t('dash.day'), t('dash.net')], d.month_days.map((p) => [when(p.period, { time: false }), rupiah(p.net_amount)]), { cls: 'stack' })));
    return;
  }
  const css = getComputedStyle(document.documentElement);
  chart = new window.Chart(canvas, {
    data: {
      labels,
      datasets: [
        { type: 'bar', label: t('dash.chart_this'), data: thisMonth, backgroundColor: css.getPropertyValue('--brand').trim() || '#0f766e', borderRadius: 4, order: 2 },
        { type: 'line', label: t('dash.chart_last'), data: lastMonth, borderColor: '#94a3b8', backgroundColor: '#94a3b8', pointRadius: 0, borderWidth: 2, tension: 0.25, order: 1 },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${rupiah(c.parsed.y)}` } },
      },
      scales: {
        y: { beginAtZero: true, ticks: { callback: (v) => (v >= 1e6 ? `${num(v / 1e6)} jt` : v >= 1e3 ? `${num(v / 1e3)} rb` : num(v)) } },
        x: { grid: { display: false } },
      },
    },
  });
}
