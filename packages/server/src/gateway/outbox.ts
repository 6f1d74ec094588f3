/**
 * Per-room outbox: gathers what a room receives between two flushes (chat messages and ephemeral room frames,
 * in arrival order) and turns it into the few frames every local member gets, each serialised ONCE per node and
 * written as the same bytes to every socket. Consecutive messages become one `msgs` frame; an ephemeral frame
 * (`stats`, and later `deleted`, `pinned`, live state...) sits between them where it arrived, so a `deleted`
 * never overtakes the message it deletes.
 *
 * A frame that only says a room's latest state (the `stats` viewer count) is queued under a key with `putLatest`:
 * a newer one replaces the one still waiting, in its place, so a flush never carries two of the same kind and a
 * frame that waits (the Hub lets `stats` wait for the room's next flush: hub.ts) costs nothing when it does.
 *
 * A `msgs` frame holds the messages of one epoch: its messages leave their epoch out (the frame's `upto` says
 * it, protocol's live-messages.ts), so a stream reset between two messages starts another frame.
 *
 * Slow sockets (past softBufferBytes) get a second shared set of frames: `msgs` with only the priority messages
 * and a `skipped` count (ephemeral frames are kept); `upto` always advances so the client's resume point is
 * exact. A socket past hardBufferBytes is closed with 4010 and resumes from its position.
 */
import { CloseCode, type ChatMessage, type RoomMessages } from '@lightstick/protocol';
import type { Metrics } from '../observability/metrics.ts';
import { prepareText, type Connection, type PreparedFrame } from './connection.ts';
import { msgsFrameText } from './message-texts.ts';

/** A local member of a room, as the Hub and outbox see it. */
export interface Subscriber {
  readonly connection: Connection;
  /** Frames for `room` are held here (not written) while the member's `joined` answer is being prepared. */
  held(room: string): PreparedFrame[] | undefined;
}

export interface OutboxDeps {
  metrics: Pick<Metrics, 'messagesDelivered' | 'messagesSkipped' | 'deliverLatency' | 'fanoutFrames'>;
  limits: { softBufferBytes: number; hardBufferBytes: number };
  /** Takes the receive time (performance.now() ms) of a message sent through this process. */
  receivedAt?: (messageId: string) => number | undefined;
  /** Serialiser of `msgs` frames, injectable so tests can count serialisations (default: message-texts.ts). */
  serialize?: (frame: RoomMessages) => string;
}

type Segment = { kind: 'msgs'; msgs: ChatMessage[] } | { kind: 'frame'; frame: PreparedFrame };

/** Whether `next` may join the `msgs` segment `last` (a frame's messages share one epoch). */
function sameStretch(last: Segment | undefined, next: ChatMessage): last is Segment & { kind: 'msgs' } {
  return last?.kind === 'msgs' && last.msgs.at(-1)!.pos.epoch === next.pos.epoch;
}

export class RoomOutbox {
  private segments: Segment[] = [];
  /** The keyed frames waiting (`putLatest`), by key. */
  private readonly latest = new Map<string, Segment & { kind: 'frame' }>();

  constructor(
    readonly room: string,
    private readonly deps: OutboxDeps,
  ) {}

  get empty(): boolean {
    return this.segments.length === 0;
  }

  /** Queues a chat message. */
  push(message: ChatMessage): void {
    const last = this.segments.at(-1);
    if (sameStretch(last, message)) last.msgs.push(message);
    else this.segments.push({ kind: 'msgs', msgs: [message] });
  }

  /** Queues an ephemeral room frame (no position, no history), prepared once by the caller. */
  pushFrame(frame: PreparedFrame): void {
    this.segments.push({ kind: 'frame', frame });
  }

  /** Queues a frame that says the room's latest `key` (say `stats`): it replaces one of that key still waiting. */
  putLatest(key: string, frame: PreparedFrame): void {
    const waiting = this.latest.get(key);
    if (waiting !== undefined) {
      waiting.frame = frame;
      return;
    }
    const segment = { kind: 'frame' as const, frame };
    this.latest.set(key, segment);
    this.segments.push(segment);
  }

  /** Takes everything gathered as one flush, to be written to every member (possibly over several slices). */
  take(): RoomFlush {
    const segments = this.segments;
    this.segments = [];
    this.latest.clear();
    return new RoomFlush(this.room, segments, this.deps);
  }

  /** Writes everything gathered to `members` now (tests, and before closing). */
  flush(members: Iterable<Subscriber>): void {
    if (this.empty) return;
    const f = this.take();
    for (const m of members) f.deliver(m);
    f.finish();
  }
}

/**
 * One flush of a room: its frames, prepared once, and the counts of what each member got. A pass that reaches a
 * member lacking several flushes writes it their merge (`RoomFlush.merge`): one `msgs` frame for what they hold
 * together, prepared once for every member lacking the same ones.
 */
