/**
 * Refresh-token rotation on a real PostgreSQL with a pool of several connections, so concurrent rotations
 * really run in parallel transactions (issue 8: the winner's successor must not survive the race).
 */
import { describe, before, after } from 'node:test';
import { openPostgresStore } from '../../src/storage/postgres.ts';
import type { Store } from '../../src/storage/repositories.ts';
import { PG_URL, dropSchema } from '../support/archive-resources.ts';
import { refreshSuite, seedUser } from '../support/refresh-suite.ts';

describe('RefreshTokens (PostgreSQL)', () => {
  const schema = `t_refresh_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let store: Store;
  before(async () => {
    store = await openPostgresStore(PG_URL, { schema, poolSize: 8 });
    await seedUser(store);
  });
  after(async () => {
    await store.close();
    await dropSchema(schema);
  });
  refreshSuite(() => store);
});
