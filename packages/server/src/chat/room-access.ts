/** Who may enter or write to a room: the store's facts fed to the plain guard functions. */
import type { AuthorRole } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import { ensureCanJoin, ensureCanSend } from '../auth/guards.ts';
import type { Principal } from '../auth/principal.ts';
import type { MembershipRecord, RoomRecord, Store } from '../storage/repositories.ts';

export interface RoomGrant {
  room: RoomRecord;
  membership: MembershipRecord | undefined;
  /** The role the principal acts with in the room's community right now. */
  role: AuthorRole;
}

export class RoomAccess {
  constructor(private readonly store: Pick<Store, 'rooms' | 'communities'>) {}

  /** Throws not_found for an unknown room and forbidden when the principal may not enter it. */
  async join(principal: Principal, roomId: string): Promise<RoomGrant> {
    const { room, membership } = await this.load(principal, roomId);
    return { room, membership, role: ensureCanJoin(principal, room, membership) };
  }

  /** Like join, with the send guard (moderation rules come on top, in the send pipeline). */
  async send(principal: Principal, roomId: string): Promise<RoomGrant> {
    const { room, membership } = await this.load(principal, roomId);
    return { room, membership, role: ensureCanSend(principal, room, membership) };
  }

  private async load(principal: Principal, roomId: string) {
    const room = await this.store.rooms.byId(roomId);
    if (room === undefined) throw new AppError('not_found', 'No such room');
    const membership = await this.store.communities.membership(room.communityId, principal.userId);
    return { room, membership };
  }
}
