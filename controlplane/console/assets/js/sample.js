// One differing pair side by side: legacy and new bodies pretty-printed,
// lines under a differing path highlighted, redacted values marked, and
// the differences listed with their values.

import { h, ago } from './dom.js';
import { prettyLines } from './pretty.js';

export function sampleView(sel, v, pick) {
  if (!sel) return h('p', { class: 'empty' }, 'No differing sample in this range.');
  const s = sel.sample;
  const diffs = s.differences || [];
  const paths = diffs.map((d) => d.path);
  const redacted = diffs.some((d) => d.redacted) || [s.legacy_body, s.new_body].some((b) => (b || '').includes('[redacted]'));
  return [
    h('div', { class: 'sample-head' },
      h('span', {}, 'Field ', h('code', {}, sel.field.template), ' ', h('span', { class: 'pill ' + (sel.field.real ? 'real' : 'noise') }, sel.field.real ? 'real' : 'noise')),
      h('span', { class: 'mono' }, `${s.method} ${s.path}`),
      h('span', { class: 'muted' }, h('time', { datetime: s.at, title: new Date(s.at).toString() }, ago(s.at)),
        s.request_id ? ` · x-request-id ${s.request_id}` : '', s.served ? ` · the user got ${s.served}` : ' · replayed'),
      sel.count > 1 ? h('span', { class: 'picker', role: 'group', 'aria-label': 'Samples of this field' }, 'Sample ',
        Array.from({ length: sel.count }, (_, i) => h('button', { type: 'button', class: i === sel.i ? 'on' : '', 'aria-pressed': String(i === sel.i), onclick: () => pick(i) }, i + 1))) : null),
    h('table', { class: 'difftable' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Path'), h('th', {}, 'Kind'), h('th', {}, 'Legacy'), h('th', {}, 'New'))),
      h('tbody', {}, diffs.map((d) => h('tr', {},
        h('td', {}, h('code', {}, d.path)),
        h('td', {}, d.kind.replace('_', ' ')),
        h('td', {}, d.redacted ? h('span', { class: 'redacted', title: 'redacted before storing' }, 'redacted') : h('code', {}, d.legacy ?? '')),
        h('td', {}, d.redacted ? h('span', { class: 'redacted', title: 'redacted before storing' }, 'redacted') : h('code', {}, d.new ?? ''))))),
      s.omitted ? h('tfoot', {}, h('tr', {}, h('td', { colspan: '4', class: 'muted' }, `${s.omitted} more differences not kept`))) : null),
    h('div', { class: 'legend' },
      h('span', {}, h('span', { class: 'swatch', 'aria-hidden': 'true' }), ' line at or under a differing path'),
      redacted ? h('span', {}, h('span', { class: 'redacted' }, '[redacted]'), ' a value the route\u2019s redact rules kept out of storage') : null),
    h('div', { class: 'sbs' },
      pane(`Legacy · ${v.legacy}`, s.legacy_status, s.legacy_body, paths),
      pane(`New · ${v.to}`, s.new_status, s.new_body, paths)),
  ];
}

function pane(title, status, body, paths) {
  const lines = prettyLines(body, paths);
  return h('div', { class: 'pane' },
    h('h3', {}, title, h('span', { class: 'muted' }, status ? `HTTP ${status}` : 'no answer')),
    lines.length
      ? h('div', { class: 'body', tabindex: '0', 'aria-label': title + ' body' }, lines.map((l, i) => h('div', { class: 'ln' + (l.diff ? ' d' : '') },
        h('span', { class: 'no' }, i + 1),
        h('span', {}, '  '.repeat(l.indent), l.parts.map(([cls, text]) => (cls ? h('span', { class: cls, title: cls === 'redacted' ? 'redacted before storing' : null }, text) : text))))))
      : h('p', { class: 'empty' }, 'Body not kept: empty, or not safe to keep redacted.'));
}
