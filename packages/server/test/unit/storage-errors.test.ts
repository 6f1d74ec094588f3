/** Driver errors of both dialects map to the same stable AppError codes. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { AppError } from '../../src/errors.ts';
import { guard, isUnavailable, toAppError, uniqueViolation } from '../../src/storage/db-errors.ts';

/** The error better-sqlite3 throws for `sql` on a small real database. */
function sqliteError(sql: string): unknown {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  db.exec('CREATE TABLE p (id TEXT PRIMARY KEY, k TEXT UNIQUE); CREATE TABLE c (p TEXT REFERENCES p(id));');
  db.exec("INSERT INTO p VALUES ('1', 'a')");
  try {
    db.exec(sql);
  } catch (e) {
    return e;
  } finally {
    db.close();
  }
  throw new Error(`expected ${sql} to fail`);
}

const codeOf = (e: unknown) => (e instanceof AppError ? e.code : 'not an AppError');
const pgError = (code: string, extra: object = {}) =>
  Object.assign(new Error(`pg ${code}`), { code, ...extra });

describe('storage error mapping', () => {
  test('unique violations become conflict, or what the repository chooses', () => {
    const sqliteUnique = sqliteError("INSERT INTO p VALUES ('2', 'a')");
    const sqlitePk = sqliteError("INSERT INTO p VALUES ('1', 'b')");
    const pgUnique = pgError('23505', { constraint: 'users_name_key_key' });
    assert.match(uniqueViolation(sqliteUnique) ?? '', /p\.k/);
    assert.equal(codeOf(toAppError(sqliteUnique)), 'conflict');
    assert.equal(codeOf(toAppError(sqlitePk)), 'conflict');
    const taken = (c: string) => new AppError(c.includes('name_key') ? 'username_taken' : 'conflict', 'x');
    assert.equal(codeOf(toAppError(pgUnique, taken)), 'username_taken');
  });

  test('a missing referenced row is not_found in both dialects', () => {
    assert.equal(codeOf(toAppError(sqliteError("INSERT INTO c VALUES ('nope')"))), 'not_found');
    assert.equal(codeOf(toAppError(pgError('23503'))), 'not_found');
  });

  test('connection failures and shutdowns are unavailable', () => {
    for (const code of [
      'ECONNREFUSED',
      'ECONNRESET',
      '57P01',
      '08006',
      '53300',
      'SQLITE_BUSY',
      'SQLITE_IOERR_WRITE',
    ]) {
      assert.equal(codeOf(toAppError(pgError(code))), 'unavailable', code);
    }
    assert.equal(codeOf(toAppError(new Error('Connection terminated unexpectedly'))), 'unavailable');
    const refused = new AggregateError([pgError('ECONNREFUSED'), pgError('ECONNREFUSED')]);
    assert.equal(isUnavailable(refused), true);
  });

  test('text PostgreSQL cannot store is a bad request', () => {
    assert.equal(codeOf(toAppError(pgError('22021'))), 'bad_request');
  });

  test('unknown errors pass through unchanged, keeping their cause for logs', async () => {
    const syntax = sqliteError('SELEC 1');
    assert.equal(toAppError(syntax), syntax);
    const mapped = toAppError(pgError('57P01'));
    assert.equal((mapped as Error).cause instanceof Error, true);
    assert.doesNotMatch((mapped as Error).message, /57P01/);
    await assert.rejects(
      guard(() => Promise.reject(pgError('ECONNREFUSED'))),
      { name: 'AppError', code: 'unavailable' },
    );
    const own = new AppError('not_found', 'kept');
    assert.equal(toAppError(own), own);
  });
});
