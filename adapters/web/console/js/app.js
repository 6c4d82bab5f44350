// The console's shell: sign-in, the menu by role, and the pages by the
// URL's fragment (#/members/MKH-..., never a token).
import { currentAdmin, hasToken, isOwner, loadMe, operatorStore, setOperatorStore, signIn, signOut, whenSignedOut } from './api.js';
import { applyI18n, setLang, t } from './i18n.js';
import { clear, errorBox, h, loading } from './ui.js';

// The menu. owner: shown to owners and operators only (staff would get
// 403 owner_only from the API). soon: a place kept for what comes next.
const PAGES = [
  { id: 'dashboard', module: './pages/dashboard.js', owner: true },
  { id: 'members', module: './pages/members.js' },
  { id: 'reservations', module: './pages/reservations.js' },
  { id: 'operations', module: './pages/operations.js' },
  { id: 'promos', module: './pages/promos.js', owner: true },
  { id: 'admins', module: './pages/admins.js', owner: true },
];

const $ = (id) => document.getElementById(id);

function visiblePages() { return PAGES.filter((p) => !p.owner || isOwner()); }

function homePage() { return isOwner() ? 'dashboard' : 'members'; }

function parseRoute() {
  const parts = (location.hash || '').replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] || homePage(), args: parts.slice(1) };
}

function renderNav(active) {
  const nav = clear($('nav'));
  for (const p of visiblePages()) {
    nav.append(h('a', {
      href: `#/${p.id}`,
      id: `nav-${p.id}`,
      class: p.id === active ? 'active' : '',
      'aria-current': p.id === active ? 'page' : false,
    }, t(`nav.${p.id}`), p.soon ? h('span', { class: 'soon' }, t('nav.soon')) : null));
  }
}

function renderTopbar() {
  const me = currentAdmin();
  const who = clear($('who'));
  if (me) who.append(h('span', { class: 'login' }, me.login || me.actor), ' ', h('span', { class: `role role-${me.role}` }, t(`role.${me.role}`)));
  const badge = clear($('store-badge'));
  if (me && me.store) {
    badge.append(me.store);
  } else if (me) {
    // An operator names the store they look at.
    const input = h('input', { id: 'store-pick', value: operatorStore(), placeholder: t('common.store_pick'), 'aria-label': t('common.store_pick'), size: 18 });
    badge.append(h('form', { class: 'store-pick', onsubmit: (e) => { e.preventDefault(); setOperatorStore(input.value.trim()); route(); } },
      input, h('button', { type: 'submit', class: 'ghost' }, t('common.open'))));
  }
}

let renderId = 0;

async function route() {
  if (!currentAdmin()) return;
  const { page, args } = parseRoute();
  const def = PAGES.find((p) => p.id === page);
  renderNav(page);
  renderTopbar();
  closeMenu();
  const view = clear($('view'));
  const mine = ++renderId;
  if (!def) {
    location.hash = `#/${homePage()}`;
    return;
  }
  if (def.owner && !isOwner()) {
    // Not in staff's menu; a typed address gets the reason, not the page.
    view.append(h('div', { class: 'forbidden', id: 'forbidden' }, errorBox({ status: 403, reason: 'owner_only' })));
    return;
  }
  view.append(loading());
  try {
    const mod = await import(def.module);
    if (mine !== renderId) return;
    clear(view);
    await mod.render(view, args, { rerender: route });
  } catch (e) {
    if (mine !== renderId) return;
    clear(view).append(errorBox(e));
  }
  view.dataset.page = page;
}

function closeMenu() {
  document.body.classList.remove('menu-open');
  $('menu-toggle').setAttribute('aria-expanded', 'false');
}

function showSignin(message) {
  $('shell').hidden = true;
  $('signin').hidden = false;
  const err = $('signin-error');
  err.hidden = !message;
  err.textContent = message || '';
  $('signin-password').value = '';
  applyI18n();
  $('signin-login').focus();
}

async function showShell() {
  $('signin').hidden = true;
  $('shell').hidden = false;
  applyI18n();
  if (!location.hash) location.hash = `#/${homePage()}`;
  await route();
}

function signinMessage(e) {
  if (e.status === 429) return t('signin.throttled', { s: e.retryAfter || 30 });
  if (e.status === 403 && e.reason === 'account_disabled') return t('signin.disabled');
  if (e.status === 401 || e.status === 400) return t('signin.wrong');
  if (e.status === 403) return t('signin.not_admin');
  return t('common.error', { m: e.message });
}

function wire() {
  $('signin-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = $('signin-submit');
    button.disabled = true;
    try {
      await signIn($('signin-login').value.trim(), $('signin-password').value);
      $('signin-password').value = '';
      location.hash = '';
      await showShell();
    } catch (e) {
      showSignin(signinMessage(e));
    } finally {
      button.disabled = false;
    }
  });
  $('signout').addEventListener('click', async () => {
    await signOut();
    location.hash = '';
    showSignin('');
  });
  $('menu-toggle').addEventListener('click', () => {
    const open = !document.body.classList.contains('menu-open');
    document.body.classList.toggle('menu-open', open);
    $('menu-toggle').setAttribute('aria-expanded', String(open));
  });
  document.querySelectorAll('[data-lang]').forEach((b) => b.addEventListener('click', () => {
    setLang(b.dataset.lang);
    applyI18n();
    if (currentAdmin()) route();
  }));
  window.addEventListener('hashchange', route);
  whenSignedOut(() => showSignin(''));
}

async function boot() {
  wire();
  applyI18n();
  if (!hasToken()) return showSignin('');
  try {
    await loadMe();
    await showShell();
  } catch {
    showSignin('');
  }
}

boot();
