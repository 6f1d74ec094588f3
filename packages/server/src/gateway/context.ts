/** What every connection of one gateway shares. */
import type { Limits } from '@lightstick/protocol';
import type { Services } from '../services.ts';
import type { RoomSeeder } from '../chat/room-seeder.ts';
import type { RoomAccess } from '../chat/room-access.ts';
import type { SendService } from '../chat/send-service.ts';
import type { GatewayFandom } from './fandom.ts';
import type { Hub } from './hub.ts';
import type { AddressJoinLimiter, JoinLimiter, UserJoinLimiter } from './join-limits.ts';
import type { ReplayBudget } from './replay-budget.ts';
import type { JoinGate } from './join-gate.ts';
import type { Session } from './session.ts';
import type { Admission } from './admission.ts';
import type { SessionClock } from './session-clock.ts';

/**
 * Limits the gateway enforces: the protocol's, optionally shortened (tests), and the fan send bucket of this
 * deployment (from Config's sendRate) that `hello` announces.
 */
export type GatewayLimits = { -readonly [K in keyof typeof Limits]: number } & {
  sendsPerSecond: number;
  sendBurst: number;
};

export interface GatewayContext {
  services: Services;
  send: SendService;
  seeder: RoomSeeder;
  access: RoomAccess;
  hub: Hub;
  /** Modes, pins, spotlight, hearts and the fan delay on this node. */
  fandom: GatewayFandom;
  /** Joins per connection. */
  joins: JoinLimiter;
  /** Joins per account, over all its connections and gateways. */
  userJoins: UserJoinLimiter;
  /** Joins per client address, in this process. */
  addressJoins?: AddressJoinLimiter;
  /** Joins in flight on this gateway, and the queue of the others. */
  joinGate: JoinGate;
  /** Replay bytes per account and window. */
  replay: ReplayBudget;
  limits: GatewayLimits;
  sessions: Set<Session>;
  /** Auth deadline, heartbeat, idle timeout and token expiry of every session. */
  clock: SessionClock;
  /** Origin and connection caps (per address, per account). */
  admission?: Admission;
  onClosed(session: Session): void;
}
