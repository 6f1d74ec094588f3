/**
 * The viewer's playback grant for one live, kept valid: asked for while the live is not ended, asked
 * again before `expiresAt` (see refreshDelay), and again at once when the player reports that it cannot go
 * on. A 403 is not retried: it is a lock, and its reason is shown instead of the video.
 */
import type { PlaybackView } from '@lightstick/protocol';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorCode, type Api } from './live-hooks.ts';
import { refreshDelay } from './live-labels.ts';

/** After a failed request (not a 403), the next try waits this long, doubling up to the maximum. */
const RETRY_MS = 2_000;
const RETRY_MAX_MS = 15_000;

export interface Lock {
  /** `members`: a members-only live and the viewer is not a member; `forbidden`: any other refusal. */
  kind: 'members' | 'forbidden';
  /** The server's own sentence. */
  message: string;
}

export interface PlaybackState {
  playback: PlaybackView | null;
  lock: Lock | null;
  error: unknown;
  /** How many grants were received (the first included): a refresh shows as this going up. */
  grants: number;
  /** Asks for a new grant now (the player failed, e.g. its grant expired). */
  refreshNow: () => void;
}

export function usePlayback(api: Api, liveId: string, active: boolean, membersOnly: boolean): PlaybackState {
  const [playback, setPlayback] = useState<PlaybackView | null>(null);
  const [lock, setLock] = useState<Lock | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [grants, setGrants] = useState(0);
  const [asked, setAsked] = useState(0);
  const retry = useRef(RETRY_MS);

  useEffect(() => {
    if (!active || lock) return;
    let gone = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = () => {
      api.playback(liveId).then(
        (pb) => {
          if (gone) return;
          retry.current = RETRY_MS;
          setError(null);
          setPlayback(pb);
          setGrants((n) => n + 1);
          timer = setTimeout(ask, refreshDelay(pb.expiresAt, Date.now()));
        },
        (err: unknown) => {
          if (gone) return;
          if (errorCode(err) === 'forbidden') {
            const message = err instanceof Error ? err.message : '';
            setLock({ kind: membersOnly ? 'members' : 'forbidden', message });
            setPlayback(null);
            return;
          }
          setError(err);
          timer = setTimeout(ask, retry.current);
          retry.current = Math.min(RETRY_MAX_MS, retry.current * 2);
        },
      );
    };
    ask();
    return () => {
      gone = true;
      clearTimeout(timer);
    };
  }, [api, liveId, active, lock, membersOnly, asked]);

  const refreshNow = useCallback(() => setAsked((n) => n + 1), []);
  return { playback, lock, error, grants, refreshNow };
}
