/**
 * Connections counted across every gateway node (issue 8): the per-account socket cap must hold for the
 * deployment, not per process, or a fan behind a load balancer holds cap x gateways sockets. Each node owns
 * its share of a count and keeps it alive by refreshing it; a node that dies (even by kill -9) stops
 * refreshing, and its share stops counting within a ttl, so no count leaks.
 *
 * Embedded mode has one gateway and no implementation: the gateway's own count is the deployment's.
 */
export interface ConnectionCounts {
  /**
   * Takes one slot of `key` for this node when the live nodes together hold fewer than `cap`; true when taken.
   * Throws AppError('unavailable') when the shared store cannot be reached (the caller decides).
   */
  acquire(key: string, cap: number): Promise<boolean>;
  /** Gives back a slot this node took (a slot never taken is ignored). */
  release(key: string): Promise<void>;
  /** Stops refreshing and gives back every slot of this node at once (a clean shutdown). */
  close(): Promise<void>;
}
