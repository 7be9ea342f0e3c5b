// The route page's rollout: phase, plan and hold, gates and the latest
// check; and the route's history, newest first.

import { h, pct, bp, num, ago, when, phasePill, short, human, goDuration, moved } from './dom.js';

export function rolloutView(v, ro) {
  if (!v.rollout) return h('p', { class: 'empty' }, 'No rollout: the percent moves only when the route file changes (use Shift).');
  if (!ro) return h('p', { class: 'empty' }, 'The rollout state is not available: the control plane has no Redis yet.');
  const g = v.rollout;
  const holdMs = goDuration(ro.hold), leftMs = goDuration(ro.hold_left);
  const holding = ['progressing', 'holding', 'paused'].includes(ro.phase);
  const verdict = (ro.verdicts || [])[ro.verdicts ? ro.verdicts.length - 1 : 0];
  const gates = [
    g.shadow_match_min != null ? `shadow match ≥ ${pct(g.shadow_match_min)}` : null,
    g.error_rate_max != null ? `new 5xx ≤ ${pct(g.error_rate_max)}` : null,
    g.p99_latency_max ? `p99 ≤ ${g.p99_latency_max}` : null,
  ].filter(Boolean);
  return [
    h('div', { class: 'row' }, phasePill(ro.phase), ' ', h('b', { class: 'mono' }, bp(ro.percent_bp)), h('span', { class: 'muted' }, ` effective · safe ${bp(ro.safe_percent_bp)} · file ${bp(ro.file_percent_bp)}`)),
    ro.reason ? h('p', { class: 'note' }, ro.reason) : null,
    h('div', { class: 'steps stepper', 'aria-label': 'Plan' },
      h('span', { class: 's' + (ro.step < 0 ? ' cur' : ' done'), title: 'the file percent, where the rollout starts' }, 'start ' + bp(ro.file_percent_bp)),
      (ro.steps || []).map((s, i) => [h('span', { class: 'arrow', 'aria-hidden': 'true' }, '›'),
        h('span', { class: 's' + (i < ro.step ? ' done' : '') + (i === ro.step ? ' cur' : '') + (s === 'pause' ? ' pause' : ''), 'aria-current': i === ro.step ? 'step' : null }, s)])),
    holding && holdMs ? [
      h('div', { class: 'holdbar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(Math.round(100 * (1 - leftMs / holdMs))), 'aria-label': 'hold' },
        h('span', { style: { width: `${100 * (1 - leftMs / holdMs)}%` } })),
      h('div', { class: 'note' }, `hold ${human(leftMs)} left of ${short(ro.hold)}` + (ro.phase === 'paused' ? ' (clock stopped)' : '')),
    ] : null,
    h('dl', { class: 'kv' },
      h('dt', {}, 'Gates'), h('dd', {}, gates.length ? gates.join(' · ') : 'none', h('span', { class: 'muted' }, ` every ${short(g.gate_interval)}, at least ${num(g.min_requests)} requests`)),
      h('dt', {}, 'Failures'), h('dd', {}, `${ro.failures} of ${ro.failures_allowed} allowed; then ${ro.on_failure}`),
      ro.updated_at ? [h('dt', {}, 'Updated'), h('dd', {}, when(ro.updated_at), ro.updated_by ? ' by ' + ro.updated_by : '')] : null,
      ro.leader ? [h('dt', {}, 'Driven by'), h('dd', { class: 'mono' }, ro.leader)] : null),
    !ro.plan_matches ? h('p', { class: 'action-error' }, 'The stored rollout follows another route file than this replica\u2019s; actions are refused until the files agree.') : null,
    verdict ? [
      h('h3', {}, 'Latest check ', phasePill(verdict.result), ' ', h('span', { class: 'muted' }, when(verdict.at), ` at ${bp(verdict.percent_bp)}`)),
      h('ul', { class: 'checks' }, (verdict.checks || []).map((c) => h('li', {}, phasePill(c.result), ' ', h('b', {}, c.gate.replace('_', ' ')), ' ', h('span', { class: 'muted' }, `${c.detail} (${c.source})`)))),
    ] : h('p', { class: 'note' }, 'No gate check yet.'),
  ];
}

export function historyView(hist) {
  if (!hist || !hist.length) return h('p', { class: 'empty' }, 'No change recorded yet.');
  return h('ol', { class: 'timeline', 'aria-label': 'Changes, newest first' }, hist.map((e) => h('li', {},
    h('time', { datetime: e.at, title: new Date(e.at).toString() }, ago(e.at)),
    h('div', {},
      h('span', { class: 'act' }, e.action.replace(/_/g, ' ')), ' ',
      h('span', { class: 'mono' }, moved(e)), ' ',
      e.phase ? phasePill(e.phase) : null,
      h('div', { class: 'why' }, e.who, e.why ? ' — ' + e.why : '')))));
}
