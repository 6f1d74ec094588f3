/**
 * The node's room counters: once per interval it reports its local counters for every room it holds (viewers =
 * local members, plus what other parts count, e.g. heart taps) to the PresenceStore in ONE call, reads back the
 * counters merged over all nodes, and sends each room whose merged counters changed a `stats` frame, serialised
 * once per node and queued in the room's outbox: at most one per room per interval, never one per join or tap.
 *
 * A big room's `stats` frames are spaced further apart: a frame costs one socket write per local member, and
 * at one per second a 17,000-member room spent 17,000 writes a second on a changing viewer count (the 100,000
 * connection benchmark connected 4x slower than Socket.IO, every join changing the count). A room with M local
 * members gets a frame at most every max(interval, M / statsFramesPerSecond seconds), so the node's `stats`
 * writes per room stay within the budget; the counters themselves are still reported every interval, and the
 * next frame carries the merged totals (nothing is lost, only said less often).
 *
 * A big room's frame, once due, waits for the room's next flush up to half of what its gap adds to the interval,
 * and rides it (the Hub's `latest` frames): in the same write as the room's messages it costs no socket write of
 * its own. Only a room with no flush that soon gets one of its own; a room small enough to be told every interval
 * is told at once, as before. Riding any flush (no gap) was tried: 10 % fewer writes at 50 000 with hearts
 * tapped, but 1.7 times the frames, every change riding every flush (docs/benchmarks.md, "Stop 36").
 *
 * Extension (moderation's hearts): `count(room, 'hearts', 1)` per tap adds to this interval's increments; a
 * `contribute` source adds gauges per room at report time. The frame carries `viewers` and any other merged
 * counter the registered `frame` shaper adds (hearts, heartsPerSecond).
 */
import type { StatsFrame } from '@lightstick/protocol';
import type { Logger } from '../observability/logger.ts';
import type { Counters, MergedCounters, PresenceStore } from '../presence/presence-store.ts';
import { prepareText } from './connection.ts';
import type { Hub } from './hub.ts';
import type { Scheduler, TimerHandle } from './scheduler.ts';

export interface RoomCountersOptions {
  node: string;
  presence: PresenceStore;
  hub: Pick<Hub, 'localRooms' | 'publishLocal'>;
  logger: Logger;
  scheduler: Scheduler;
  /** Report period (ms); a node is forgotten after three periods without a report. */
  intervalMs: number;
  /** `stats` socket writes per second per room at most: spaces a big room's frames out. */
  statsFramesPerSecond: number;
}

export type StatsShaper = (room: string, merged: MergedCounters, frame: StatsFrame) => StatsFrame;

export class RoomCounters {
  private adds = new Map<string, Counters>();
  /** Each room's last `stats` frame handed to the Hub and when (scheduler ms). */
  private readonly last = new Map<string, { json: string; at: number }>();
  private readonly sources: ((room: string) => Counters | undefined)[] = [];
  private shaper: StatsShaper = (_room, _merged, frame) => frame;
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failing = false;

  constructor(private readonly opts: RoomCountersOptions) {}

  start(): void {
    this.schedule();
  }

  /** Adds `n` to a room's running total of `name` (sent with the next report). */
  count(room: string, name: string, n = 1): void {
    const c = this.adds.get(room) ?? {};
    c[name] = (c[name] ?? 0) + n;
    this.adds.set(room, c);
  }

  /** A source of gauges per local room, read at each report (summed over nodes). */
  contribute(source: (room: string) => Counters | undefined): void {
    this.sources.push(source);
  }

  /** Shapes the `stats` frame from the merged counters (adds hearts, rates...). */
  shape(shaper: StatsShaper): void {
    this.shaper = shaper;
  }

  /** One report now: write this node's counters, read the merged ones, send changed stats. */
  async reportNow(): Promise<void> {
    const live = new Map<string, Counters>();
    for (const [room, members] of this.opts.hub.localRooms()) {
      const c: Counters = { viewers: members };
      for (const s of this.sources) Object.assign(c, s(room));
      live.set(room, c);
    }
    const adds = this.adds;
    this.adds = new Map();
    const rooms = [...live.keys()];
    let merged: Map<string, MergedCounters>;
    try {
      merged = await this.opts.presence.report(
        this.opts.node,
        { live, adds },
        this.opts.intervalMs * 3,
        rooms,
      );
      if (this.failing) this.opts.logger.warn('room counters written again');
      this.failing = false;
    } catch (err) {
      // Counters are best effort: keep the taps for the next report, log once per outage.
      for (const [room, c] of adds) for (const [name, n] of Object.entries(c)) this.count(room, name, n);
      if (!this.failing) this.opts.logger.warn({ err }, 'room counters not written; retrying every interval');
      this.failing = true;
      return;
    }
    for (const room of rooms) {
      const m = merged.get(room);
      if (m === undefined) continue;
      const base: StatsFrame = {
        t: 'stats',
        room,
        viewers: m.live.viewers ?? 0,
        hearts: 0,
        heartsPerSecond: 0,
      };
      const frame = this.shaper(room, m, base);
      const json = JSON.stringify(frame);
      const last = this.last.get(room);
      if (last?.json === json) continue;
      const now = this.opts.scheduler.now();
      const gapMs = Math.max(
        this.opts.intervalMs,
        (1000 * (live.get(room)!.viewers ?? 0)) / this.opts.statsFramesPerSecond,
      );
      // Half an interval of slack: reports come every interval, never exactly on the gap.
      if (last !== undefined && now - last.at < gapMs - this.opts.intervalMs / 2) continue;
      this.last.set(room, { json, at: now });
      this.opts.hub.publishLocal(room, prepareText(json), {
        latest: { key: 'stats', waitMs: (gapMs - this.opts.intervalMs) / 2 },
      });
    }
    for (const room of this.last.keys()) if (!live.has(room)) this.last.delete(room);
  }

  /** Stops reporting and removes this node's gauges from the merged counts. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.opts.scheduler.clearTimeout(this.timer);
    await this.running;
    await this.opts.presence.remove(this.opts.node).catch(() => {});
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.opts.scheduler.setTimeout(() => {
      this.running = this.reportNow().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.opts.intervalMs);
  }
}
