// Routes page: every route in match order, readable in five seconds: how
// far it has moved, whether the new service answers like Magento, what its
// rollout does and what changed last.

import { h, Section, pct, bp, num, ago, rateChip, splitBar, phasePill, short, human, goDuration, moved } from './dom.js';
import { get, enc } from './api.js';
import { badges } from './badges.js';

const SLOW_EVERY = 5; // shadow reports and history: every 5th poll (10 s)

export function routesPage(main) {
  const table = h('div', { class: 'table-wrap' });
  main.replaceChildren(
    h('div', { class: 'pagehead' },
      h('h1', {}, 'Routes'),
      h('p', { class: 'muted' }, 'In match order: the first route that matches a request takes it; everything else stays on legacy.')),
    h('p', { class: 'legend' },
      h('span', {}, 'Shadow match over the last hour:'),
      h('span', { class: 'chip good' }, '✓ ≥ 99.5 %'), h('span', { class: 'chip fair' }, '! ≥ 95 %'),
      h('span', { class: 'chip bad' }, '✕ below 95 %'), h('span', { class: 'chip none' }, 'nothing compared')),
    table);
  const section = new Section(table);
  let slow = { shadow: {}, history: {} };
  let tick = 0;

  return async function refresh(force = false) {
    const [views, rollouts] = await Promise.all([get('/api/routes'), get('/api/rollouts', [503])]);
    if (force || tick++ % SLOW_EVERY === 0) slow = await slowData(views);
    const byRoute = Object.fromEntries((rollouts || []).map((r) => [r.route, r]));
    section.update({ views, byRoute, slow, now: Math.floor(Date.now() / 15000) }, render);
  };
}

// slowData: each shadowed route's last hour and each route's last change.
async function slowData(views) {
  const names = await get('/api/shadow', [503]);
  const withData = new Set((names && names.routes) || []);
  const shadow = {}, history = {};
  await Promise.all(views.map(async (v) => {
    const [rep, hist] = await Promise.all([
      withData.has(v.name) ? get(`/api/shadow/${enc(v.name)}?since=1h`, [503, 502]) : null,
      get(`/api/history/${enc(v.name)}?limit=1`, [503, 404]),
    ]);
    if (rep) shadow[v.name] = { compared: rep.compared, rate: rep.match_rate, fields: rep.fields.filter((f) => f.verdict.real).length };
    if (hist && hist.length) history[v.name] = hist[0];
  }));
  return { shadow, history };
}

function render({ views, byRoute, slow }) {
  if (!views.length) return h('p', { class: 'empty', style: { padding: '12px' } }, 'No route file served yet.');
  return h('table', { class: 'routes' },
    h('thead', {}, h('tr', {},
      h('th', { class: 'idx' }, '#'), h('th', {}, 'Route'), h('th', {}, 'Traffic (effective)'), h('th', {}, 'Shadow match'),
      h('th', {}, 'Rollout'), h('th', {}, 'Settings'), h('th', {}, 'Last change'))),
    h('tbody', {}, views.map((v) => row(v, byRoute[v.name], slow.shadow[v.name], slow.history[v.name]))));
}

function row(v, ro, sh, last) {
  const gate = v.rollout && v.rollout.shadow_match_min;
  return h('tr', { 'data-route': v.name },
    h('td', { class: 'idx' }, v.index + 1),
    h('td', { class: 'route' },
      h('a', { class: 'name', href: '/console/routes/' + enc(v.name) }, v.name),
      h('div', { class: 'route-sub mono' }, v.match),
      h('div', { class: 'route-sub' }, `${v.legacy} → ${v.to}`)),
    h('td', { class: 'traffic' },
      splitBar(v.percent, { mark: v.file_percent }),
      v.file_percent !== v.percent ? h('div', { class: 'note hold' }, `file says ${pct(v.file_percent)}; the rollout serves ${pct(v.percent)}`) : null),
    h('td', { class: 'match' }, shadowCell(v, sh, gate)),
    h('td', { class: 'rollout' }, rolloutCell(v, ro)),
    h('td', { class: 'settings' }, badges(v, true)),
    h('td', { class: 'last' }, lastCell(last)));
}

function shadowCell(v, sh, gate) {
  if (!v.shadow && !sh) return h('span', { class: 'muted' }, 'not shadowed');
  if (!sh || !sh.compared) return [rateChip(0, 0), h('div', { class: 'note' }, v.shadow ? `${pct(v.shadow.percent)} sampled` : '')];
  return [
    rateChip(sh.rate, sh.compared),
    h('div', { class: 'note' }, `${num(sh.compared)} compared` + (sh.fields ? ` · ${sh.fields} real diff field${sh.fields > 1 ? 's' : ''}` : '')),
    gate != null ? h('div', { class: 'note' + (sh.rate < gate ? ' hold' : '') }, `gate ≥ ${pct(gate)}`) : null,
  ];
}

export function miniSteps(ro) {
  const labels = ro.steps || [];
  return h('div', { class: 'steps', 'aria-label': `step ${ro.step + 1} of ${labels.length}` },
    labels.map((s, i) => [
      i ? h('span', { class: 'arrow', 'aria-hidden': 'true' }, '›') : null,
      h('span', { class: 's' + (i < ro.step ? ' done' : '') + (i === ro.step ? ' cur' : '') + (s === 'pause' ? ' pause' : '') }, s),
    ]));
}

function rolloutCell(v, ro) {
  if (!v.rollout) return h('span', { class: 'muted' }, 'manual (no rollout)');
  if (!ro) return h('span', { class: 'muted' }, 'rollout state unavailable');
  const parts = [phasePill(ro.phase), ' ', h('span', { class: 'mono' }, bp(ro.percent_bp)), miniSteps(ro)];
  if (ro.phase === 'progressing' || ro.phase === 'paused' || ro.phase === 'holding') {
    parts.push(h('div', { class: 'note' }, `hold ${human(goDuration(ro.hold_left))} left of ${short(ro.hold)}`));
  }
  if (ro.failures) parts.push(h('div', { class: 'note hold' }, `${ro.failures} of ${ro.failures_allowed} failed checks`));
  return parts;
}

function lastCell(ev) {
  if (!ev) return h('span', { class: 'muted' }, 'no change recorded');
  return [
    h('div', {}, h('b', {}, ev.action.replace(/_/g, ' ')), ' ', h('span', { class: 'mono' }, moved(ev))),
    h('div', { class: 'note' }, h('time', { datetime: ev.at, title: new Date(ev.at).toString() }, ago(ev.at)), ' · ', ev.who),
  ];
}
