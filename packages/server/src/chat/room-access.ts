/** Who may enter or write to a room: the store's facts fed to the plain guard functions. */
import type { AuthorRole } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import { activeSanctions, ensureCanJoin, ensureCanSend, type ActiveSanctions } from '../auth/guards.ts';
import type { Principal } from '../auth/principal.ts';
import type { Runtime } from '../runtime.ts';
import type { MembershipRecord, RoomRecord, Store } from '../storage/repositories.ts';

export interface RoomGrant {
  room: RoomRecord;
  membership: MembershipRecord | undefined;
  /** The role the principal acts with in the room's community right now. */
  role: AuthorRole;
  /** Bans and timeouts in force (a timed-out person may enter; the send checks refuse the send). */
  sanctions: ActiveSanctions;
}

export type RoomAccessStore = Pick<Store, 'rooms' | 'communities' | 'sanctions'>;

export class RoomAccess {
  constructor(
    private readonly store: RoomAccessStore,
    private readonly now: Pick<Runtime, 'now'> = { now: () => Date.now() },
  ) {}

  /** Throws not_found for an unknown room, banned for a banned person and forbidden when they may not enter. */
  async join(principal: Principal, roomId: string): Promise<RoomGrant> {
    const { room, membership, sanctions } = await this.load(principal, roomId);
    return { room, membership, sanctions, role: ensureCanJoin(principal, room, membership, sanctions) };
  }

  /** Like join, with the send guard (moderation rules come on top, in the send pipeline). */
  async send(principal: Principal, roomId: string): Promise<RoomGrant> {
    const { room, membership, sanctions } = await this.load(principal, roomId);
    return { room, membership, sanctions, role: ensureCanSend(principal, room, membership, sanctions) };
  }

  private async load(principal: Principal, roomId: string) {
    const room = await this.store.rooms.byId(roomId);
    if (room === undefined) throw new AppError('not_found', 'No such room');
    const [membership, records] = await Promise.all([
      this.store.communities.membership(room.communityId, principal.userId),
      // Admins are never sanctioned: their sends skip the read.
      principal.admin ? [] : this.store.sanctions.of(room.communityId, principal.userId),
    ]);
    return { room, membership, sanctions: activeSanctions(records, this.now.now()) };
  }
}
