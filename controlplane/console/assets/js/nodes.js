// Nodes page: every Envoy that ever connected, whether it runs what is
// served now (per resource type), and the last configuration it rejected.

import { h, Section, ago, clock, typeName, typeOrder } from './dom.js';
import { get } from './api.js';

export function nodesPage(main) {
  const served = h('div'), table = h('div', { class: 'table-wrap' });
  main.replaceChildren(
    h('div', { class: 'pagehead' }, h('h1', {}, 'Envoy nodes'),
      h('p', { class: 'muted' }, 'Each Envoy\u2019s ACKed version per resource type against what the control plane serves; a NACK is a configuration that Envoy rejected and is not running.')),
    served, table);
  const s1 = new Section(served), s2 = new Section(table);
  return async function refresh() {
    const [nodes, status] = await Promise.all([get('/api/nodes'), get('/api/status')]);
    const now = Math.floor(Date.now() / 15000);
    s1.update({ v: status.versions, e: status.last_error, n: status.nodes }, () => servedView(status));
    s2.update({ nodes: nodes.nodes, v: status.versions, now }, () => nodesView(nodes.nodes, status.versions));
  };
}

// types: the served ones in discovery order, then any a node ACKed besides.
function types(versions, nodes) {
  const urls = new Set(Object.keys(versions || {}));
  for (const n of nodes) for (const u of Object.keys(n.acked || {})) urls.add(u);
  const rank = (u) => { const i = typeOrder.indexOf(typeName(u)); return i < 0 ? 99 : i; };
  return [...urls].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function servedView(status) {
  const c = status.nodes;
  return h('div', { class: 'card' },
    h('h2', {}, 'Served now', h('span', { class: 'aside muted' }, `${c.total} node${c.total === 1 ? '' : 's'} · ${c.connected} connected · ${c.current} current`)),
    h('div', { class: 'stats' }, types(status.versions, []).map((u) => h('div', { class: 'stat' },
      h('b', { class: 'ver', title: status.versions[u] }, shortVersion(status.versions[u])), h('span', { title: u }, typeName(u))))),
    status.last_error ? h('p', { class: 'action-error' }, `Last route file rejected ${ago(status.last_error.at)}: ${status.last_error.message}. Envoys keep the last good configuration.`) : null);
}

function nodesView(nodes, versions) {
  if (!nodes.length) return h('p', { class: 'empty', style: { padding: '12px' } }, 'No Envoy has connected yet.');
  const urls = types(versions, nodes);
  const sorted = [...nodes].sort((a, b) => (b.connected - a.connected) || a.id.localeCompare(b.id));
  return h('table', { class: 'nodes' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Node'), h('th', {}, 'Connection'),
      urls.map((u) => h('th', { title: u }, typeName(u) + ' ACKed')), h('th', {}, 'Last rejected config'))),
    h('tbody', {}, sorted.map((n) => {
      const behind = n.connected && urls.some((u) => versions[u] && n.acked[u] !== versions[u]);
      return h('tr', { class: n.last_nack || behind ? 'problem' : '', 'data-node': n.id },
        h('td', { class: 'id' }, h('b', {}, n.id), n.cluster ? h('div', { class: 'note' }, 'cluster ' + n.cluster) : null),
        h('td', {}, h('span', { class: 'pill ' + (n.connected ? 'connected' : 'disconnected') }, n.connected ? 'connected' : 'disconnected'),
          h('div', { class: 'note' }, n.connected ? `since ${clock(n.connected_at)}` + (n.streams > 1 ? ` · ${n.streams} streams` : '') : `last seen ${ago(n.last_seen)}`)),
        urls.map((u) => ackCell(n, u, versions[u])),
        h('td', {}, n.last_nack ? nackView(n.last_nack) : h('span', { class: 'muted' }, 'none')));
    })));
}

function ackCell(n, url, served) {
  const got = (n.acked || {})[url];
  if (!got) return h('td', {}, h('span', { class: 'muted' }, 'nothing ACKed'));
  const current = got === served;
  if (!n.connected) {
    // A gone node cannot catch up: what it last ran, without alarm.
    return h('td', {}, h('span', { class: 'ver muted', title: got }, shortVersion(got)), h('div', { class: 'note' }, current ? 'was current' : 'was behind'));
  }
  return h('td', {},
    h('span', { class: 'ver', title: got }, shortVersion(got)), ' ',
    served ? h('span', { class: 'pill ' + (current ? 'current' : 'behind'), title: current ? 'runs what is served' : `served: ${served}` }, current ? 'current' : 'behind') : null,
    !current && served ? h('div', { class: 'note' }, 'served ', h('span', { class: 'ver' }, shortVersion(served))) : null);
}

function nackView(k) {
  return h('div', { class: 'nack', role: 'note' },
    h('div', {}, h('span', { class: 'pill nack' }, 'NACK'), ' ', h('b', {}, typeName(k.type_url)),
      k.rejected_version ? [' rejected ', h('span', { class: 'ver', title: k.rejected_version }, shortVersion(k.rejected_version))] : '',
      ' · keeps ', h('span', { class: 'ver', title: k.version }, shortVersion(k.version) || 'nothing'), ' · ', ago(k.at)),
    h('div', { class: 'msg' }, k.message));
}

// shortVersion keeps a hash version readable; the full one is in the title.
const shortVersion = (v) => (v && v.length > 14 ? v.slice(0, 12) + '…' : v || '');
