// A route's settings as badges: stickiness, fallback, preview header,
// shadow share, rate limits and cache.

import { h, pct, short } from './dom.js';

export function badges(v, compact) {
  const b = (cls, label, value, title) => h('span', { class: 'badge ' + cls, title: title || '' }, h('b', {}, label), value ? ' ' + value : '');
  const out = [];
  if (v.sticky) out.push(b('sticky', 'sticky', v.sticky, 'a user stays on one side: decided by this ' + v.sticky.split(':')[0]));
  if (v.fallback) out.push(b('fallback', 'fallback', '', `a failing ${v.to} is retried on ${v.legacy}`));
  if (v.preview_header) out.push(b('preview', 'preview', v.preview_header, `header ${v.preview_header}: new or legacy forces a side`));
  if (v.shadow) out.push(b('shadow', 'shadow', pct(v.shadow.percent), `${pct(v.shadow.percent)} of requests compared; noise sample ${pct(v.shadow.noise_percent)}`));
  const limits = v.limits || [];
  if (limits.length) {
    const text = limits.map((l) => `${l.rate} per ${l.per}${l.shadow ? ' (shadow)' : ''}`).join(', ');
    const shared = limits.every((l) => l.id.startsWith('_default#'));
    out.push(b('limit', 'limit', compact && limits.length > 1 ? `${limits.length} limits` : text, (shared ? 'file defaults: ' : '') + text));
  }
  if (v.cache) out.push(b('cache', 'cache', short(v.cache.ttl), cacheTitle(v.cache)));
  if (!out.length) return h('span', { class: 'muted' }, 'none');
  return h('div', { class: 'badges' }, out);
}

function cacheTitle(c) {
  const parts = [`ttl ${short(c.ttl)}`];
  if (c.stale_while_revalidate) parts.push(`stale-while-revalidate ${short(c.stale_while_revalidate)}`);
  if (c.stale_if_error) parts.push(`stale-if-error ${short(c.stale_if_error)}`);
  if (c.negative_ttl) parts.push(`404/410 for ${short(c.negative_ttl)}`);
  if (c.vary) parts.push('vary ' + c.vary.join(', '));
  if (c.bypass) parts.push('bypass ' + c.bypass.join(', '));
  return parts.join(' · ');
}
