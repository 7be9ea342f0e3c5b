// The admin API, as the console calls it. The token lives in
// sessionStorage: typed once per tab, gone when the tab closes.

const TOKEN = 'strangler.token';
const WHO = 'strangler.who';

export const session = {
  token: () => sessionStorage.getItem(TOKEN) || '',
  setToken: (t) => (t ? sessionStorage.setItem(TOKEN, t) : sessionStorage.removeItem(TOKEN)),
  who: () => sessionStorage.getItem(WHO) || '',
  setWho: (w) => (w ? sessionStorage.setItem(WHO, w) : sessionStorage.removeItem(WHO)),
};

export class APIError extends Error {
  constructor(status, message, path) {
    super(message);
    this.status = status;
    this.path = path;
  }
  // describe is what the console shows: the status and the server's reason.
  describe() {
    const names = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found', 409: 'Conflict', 422: 'Refused', 503: 'Unavailable' };
    const code = this.status ? `${this.status} ${names[this.status] || ''}`.trim() : 'Network error';
    return `${code}: ${this.message}`;
  }
}

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const t = session.token();
  if (method !== 'GET' && t) headers.Authorization = 'Bearer ' + t;
  let resp;
  try {
    resp = await fetch(path, { method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new APIError(0, 'the control plane is unreachable (' + e.message + ')', path);
  }
  let data = null;
  try { data = await resp.json(); } catch { /* not JSON: the status says enough */ }
  if (!resp.ok) throw new APIError(resp.status, (data && data.error) || resp.statusText, path);
  return data;
}

// get answers null for the statuses in absent (say 404: no rollout, 503:
// no Redis yet) instead of failing the whole refresh.
export async function get(path, absent = []) {
  try {
    return await call('GET', path);
  } catch (e) {
    if (e instanceof APIError && absent.includes(e.status)) return null;
    throw e;
  }
}

export const post = (path, body) => call('POST', path, body);

export const enc = encodeURIComponent;
