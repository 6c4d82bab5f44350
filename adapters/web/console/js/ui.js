// Building the pages: elements made with textContent only (a member's
// name is never parsed as HTML), money as Indonesians write it, dates in
// the store's own offset as the API gives them.
import { lang, t } from './i18n.js';

// h('div', {class: 'x', onclick: fn}, child, 'text', ...)
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const number = () => new Intl.NumberFormat(lang() === 'en' ? 'en-US' : 'id-ID');

// 52000 -> "Rp 52.000" (Indonesian grouping, also in English: it is rupiah).
export function rupiah(n) {
  const v = Number(n || 0);
  const s = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 }).format(Math.abs(v));
  return (v < 0 ? '−' : '') + 'Rp ' + s;
}

export function num(n) { return number().format(Number(n || 0)); }

// "2026-11-23T10:00:00+07:00" -> "23 Nov 2026 10.00" in the store's time
// (the offset the API wrote), whatever the browser's zone.
export function when(text, { date = true, time = true } = {}) {
  if (!text) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(text);
  if (!m) return text;
  const months = lang() === 'en'
    ? ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
    : ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'];
  const d = `${Number(m[3])} ${months[Number(m[2]) - 1]} ${m[1]}`;
  const clock = m[4] ? `${m[4]}${lang() === 'en' ? ':' : '.'}${m[5]}` : '';
  return [date ? d : '', time ? clock : ''].filter(Boolean).join(' ');
}

export function clear(el) { el.replaceChildren(); return el; }

export function loading() { return h('p', { class: 'muted loading' }, t('common.loading')); }

export function errorBox(e) {
  const text = e && e.status === 403 && e.reason === 'owner_only' ? t('common.forbidden') : t('common.error', { m: e.message || e });
  return h('p', { class: 'alert', role: 'alert' }, text);
}

export function notice(text, kind = 'ok') {
  return h('p', { class: `notice ${kind}`, role: 'status' }, text);
}

export function card(title, ...body) {
  return h('section', { class: 'card' }, title ? h('h2', {}, title) : null, ...body);
}

export function table(headers, rows, { empty = t('common.none'), cls = '' } = {}) {
  if (!rows.length) return h('p', { class: 'muted empty' }, empty);
  return h('div', { class: 'table-wrap' },
    h('table', { class: cls },
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, i) => h('td', { 'data-label': headers[i] }, c)))))));
}

// A page's heading with an optional refresh button.
export function pageHead(title, onRefresh) {
  return h('div', { class: 'page-head' },
    h('h1', {}, title),
    onRefresh ? h('button', { class: 'ghost', type: 'button', id: 'refresh', onclick: onRefresh }, t('common.refresh')) : null);
}
