import type { ConnectionState } from '../api/realtime';
import { el, text } from './dom';

const WORDS: Record<ConnectionState, string> = {
  idle: 'Not connected',
  connecting: 'Connecting\u2026',
  connected: 'Live',
  degraded: 'Live, with problems',
  reconnecting: 'Reconnecting\u2026',
  unauthorized: 'Not authorized',
  closed: 'Disconnected',
};

/** What a viewer can do about each state that is not live; shown under the badge. */
const ADVICE: Partial<Record<ConnectionState, string>> = {
  degraded: 'Some live updates may be late; the page retries by itself.',
  reconnecting: 'Live updates are paused; the page reconnects by itself.',
  unauthorized: 'The site\u2019s API key was refused (expired or replaced). The page tries again every 5 minutes;'
    + ' if this lasts, tell the site\u2019s operator: the API key must be renewed or the site redeployed.',
};

/** The connection as the badge needs it: its states, and a way to try again at once. */
export interface ConnectionControl {
  onState(listener: (state: ConnectionState, detail: string | null) => void): () => void;
  reconnectNow(): void;
}

/**
 * The visible connection state (announced politely to screen readers), what is wrong while it is not
 * live (the server's own words), what to do, and a "Try again" button while the connection is down.
 */
export function connectionBadge(connection: ConnectionControl): HTMLElement {
  const badge = el('p', { class: 'status', 'data-testid': 'connection' });
  const detail = el('p', { class: 'status-detail', 'data-testid': 'connection-detail' });
  const retry = el('button', { type: 'button', 'data-testid': 'connection-retry' }, 'Try again');
  retry.addEventListener('click', () => connection.reconnectNow());
  const box = el('div', { class: 'connection', role: 'status', 'aria-live': 'polite' }, badge, detail, retry);
  connection.onState((state, problem) => {
    text(badge, WORDS[state]);
    badge.setAttribute('data-state', state);
    const advice = ADVICE[state];
    text(detail, [problem, advice].filter(Boolean).join(' \u2014 '));
    detail.hidden = !problem && !advice;
    retry.hidden = state !== 'unauthorized' && state !== 'reconnecting';
  });
  return box;
}

/** Shows why a live feed is unavailable, marked so it is cleared once every feed is live again. */
export function liveError(node: Element, message: string): void {
  text(node, message);
  node.setAttribute('data-live-error', '');
}

/** Clears what {@link liveError} showed under {@code root}. */
export function clearLiveErrors(root: Element): void {
  for (const node of root.querySelectorAll('[data-live-error]')) {
    text(node, '');
    node.removeAttribute('data-live-error');
  }
}

/**
 * Calls {@code refresh} each time the connection becomes live again, whole (`connected`) or in part
 * (`degraded`), since AppSync replays nothing that was missed; {@code whole} says every feed is live.
 */
export function onLiveAgain(api: { onState(l: (s: ConnectionState) => void): () => void },
  refresh: (whole: boolean) => void): () => void {
  let last: ConnectionState | null = null;
  return api.onState((state) => {
    if (state === last) return;
    last = state;
    if (state === 'connected' || state === 'degraded') refresh(state === 'connected');
  });
}
