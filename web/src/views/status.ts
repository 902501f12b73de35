import type { ConnectionState } from '../api/realtime';
import { el, text } from './dom';

const WORDS: Record<ConnectionState, string> = {
  idle: 'Not connected',
  connecting: 'Connecting\u2026',
  connected: 'Live',
  reconnecting: 'Reconnecting\u2026',
  closed: 'Disconnected',
};

/** The visible connection state (announced politely to screen readers). */
export function connectionBadge(onState: (l: (s: ConnectionState) => void) => () => void): HTMLElement {
  const badge = el('p', { class: 'status', role: 'status', 'aria-live': 'polite', 'data-testid': 'connection' });
  onState((state) => {
    text(badge, WORDS[state]);
    badge.setAttribute('data-state', state);
  });
  return badge;
}
