/**
 * The node's fan-out budget follows what the node can actually do, measured by its event loop's delay and by how
 * much of the time its fan-out writer is busy.
 *
 * The configured budget (`LIGHTSTICK_FANOUT_FRAMES_PER_SEC`) is a ceiling set for a core per gateway. A gateway
 * that gets less (more gateways than cores, load generators or other services on its cores, a noisy neighbour)
 * kept writing every message as its own frame to every socket while its loop fell seconds behind: on the
 * benchmark's 2 cores the `storm` survivors held ~1 000 reconnecting clients each in their accept queues for
 * ~15 s, busy writing single-message frames (docs/benchmarks.md, stop 20). Frames per recipient should fall
 * as load rises, and load is what the node measures, not what it was configured for.
 *
 * Every `periodMs` the governor reads two measures over the period:
 * - the loop's mean delay (timer lateness, which counts time the process waited for a core as well as time it
 *   worked), against `lagTargetMs`;
 * - the share of the period the fan-out writer had a pass to write (FanoutWriter.takeBusyMs), against
 *   `busyTarget`. The writer yields between slices, so the loop's delay stays low while the node does little
 *   but write: 20 000 fans at 20 msgs/s on two shared cores kept the mean delay far under 50 ms while the
 *   writer was never idle, and sends waited behind the passes (send-to-ack p99 188 ms, stop 33 in
 *   docs/benchmarks.md). A writer busy most of the time is a node at its fan-out saturation.
 * The delay above its target: the budget drops to 70 % of what the node was writing (its demand, if lower than
 * the budget), at least `floor`: rooms flush less often, each frame carrying more messages, and the time saved
 * goes to reads, acks and accepts. The writer's share above its target: down to what brings the share to AIM
 * (80 %) of the target, by 30 % at most. The delay under half its target and the share under AIM of its target
 * (or not read): up toward that share, by half at most, up to the configured ceiling (from the floor, a
 * fiftieth of the ceiling, back to the ceiling in ten steps once the pressure is gone: ten periods when only the
 * delay is read, ten windows of the share when it is). So a node at its fan-out saturation settles where its
 * writer is busy 56–70 % of the time (the default target 70 %), the most frames its rooms can have without
 * passing it, where a band from half the target to the target held whatever budget a cut had left (stop 50
 * measured 12 000 frames/s held with the writer busy half the time). Sharp decrease, gradual increase: a short
 * stall shrinks the budget at once, a healthy node never pays for it long. The priority lane ignores the
 * interval either way (hub.ts).
 *
 * A cut stops at what the rooms write with the interval at its longest (`FlushPacer.framesAtLongestInterval`):
 * below that the interval cannot grow, so a further cut saves no frame, and on a node whose measures stay over
 * target (a gateway that never gets a whole core) the budget used to wind down to the floor period after period
 * while the interval sat at its longest: 20 000 local members at 20 msgs/s were budgeted 1 000 frames/s while
 * writing 20 000. When the load then fell, the budget had to grow back from the floor before any room flushed
 * sooner: after a stall at 20 msgs/s, a room down to 2 msgs/s kept its 1 s interval 4.5 s, against 3 s from
 * where the interval reached its longest (regression test `budget-winds-down-past-the-longest-interval`).
 *
 * The writer's busy share is judged over the last BUSY_WINDOW periods (2 s), and only once that many were read
 * under the budget in force: the loop's delay still cuts at once. A busy room is written in passes, one an
 * interval, and with the interval near the period a period held no pass, one or two: a gateway writing
 * 20 000 × 20 msgs/s read 0.01, 0.1, 0.9 and 1.0 within seconds though its writer was busy about half the time
 * on average. Each reading moved the budget (cut to 70 % on a high one, half again on a low one): it swung between
 * 10 700 and 28 400 frames/s, the interval between 0.29 and 0.79 s, and a fan's wait is its room's interval
 * when the message came, so the fans' p99 followed the longest intervals (regression test
 * `budget-swings-with-passes-that-alias-the-period`; docs/benchmarks.md, "Stop 50"). Readings taken under
 * another budget say nothing of this one, so a change starts the window again: one overload is cut once per
 * window, not once for every period its readings stay in it.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FanoutWriter } from './fanout-writer.ts';
import type { FlushPacer } from './pacer.ts';
import type { Scheduler, TimerHandle } from './scheduler.ts';

export interface FanoutGovernorOptions {
  /** The configured budget: frames per second at most. */
  ceiling: number;
  /** The budget never falls below this. */
  floor: number;
  /** Mean event-loop delay (ms) above which the budget shrinks; 0: the delay is not read. */
  lagTargetMs: number;
  /** Share of the period (0-1) the fan-out writer may be busy before the budget shrinks; 0: not read. */
  busyTarget: number;
  /** How often the measures are read and the budget adjusted (ms). */
  periodMs: number;
}

