/** The connection indicator: data-state mirrors the realtime client's state ('open', 'reconnecting', ...). */
import type { ConnectionState, RealtimeClient } from '@lightstick/client';
import { h } from '../dom.ts';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Offline',
};

export function connectionIndicator(): {
  el: HTMLElement;
  watch(rt: RealtimeClient): void;
  set(s: ConnectionState): void;
} {
  const el = h(
    'span',
    { class: 'conn', 'data-testid': 'connection-state', 'data-state': 'closed', role: 'status' },
    LABELS.closed,
  );
  const set = (s: ConnectionState) => {
    el.dataset.state = s;
    el.textContent = LABELS[s];
  };
  return {
    el,
    set,
    watch(rt) {
      set(rt.state);
      rt.on('state', set);
    },
  };
}
