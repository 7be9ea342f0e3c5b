// The console's shell: picks the page from the path, keeps the header's
// summary and token form, and polls the admin API every 2 s so the page
// follows the control plane without reloading.

import { h, clock, ago } from './dom.js';
import { get, session, APIError } from './api.js';
import { routesPage } from './routes.js';
import { routePage } from './route.js';
import { nodesPage } from './nodes.js';

const POLL_MS = 2000;

function pageFor(path, main) {
  const m = path.match(/^\/console\/routes\/([^/]+)$/);
  if (m) {
    const name = decodeURIComponent(m[1]);
    document.title = `${name} · strangler console`;
    return { nav: 'routes', refresh: routePage(main, name) };
  }
  if (path === '/console/nodes') {
    document.title = 'Envoy nodes · strangler console';
    return { nav: 'nodes', refresh: nodesPage(main) };
  }
  document.title = 'Routes · strangler console';
  return { nav: 'routes', refresh: routesPage(main) };
}

function tokenForm() {
  const form = document.getElementById('token-form');
  const set = document.getElementById('token-set');
  const show = () => { const has = !!session.token(); form.hidden = has; set.hidden = !has; };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const input = document.getElementById('token');
    session.setToken(input.value.trim());
    input.value = '';
    show();
    // A refusal for want of the token is answered now.
    for (const el of document.querySelectorAll('.action-error[data-status="401"], .action-error[data-status="403"]')) el.remove();
  });
  document.getElementById('token-forget').addEventListener('click', () => { session.setToken(''); show(); });
  show();
}

async function summary() {
  const st = await get('/api/status', [501]);
  const el = document.getElementById('summary');
  const banner = document.getElementById('banner');
  if (!st) { el.replaceChildren(h('span', {}, 'no control plane in this process')); return; }
  const c = st.nodes;
  el.replaceChildren(
    h('span', {}, 'Envoys ', h('b', {}, `${c.connected}/${c.total}`), ' connected'),
    h('span', { class: c.current < c.connected ? 'warn' : '' }, h('b', {}, c.current), ' current'),
    st.last_error ? h('span', { class: 'warn' }, 'route file rejected') : h('span', {}, st.ready ? 'config served' : 'no config served yet'));
  banner.hidden = !st.last_error;
  if (st.last_error) {
    banner.replaceChildren(`The last route file was rejected ${ago(st.last_error.at)}; Envoys keep the last good configuration. `,
      h('code', {}, st.last_error.message));
  }
}

function main() {
  const mainEl = document.getElementById('main');
  const page = pageFor(location.pathname, mainEl);
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === page.nav) a.setAttribute('aria-current', 'page');
  }
  tokenForm();
  const live = document.getElementById('live');
  let busy = false;
  const tick = async () => {
    if (busy) return; // a slow control plane is not hammered by overlapping polls
    busy = true;
    try {
      await Promise.all([page.refresh(), summary()]);
      live.className = 'live';
      live.textContent = 'live · ' + clock(new Date().toISOString());
      document.body.dataset.updated = String(Date.now());
    } catch (e) {
      live.className = 'live off';
      live.textContent = 'offline · retrying';
      live.title = e instanceof APIError ? e.describe() : String(e);
      console.error(e);
    } finally {
      busy = false;
    }
  };
  tick();
  setInterval(tick, POLL_MS);
}

main();
