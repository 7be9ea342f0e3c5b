// A route's rate limits and cache: the settings from the route view and
// the counters since the process started (GET /console/api/figures/…).

import { h, pct, num, bytes, short } from './dom.js';

export function edgeFigures(v, figs) {
  const missing = (figs && figs.missing) || {};
  return [
    h('h3', {}, 'Rate limits'),
    limitsView(v, figs && figs.ratelimit, missing.ratelimit),
    h('h3', {}, 'Edge cache'),
    cacheView(v, figs && figs.cache, missing.cache),
    h('p', { class: 'note' }, 'Counters since this control plane process started.'),
  ];
}

const decisions = [['ok', 'ok'], ['over_limit', 'rejected'], ['shadow_over_limit', 'would reject'], ['error_allow', 'Redis error, allowed'], ['error_deny', 'Redis error, denied']];

function limitsView(v, rl, why) {
  const limits = v.limits || [];
  if (!limits.length) return h('p', { class: 'empty' }, 'No rate limit applies to this route.');
  return [
    h('table', { class: 'limits' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Limit'), h('th', {}, 'Per'), h('th', { class: 'num' }, 'Burst'),
        ...decisions.slice(0, 3).map(([, label]) => h('th', { class: 'num' }, label)), h('th', { class: 'num' }, 'errors'))),
      h('tbody', {}, limits.map((l) => {
        const c = rl && rl.limits[l.id];
        const cell = (k, cls) => h('td', { class: 'num ' + cls }, c ? num(c[k] || 0) : '–');
        return h('tr', { 'data-limit': l.id },
          h('td', {}, h('b', {}, l.rate), ' ', l.shadow ? h('span', { class: 'badge', title: 'counted and reported, never rejects' }, 'shadow') : null,
            l.id.startsWith('_default#') ? h('span', { class: 'badge', title: 'the file’s default limit, shared by every route without limits of its own' }, 'default') : null),
          h('td', { class: 'mono' }, l.per), h('td', { class: 'num' }, num(l.burst)),
          cell('ok', 'ok'), cell('over_limit', 'over'), cell('shadow_over_limit', 'shadow-over'),
          h('td', { class: 'num errors' }, c ? num((c.error_allow || 0) + (c.error_deny || 0)) : '–'));
      }))),
    limits.some((l) => l.id.startsWith('_default#')) ? h('p', { class: 'note' }, 'A default limit is the file’s, shared by every route without limits of its own: its counts are theirs together.') : null,
    rl ? null : h('p', { class: 'note' }, 'Decision counts not available: ' + (why || 'unknown reason')),
  ];
}

function cacheView(v, c, why) {
  if (!v.cache) return h('p', { class: 'empty' }, 'Not cached at the edge.');
  const p = v.cache;
  return [
    h('dl', { class: 'kv' },
      h('dt', {}, 'Policy'), h('dd', {}, `ttl ${short(p.ttl)}` +
        (p.stale_while_revalidate ? ` · stale-while-revalidate ${short(p.stale_while_revalidate)}` : '') +
        (p.stale_if_error ? ` · stale-if-error ${short(p.stale_if_error)}` : '') +
        (p.negative_ttl ? ` · 404/410 ${short(p.negative_ttl)}` : '')),
      p.vary ? [h('dt', {}, 'Vary'), h('dd', { class: 'mono' }, p.vary.join(', '))] : null,
      p.bypass ? [h('dt', {}, 'Bypass'), h('dd', { class: 'mono' }, p.bypass.join(', '))] : null),
    c ? h('div', { class: 'stats cache-stats' },
      h('div', { class: 'stat', 'data-stat': 'ratio' }, h('b', {}, c.hit_ratio == null ? '–' : pct(c.hit_ratio, 1)), h('span', {}, 'answered from cache')),
      ...['hit', 'stale', 'miss', 'pass', 'bypass', 'error'].map((k) => h('div', { class: 'stat', 'data-stat': k }, h('b', {}, num(c.requests[k] || 0)), h('span', {}, k))),
      h('div', { class: 'stat' }, h('b', {}, `${num(c.stores)} · ${bytes(c.stored_bytes)}`), h('span', {}, 'stored')))
      : h('p', { class: 'note' }, 'Cache counters not available: ' + (why || 'unknown reason')),
  ];
}
