/** What every connection of one gateway shares. */
import type { Limits } from '@lightstick/protocol';
import type { Services } from '../app/services.ts';
import type { RoomSeeder } from '../chat/room-seeder.ts';
import type { RoomAccess } from '../chat/room-access.ts';
import type { SendService } from '../chat/send-service.ts';
import type { Hub } from './hub.ts';
import type { Session } from './session.ts';

/** Limits the gateway enforces: the protocol's, optionally shortened (tests). */
export type GatewayLimits = { -readonly [K in keyof typeof Limits]: number };

export interface GatewayContext {
  services: Services;
  send: SendService;
  seeder: RoomSeeder;
  access: RoomAccess;
  hub: Hub;
  limits: GatewayLimits;
  sessions: Set<Session>;
  onClosed(session: Session): void;
}
