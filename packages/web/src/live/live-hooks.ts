/**
 * State the live pages share, as Preact hooks: one live kept current (HTTP first, then the `live` frames of
 * the realtime connection, read again over HTTP after each reconnect because frames are not replayed), the
 * room's viewer count from `stats` frames, and a room joined for as long as a page shows it.
 */
import type { ApiClient, RealtimeClient } from '@lightstick/client';
import type { LiveView } from '@lightstick/protocol';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { mergeLive } from './live-merge.ts';

export type Api = Pick<
  ApiClient,
  'getLive' | 'listLives' | 'createLive' | 'rotateLiveKey' | 'endLive' | 'playback'
>;
export type Realtime = Pick<RealtimeClient, 'on' | 'join' | 'leave'>;

/** A sentence for a failure: the API's own message (they are written for people), else the fallback. */
export function errorText(err: unknown, fallback: string): string {
  if (err instanceof Error && err.message) return err.message;
  return fallback;
}

/** The API error code of a failure, if it has one. */
export function errorCode(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

/**
 * One live, current: fetched on mount, updated by `live` frames (which never carry `ingest`, so a stream
 * key already shown is kept until the live ends), fetched again when the connection authenticates anew.
 * Every view, fetched, framed or answered to an action, is merged by version (live-merge.ts).
 */
export function useLive(
  api: Api,
  rt: Realtime,
  liveId: string | undefined,
  initial?: LiveView,
): { live: LiveView | null; error: unknown; setLive: (l: LiveView) => void } {
  const [live, setLiveState] = useState<LiveView | null>(initial && initial.id === liveId ? initial : null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!liveId) return;
    let gone = false;
    const merge = (next: LiveView) => setLiveState((prev) => mergeLive(prev, next));
    const load = () =>
      api.getLive(liveId).then(
        (l) => {
          if (gone) return;
          setError(null);
          merge(l);
        },
        (err: unknown) => !gone && setError(err),
      );
    void load();
    const offs = [
      rt.on('live', (e) => e.live.id === liveId && merge(e.live)),
      rt.on('authed', (e) => e.first && void load()),
    ];
    return () => {
      gone = true;
      for (const off of offs) off();
    };
  }, [api, rt, liveId]);

  // An action's answer goes through the same merge: it may be older than a frame that came first.
  const setLive = useCallback((next: LiveView) => setLiveState((prev) => mergeLive(prev, next)), []);
  return { live, error, setLive };
}

/** Viewers of `roomId` from its `stats` frames; null until the first one arrives. */
export function useViewers(rt: Realtime, roomId: string | undefined): number | null {
  const [viewers, setViewers] = useState<number | null>(null);
  useEffect(() => {
    setViewers(null);
    if (!roomId) return;
    return rt.on('stats', (e) => e.room === roomId && setViewers(e.viewers));
  }, [rt, roomId]);
  return viewers;
}

/**
 * Joins `roomId` while mounted (and `enabled`) so this connection gets the room's `live` and `stats` frames.
 * A connection joins a room once: when a chat view of the same room is mounted it joins it, not this.
 */
export function useJoinedRoom(rt: Realtime, roomId: string | undefined, enabled: boolean): void {
  useEffect(() => {
    if (!roomId || !enabled) return;
    rt.join(roomId).catch(() => undefined); // a refused join (members-only) only means no frames
    return () => void rt.leave(roomId).catch(() => undefined);
  }, [rt, roomId, enabled]);
}
