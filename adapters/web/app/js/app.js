// The member's app: the shell (the café's look, the tabs, the router) and
// the screens before login and the home card. The other screens are in
// screens.js. Served by setiad at /app/ (docs/member-app.md).
import * as api from './api.js';
import { t, setLanguage, language, day } from './i18n.js';
import { h, field, busy, toast, message, revokeUrls } from './ui.js';
import { screens } from './screens.js';

const STORE = 'setia.store';
const CARD = 'setia.card'; // the last member card shown, for offline (see home())
const BRAND = 'setia.branding';

const main = () => document.getElementById('main');

// The store comes from the café's link or table QR (/app/?store=ID) and is
// remembered, so that the installed app (started at /app/) knows it.
function store() {
  const fromUrl = new URLSearchParams(location.search).get('store');
  if (fromUrl && /^[a-z0-9][a-z0-9-]{0,62}$/.test(fromUrl)) localStorage.setItem(STORE, fromUrl);
  return localStorage.getItem(STORE) || '';
}

function applyBranding(b) {
  const root = document.documentElement.style;
  // CSSOM, not a style attribute: allowed under the CSP without 'unsafe-inline'.
  if (/^#[0-9a-fA-F]{6}$/.test(b.primary)) root.setProperty('--primary', b.primary);
  if (/^#[0-9a-fA-F]{6}$/.test(b.accent)) root.setProperty('--accent', b.accent);
  document.querySelector('meta[name="theme-color"]').content = b.primary || '#6d4c41';
  document.getElementById('brand-name').textContent = b.name;
  document.title = `${b.name} · ${t('appTitle')}`;
  const logo = document.getElementById('brand-logo');
  if (b.logo && b.logo.startsWith('data:image/')) {
    logo.src = b.logo;
    logo.hidden = false;
  } else {
    logo.hidden = true;
  }
}

async function loadBranding(id) {
  // The café's own manifest: installed, the app has its name, colour and
  // icon, and starts at its store (GET /v1/stores/{store}/manifest.webmanifest).
  if (id) document.querySelector('link[rel="manifest"]').href = `/v1/stores/${encodeURIComponent(id)}/manifest.webmanifest`;
  const cached = JSON.parse(localStorage.getItem(BRAND) || 'null');
  if (cached && cached.store === id) applyBranding(cached);
  if (!id) return null;
  try {
    const b = await api.open('GET', `/v1/stores/${encodeURIComponent(id)}/branding`);
    localStorage.setItem(BRAND, JSON.stringify(b));
    applyBranding(b);
    return b;
  } catch (e) {
    if (e.status === 404) return false;
    return cached; // offline: the last look
  }
}

// ---- screens before login ----

function storeField() {
  return store() ? null : field(t('storeField'), { name: 'store', required: true, autocomplete: 'off', pattern: '[a-z0-9][a-z0-9-]{0,62}' });
}

async function chosenStore(form) {
  const typed = form.elements.store?.value.trim().toLowerCase();
  if (typed) {
    if ((await loadBranding(typed)) === false) throw new Error(t('unknownStore'));
    localStorage.setItem(STORE, typed);
  }
  return store();
}

function loginScreen() {
  const submit = h('button.primary#login-submit', { type: 'submit' }, t('login'));
  const form = h('form.card#login-form',
    h('h2', t('loginTitle')),
    storeField(),
    field(t('loginField'), { name: 'login', required: true, autocomplete: 'username' }),
    field(t('password'), { name: 'password', type: 'password', required: true, autocomplete: 'current-password' }),
    submit,
    h('p', h('a#to-register', { href: '#/register' }, t('noAccount'))));
  form.addEventListener('submit', busy(submit, async () => {
    const s = await chosenStore(form).catch((e) => toast(e.message, true));
    if (s === undefined) return;
    try {
      await api.login({ login: form.elements.login.value.trim(), password: form.elements.password.value, store: s || undefined });
    } catch (e) {
      if (e.status === 401) return toast(t('err_bad_login'), true);
      throw e;
    }
    go('#/home');
  }));
  return form;
}

function registerScreen() {
  const submit = h('button.primary#register-submit', { type: 'submit' }, t('register'));
  const form = h('form.card#register-form',
    h('h2', t('registerTitle')),
    storeField(),
    field(t('name'), { name: 'name', required: true, maxLength: 100, autocomplete: 'name' }),
    field(t('email'), { name: 'email', type: 'email', autocomplete: 'email' }),
    field(t('phone'), { name: 'phone', type: 'tel', required: true, autocomplete: 'tel', placeholder: '0812…' }),
    field(t('birthDate'), { name: 'birth_date', type: 'date', autocomplete: 'bday' }),
    field(t('password'), { name: 'password', type: 'password', required: true, minLength: 8, autocomplete: 'new-password', placeholder: t('passwordHint') }),
    h('label.check', h('input', { type: 'checkbox', name: 'promo' }), h('span', t('promoConsent'))),
    submit,
    h('p', h('a#to-login', { href: '#/login' }, t('haveAccount'))));
  form.addEventListener('submit', busy(submit, async () => {
    const s = await chosenStore(form).catch((e) => toast(e.message, true));
    if (!s) return s === undefined ? undefined : toast(t('storeMissing'), true);
    const f = form.elements;
    await api.register({
      store: s,
      name: f.name.value.trim(),
      email: f.email.value.trim() || undefined,
      phone: f.phone.value.trim(),
      birth_date: f.birth_date.value || undefined,
      password: f.password.value,
      promo_pushes: f.promo.checked,
    });
    go('#/home');
  }));
  return form;
}

// ---- home: the member card ----

function blobToDataUrl(b) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = reject;
    r.readAsDataURL(b);
  });
}

