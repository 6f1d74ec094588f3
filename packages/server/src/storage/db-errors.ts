/**
 * Maps driver errors of better-sqlite3, pg and Kysely to stable AppError codes, so callers above the
 * store never see a dialect: unique violations become 'conflict' (or what the caller chooses), a missing
 * referenced row 'not_found', and anything that means "the database cannot serve now" 'unavailable'.
 * Messages stay generic: SQL details (which can hold user input) travel only as `cause`.
 */
import { AppError } from '../errors.ts';

interface DriverError {
  code?: unknown;
  message?: unknown;
  constraint?: unknown;
  errors?: unknown;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);
// PostgreSQL: 08 connection exception, 53 insufficient resources, 57P0x shutdown / cannot connect now,
// 40001/40P01 serialization failure and deadlock (transient), 3D000 missing database, 28 auth failure.
const PG_UNAVAILABLE = /^(08...|53...|57P0[1-3]|40001|40P01|3D000|28...)$/;
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|NOMEM|PROTOCOL)/;
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end',
  'The database connection is not open',
  'driver has already been destroyed',
];

function codeOf(e: unknown): string {
  const c = (e as DriverError | null)?.code;
  return typeof c === 'string' ? c : '';
}

function messageOf(e: unknown): string {
  const m = (e as DriverError | null)?.message;
  return typeof m === 'string' ? m : '';
}

export function isUnavailable(e: unknown): boolean {
  const code = codeOf(e);
  if (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code) || SQLITE_UNAVAILABLE.test(code)) return true;
  const message = messageOf(e);
  if (UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return true;
  // Node reports a refused dual-stack connect as an AggregateError of per-address errors.
  const inner = (e as DriverError | null)?.errors;
  return Array.isArray(inner) && inner.some(isUnavailable);
}

/** The violated constraint's description when `e` is a unique violation, else undefined. */
export function uniqueViolation(e: unknown): string | undefined {
  const code = codeOf(e);
  if (code === '23505') return String((e as DriverError).constraint ?? messageOf(e));
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return messageOf(e);
  return undefined;
}

/** PostgreSQL refuses NUL characters and invalid UTF-8 in text; SQLite would have stored them. */
function isUnstorableText(e: unknown): boolean {
  const code = codeOf(e);
  return code === '22021' || code === '22P05';
}

function isForeignKeyViolation(e: unknown): boolean {
  const code = codeOf(e);
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/**
 * Returns the AppError for a driver error, or `e` itself when it is not one we recognise (it then reaches
 * the caller as an internal error). `onUnique` picks the error for a unique violation of a given constraint.
 */
export function toAppError(e: unknown, onUnique?: (constraint: string) => AppError): unknown {
  if (e instanceof AppError) return e;
  let mapped: AppError | undefined;
  const unique = uniqueViolation(e);
  if (unique !== undefined) mapped = onUnique ? onUnique(unique) : new AppError('conflict', 'already exists');
  else if (isForeignKeyViolation(e)) mapped = new AppError('not_found', 'a referenced record does not exist');
  else if (isUnstorableText(e))
    mapped = new AppError('bad_request', 'text contains characters that cannot be stored');
  else if (isUnavailable(e)) mapped = new AppError('unavailable', 'the database is unavailable');
  if (!mapped) return e;
  return Object.assign(mapped, { cause: e });
}

/** Runs one repository operation, translating driver errors. */
export async function guard<T>(
  op: () => Promise<T>,
  onUnique?: (constraint: string) => AppError,
): Promise<T> {
  try {
    return await op();
  } catch (e) {
    throw toAppError(e, onUnique);
  }
}