/** Where the loop's delay comes from: perf_hooks' histogram in production, a fake in the unit tests. */
export interface LoopDelay {
  /** Mean delay since the last reset, ms (0 when nothing was recorded). */
  meanMs(): number;
  reset(): void;
  /** Starts and stops the sampling (the governor's start and stop): a governor turned off samples nothing. */
  enable?(): void;
  disable?(): void;
}

/** The process's loop delay from perf_hooks, sampled every 10 ms while enabled. */
export function processLoopDelay(): LoopDelay {
  const h = monitorEventLoopDelay({ resolution: 10 });
  return {
    meanMs: () => (h.count > 0 ? h.mean / 1e6 : 0),
    reset: () => h.reset(),
    enable: () => h.enable(),
    disable: () => h.disable(),
  };
}

/** The periods the writer's busy share is averaged over before it moves the budget (see the header). */
export const BUSY_WINDOW = 4;
/** A cut keeps at least this share of what the node was writing; a step up adds at most half. */
const CUT = 0.7;
const GROW = 1.5;
/** The writer's share the budget is steered to, as a share of its target: it holds between the two. */
export const AIM = 0.8;

export class FanoutGovernor {
  private timer: TimerHandle | undefined;
  /** The writer's busy share of each period since the budget last changed, the last BUSY_WINDOW of them. */
  private readings: number[] = [];

  constructor(
    private readonly opts: FanoutGovernorOptions,
    private readonly pacer: Pick<FlushPacer, 'budget' | 'setBudget' | 'demand' | 'framesAtLongestInterval'>,
    private readonly delay: LoopDelay,
    private readonly scheduler: Scheduler,
    private readonly writer: Pick<FanoutWriter, 'takeBusyMs'>,
    private readonly onBudget: (framesPerSecond: number) => void = () => {},
    /** The writer's busy share of each period (the `lightstick_fanout_busy_ratio` gauge). */
    private readonly onBusy: (share: number) => void = () => {},
  ) {}

  /** Starts adjusting, unless both targets are 0 (the budget then stays as configured). */
  start(): void {
    if (this.timer !== undefined || (this.opts.lagTargetMs <= 0 && this.opts.busyTarget <= 0)) return;
    if (this.opts.lagTargetMs > 0) {
      this.delay.enable?.();
      this.delay.reset();
    }
    this.writer.takeBusyMs();
    this.schedule();
  }

  stop(): void {
    if (this.timer === undefined) return;
    this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.opts.lagTargetMs > 0) this.delay.disable?.();
  }

  /** One adjustment from what was measured since the last one. */
  adjust(): void {
    const { ceiling, floor, lagTargetMs, busyTarget, periodMs } = this.opts;
    const lag = lagTargetMs > 0 ? this.delay.meanMs() : 0;
    if (lagTargetMs > 0) this.delay.reset();
    const share = Math.min(1, this.writer.takeBusyMs() / periodMs);
    this.readings.push(share);
    if (this.readings.length > BUSY_WINDOW) this.readings.shift();
    // Judged over a whole window, or not at all (the header says why).
    const judged = this.readings.length === BUSY_WINDOW;
    const busy = this.readings.reduce((a, b) => a + b, 0) / this.readings.length;
    const lagOver = lagTargetMs > 0 && lag > lagTargetMs;
    const lagCalm = lagTargetMs <= 0 || lag < lagTargetMs / 2;
    const aim = AIM * busyTarget;
    // How far to move: to 70 % on a lagging loop; the writer's share brought to the aim, by 30 % down or half
    // again up at most; half again on a calm loop when the share is not read.
    let scale = 1;
    if (lagOver) scale = CUT;
    else if (busyTarget > 0) {
      if (judged && busy > busyTarget) scale = Math.max(CUT, aim / busy);
      else if (judged && lagCalm && busy < aim) scale = Math.min(GROW, aim / Math.max(busy, 0.01));
    } else if (lagCalm) scale = GROW;
    const budget = this.pacer.budget();
    let next = budget;
    if (scale < 1) {
      // What the node was writing, cut: its demand, if lower than the budget.
      const cut = scale * Math.min(budget, this.pacer.demand());
      // Never below what the rooms write at the longest interval: there a cut spaces no flush further and only
      // makes the way back longer once the load falls (windup; see the header).
      const longest = Math.min(budget, this.pacer.framesAtLongestInterval());
      next = Math.max(floor, cut, longest);
    } else if (scale > 1) next = Math.min(ceiling, Math.max(floor, budget * scale));
    next = Math.round(next);
    this.onBusy(share);
    if (next === budget) return;
    this.readings = [];
    this.pacer.setBudget(next);
    this.onBudget(next);
  }

  private schedule(): void {
    this.timer = this.scheduler.setTimeout(() => {
      this.adjust();
      this.schedule();
    }, this.opts.periodMs);
  }
}
