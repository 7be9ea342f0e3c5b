// Actions: every one asks for confirmation (who and why go to history),
// then reports the server's answer where the user clicked, and a refusal
// also as a toast.

import { h } from './dom.js';
import { session, APIError } from './api.js';

const dialog = () => document.getElementById('confirm');

// confirm resolves to {who, why} or null when cancelled.
function confirm({ title, text, note, ok, danger }) {
  const d = dialog();
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-note').textContent = note || '';
  const who = document.getElementById('confirm-who');
  const why = document.getElementById('confirm-why');
  who.value = session.who();
  why.value = '';
  const okButton = document.getElementById('confirm-ok');
  okButton.textContent = ok || 'Confirm';
  okButton.className = danger ? 'primary danger-fill' : 'primary';
  return new Promise((resolve) => {
    d.addEventListener('close', () => {
      if (d.returnValue !== 'ok') return resolve(null);
      session.setWho(who.value.trim());
      resolve({ who: who.value.trim() || 'console', why: why.value.trim() });
    }, { once: true });
    d.returnValue = '';
    d.showModal();
    (who.value ? why : who).focus();
  });
}

// toast shows a refusal where the user looks even when the page scrolled.
function toast(text) {
  const t = h('div', { class: 'toast error', 'aria-hidden': 'true' }, text); // the message beside the button is the one read out
  document.getElementById('toasts').append(t);
  setTimeout(() => t.remove(), 7000);
}

// act runs one confirmed action. out is the element that shows its result;
// after it the page refreshes at once rather than at the next poll.
export async function act({ title, text, note, ok, danger, run, done, out, refresh }) {
  const by = await confirm({ title, text, note, ok, danger });
  if (!by) return;
  out.replaceChildren();
  document.getElementById('toasts').replaceChildren(); // the last action's news is stale now
  try {
    const res = await run(by);
    const msg = done(res);
    out.replaceChildren(h('div', { class: 'action-ok', role: 'status' }, msg)); // beside the button: no toast needed
  } catch (e) {
    const msg = e instanceof APIError ? e.describe() : String(e);
    const hint = e instanceof APIError && (e.status === 401 || e.status === 403) ? ' Enter the admin token at the top right.' : '';
    out.replaceChildren(h('div', { class: 'action-error', role: 'alert', 'data-status': e.status || 0 }, msg.replace(/\.?$/, '.') + hint));
    toast(msg);
  }
  try {
    await refresh();
  } catch (e) {
    console.error('refresh after the action', e); // the next poll reports it
  }
}
