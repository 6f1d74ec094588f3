/**
 * A PostgreSQL server that keeps its connections open but stops answering must not stall callers (the
 * archiver, the API) for ever: a query with no answer within the query timeout fails with `unavailable`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { openPostgresStore } from '../../../src/storage/postgres.ts';
import { AppError } from '../../../src/errors.ts';
import { startTcpProxy } from '../../support/tcp-proxy.ts';

import { PG_URL, dropSchema } from '../../support/archive-resources.ts';

test('a query to a hung PostgreSQL fails with unavailable after the query timeout', async () => {
  const schema = `t_hung_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(PG_URL).port || 5432) });
  const store = await openPostgresStore(proxy.via(PG_URL), { schema, poolSize: 1, queryTimeoutMs: 300 });
  try {
    assert.equal(await store.users.byId(randomUUID()), undefined); // answers while the server does
    proxy.stall();
    await assert.rejects(
      store.users.byId(randomUUID()),
      (e: unknown) => e instanceof AppError && e.code === 'unavailable',
    );
  } finally {
    await store.close().catch(() => {});
    await proxy.close();
    await dropSchema(schema);
  }
});
