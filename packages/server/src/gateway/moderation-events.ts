/**
 * The realtime side of moderation: the `ModerationEvents` port (moderation/events.ts) as control messages
 * through the broker. Each change is ONE control message to every node; each gateway's handlers
 * (fandom-control.ts) act on their local sockets: send the `mode`, `deleted` and `pinned` frames to the room's
 * members (priority lane), forget the caches that would serve the old value (room modes, pins, compiled
 * filters), hold back a deleted message a fan delay still holds, and take a banned or demoted person out of the
 * rooms they may no longer enter (and tell them their role). A control message reaches nodes that have no member of the room too: they
 * only forget their caches. Sending never throws: the change is stored already; a lost message is logged.
 */
import type { ChatMessage, CommunityRole, RoomMode, SanctionKind } from '@lightstick/protocol';
import type { Broker } from '../broker/broker.ts';
import type { ModerationEvents } from '../moderation/events.ts';
import type { Logger } from '../observability/logger.ts';
import { sendControl, type ControlType, type ControlTypes } from './control.ts';

declare module './control.ts' {
  interface ControlTypes {
    /** A room's modes, deletions or pin changed. */
    'fandom.room':
      | { room: string; kind: 'mode'; mode: RoomMode }
      | { room: string; kind: 'deleted'; mids: string[] }
      | { room: string; kind: 'pinned'; message: ChatMessage | null };
    /**
     * Someone's standing in a community changed: a ban (drop their rooms there), a timeout (tell them, with
     * the time left), a role change or leaving (`role` null: re-check every room of the community they hold).
     */
    'fandom.access':
      | { communityId: string; userId: string; kind: 'ban' }
      | { communityId: string; userId: string; kind: 'timeout'; until: number }
      | { communityId: string; userId: string; kind: 'role'; role: CommunityRole | null }
      | {
          communityId: string;
          userId: string;
          kind: 'lifted';
          sanction: SanctionKind;
          /** Their role in the community, told to them when a ban is lifted. */
          role: CommunityRole | null;
        };
    /** A community's filter settings changed: compiled filters are read again. */
    'fandom.filter': { communityId: string };
  }
}

export class BrokerModerationEvents implements ModerationEvents {
  constructor(
    private readonly broker: Pick<Broker, 'control'>,
    private readonly logger: Logger,
  ) {}

  modeChanged(mode: RoomMode): void {
    this.send('fandom.room', { room: mode.room, kind: 'mode', mode });
  }

  messageDeleted(room: string, mid: string): void {
    this.send('fandom.room', { room, kind: 'deleted', mids: [mid] });
  }

  pinChanged(room: string, message: ChatMessage | null): void {
    this.send('fandom.room', { room, kind: 'pinned', message });
  }

  sanctioned(communityId: string, userId: string, kind: SanctionKind, until: number | null): void {
    if (kind === 'ban') this.send('fandom.access', { communityId, userId, kind: 'ban' });
    else this.send('fandom.access', { communityId, userId, kind: 'timeout', until: until ?? 0 });
  }

  sanctionLifted(communityId: string, userId: string, kind: SanctionKind, role: CommunityRole | null): void {
    this.send('fandom.access', { communityId, userId, kind: 'lifted', sanction: kind, role });
  }

  roleChanged(communityId: string, userId: string, role: CommunityRole | null): void {
    this.send('fandom.access', { communityId, userId, kind: 'role', role });
  }

  filterChanged(communityId: string): void {
    this.send('fandom.filter', { communityId });
  }

  private send<K extends ControlType>(type: K, data: ControlTypes[K]): void {
    sendControl(this.broker, type, data).catch((err: unknown) =>
      this.logger.error({ err, type }, 'moderation change not told to live connections'),
    );
  }
}
