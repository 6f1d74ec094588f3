/**
 * Heart taps: fans tap as fast as they like, each person counts at most `FandomLimits.heartsPerSecond` taps a
 * second on a gateway (a token bucket; taps above it are dropped without an answer), and what is counted goes
 * into the node's room counters (room-counters.ts): added up locally and reported once per interval with the
 * viewer counts, merged over every node, and sent in the room's `stats` frame. Never one broker message, store
 * write or frame per tap.
 */
import { FandomLimits, type StatsFrame } from '@lightstick/protocol';
import { boundedLru } from '../bounded-lru.ts';
import type { MergedCounters } from '../presence/presence-store.ts';
import type { RoomCounters } from './room-counters.ts';

export interface HeartRules {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Counter names in the PresenceStore: `hearts` is a running total, `heartsWindow` a gauge of the last interval. */
const TOTAL = 'hearts';
const WINDOW = 'heartsWindow';

export class Hearts {
  /** Per person on this node; a bounded cache: a person forgotten starts with a full bucket (at most `burst`). */
  private readonly buckets = boundedLru<string, Bucket>(200_000);
  /** Taps counted per room since the last report (the heart rate's gauge). */
  private window = new Map<string, number>();

  constructor(
    private readonly counters: Pick<RoomCounters, 'count' | 'contribute' | 'shape'>,
    private readonly intervalMs: number,
    private readonly now: () => number,
    private readonly rules: HeartRules = {
      perSecond: FandomLimits.heartsPerSecond,
      burst: FandomLimits.heartBurst,
    },
  ) {
    counters.contribute((room) => {
      const n = this.window.get(room);
      if (n === undefined) return undefined;
      this.window.delete(room);
      return { [WINDOW]: n };
    });
    counters.shape((room, merged, frame) => withHearts(merged, frame, this.intervalMs));
  }

  /** Counts up to `count` taps of `userId` in `room`; returns how many were counted. */
  tap(userId: string, room: string, count: number): number {
    const now = this.now();
    const { perSecond, burst } = this.rules;
    const b = this.buckets.get(userId) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    const taken = Math.max(0, Math.min(count, Math.floor(b.tokens)));
    b.tokens -= taken;
    this.buckets.set(userId, b);
    if (taken === 0) return 0;
    this.counters.count(room, TOTAL, taken);
    this.window.set(room, (this.window.get(room) ?? 0) + taken);
    return taken;
  }
}

/** The stats frame with the room's hearts (0 and 0 in a room nobody tapped yet). */
export function withHearts(merged: MergedCounters, frame: StatsFrame, intervalMs: number): StatsFrame {
  const hearts = merged.total[TOTAL] ?? 0;
  if (hearts === 0) return frame;
  const rate = ((merged.live[WINDOW] ?? 0) * 1000) / intervalMs;
  return { ...frame, hearts, heartsPerSecond: Math.round(rate * 10) / 10 };
}