function cardView(c, offline) {
  return h('section.member-card#member-card',
    offline ? h('p.offline#offline-note', `${t('offlineCard')} (${t('savedAt')} ${new Date(c.at).toLocaleString(language() === 'en' ? 'en-GB' : 'id-ID')})`) : null,
    h('p.member-name', c.name),
    h('img.qr#member-qr', { src: c.qr, alt: c.code, width: 264, height: 264 }),
    h('p.member-code#member-code', c.code),
    h('p.hint', t('showToCashier')),
    h('p.balance', h('span', t('points') + ' : '), h('strong#points', String(c.points))));
}

// The next reward within reach: the cheapest the balance covers, or the
// cheapest above it with how many points are missing (the paper's
// "Point : 0/10000").
function nextReward(points, rewards) {
  const open = rewards.filter((r) => r.remaining === null || r.remaining === undefined || r.remaining > 0).sort((a, b) => a.cost - b.cost);
  if (!open.length) return h('p.muted', t('noRewards'));
  const reachable = open.filter((r) => r.cost <= points);
  const target = reachable.length ? reachable[reachable.length - 1] : open[0];
  const text = reachable.length ? t('canRedeem', { title: target.title }) : t('nextReward', { need: target.cost - points, title: target.title });
  return h('a.next-reward#next-reward', { href: '#/rewards' },
    h('span', `${t('points')} : ${points}/${target.cost}`),
    h('progress', { max: target.cost, value: Math.min(points, target.cost) }),
    h('span', text));
}

async function home() {
  const root = h('div');
  const cached = JSON.parse(localStorage.getItem(CARD) || 'null');
  if (cached) root.append(cardView(cached, false));
  else root.append(h('p.muted', t('loading')));
  (async () => {
    try {
      const [me, qr, rewards] = await Promise.all([api.get('/v1/me'), api.blob('/v1/me/qr.png?scale=8'), api.get('/v1/rewards')]);
      if (me.language && me.language !== language()) setLanguage(me.language);
      if (me.store && me.store !== localStorage.getItem(STORE)) {
        localStorage.setItem(STORE, me.store);
        loadBranding(me.store);
      }
      // Kept for offline: the name, code, balance and the QR as a data URL.
      // The QR holds the member code the cashier scans, not a token.
      const card = { store: me.store, name: me.name, code: me.code, points: me.points, qr: await blobToDataUrl(qr), at: Date.now() };
      localStorage.setItem(CARD, JSON.stringify(card));
      root.replaceChildren(h('div', cardView(card, false),
        me.points_expiring ? h('p.expiring', t('pointsExpiring', { points: me.points_expiring.points, on: day(me.points_expiring.on) })) : null,
        nextReward(me.points, rewards.items)));
    } catch (e) {
      if (e.status === 0 && cached) {
        root.replaceChildren(cardView(cached, true));
      } else if (e.status === 401) {
        go('#/login');
      } else {
        root.append(h('p.error', message(e)));
      }
    }
  })();
  return root;
}

// ---- the shell ----

const tabs = ['home', 'promos', 'rewards', 'vouchers', 'reservations', 'history', 'profile'];

function nav(screen) {
  const current = screen === 'enota' ? 'history' : screen || 'home';
  const el = document.getElementById('tabs');
  el.replaceChildren(...tabs.map((name) => h('a', { href: '#/' + name, id: 'tab-' + name, className: name === current ? 'active' : '', 'aria-current': name === current ? 'page' : undefined }, t(name))));
  el.hidden = !api.loggedIn();
  // A phone shows four or five tabs: keep the current one in sight.
  const active = el.querySelector('.active');
  if (active && !el.hidden) el.scrollLeft = active.offsetLeft - (el.clientWidth - active.offsetWidth) / 2;
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

export function clearCard() {
  localStorage.removeItem(CARD);
}

async function route() {
  revokeUrls();
  const [name, arg] = location.hash.replace(/^#\/?/, '').split('/');
  const open = name === 'login' || name === 'register';
  // Offline with a saved card, the home screen shows it even when the
  // access token cannot be renewed now.
  if (!api.loggedIn() && !open) return go(localStorage.getItem(STORE) ? '#/register' : '#/login');
  if (api.loggedIn() && open) return go('#/home');
  nav(name);
  let view;
  try {
    if (name === 'login') view = loginScreen();
    else if (name === 'register') view = registerScreen();
    else if (name === 'home' || !name) view = await home();
    else if (screens[name]) view = await screens[name](arg);
    else view = await home();
  } catch (e) {
    if (e.status === 401) return go('#/login');
    view = h('p.error', message(e));
  }
  main().replaceChildren(view);
  window.scrollTo(0, 0);
}

function languageSwitch() {
  const b = document.getElementById('lang');
  const label = () => { b.textContent = language() === 'en' ? 'ID' : 'EN'; };
  label();
  b.addEventListener('click', () => {
    setLanguage(language() === 'en' ? 'id' : 'en');
    label();
    route();
  });
}

async function start() {
  setLanguage(language());
  languageSwitch();
  const s = store();
  const b = await loadBranding(s);
  if (b === false) toast(t('unknownStore'), true);
  if (!s && !api.loggedIn()) toast(t('storeMissing'));
  window.addEventListener('hashchange', route);
  route();
  // The shell offline (sw.js); a failure here costs only offline use.
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('sw.js').catch(() => {});
}

start();
