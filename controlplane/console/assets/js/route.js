// Route page: one route's split and settings, its actions, the shadow
// match rate over time against the rollout gate, the rollout and its
// history, the fields that differ (noise apart) with a sample side by
// side, and the route's rate-limit and cache figures.

import { h, Section, pct, splitBar } from './dom.js';
import { get, enc } from './api.js';
import { badges } from './badges.js';
import { sampleView } from './sample.js';
import { edgeFigures } from './figures.js';
import { actionPanel } from './actionpanel.js';
import { rolloutView, historyView } from './rollout.js';
import { chartView, fieldsView, pickSample } from './shadowview.js';

const RANGES = ['15m', '1h', '6h', '24h', '168h'];
const rangeLabel = (r) => (r === '168h' ? '7d' : r);

export function routePage(main, name) {
  const st = { range: '1h', sel: null, view: null, ro: null, rep: null, tick: 0 };
  const el = (cls) => h('div', { class: cls || '' });
  const facts = el(), rollout = el(), history = el(), fields = el(), sample = el(), chart = el(), edge = el();
  const actionsOut = el();
  const sections = Object.fromEntries(Object.entries({ facts, rollout, history, fields, sample, chart, edge }).map(([k, v]) => [k, new Section(v)]));
  let refresh;
  const again = () => refresh().catch((e) => console.error(e)); // out of the poll: the next poll reports errors
  const controls = actionPanel(name, st, actionsOut, () => refresh());
  const rangeButtons = RANGES.map((r) => h('button', {
    type: 'button', 'aria-pressed': String(r === st.range), class: r === st.range ? 'on' : '',
    onclick: () => {
      st.range = r;
      for (const b of rangeButtons) { b.className = b.dataset.range === r ? 'on' : ''; b.setAttribute('aria-pressed', String(b.dataset.range === r)); }
      again();
    },
    'data-range': r,
  }, rangeLabel(r)));

  main.replaceChildren(
    h('p', {}, h('a', { href: '/console/' }, '← All routes')),
    h('div', { class: 'route-head card' }, facts, controls.el),
    h('div', { class: 'grid' },
      h('div', {},
        h('section', { class: 'card', 'aria-labelledby': 'h-match' },
          h('h2', { id: 'h-match' }, 'Shadow match rate', h('span', { class: 'aside ranges', role: 'group', 'aria-label': 'Time range' }, rangeButtons)),
          chart),
        h('section', { class: 'card', 'aria-labelledby': 'h-fields' }, h('h2', { id: 'h-fields' }, 'Fields that differ'), fields)),
      h('div', {},
        h('section', { class: 'card', 'aria-labelledby': 'h-rollout' }, h('h2', { id: 'h-rollout' }, 'Rollout'), rollout),
        h('section', { class: 'card', 'aria-labelledby': 'h-history' }, h('h2', { id: 'h-history' }, 'History'), history),
        h('section', { class: 'card', 'aria-labelledby': 'h-edge' }, h('h2', { id: 'h-edge' }, 'Rate limits and cache'), edge))),
    h('section', { class: 'card', id: 'sample', 'aria-labelledby': 'h-sample' }, h('h2', { id: 'h-sample' }, 'Sample, side by side'), sample));

  refresh = async function () {
    const views = await get('/api/routes');
    const view = views.find((v) => v.name === name);
    if (!view) {
      sections.facts.update({ missing: name }, () => [h('h1', {}, name), h('p', { class: 'action-error', role: 'alert' }, 'This route is not in the served route file.')]);
      return;
    }
    // A long range reads many minutes from Redis: it is read again less often.
    const every = { '6h': 5, '24h': 15, '168h': 30 }[st.range] || 1;
    const fresh = !st.rep || st.rep.range !== st.range || st.tick++ % every === 0;
    const [ro, hist, rep, figs] = await Promise.all([
      view.rollout ? get(`/api/rollouts/${enc(name)}`, [404, 503]) : null,
      get(`/api/history/${enc(name)}?limit=50`, [404, 503]),
      fresh ? get(`/api/shadow/${enc(name)}?since=${st.range}`, [503, 502]) : st.rep.data,
      get(`/console/api/figures/${enc(name)}`, [404]),
    ]);
    if (fresh) st.rep = { range: st.range, data: rep };
    st.view = view;
    st.ro = ro;
    const now = Math.floor(Date.now() / 15000);
    const gate = view.rollout ? view.rollout.shadow_match_min : null;
    sections.facts.update({ view }, () => factsView(view));
    controls.update(view, ro);
    sections.rollout.update({ view, ro, now }, () => rolloutView(view, ro));
    sections.history.update({ hist, now }, () => historyView(hist));
    sections.chart.update({ rep, gate, noshadow: !view.shadow }, () => chartView(rep, gate, view));
    const selected = pickSample(rep, st);
    sections.fields.update({ f: rep && rep.fields, sel: st.sel }, () => fieldsView(rep, st, () => {
      sections.fields.reset();
      sections.sample.reset();
      again();
      document.getElementById('sample').scrollIntoView({ behavior: 'smooth', block: 'start' });
    }));
    sections.sample.update({ selected, sel: st.sel }, () => sampleView(selected, view, (i) => {
      st.sel = { ...st.sel, i };
      sections.sample.reset();
      again();
    }));
    sections.edge.update({ view, figs }, () => edgeFigures(view, figs));
  };
  return refresh;
}

function factsView(v) {
  return [
    h('div', {},
      h('h1', {}, v.name),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Match'), h('dd', { class: 'mono' }, v.match),
        h('dt', {}, 'Moves'), h('dd', {}, `from ${v.legacy} (legacy) to ${v.to} (new)`),
        h('dt', {}, 'Order'), h('dd', {}, `#${v.index + 1} in match order`),
        h('dt', {}, 'Settings'), h('dd', {}, badges(v, false))),
      splitBar(v.percent, { big: true, mark: v.file_percent }),
      h('div', { class: 'note' + (v.file_percent !== v.percent ? ' hold' : '') },
        v.file_percent !== v.percent
          ? `Effective ${pct(v.percent)} (what Envoy is told); the route file says ${pct(v.file_percent)}: the rollout holds it apart.`
          : `Effective ${pct(v.percent)}, as the route file says.`)),
  ];
}
