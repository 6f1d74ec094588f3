/** Room mode rules: defaults, the allowed values (docs/moderation.md) and the record <-> view mapping. */
import { ModerationLimits, type PutRoomModeBody, type RoomMode } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import type { RoomModeRecord } from '../storage/repositories.ts';

/** A room nobody changed: everything off. */
export const defaultMode = (room: string): RoomMode => ({
  room,
  slowSeconds: 0,
  membersOnly: false,
  emoteOnly: false,
  uniqueChat: false,
  fanDelayMs: 0,
});

export const toRoomMode = (r: RoomModeRecord | undefined, room: string): RoomMode =>
  r === undefined
    ? defaultMode(room)
    : {
        room,
        slowSeconds: r.slowSeconds,
        membersOnly: r.membersOnly,
        emoteOnly: r.emoteOnly,
        uniqueChat: r.uniqueChat,
        fanDelayMs: r.fanDelayMs,
      };

const invalid = (field: string, message: string) =>
  new AppError('validation_failed', message, { details: { field } });

/** The mode after applying `patch` (fields left out keep their value); throws validation_failed. */
export function applyModePatch(current: RoomMode, patch: PutRoomModeBody): RoomMode {
  const next = { ...current };
  const { slowMinSeconds: min, slowMaxSeconds: max, fanDelayMaxMs } = ModerationLimits;
  if (patch.slowSeconds !== undefined) {
    const s = patch.slowSeconds;
    if (!Number.isInteger(s) || (s !== 0 && (s < min || s > max))) {
      throw invalid('slowSeconds', `slowSeconds must be 0 (off) or ${min} to ${max}`);
    }
    next.slowSeconds = s;
  }
  if (patch.fanDelayMs !== undefined) {
    const d = patch.fanDelayMs;
    if (!Number.isInteger(d) || d < 0 || d > fanDelayMaxMs) {
      throw invalid('fanDelayMs', `fanDelayMs must be 0 to ${fanDelayMaxMs}`);
    }
    next.fanDelayMs = d;
  }
  for (const k of ['membersOnly', 'emoteOnly', 'uniqueChat'] as const) {
    const v = patch[k];
    if (v !== undefined) {
      if (typeof v !== 'boolean') throw invalid(k, `${k} must be true or false`);
      next[k] = v;
    }
  }
  return next;
}
