/**
 * In-process room counters: the real single-process mode, and shared by several gateway nodes in one process
 * (the in-process multi-gateway tests). Node reports expire by the injected clock, so tests move it by hand.
 */
import type { Runtime } from '../runtime.ts';
import type { Counters, MergedCounters, NodeReport, PresenceStore } from './presence-store.ts';

interface NodeState {
  live: Map<string, Counters>;
  expiresAt: number;
}

export class MemoryPresenceStore implements PresenceStore {
  private readonly nodes = new Map<string, NodeState>();
  private readonly totals = new Map<string, Counters>();

  constructor(private readonly runtime: Runtime) {}

  async report(
    node: string,
    report: NodeReport,
    ttlMs: number,
    rooms: readonly string[],
  ): Promise<Map<string, MergedCounters>> {
    const now = this.runtime.now();
    this.prune(now);
    this.nodes.set(node, { live: new Map(report.live), expiresAt: now + ttlMs });
    for (const [room, adds] of report.adds ?? []) {
      const total = this.totals.get(room) ?? {};
      for (const [name, n] of Object.entries(adds)) total[name] = (total[name] ?? 0) + n;
      this.totals.set(room, total);
    }
    return this.merged(rooms);
  }

  async counts(rooms: readonly string[]): Promise<Map<string, MergedCounters>> {
    this.prune(this.runtime.now());
    return this.merged(rooms);
  }

  async remove(node: string): Promise<void> {
    this.nodes.delete(node);
  }

  async close(): Promise<void> {
    this.nodes.clear();
    this.totals.clear();
  }

  private prune(now: number): void {
    for (const [node, state] of this.nodes) if (state.expiresAt <= now) this.nodes.delete(node);
  }

  private merged(rooms: readonly string[]): Map<string, MergedCounters> {
    const out = new Map<string, MergedCounters>();
    for (const room of rooms) {
      const live: Counters = {};
      for (const state of this.nodes.values()) {
        for (const [name, n] of Object.entries(state.live.get(room) ?? {}))
          live[name] = (live[name] ?? 0) + n;
      }
      out.set(room, { live, total: { ...this.totals.get(room) } });
    }
    return out;
  }
}
