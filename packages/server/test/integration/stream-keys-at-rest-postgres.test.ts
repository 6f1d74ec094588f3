/**
 * Stream keys at rest in PostgreSQL mode (issue 8): a server on PostgreSQL (with the key-encryption key that
 * mode requires) stores a live's stream key and playback secret sealed, and the owner still gets the key from
 * the API; a process started with another KEK cannot open them and says which key is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { LiveView } from '@lightstick/protocol';
import { startLightstick } from '../support/harness.ts';
import { createCommunity, http, registerUser } from '../support/api.ts';
import { PG_URL, dropSchema, uniqueSchema } from '../support/archive-resources.ts';

test('PostgreSQL mode: the row holds no stream key, the owner still gets it', async () => {
  const schema = uniqueSchema();
  const env = { LIGHTSTICK_DATABASE_URL: PG_URL, LIGHTSTICK_DATABASE_SCHEMA: schema };
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  client.on('error', () => {});
  try {
    const app = await startLightstick({ env });
    let streamKey: string;
    try {
      const owner = (await registerUser(app.baseUrl)).accessToken;
      const { community } = await createCommunity(app.baseUrl, owner);
      const created = await http<LiveView>(app.baseUrl, 'POST', `/api/communities/${community.id}/lives`, {
        token: owner,
        body: { title: 'sealed in PostgreSQL' },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      streamKey = created.body.ingest?.streamKey ?? assert.fail('no ingest for the owner');

      await client.connect();
      const { rows } = await client.query('select * from local_channels');
      assert.equal(rows.length, 1);
      assert.ok(!JSON.stringify(rows).includes(streamKey), `the stream key is in the database`);
      assert.match(String(rows[0].stream_key), /^enc:v1:/);
      assert.match(String(rows[0].secret), /^enc:v1:/);

      const got = await http<LiveView>(app.baseUrl, 'GET', `/api/lives/${created.body.id}`, { token: owner });
      assert.equal(got.status, 200);
      assert.equal(got.body.ingest?.streamKey, streamKey);
      assert.equal((await app.services.store.localChannels.byStreamKey(streamKey))?.id, rows[0].id);
    } finally {
      await app.stop();
    }
    // Another KEK (the right one lost or not configured on this process) opens nothing, and says so.
    await assert.rejects(
      startLightstick({ env: { ...env, LIGHTSTICK_KEY_ENCRYPTION_KEY: randomBytes(32).toString('hex') } }),
      /sealed with key-encryption key [0-9a-f]{16}, which is not configured/,
    );
  } finally {
    await client.end().catch(() => {});
    await dropSchema(schema);
  }
});
