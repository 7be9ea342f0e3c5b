// DOM building and formatting. Pages build elements, never HTML strings:
// route names, bodies and error messages are data, and the CSP forbids
// inline styles in markup.

const SVG = 'http://www.w3.org/2000/svg';

// h('div', {class: 'x', style: {width: '5%'}, onclick: fn}, children...).
// A tag starting with "svg:" is created in the SVG namespace.
export function h(tag, attrs, ...children) {
  const el = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'style') Object.assign(el.style, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

// Section re-renders its element only when its data changed, so a poll
// every 2 s does not reset scroll positions, selections or focus.
export class Section {
  constructor(el) { this.el = el; this.key = undefined; }
  update(data, render) {
    const key = JSON.stringify(data);
    if (key === this.key) return;
    this.key = key;
    this.el.replaceChildren(...[render(data)].flat(Infinity).filter((n) => n != null && n !== false));
  }
  reset() { this.key = undefined; }
}

// pct(25) "25%", pct(2.5) "2.5%", pct(99.874, 2) "99.87%".
export function pct(v, digits = 2) {
  if (v == null || Number.isNaN(v)) return '–';
  return Number(v).toFixed(digits).replace(/\.?0+$/, '') + '%';
}

// bp: basis points (2550) as a percent.
export const bp = (v) => pct((v || 0) / 100);

// moved is a history event's percent change, or where it stayed.
export const moved = (e) => (e.from_bp === e.to_bp ? `at ${bp(e.to_bp)}` : `${bp(e.from_bp)} → ${bp(e.to_bp)}`);

export const num = (v) => (v == null ? '–' : Number(v).toLocaleString('en-US', { maximumFractionDigits: 1 }));

export function bytes(n) {
  if (!n) return '0 B';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return n.toFixed(i ? 1 : 0) + ' ' + units[i];
}

// ago("2024-…") "12s ago" / "5m ago" / "3h ago" / "2d ago".
export function ago(iso, now = Date.now()) {
  const t = Date.parse(iso);
  if (!t) return '–';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return s + 's ago';
  if (s < 3600) return Math.floor(s / 60) + 'm ago';
  if (s < 86400) return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm ago';
  return Math.floor(s / 86400) + 'd ago';
}

export function clock(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '–' : d.toLocaleTimeString('en-GB', { hour12: false });
}

export function when(iso) {
  return h('time', { datetime: iso, title: new Date(iso).toString() }, ago(iso));
}

// goDuration("1h2m3.5s") in milliseconds: the rollout API writes Go durations.
export function goDuration(s) {
  if (!s || s === '0s') return 0;
  const units = { h: 3600e3, m: 60e3, s: 1e3, ms: 1, 'µs': 1e-3, us: 1e-3, ns: 1e-6 };
  let ms = 0;
  for (const m of s.matchAll(/([\d.]+)(h|ms|m|s|µs|us|ns)/g)) ms += parseFloat(m[1]) * units[m[2]];
  return ms;
}

// short("1h0m0s") "1h", ("24h0m0s") "24h", ("1h30m0s") "1h30m".
export const short = (s) => (s || '').replace(/(\D)0s$/, '$1').replace(/(\D)0m$/, '$1') || '0s';

// human(ms) "3h 12m", "45s".
export function human(ms) {
  const s = Math.round(ms / 1000);
  if (s < 60) return s + 's';
  if (s < 3600) return Math.floor(s / 60) + 'm ' + (s % 60) + 's';
  if (s < 86400) return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm';
  return Math.floor(s / 86400) + 'd ' + Math.floor((s % 86400) / 3600) + 'h';
}

// Match-rate colours: green from 99.5 %, amber from 95 %, red below.
export function rateClass(rate, compared) {
  if (!compared) return 'none';
  if (rate >= 99.5) return 'good';
  if (rate >= 95) return 'fair';
  return 'bad';
}

const rateIcon = { good: '✓', fair: '!', bad: '✕', none: '' };

export function rateChip(rate, compared, title) {
  const cls = rateClass(rate, compared);
  const label = compared ? pct(rate, 2) : 'no data';
  return h('span', { class: 'chip ' + cls, title: title || (compared ? `${num(compared)} pairs compared` : 'nothing compared in range') },
    rateIcon[cls] ? h('span', { 'aria-hidden': 'true' }, rateIcon[cls]) : null, label);
}

// splitBar shows legacy against new; mark, when set, is the file percent
// a rollout holds the effective one apart from.
export function splitBar(percent, { big = false, mark = null } = {}) {
  const label = `${pct(percent)} to the new service, ${pct(100 - percent)} to legacy`;
  return h('div', {},
    h('div', { class: 'split' + (big ? ' big' : ''), role: 'img', 'aria-label': label, title: label },
      h('div', { class: 'new', style: { width: percent + '%' } }),
      mark != null && mark !== percent ? h('div', { class: 'mark', style: { left: `calc(${mark}% - 1px)` }, title: `file percent ${pct(mark)}` }) : null),
    h('div', { class: 'split-labels' }, h('span', { class: 'n' }, 'new ' + pct(percent)), h('span', { class: 'l' }, 'legacy ' + pct(100 - percent))));
}

export function phasePill(phase) {
  return h('span', { class: 'pill ' + phase }, (phase || '').replace('_', ' '));
}

// typeName shortens an xDS type URL to its discovery service.
export function typeName(url) {
  const known = { Cluster: 'CDS', ClusterLoadAssignment: 'EDS', Listener: 'LDS', RouteConfiguration: 'RDS', Secret: 'SDS', ScopedRouteConfiguration: 'SRDS', VirtualHost: 'VHDS', Runtime: 'RTDS' };
  const last = (url || '').split('.').pop();
  return known[last] || last;
}

export const typeOrder = ['CDS', 'EDS', 'LDS', 'RDS'];
