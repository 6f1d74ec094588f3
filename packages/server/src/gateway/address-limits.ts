/**
 * Joins and connects per client address (issue 11: "joins and connects per connection and per address"):
 * `LIGHTSTICK_ADDRESS_JOIN_LIMIT` joins per join window and `LIGHTSTICK_ADDRESS_CONNECT_LIMIT` WebSocket
 * upgrades per connect window, from one address, however many connections and accounts it uses. The address
 * is the socket's peer or, with LIGHTSTICK_TRUST_PROXY, the one the trusted proxies forwarded (Admission).
 *
 * Per gateway process, like the per-address socket cap and for the same reason: a Redis call on every
 * unauthenticated upgrade would turn a flood of them into load on the shared Redis; per process an address
 * gets at most limit x gateways. Bounded: the least recently seen addresses are forgotten past `maxAddresses`
 * (a forgotten address starts again with a full allowance).
 */
import type { LRUCache } from 'lru-cache';
import { boundedLru } from '../bounded-lru.ts';
import type { WindowLimit } from '../config/config.ts';
import { takeToken, type Bucket } from './window-bucket.ts';

export class AddressLimit {
  private readonly buckets: LRUCache<string, Bucket>;

  constructor(
    private readonly rule: WindowLimit,
    private readonly now: () => number,
    maxAddresses = 100_000,
  ) {
    this.buckets = boundedLru<string, Bucket>(maxAddresses);
  }

  /** Takes one for `address`; the wait in ms when its allowance is spent (0: taken). */
  take(address: string): number {
    const { bucket, waitMs } = takeToken(this.buckets.get(address), this.rule, this.now());
    this.buckets.set(address, bucket);
    return waitMs;
  }
}
