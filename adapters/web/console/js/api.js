// The console's one way to the REST API (same origin, docs/openapi.yaml).
//
// The admin's token (POST /v1/admin/login: 12 hours, no refresh token) is
// kept in this module's memory and in sessionStorage, so that a reload of
// the tab keeps the admin signed in and closing the tab ends it. It never
// goes into a URL or a cookie: it travels only in the Authorization header
// this module adds, which a browser never sends on its own, so a page of
// another site cannot make requests in the admin's name (docs/console.md).

const TOKEN_KEY = 'setia.console.token';
const STORE_KEY = 'setia.console.store';

let token = null;
try { token = sessionStorage.getItem(TOKEN_KEY); } catch { token = null; }
let onSignedOut = () => {};

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || '';
    this.reason = e.reason || '';
    this.retryAfter = 0;
  }
}

export function hasToken() { return Boolean(token); }

export function whenSignedOut(fn) { onSignedOut = fn; }

function keep(t) {
  token = t;
  try {
    if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY);
  } catch { /* memory only */ }
}

// The store an operator (an admin of every store) works on; a store's own
// admins never need it.
export function operatorStore() {
  try { return sessionStorage.getItem(STORE_KEY) || ''; } catch { return ''; }
}
export function setOperatorStore(s) {
  try { sessionStorage.setItem(STORE_KEY, s); } catch { /* ignored */ }
}

let me = null;
export function currentAdmin() { return me; }

async function request(method, path, body, { auth = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth && token) headers.Authorization = `Bearer ${token}`;
  let url = path;
  if (auth && me && me.store === null && operatorStore()) {
    url += (url.includes('?') ? '&' : '?') + 'store=' + encodeURIComponent(operatorStore());
  }
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
    redirect: 'error',
  });
  const text = await res.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = null; }
  }
  if (res.status === 401 && auth) {
    keep(null);
    me = null;
    onSignedOut();
  }
  return { res, json };
}

async function call(method, path, body, opts = {}) {
  const { res, json } = await request(method, path, body, opts);
  if (!res.ok) {
    const err = new ApiError(res.status, json);
    err.retryAfter = Number(res.headers.get('Retry-After') || 0);
    throw err;
  }
  return json;
}

export const api = {
  get: (path) => call('GET', path),
  post: (path, body = {}) => call('POST', path, body),
  patch: (path, body = {}) => call('PATCH', path, body),
  put: (path, body = {}) => call('PUT', path, body),
  del: (path) => call('DELETE', path),
  // The whole answer, for a caller that reads an error's body itself (the
  // rules' 422 lists errors[] beside error{}): {status, ok, body}.
  raw: async (method, path, body) => {
    const { res, json } = await request(method, path, body);
    if (res.status === 401) throw new ApiError(401, json);
    return { status: res.status, ok: res.ok, body: json };
  },
};

export async function signIn(login, password) {
  const r = await call('POST', '/v1/admin/login', { login, password }, { auth: false });
  keep(r.token);
  return loadMe();
}

export async function loadMe() {
  me = await call('GET', '/v1/admin/me');
  return me;
}

export async function signOut() {
  if (token) {
    try { await call('DELETE', '/v1/auth/token'); } catch { /* ends here either way */ }
  }
  keep(null);
  me = null;
}

// Owners and operators see the owner's pages; staff do not (the API
// refuses them anyway: 403 owner_only).
export function isOwner() { return Boolean(me) && me.role !== 'staff'; }
