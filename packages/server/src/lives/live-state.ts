/**
 * The live state machine, as pure functions over a stored live: scheduled -> live -> reconnecting -> live or
 * ended. Provider events apply in the order of the provider's own timestamps: an event older than the newest
 * one applied is stale and changes nothing, so events that arrive out of order leave the state the newest
 * one says. Applying the same event twice changes nothing the second time (idempotent).
 */
import type { LivePatch, LiveRecord, LiveState } from '../storage/lives-repositories.ts';

export interface Transition {
  patch: LivePatch;
  /** The state the live entered, when it changed (announced to viewers); undefined for bookkeeping only. */
  entered?: Exclude<LiveState, 'scheduled'>;
}

export interface StateEvent {
  type: 'started' | 'stopped';
  /** Provider time (ms since the epoch). */
  at: number;
}

/** What `event` does to `live` at local time `now`; undefined when it changes nothing (stale, ended). */
export function onEvent(
  live: LiveRecord,
  event: StateEvent,
  now: number,
  graceMs: number,
): Transition | undefined {
  if (live.state === 'ended' || event.at < live.eventAt) return undefined;
  const eventAt = event.at;
  if (event.type === 'started') {
    if (live.state === 'live') return eventAt === live.eventAt ? undefined : { patch: { eventAt } };
    return {
      patch: { state: 'live', startedAt: live.startedAt ?? event.at, graceUntil: null, eventAt },
      entered: 'live',
    };
  }
  if (live.state === 'live') {
    // The grace window runs on the local clock from when the drop is known: a late event still leaves the
    // publisher the whole window to come back.
    return {
      patch: { state: 'reconnecting', graceUntil: now + graceMs, eventAt },
      entered: 'reconnecting',
    };
  }
  return eventAt === live.eventAt ? undefined : { patch: { eventAt } };
}

/** A reconnecting live whose grace window has passed ends. */
export function onGraceCheck(live: LiveRecord, now: number): Transition | undefined {
  if (live.state !== 'reconnecting' || live.graceUntil === null || live.graceUntil > now) return undefined;
  return { patch: { state: 'ended', endedAt: now, graceUntil: null }, entered: 'ended' };
}

/** Staff end the live (from any state but ended). */
export function onEnd(live: LiveRecord, now: number): Transition | undefined {
  if (live.state === 'ended') return undefined;
  return { patch: { state: 'ended', endedAt: now, graceUntil: null }, entered: 'ended' };
}
