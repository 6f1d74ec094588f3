/**
 * Moderation of a room: its modes, deleting messages and the pinned message. Every change is stored with its
 * audit entry in one transaction, then told to live connections (events.ts).
 */
import type { ChatMessage, PinnedView, PutRoomModeBody, RoomMode } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import type { Principal } from '../auth/principal.ts';
import { ensureCanActOn } from '../auth/guards.ts';
import type { Runtime } from '../runtime.ts';
import type { Store } from '../storage/repositories.ts';
import { actorOf, auditEntry } from './audit.ts';
import type { Cached } from '../read-through-cache.ts';
import type { ModerationEvents } from './events.ts';
import type { MessageFinder } from './message-finder.ts';
import { applyModePatch, toRoomMode } from './room-modes.ts';
import type { Scopes } from './scope.ts';

export interface RoomModerationDeps {
  store: Pick<Store, 'moderation'>;
  runtime: Runtime;
  scopes: Scopes;
  finder: MessageFinder;
  /** The send checks' mode cache: a change here is enforced at once in this process. */
  modes: Cached<RoomMode>;
  events?: ModerationEvents;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class RoomModeration {
  constructor(private readonly deps: RoomModerationDeps) {}

  /** Anyone who may enter the room sees its modes (the web app shows them in words). */
  async mode(p: Principal, roomId: string): Promise<RoomMode> {
    const scope = await this.deps.scopes.room(p, roomId);
    this.deps.scopes.require(p, scope, 'room.enter', 'Join the community to see its rooms');
    return toRoomMode(await this.deps.store.moderation.roomMode(roomId), roomId);
  }

  async setMode(p: Principal, roomId: string, patch: PutRoomModeBody): Promise<RoomMode> {
    const scope = await this.deps.scopes.room(p, roomId);
    this.deps.scopes.require(p, scope, 'mode.set', 'Moderators and up change room modes');
    const before = toRoomMode(await this.deps.store.moderation.roomMode(roomId), roomId);
    const next = applyModePatch(before, patch);
    const { room: _room, ...fields } = next;
    await this.deps.store.moderation.setRoomMode(
      { ...fields, room: roomId, updatedBy: p.userId, updatedAt: this.deps.runtime.now() },
      auditEntry(this.deps.runtime, p, 'mode.set', {
        communityId: scope.communityId,
        room: roomId,
        details: { before: strip(before), after: fields },
      }),
    );
    this.deps.modes.forget(roomId);
    this.deps.events?.modeChanged(next);
    return next;
  }

  /** Deletes a message of someone below the caller. Deleting one already deleted answers the same. */
  async deleteMessage(
    p: Principal,
    roomId: string,
    mid: string,
  ): Promise<{ room: string; mid: string; deletedBy: { id: string; name: string }; deletedAt: string }> {
    const scope = await this.deps.scopes.room(p, roomId);
    const role = this.deps.scopes.require(p, scope, 'message.delete', 'Moderators and up delete messages');
    const message = await this.message(roomId, mid);
    if (message.user.id !== p.userId) ensureCanActOn(role, message.role, 'delete messages of');
    const at = this.deps.runtime.now();
    const stored = await this.deps.store.moderation.deleteMessage(
      { messageId: mid, room: roomId, by: actorOf(p), at },
      auditEntry(this.deps.runtime, p, 'message.delete', {
        communityId: scope.communityId,
        room: roomId,
        targetUserId: message.user.id,
        targetMessageId: mid,
        details: { text: message.text },
      }),
    );
    if (stored) this.deps.events?.messageDeleted(roomId, mid);
    const [d] = await this.deps.store.moderation.deletions([mid]);
    return { room: roomId, mid, deletedBy: d?.by ?? actorOf(p), deletedAt: iso(d?.at ?? at) };
  }

  async pinned(p: Principal, roomId: string): Promise<PinnedView> {
    const scope = await this.deps.scopes.room(p, roomId);
    this.deps.scopes.require(p, scope, 'room.enter', 'Join the community to see its rooms');
    const pin = await this.deps.store.moderation.pin(roomId);
    // A pinned message deleted afterwards is shown to nobody.
    if (pin && (await this.deps.store.moderation.deletions([pin.message.id])).length > 0) {
      return { room: roomId, message: null, pinnedBy: null, pinnedAt: null };
    }
    return pin
      ? { room: roomId, message: pin.message, pinnedBy: pin.pinnedBy, pinnedAt: iso(pin.pinnedAt) }
      : { room: roomId, message: null, pinnedBy: null, pinnedAt: null };
  }

  /** Pins a message of the room (replacing the pin) or, with null, unpins. */
  async setPin(p: Principal, roomId: string, mid: string | null): Promise<PinnedView> {
    const scope = await this.deps.scopes.room(p, roomId);
    this.deps.scopes.require(p, scope, 'message.pin', 'Moderators and up pin messages');
    const where = { communityId: scope.communityId, room: roomId };
    if (mid === null) {
      const cleared = await this.deps.store.moderation.clearPin(
        roomId,
        auditEntry(this.deps.runtime, p, 'pin.clear', where),
      );
      if (cleared) this.deps.events?.pinChanged(roomId, null);
      return { room: roomId, message: null, pinnedBy: null, pinnedAt: null };
    }
    const message = await this.message(roomId, mid);
    if ((await this.deps.store.moderation.deletions([mid])).length > 0) {
      throw new AppError('not_found', 'That message was deleted');
    }
    const at = this.deps.runtime.now();
    await this.deps.store.moderation.setPin(
      { room: roomId, message, pinnedBy: actorOf(p), pinnedAt: at },
      auditEntry(this.deps.runtime, p, 'pin.set', {
        ...where,
        targetUserId: message.user.id,
        targetMessageId: mid,
      }),
    );
    this.deps.events?.pinChanged(roomId, message);
    return { room: roomId, message, pinnedBy: actorOf(p), pinnedAt: iso(at) };
  }

  private async message(roomId: string, mid: string): Promise<ChatMessage> {
    const m = await this.deps.finder.find(roomId, mid);
    if (m === undefined) throw new AppError('not_found', 'No such message in this room');
    return m;
  }
}

function strip(mode: RoomMode): Omit<RoomMode, 'room'> {
  const { room: _room, ...rest } = mode;
  return rest;
}
