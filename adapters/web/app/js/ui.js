// Small DOM helpers: every text goes in as text (never as HTML), so that
// nothing a till or a member typed can become markup.
import { t, has } from './i18n.js';

// h('p.note#id', {onclick}, 'text', child...): an element with classes,
// properties or attributes, and children (strings become text nodes).
export function h(tag, props, ...children) {
  const [, name, rest] = tag.match(/^([a-z0-9]+)(.*)$/);
  const el = document.createElement(name);
  const classes = [];
  for (const [, mark, word] of rest.matchAll(/([.#])([\w-]+)/g)) {
    if (mark === '#') el.id = word;
    else classes.push(word);
  }
  if (classes.length) el.className = classes.join(' ');
  if (props && (typeof props !== 'object' || props instanceof Node || Array.isArray(props))) {
    children.unshift(props);
    props = null;
  }
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k in el && k !== 'list') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

// A labelled input; its value is read by name from the form.
export function field(label, props) {
  return h('label.field', h('span', label), h('input', props));
}

// What went wrong, in words a customer understands: by the server's
// reason when we know it, else by its status.
export function message(err) {
  if (!err || err.status === undefined) return t('err_generic');
  if (err.reason && has('err_' + err.reason)) return t('err_' + err.reason);
  switch (err.status) {
    case 0: return t('err_offline');
    case 400: return t('err_invalid', { detail: err.message || '' });
    case 401: return t('err_unauthenticated');
    case 404: return t('err_not_found');
    case 429: return t('err_rate_limited', { s: err.retryAfter || 30 });
    case 503: return t('err_unavailable');
    default: return t('err_generic');
  }
}

let toastTimer = 0;

// A short line at the bottom of the screen; errors stay until tapped.
export function toast(text, isError = false) {
  const el = document.getElementById('toast');
  el.textContent = text;
  el.className = isError ? 'toast error show' : 'toast show';
  el.setAttribute('role', isError ? 'alert' : 'status');
  el.onclick = () => el.classList.remove('show');
  clearTimeout(toastTimer);
  if (!isError) toastTimer = setTimeout(() => el.classList.remove('show'), 3500);
}

export function fail(err) {
  toast(message(err), true);
}

// Runs a button's action once at a time, showing an error in words.
export function busy(button, action) {
  return async (ev) => {
    ev?.preventDefault();
    if (button.disabled) return;
    button.disabled = true;
    try {
      await action();
    } catch (e) {
      fail(e);
    } finally {
      button.disabled = false;
    }
  };
}

// Object URLs of images fetched with the token, revoked when the next
// screen is drawn.
const urls = [];
export function blobUrl(b) {
  const u = URL.createObjectURL(b);
  urls.push(u);
  return u;
}
export function revokeUrls() {
  while (urls.length) URL.revokeObjectURL(urls.pop());
}
