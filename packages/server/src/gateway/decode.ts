/**
 * Validates client frames. Every failure is an answer with a stable code and, when the frame had one, its id:
 * not JSON or not an object -> bad_frame, unknown `op` -> unknown_op, wrong field types -> validation_failed.
 */
import type { ClientFrame, Position } from '@lightstick/protocol';

export type Decoded =
  { ok: true; frame: ClientFrame } | { ok: false; code: DecodeError; message: string; id?: number };
export type DecodeError = 'bad_frame' | 'unknown_op' | 'validation_failed';

const MAX_TOKEN_CHARS = 8192;
const MAX_ROOM_CHARS = 128;
const MAX_EPOCH_CHARS = 128;

type Obj = Record<string, unknown>;

export function decodeFrame(data: Buffer | string, isBinary: boolean): Decoded {
  if (isBinary) return { ok: false, code: 'bad_frame', message: 'Frames are JSON text' };
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch {
    return { ok: false, code: 'bad_frame', message: 'Frame is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'bad_frame', message: 'Frame must be a JSON object' };
  }
  const o = value as Obj;
  const id = isId(o.id) ? o.id : undefined;
  const fail = (code: DecodeError, message: string): Decoded =>
    id === undefined ? { ok: false, code, message } : { ok: false, code, message, id };
  if (o.op === undefined) return fail('bad_frame', 'Frame has no op');
  if (typeof o.op !== 'string') return fail('validation_failed', 'op must be a string');
  if (o.id !== undefined && id === undefined)
    return fail('validation_failed', 'id must be a non-negative integer');
  const problem = check(o);
  if (problem === UNKNOWN) return fail('unknown_op', `Unknown op: ${o.op.slice(0, 32)}`);
  if (problem !== undefined) return fail('validation_failed', problem);
  return { ok: true, frame: pick(o) };
}

const UNKNOWN = Symbol('unknown');

/** Returns what is wrong with the frame, UNKNOWN for an unknown op, undefined when it is valid. */
function check(o: Obj): string | typeof UNKNOWN | undefined {
  switch (o.op) {
    case 'auth':
      return str(o.token, 1, MAX_TOKEN_CHARS) ? undefined : 'token must be a non-empty string';
    case 'join':
      if (o.id === undefined) return 'join needs an id';
      if (!str(o.room, 1, MAX_ROOM_CHARS)) return 'room must be a non-empty string';
      if (o.since !== undefined && !isPosition(o.since))
        return 'since must be {epoch: string, offset: integer >= 0}';
      return undefined;
    case 'leave':
      if (o.id === undefined) return 'leave needs an id';
      return str(o.room, 1, MAX_ROOM_CHARS) ? undefined : 'room must be a non-empty string';
    case 'send':
      if (o.id === undefined) return 'send needs an id';
      if (!str(o.room, 1, MAX_ROOM_CHARS)) return 'room must be a non-empty string';
      if (typeof o.cid !== 'string') return 'cid must be a string';
      return typeof o.text === 'string' ? undefined : 'text must be a string';
    case 'ping':
    case 'pong':
      return undefined;
    default:
      return UNKNOWN;
  }
}

/** Copies only the known fields, so nothing unexpected travels further. */
function pick(o: Obj): ClientFrame {
  const id = o.id as number;
  switch (o.op) {
    case 'auth':
      return o.id === undefined
        ? { op: 'auth', token: o.token as string }
        : { op: 'auth', id, token: o.token as string };
    case 'join': {
      const since = o.since as Position | undefined;
      const room = o.room as string;
      return since === undefined
        ? { op: 'join', id, room }
        : { op: 'join', id, room, since: { epoch: since.epoch, offset: since.offset } };
    }
    case 'leave':
      return { op: 'leave', id, room: o.room as string };
    case 'send':
      return { op: 'send', id, room: o.room as string, cid: o.cid as string, text: o.text as string };
    case 'ping':
      return o.id === undefined ? { op: 'ping' } : { op: 'ping', id };
    default:
      return { op: 'pong' };
  }
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function str(v: unknown, min: number, max: number): v is string {
  return typeof v === 'string' && v.length >= min && v.length <= max;
}

function isPosition(v: unknown): v is Position {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Obj;
  return str(p.epoch, 1, MAX_EPOCH_CHARS) && isId(p.offset);
}
