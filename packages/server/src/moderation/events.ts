/**
 * What moderation tells live connections. The services call these after the change is stored; the realtime
 * layer implements them with the broker's room publications (`mode`, `deleted`, `pinned` frames to every member
 * of a room on every node) and its control messages (a ban or role change reaching every gateway, which drops
 * the person's rooms and forgets cached access). Until a process wires one in, changes take effect on the next
 * join or send (and within the access cache's freshness on other processes), not on open sockets.
 * Implementations must not throw: they log and go on (the change itself is already stored).
 */
import type { ChatMessage, CommunityRole, RoomMode, SanctionKind } from '@lightstick/protocol';

export interface ModerationEvents {
  /** A room's modes changed: every member gets the `mode` frame. */
  modeChanged(mode: RoomMode): void;
  /** A message was deleted: every member gets `deleted`; a fan-delayed one must not be released. */
  messageDeleted(room: string, mid: string): void;
  /** The pinned message changed (null: unpinned): every member gets `pinned`. */
  pinChanged(room: string, message: ChatMessage | null): void;
  /** A ban (drop the person's rooms of that community on every gateway) or a timeout started. */
  sanctioned(communityId: string, userId: string, kind: SanctionKind, until: number | null): void;
  /** A ban or timeout was lifted; `role` is the person's role there (told to them when a ban is lifted). */
  sanctionLifted(communityId: string, userId: string, kind: SanctionKind, role: CommunityRole | null): void;
  /** A role changed, or the person left (null): re-check their rooms on every gateway and tell them. */
  roleChanged(communityId: string, userId: string, role: CommunityRole | null): void;
  /** A community's filter settings changed: every process drops its compiled filter for it. */
  filterChanged(communityId: string): void;
}
