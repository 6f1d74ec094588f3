/**
 * Writes flushes to sockets in slices, so sends never wait behind fan-out: after `sliceSockets` socket writes
 * the writer yields to the event loop (setImmediate runs after the poll phase), and the reads, acks and
 * heartbeats waiting in the kernel are served before the next slice. A 17,000-member room is then about 85
 * slices of a millisecond or two each instead of one long stall. 200 (the default) rather than 500: on a
 * saturated box a gateway loses its core in the middle of a slice, so a shorter one gets a read served sooner;
 * send-to-ack p99 fell from 180–303 to 89–165 ms and fan p99 did not rise (fell 5–12 %) at the same CPU per
 * delivery (docs/benchmarks.md, "Stop 23"); 100 was no better than 200.
 *
 * Jobs run first in, first out, and the Hub keeps at most one job (a pass) per room in flight, so every socket
 * gets a room's frames in order. The session clock's lone heartbeat pings are jobs too (session-clock.ts):
 * queued behind the passes, they go in slices, and a pass that reaches a member first takes its ping along. The
 * writer also keeps the time it had work (`takeBusyMs`): the governor's measure of how close the node is to its
 * fan-out saturation (fanout-governor.ts).
 */
import type { Scheduler } from './scheduler.ts';

export interface WriteJob {
  /** Writes to at most `budget` sockets; returns how many it wrote to (0 means the job is done). */
  step(budget: number): number;
  /** Called once, after the job's last socket. */
  done(): void;
}

export class FanoutWriter {
  private readonly jobs: WriteJob[] = [];
  private head = 0;
  private pumping = false;
  private scheduled = false;
  /** Scheduler time the writer last went from idle to busy; undefined while idle. */
  private busySince: number | undefined;
  /** Busy time (some job waiting or in progress) accumulated since the last `takeBusyMs`. */
  private busyMs = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly sliceSockets: number,
  ) {}

  /** Jobs waiting or in progress. */
  get pending(): number {
    return this.jobs.length - this.head;
  }

  /** Queues a job; call pump() to start writing in this turn of the loop. */
  add(job: WriteJob): void {
    if (this.busySince === undefined) this.busySince = this.scheduler.now();
    this.jobs.push(job);
  }

  /** Milliseconds the writer had work since the last call (the governor's measure of fan-out load). */
  takeBusyMs(): number {
    const now = this.scheduler.now();
    let ms = this.busyMs;
    if (this.busySince !== undefined) {
      ms += now - this.busySince;
      this.busySince = now;
    }
    this.busyMs = 0;
    return ms;
  }

  /** Writes one slice now; the rest follows in later turns of the loop. */
  pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      let budget = this.sliceSockets;
      while (budget > 0 && this.head < this.jobs.length) {
        const job = this.jobs[this.head]!;
        const wrote = job.step(budget);
        if (wrote === 0) {
          this.head++;
          job.done();
        } else budget -= wrote;
      }
      this.compact();
    } finally {
      this.pumping = false;
    }
    if (this.head < this.jobs.length && !this.scheduled) {
      this.scheduled = true;
      this.scheduler.setImmediate(() => {
        this.scheduled = false;
        this.pump();
      });
    }
  }

  /** Writes everything queued now, without yielding (drain and close). */
  drain(): void {
    while (this.head < this.jobs.length) {
      const job = this.jobs[this.head]!;
      while (job.step(Number.MAX_SAFE_INTEGER) > 0);
      this.head++;
      job.done();
    }
    this.compact();
  }

  private compact(): void {
    if (this.head === this.jobs.length) {
      this.jobs.length = 0;
      this.head = 0;
      if (this.busySince !== undefined) {
        this.busyMs += this.scheduler.now() - this.busySince;
        this.busySince = undefined;
      }
    } else if (this.head > 1024) {
      this.jobs.splice(0, this.head);
      this.head = 0;
    }
  }
}
