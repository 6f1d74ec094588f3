/**
 * Views of one live reach a page by two roads, HTTP answers and `live` frames, and not in the order they were
 * made: the rotate-key answer is read before the rotation kicks the publisher, and the `reconnecting` frame that
 * kick causes can land first. Taken in arrival order the older answer put the studio back on "Live" for good
 * (CI, stop 38). The view's `version` orders them: the newer view's state wins, and a stream key stays shown
 * from whichever view carried it last (frames never carry one) until the live ends.
 */
import type { LiveView } from '@lightstick/protocol';

/** The view to show after `next` arrives when `prev` is shown. */
export function mergeLive(prev: LiveView | null | undefined, next: LiveView): LiveView {
  if (!prev || prev.id !== next.id) return next;
  const newer = next.version >= prev.version ? next : prev;
  const ingest = newer.state === 'ended' ? undefined : (next.ingest ?? prev.ingest);
  if (ingest === newer.ingest) return newer;
  if (ingest === undefined) {
    const { ingest: _dropped, ...rest } = newer;
    return rest;
  }
  return { ...newer, ingest };
}

/** A listing read anew, each live kept at the newer of the listed view and the one already shown. */
export function mergeLiveList(prev: readonly LiveView[] | null, next: readonly LiveView[]): LiveView[] {
  const shown = new Map((prev ?? []).map((l) => [l.id, l]));
  return next.map((l) => mergeLive(shown.get(l.id), l));
}

/** One live's view applied to a listing: replaced by id (newer wins) or added. */
export function upsertLive(prev: readonly LiveView[] | null, next: LiveView): LiveView[] {
  const list = prev ?? [];
  const old = list.find((l) => l.id === next.id);
  return [...list.filter((l) => l.id !== next.id), mergeLive(old, next)];
}
