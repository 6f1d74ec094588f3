/**
 * ModerationState in Redis, shared by every gateway: one string per (room, user) or (room, text) holding the time
 * of the last accepted send, read and written by one script so two gateways never both let a send through.
 * Keys expire (real time) a margin after their interval, so idle rooms leave nothing behind.
 */
import { guarded, RedisScript, type RedisClients } from '../../broker/redis-clients.ts';
import type { GateDecision, ModerationState } from '../mode-state.ts';

/** KEYS: the gate. ARGV: now, interval ms, margin ms. Returns 0 (allowed, recorded) or the wait in ms. */
const GATE = new RedisScript(
  'lsModerationGate',
  `
local now, interval, margin = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local last = redis.call('GET', KEYS[1])
if last then
  local wait = tonumber(last) + interval - now
  if wait > 0 then return wait end
end
redis.call('SET', KEYS[1], now, 'PX', interval + margin)
return 0
`,
);

export class RedisModerationState implements ModerationState {
  private readonly prefix: string;
  private readonly margin: number;

  constructor(
    private readonly clients: RedisClients,
    opts: { prefix?: string; expiryMarginMs?: number } = {},
  ) {
    this.prefix = `${opts.prefix ?? clients.prefix}mod:`;
    this.margin = opts.expiryMarginMs ?? 60_000;
  }

  slowGate(room: string, userId: string, intervalMs: number, now: number): Promise<GateDecision> {
    return this.gate(`${this.prefix}slow:${room}:${userId}`, intervalMs, now);
  }

  uniqueGate(room: string, textKey: string, windowMs: number, now: number): Promise<GateDecision> {
    return this.gate(`${this.prefix}uniq:${room}:${textKey}`, windowMs, now);
  }

  /** The connection is the caller's (createRedisClients). */
  async close(): Promise<void> {}

  private async gate(key: string, intervalMs: number, now: number): Promise<GateDecision> {
    if (intervalMs <= 0) return { allowed: true };
    const wait = Number(
      await guarded(() => GATE.run(this.clients.command, [key], [now, Math.ceil(intervalMs), this.margin])),
    );
    return wait > 0 ? { allowed: false, retryAfterMs: wait } : { allowed: true };
  }
}
