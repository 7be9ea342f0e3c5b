// The route page's shadow comparison: the figures and the match-rate
// chart, and the fields that differ (real ones apart from noise) with the
// sample to show side by side.

import { h, pct, num, rateChip } from './dom.js';
import { matchChart } from './chart.js';

export function chartView(rep, gate, v) {
  if (!rep) return h('p', { class: 'empty' }, 'No shadow data: the control plane has no Redis yet.');
  if (!v.shadow && !rep.compared) {
    return h('p', { class: 'empty' }, 'This route is not shadowed: add a shadow block to its route entry to compare the new service with Magento before moving traffic.');
  }
  const l = rep.latency || {};
  const nc = Object.entries(rep.not_comparable || {}).filter(([, n]) => n > 0);
  return [
    h('div', { class: 'stats' },
      h('div', { class: 'stat' }, rateChip(rep.match_rate, rep.compared), h('span', {}, 'match rate')),
      h('div', { class: 'stat' }, h('b', {}, num(rep.compared)), h('span', {}, 'compared')),
      h('div', { class: 'stat' }, h('b', {}, num(rep.differing)), h('span', {}, 'differing')),
      h('div', { class: 'stat' }, h('b', {}, num(nc.reduce((a, [, n]) => a + n, 0))), h('span', { title: nc.map(([k, n]) => `${k}: ${n}`).join(', ') }, 'not comparable')),
      latencyStat('legacy p50 / p99', l.legacy), latencyStat('new p50 / p99', l.new),
      h('div', { class: 'stat' }, h('b', {}, `${num(rep.new_errors_5xx)} / ${num(rep.new_requests)}`), h('span', {}, 'new 5xx / answers'))),
    matchChart({ series: rep.series, since: rep.since, until: rep.until, gate }),
    h('div', { class: 'legend' },
      h('span', {}, h('i', { 'aria-hidden': 'true' }), 'match rate per minute'),
      gate != null ? h('span', {}, h('i', { class: 'gate', 'aria-hidden': 'true' }), `rollout gate (shadow_match ≥ ${pct(gate)})`) : h('span', {}, 'no shadow_match gate'),
      h('span', {}, h('i', { class: 'vol', 'aria-hidden': 'true' }), 'pairs compared per minute'),
      !v.shadow ? h('span', {}, 'no longer shadowed in the route file') : null,
      nc.length ? h('span', {}, 'not comparable: ' + nc.map(([k, n]) => `${k.replace('_', ' ')} ${num(n)}`).join(', ')) : null),
  ];
}

function latencyStat(label, l) {
  const ms = (v) => (v >= 100 ? Math.round(v) : Number(v.toFixed(1))) + ' ms';
  return h('div', { class: 'stat' }, h('b', {}, l && l.count ? `${ms(l.p50_ms)} / ${ms(l.p99_ms)}` : '–'), h('span', {}, label));
}

export function fieldsView(rep, st, select) {
  const fs = (rep && rep.fields) || [];
  if (!fs.length) return h('p', { class: 'empty' }, rep && rep.compared ? 'No field differs: every compared pair matched.' : 'Nothing compared in this range.');
  const real = fs.filter((f) => f.verdict.real), noise = fs.filter((f) => !f.verdict.real);
  const table = (rows) => h('table', { class: 'fields' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Field'), h('th', {}, 'Endpoint'), h('th', { class: 'num' }, 'Differs'), h('th', { class: 'num' }, 'Noise'), h('th', {}, 'Kinds'), h('th', {}, 'Sample'))),
    h('tbody', {}, rows.map((f) => {
      const on = st.sel && st.sel.ep === f.endpoint && st.sel.tpl === f.template;
      return h('tr', { class: on ? 'selected' : '' },
        h('td', {}, h('code', {}, f.template)),
        h('td', { class: 'mono' }, f.endpoint),
        h('td', { class: 'num', title: `${f.raw} pairs` }, pct(f.verdict.raw_rate)),
        h('td', { class: 'num', title: `${f.noise} legacy-vs-legacy pairs` }, pct(f.verdict.noise_rate)),
        h('td', {}, Object.entries(f.kinds || {}).map(([k, n]) => `${k.replace('_', ' ')} ×${n}`).join(', ')),
        h('td', {}, f.samples.length
          ? h('button', { type: 'button', class: on ? 'on' : '', 'aria-pressed': String(!!on), onclick: () => { st.sel = { ep: f.endpoint, tpl: f.template, i: 0 }; select(); } }, on ? 'shown' : `view (${f.samples.length})`)
          : h('span', { class: 'muted' }, 'none')));
    })));
  return [
    h('h3', {}, h('span', { class: 'pill real' }, 'real'), ` ${real.length} field${real.length === 1 ? '' : 's'} where the new service differs from Magento more than Magento differs from itself`),
    real.length ? table(real) : h('p', { class: 'empty' }, 'None: every difference is within noise.'),
    h('h3', {}, h('span', { class: 'pill noise' }, 'noise'), ` ${noise.length} field${noise.length === 1 ? ' that differs' : 's that differ'} about as often between two Magento answers (timestamps, ids): not held against the new service`),
    noise.length ? table(noise) : h('p', { class: 'empty' }, 'None.'),
  ];
}

// pickSample is the selected field's sample, or the first real field's.
export function pickSample(rep, st) {
  const fs = ((rep && rep.fields) || []).filter((f) => f.samples.length);
  if (!fs.length) return null;
  let f = st.sel && fs.find((x) => x.endpoint === st.sel.ep && x.template === st.sel.tpl);
  if (!f) {
    f = fs[0];
    st.sel = { ep: f.endpoint, tpl: f.template, i: 0 };
  }
  const i = Math.min(st.sel.i || 0, f.samples.length - 1);
  return { field: { endpoint: f.endpoint, template: f.template, real: f.verdict.real }, count: f.samples.length, i, sample: f.samples[i] };
}
