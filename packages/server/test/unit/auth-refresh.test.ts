/** Refresh-token rotation on SQLite (the shared suite; test/integration/auth-refresh-postgres runs it on PostgreSQL). */
import { describe, before, after } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../src/storage/sqlite.ts';
import type { Store } from '../../src/storage/repositories.ts';
import { refreshSuite, seedUser } from '../support/refresh-suite.ts';

describe('RefreshTokens (SQLite)', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ls-refresh-'));
    store = await openSqliteStore(path.join(dir, 'test.db'));
    await seedUser(store);
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  refreshSuite(() => store);
});
