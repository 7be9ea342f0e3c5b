// The match-rate chart: one point per minute with comparisons (the shadow
// store's buckets), the rollout's shadow_match gate as a dashed line, and
// the minute's volume as bars underneath. Plain SVG.

import { h, pct, num } from './dom.js';

const W = 760, H = 250;
const M = { l: 54, r: 16, t: 12, b: 24 };
const VOL = 34; // height of the volume strip
const GAP = 8;  // between plot and volume strip
const plotBottom = H - M.b - VOL - GAP;

// floors for the y axis: the highest one below the data and the gate, so
// a 99.8 % line does not sit flat against 100.
const floors = [99, 98, 95, 90, 80, 50, 0];

export function matchChart({ series, since, until, gate }) {
  const t0 = Date.parse(since), t1 = Date.parse(until);
  const pts = (series || []).filter((p) => p.compared > 0).map((p) => ({
    t: Date.parse(p.at), rate: (100 * p.matched) / p.compared, compared: p.compared, matched: p.matched,
  }));
  const lowest = Math.min(100, ...pts.map((p) => p.rate), gate ?? 100);
  const lo = floors.find((f) => f <= lowest - 0.2) ?? 0;
  const x = (t) => M.l + ((t - t0) / Math.max(1, t1 - t0)) * (W - M.l - M.r);
  const y = (r) => M.t + ((100 - r) / (100 - lo)) * (plotBottom - M.t);
  const maxVol = Math.max(1, ...pts.map((p) => p.compared));

  const label = pts.length
    ? `Match rate per minute: ${pts.length} minutes with comparisons, lowest ${pct(Math.min(...pts.map((p) => p.rate)))}` +
      (gate != null ? `, rollout gate ${pct(gate)}` : '')
    : 'No comparisons in this range';
  const svg = h('svg:svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label });

  // y grid and labels; the gate's own label replaces a tick too close to it
  const step = [0.25, 0.5, 1, 2, 5, 10, 20, 25].find((s) => (100 - lo) / s <= 5);
  for (let r = lo; r <= 100 + 1e-9; r += step) {
    const near = gate != null && Math.abs(y(r) - y(gate)) < 12;
    svg.append(h('svg:line', { class: 'grid-line', x1: M.l, x2: W - M.r, y1: y(r), y2: y(r) }),
      near ? null : h('svg:text', { x: M.l - 6, y: y(r) + 4, 'text-anchor': 'end' }, pct(r, 2)));
  }
  // x ticks
  for (const t of timeTicks(t0, t1)) {
    svg.append(h('svg:line', { class: 'grid-line', x1: x(t), x2: x(t), y1: M.t, y2: H - M.b }),
      h('svg:text', { x: x(t), y: H - 6, 'text-anchor': 'middle' }, tickLabel(t, t1 - t0)));
  }
  svg.append(h('svg:line', { class: 'axis', x1: M.l, x2: W - M.r, y1: plotBottom, y2: plotBottom }),
    h('svg:line', { class: 'axis', x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b }));

  // volume bars: one minute wide, at least 1.5 px
  const barW = Math.max(1.5, x(t0 + 60e3) - x(t0) - 1);
  for (const p of pts) {
    const bh = Math.max(1, (p.compared / maxVol) * VOL);
    svg.append(h('svg:rect', { class: 'vol', x: x(p.t), y: H - M.b - bh, width: barW, height: bh },
      h('svg:title', {}, `${time(p.t)}: ${num(p.compared)} compared`)));
  }

  if (gate != null) {
    svg.append(h('svg:line', { class: 'gate', x1: M.l, x2: W - M.r, y1: y(gate), y2: y(gate) }),
      h('svg:text', { class: 'gate-label', x: M.l - 6, y: y(gate) + 4, 'text-anchor': 'end' }, pct(gate, 2),
        h('svg:title', {}, `rollout gate: shadow match ≥ ${pct(gate)}`)));
  }

  // the line: solid across consecutive minutes, dotted across gaps
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1], b = pts[i];
    svg.append(h('svg:line', { class: b.t - a.t > 60e3 ? 'gap' : 'line', x1: x(a.t + 30e3), y1: y(a.rate), x2: x(b.t + 30e3), y2: y(b.rate) }));
  }
  for (const p of pts) {
    const below = gate != null ? p.rate < gate : p.rate < 99.5;
    svg.append(h('svg:circle', { class: 'pt' + (below ? ' below' : ''), cx: x(p.t + 30e3), cy: y(p.rate), r: pts.length > 120 ? 1.5 : 3 },
      h('svg:title', {}, `${time(p.t)}: ${pct(p.rate)} (${num(p.matched)} of ${num(p.compared)} matched)`)));
  }
  if (!pts.length) {
    svg.append(h('svg:text', { class: 'empty', x: (M.l + W - M.r) / 2, y: (M.t + plotBottom) / 2, 'text-anchor': 'middle' },
      'No comparisons in this range'));
  }
  return svg;
}

const steps = [1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * 60e3);

function timeTicks(t0, t1) {
  const step = steps.find((s) => (t1 - t0) / s <= 7) || steps[steps.length - 1];
  const out = [];
  // align to the step in local time
  const offset = new Date(t0).getTimezoneOffset() * 60e3;
  for (let t = Math.ceil((t0 - offset) / step) * step + offset; t <= t1; t += step) out.push(t);
  return out;
}

function tickLabel(t, span) {
  const d = new Date(t);
  const hm = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false });
  return span > 36 * 3600e3 ? d.toLocaleDateString('en-GB', { weekday: 'short' }) + ' ' + hm : hm;
}

const time = (t) => new Date(t).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false });