export class RoomFlush {
  private readonly full: PreparedFrame[];
  private thinFrames: PreparedFrame[] | undefined;
  private readonly messages: number;
  private readonly priority: number;
  private delivered = 0;
  private skipped = 0;
  private frames = 0;

  /** `timed`: whether `finish` records its messages' latency (a merge's flushes record their own). */
  constructor(
    readonly room: string,
    private readonly segments: Segment[],
    private readonly deps: OutboxDeps,
    private readonly timed = true,
  ) {
    let messages = 0;
    let priority = 0;
    this.full = segments.map((s) => {
      if (s.kind === 'frame') return s.frame;
      messages += s.msgs.length;
      for (const m of s.msgs) if (m.priority) priority++;
      return this.prepareMsgs({ t: 'msgs', room, msgs: s.msgs, upto: s.msgs.at(-1)!.pos });
    });
    this.messages = messages;
    this.priority = priority;
  }

  /**
   * What `flushes` hold, in order, as one flush: consecutive messages become one `msgs` frame, an ephemeral frame
   * keeps its place between them. Its counters are its own; the latency of its messages is recorded by `flushes`.
   */
  static merge(flushes: readonly RoomFlush[]): RoomFlush {
    const first = flushes[0]!;
    const segments: Segment[] = [];
    for (const f of flushes) {
      for (const s of f.segments) {
        const last = segments.at(-1);
        if (s.kind === 'msgs' && sameStretch(last, s.msgs[0]!)) last.msgs = last.msgs.concat(s.msgs);
        else segments.push(s.kind === 'msgs' ? { kind: 'msgs', msgs: s.msgs } : s);
      }
    }
    return new RoomFlush(first.room, segments, first.deps, false);
  }

  /** Writes this flush to one member (held, thinned or closed as its state says). */
  deliver(member: Subscriber): void {
    const frames = this.framesFor(member);
    if (frames !== undefined) member.connection.writeMany(frames);
  }

  /**
   * What this flush writes to one member, counted as delivered: its frames, or the thinned ones past the soft
   * buffer limit; undefined when nothing is to be written (closed, past the hard limit and now closed, or its
   * join in progress: then the frames are held for it).
   */
  framesFor(member: Subscriber): readonly PreparedFrame[] | undefined {
    const conn = member.connection;
    if (!conn.open) return undefined;
    const hold = member.held(this.room);
    if (hold !== undefined) {
      hold.push(...this.full);
      return undefined;
    }
    const buffered = conn.bufferedAmount();
    if (buffered > this.deps.limits.hardBufferBytes) {
      conn.close(CloseCode.SlowConsumer, 'slow consumer: reconnect and resume');
      return undefined;
    }
    this.frames += this.full.length;
    if (buffered <= this.deps.limits.softBufferBytes) {
      this.delivered += this.messages;
      return this.full;
    }
    this.delivered += this.priority;
    this.skipped += this.messages - this.priority;
    return this.thin();
  }

  /**
   * Adds what was written since the last report to the node's counters. The Hub reports after each slice of a
   * pass: counted only once every member had the flush, a pass over 16 667 sockets on a starved gateway (stop
   * 32's 100 000 fans) moved `lightstick_fanout_frames_total` once in 30 s while millions of frames went out.
   */
  report(): void {
    const { metrics } = this.deps;
    if (this.delivered > 0) metrics.messagesDelivered.inc(this.delivered);
    if (this.skipped > 0) metrics.messagesSkipped.inc(this.skipped);
    if (this.frames > 0) metrics.fanoutFrames.inc(this.frames);
    this.delivered = 0;
    this.skipped = 0;
    this.frames = 0;
  }

  /** Reports the last counts and records each message's send-to-written latency, once every member had it. */
  finish(): void {
    this.report();
    const { metrics, receivedAt } = this.deps;
    if (receivedAt === undefined || !this.timed) return;
    const now = performance.now();
    for (const s of this.segments) {
      if (s.kind !== 'msgs') continue;
      for (const m of s.msgs) {
        const at = receivedAt(m.id);
        if (at !== undefined) metrics.deliverLatency.observe((now - at) / 1000);
      }
    }
  }

  /** The frames for slow sockets: priority messages only, with the skipped count; one set per flush. */
  private thin(): PreparedFrame[] {
    this.thinFrames ??= this.segments.map((s, i) => {
      if (s.kind === 'frame') return this.full[i]!;
      const lane = s.msgs.filter((m) => m.priority);
      if (lane.length === s.msgs.length) return this.full[i]!;
      const frame: RoomMessages = {
        t: 'msgs',
        room: this.room,
        msgs: lane,
        skipped: s.msgs.length - lane.length,
        upto: s.msgs.at(-1)!.pos,
      };
      return this.prepareMsgs(frame);
    });
    return this.thinFrames;
  }

  private prepareMsgs(frame: RoomMessages): PreparedFrame {
    const { serialize } = this.deps;
    return prepareText(serialize === undefined ? msgsFrameText(frame) : serialize(frame));
  }
}
