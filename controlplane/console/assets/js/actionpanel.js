// The route page's actions: shift the file percent, and steer the
// rollout; each button follows what the rollout's phase allows.

import { h, pct, bp } from './dom.js';
import { post, enc } from './api.js';
import { act } from './actions.js';

// actionPanel is built once; its buttons follow the rollout's phase.
export function actionPanel(name, st, out, refresh) {
  const input = h('input', { id: 'shift-percent', type: 'number', min: '0', max: '100', step: '0.01', inputmode: 'decimal', required: true });
  const shiftButton = h('button', { type: 'submit', class: 'primary', id: 'shift' }, 'Shift…');
  const shiftForm = h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); shift(); } },
    h('label', { for: 'shift-percent' }, 'File percent'), input, shiftButton);
  const buttons = {
    promote: h('button', { type: 'button', id: 'act-promote', class: 'primary' }, 'Promote'),
    full: h('button', { type: 'button', id: 'act-promote-full' }, 'Promote to 100 %'),
    pause: h('button', { type: 'button', id: 'act-pause' }, 'Pause'),
    resume: h('button', { type: 'button', id: 'act-resume' }, 'Resume'),
    abort: h('button', { type: 'button', id: 'act-abort', class: 'danger' }, 'Abort'),
  };
  const shiftHelp = h('p', { class: 'help', id: 'shift-help' });
  const rolloutRow = h('div', { class: 'row', role: 'group', 'aria-label': 'Rollout actions' }, Object.values(buttons));
  const rolloutHelp = h('p', { class: 'help' });
  const el = h('section', { class: 'actions', 'aria-labelledby': 'h-actions' },
    h('h2', { id: 'h-actions' }, 'Actions'),
    shiftForm,
    shiftHelp,
    rolloutRow, rolloutHelp, out);

  async function shift() {
    const v = st.view;
    const to = input.value.trim();
    if (!v || to === '') return;
    await act({
      title: `Shift ${name} to ${pct(Number(to))}?`,
      text: `The route file\u2019s percent for ${name} goes from ${pct(v.file_percent)} to ${pct(Number(to))} of matching requests to ${v.to}; the rest stays on ${v.legacy}.`,
      note: v.rollout ? 'This route has a rollout: see the note under the form.' : 'Every Envoy gets the new split with the next RDS version.',
      ok: 'Shift',
      run: (by) => post(`/api/routes/${enc(name)}/shift`, { percent: to, ...by }),
      done: (r) => (r.changed ? `Shifted ${name}: file percent ${pct(r.from_percent)} → ${pct(r.percent)}` : `${name} is already at ${pct(r.percent)} in the file`),
      out, refresh,
    });
  }
  const rolloutAction = (action, title, text, okLabel, danger) => async () => {
    const query = action === 'full' ? 'promote?full=1' : action;
    await act({
      title, text: text(st.ro || {}), ok: okLabel, danger,
      run: (by) => post(`/api/rollouts/${enc(name)}/${query}`, by),
      done: (s) => `${name}: ${s.phase.replace('_', ' ')} at ${bp(s.percent_bp)}`,
      out, refresh,
    });
  };
  buttons.promote.onclick = rolloutAction('promote', `Promote ${name} to its next step?`,
    (ro) => `Skips what is left of the hold and the gates: from ${bp(ro.percent_bp)} to the next step of ${(ro.steps || []).join(' → ')}.`, 'Promote');
  buttons.full.onclick = rolloutAction('full', `Promote ${name} straight to 100 %?`,
    (ro) => `Every matching request goes to the new service now (from ${bp(ro.percent_bp)}); the rollout completes.`, 'Promote to 100 %', true);
  buttons.pause.onclick = rolloutAction('pause', `Pause the rollout of ${name}?`,
    (ro) => `Holds at ${bp(ro.percent_bp)} and stops the hold clock until resumed. Gates are still checked and failures still act.`, 'Pause');
  buttons.resume.onclick = rolloutAction('resume', `Resume the rollout of ${name}?`,
    (ro) => (ro.phase === 'aborted' || ro.phase === 'rolled_back'
      ? 'Restarts the plan from the file percent.'
      : `Continues from ${bp(ro.percent_bp)}; the hold clock runs again.`), 'Resume');
  buttons.abort.onclick = rolloutAction('abort', `Abort the rollout of ${name}?`,
    (ro) => `Sends all of ${name}\u2019s traffic back to legacy now (from ${bp(ro.percent_bp)} to 0 %).`, 'Abort', true);

  // allowed mirrors the rollout state machine; the server decides anyway.
  const allowed = {
    promote: (p) => !['rolled_back', 'aborted', 'completed', 'pending'].includes(p),
    full: (p) => !['rolled_back', 'aborted', 'completed', 'pending'].includes(p),
    pause: (p) => ['progressing', 'holding', 'waiting_promote'].includes(p),
    resume: (p) => ['paused', 'degraded', 'rolled_back', 'aborted'].includes(p),
    abort: (p) => !['aborted', 'rolled_back', 'pending'].includes(p),
  };
  return {
    el,
    update(v, ro) {
      input.placeholder = String(v.file_percent);
      shiftHelp.textContent = 'Shift rewrites this route\u2019s percent in the route file; the control plane serves it within a second.' +
        (v.rollout ? ' Under a rollout the file percent is where it starts: raising it above the effective percent moves the rollout forward, lowering it moves nothing (Abort does).' : '');
      rolloutRow.hidden = !v.rollout;
      rolloutHelp.textContent = !v.rollout ? 'No rollout on this route: its percent moves only when the route file changes.'
        : !ro ? 'The rollout state cannot be read (is Redis reachable?).'
          : `Phase ${ro.phase.replace('_', ' ')}: buttons the phase does not allow are disabled.`;
      for (const [k, b] of Object.entries(buttons)) b.disabled = !ro || !allowed[k](ro.phase);
    },
  };
}
