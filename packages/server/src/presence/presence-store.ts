/**
 * Room counters across nodes, written per node, never per socket: each gateway node reports, once per interval,
 * its local counters for every room it holds in ONE write, and reads back the counters merged over all live
 * nodes. Viewers are counted this way (a room's viewer count is right across gateways within about one
 * interval); moderation adds heart taps the same way. Broker and Redis traffic is bounded by the number of
 * nodes, not by sockets, joins or taps.
 *
 * Two kinds of counter, by name:
 * - `live`: a gauge the node sets (viewers now, taps in the last interval). Merged = the sum over live nodes; a
 *   node that stops reporting for `ttlMs` no longer counts, and a room a node leaves out counts 0 for it.
 * - `adds`: increments since the node's last report (heart taps). Merged = the running total of all reports.
 */
export type Counters = Record<string, number>;

export interface NodeReport {
  /** Per room: this node's gauges. Rooms absent from the map are 0 for this node. */
  live: ReadonlyMap<string, Counters>;
  /** Per room: what to add to the room's running totals. */
  adds?: ReadonlyMap<string, Counters>;
}

export interface MergedCounters {
  /** Gauges summed over the live nodes (missing names are 0). */
  live: Counters;
  /** Running totals (missing names are 0). */
  total: Counters;
}

export interface PresenceStore {
  /**
   * Atomically: forgets nodes not heard of within their ttl, replaces this node's gauges, adds its increments,
   * marks it alive for `ttlMs`, and returns the merged counters of `rooms` (each room present, empty when
   * unknown). One round trip. Throws AppError('unavailable') when the store cannot be reached.
   */
  report(
    node: string,
    report: NodeReport,
    ttlMs: number,
    rooms: readonly string[],
  ): Promise<Map<string, MergedCounters>>;
  /** The merged counters of `rooms` now. */
  counts(rooms: readonly string[]): Promise<Map<string, MergedCounters>>;
  /** Forgets a node's gauges at once (a clean shutdown); its increments stay in the totals. */
  remove(node: string): Promise<void>;
  close(): Promise<void>;
}
