/**
 * Extension points of the room screen, so the live video, hearts, viewer count and moderator panel can be
 * added without editing it: register a component for a slot once (at import time of its module), and every
 * room renders it with the room's context. `top` sits above the chat (the video on a phone, beside it on a
 * wide screen), `panel` beside the chat (moderator tools; below it on a phone), `overlay` over the list
 * (hearts), `header` in the room's heading row (viewer count).
 */
import type { ComponentType } from 'preact';
import type { CommunityView, RoomView } from '@lightstick/protocol';
import type { RealtimeClient } from '@lightstick/client';
import { signal } from '@preact/signals';

export interface RoomContext {
  room: RoomView;
  community: CommunityView | null;
  /** The current realtime client (it changes after "retry now": read it from here each time). */
  rt: RealtimeClient | null;
}

export type SlotName = 'top' | 'panel' | 'overlay' | 'header';
export const roomSlots = signal<Partial<Record<SlotName, ComponentType<RoomContext>[]>>>({});

export function registerRoomSlot(slot: SlotName, component: ComponentType<RoomContext>): void {
  const now = roomSlots.value;
  roomSlots.value = { ...now, [slot]: [...(now[slot] ?? []), component] };
}

/**
 * The last send of a room the server refused, or a timeout it told (its code, wait and when it was told: `at`,
 * ms since the epoch), for the room-mode banner to put in words with the time left.
 */
export const roomRefusal = signal<{ room: string; code: string; retryAfterMs?: number; at?: number } | null>(
  null,
);
/** The artist-only view (the spotlight's switch): the room screen hides the chat list while it is on. */
export const artistOnly = signal(false);
