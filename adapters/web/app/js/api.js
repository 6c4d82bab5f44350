// The REST API of the same origin, with the member's tokens
// (docs/rest-api-auth.md, docs/member-app.md "Tokens"):
//   - the access token (15 minutes) lives in this module's memory only:
//     never in storage, never in a URL;
//   - the refresh token (used once, then replaced) is kept in localStorage
//     so that the installed app stays logged in when reopened; the page's
//     CSP lets no script but ours run, which is what keeps it ours;
//   - a refresh runs under a Web Lock, so that two tabs never present the
//     same refresh token (the server would end the login, as it must for a
//     stolen copy).
const REFRESH = 'setia.refresh';
const EARLY_MS = 30_000; // refresh this long before the access token ends

let access = null;
let accessEnds = 0;

export class ApiError extends Error {
  constructor(status, code, reason, message, retryAfter) {
    super(message || code || String(status));
    this.status = status;
    this.code = code || '';
    this.reason = reason || '';
    this.retryAfter = retryAfter;
  }
}

export function loggedIn() {
  return Boolean(access || localStorage.getItem(REFRESH));
}

function keep(session) {
  access = session.token;
  accessEnds = Date.parse(session.expires_at) || Date.now() + 60_000;
  if (session.refresh_token) localStorage.setItem(REFRESH, session.refresh_token);
}

// Forgets the tokens held here (the server may still know them).
export function forget() {
  access = null;
  accessEnds = 0;
  localStorage.removeItem(REFRESH);
}

async function send(method, path, body, token) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = 'Bearer ' + token;
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new ApiError(0, 'offline');
  }
}

async function errorOf(res) {
  let e = {};
  try {
    e = (await res.json()).error || {};
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  return new ApiError(res.status, e.code, e.reason, e.message, res.headers.get('Retry-After'));
}

async function refresh(stale) {
  const run = async () => {
    // Another call (or tab) refreshed while this one waited for the lock.
    if (access && access !== stale && Date.now() < accessEnds - EARLY_MS) return access;
    const rt = localStorage.getItem(REFRESH);
    if (!rt) return null;
    const res = await send('POST', '/v1/auth/refresh', { refresh_token: rt });
    if (!res.ok) {
      const e = await errorOf(res);
      if (res.status === 401 || res.status === 400) forget();
      throw e;
    }
    keep(await res.json());
    return access;
  };
  return navigator.locks ? navigator.locks.request('setia-refresh', run) : run();
}

async function token() {
  if (access && Date.now() < accessEnds - EARLY_MS) return access;
  return refresh(access);
}

// A call with the member's token; one refresh and retry on a 401.
async function authed(method, path, body) {
  let tok = await token();
  if (!tok) throw new ApiError(401, 'unauthenticated');
  let res = await send(method, path, body, tok);
  if (res.status === 401 && localStorage.getItem(REFRESH)) {
    tok = await refresh(tok);
    if (tok) res = await send(method, path, body, tok);
  }
  if (!res.ok) {
    const e = await errorOf(res);
    if (res.status === 401) forget();
    throw e;
  }
  return res;
}

export async function get(path) {
  return (await authed('GET', path)).json();
}

export async function post(path, body = {}) {
  const res = await authed('POST', path, body);
  return res.status === 204 ? null : res.json();
}

export async function patch(path, body) {
  return (await authed('PATCH', path, body)).json();
}

export async function del(path, body) {
  const res = await authed('DELETE', path, body);
  return res.status === 204 ? null : res.json();
}

// An image or file fetched with the token, as a Blob (the QR codes and the
// export: the token goes in the header, never in an <img src> URL).
export async function blob(path) {
  return (await authed('GET', path)).blob();
}

// Requests without a token: the store's look, login, registration.
export async function open(method, path, body) {
  const res = await send(method, path, body);
  if (!res.ok) throw await errorOf(res);
  return res.json();
}

export async function login(fields) {
  keep(await open('POST', '/v1/auth/login', { ...fields, refresh: true }));
}

export async function register(fields) {
  const s = await open('POST', '/v1/auth/register', { ...fields, refresh: true });
  keep(s);
  return s.member;
}

// Ends this login on the server too; offline, it is forgotten here.
export async function logout() {
  try {
    if (access) await send('DELETE', '/v1/auth/token', undefined, access);
  } finally {
    forget();
  }
}
