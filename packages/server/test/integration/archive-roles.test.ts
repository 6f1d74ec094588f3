/**
 * Roles in scale-out mode: a `gateway` process takes sends and never archives; an `api` process runs the
 * archiver (and no broker check); each reports readiness for its own job. Both share one Redis prefix and one
 * PostgreSQL schema, as separate machines would.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { http } from '../support/api.ts';
import {
  PG_URL,
  REDIS_URL,
  dropPrefix,
  dropSchema,
  ownerInRoom,
  send,
  uniquePrefix,
  uniqueSchema,
  until,
} from '../support/archive-fixture.ts';

type Ready = { ready: boolean; checks: Record<string, boolean> };

describe('scale-out roles', () => {
  const schema = uniqueSchema();
  const prefix = uniquePrefix();
  const env = {
    LIGHTSTICK_REDIS_URL: REDIS_URL,
    LIGHTSTICK_REDIS_PREFIX: prefix,
    LIGHTSTICK_DATABASE_URL: PG_URL,
    LIGHTSTICK_DATABASE_SCHEMA: schema,
  };
  let gateway: InProcess;
  let api: InProcess;

  before(async () => {
    // The api process first: it migrates the schema and creates the admin account.
    api = await startLightstick({ env: { ...env, LIGHTSTICK_ROLES: 'api' } });
    gateway = await startLightstick({ env: { ...env, LIGHTSTICK_ROLES: 'gateway' } });
  });

  after(async () => {
    await gateway?.stop();
    await api?.stop();
    await dropSchema(schema);
    await dropPrefix(prefix);
  });

  test('each role reports readiness for its own job', async () => {
    // The gateway's broker subscribes in the background after start: ready once it can deliver.
    await until(
      'the gateway ready',
      async () => (await http(gateway.baseUrl, 'GET', '/readyz')).status === 200,
    );
    const g = await http<Ready>(gateway.baseUrl, 'GET', '/readyz');
    const a = await http<Ready>(api.baseUrl, 'GET', '/readyz');
    assert.equal(g.status, 200, JSON.stringify(g.body));
    assert.deepEqual(Object.keys(g.body.checks).sort(), ['accepting', 'archive', 'broker']);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.deepEqual(Object.keys(a.body.checks).sort(), ['accepting', 'archiver', 'database']);
    assert.equal(gateway.server.built.archiver, undefined);
    assert.notEqual(api.server.built.archiver, undefined);
    assert.equal(gateway.server.gateway !== undefined, true);
    assert.equal(api.server.gateway, undefined);
    // A gateway-only process serves no HTTP API; an api-only process has no WebSocket endpoint.
    assert.equal((await http(gateway.baseUrl, 'GET', '/api/communities')).status, 404);
    assert.equal((await http(gateway.baseUrl, 'GET', '/api/openapi.json')).status, 404);
    assert.equal((await http(api.baseUrl, 'GET', '/api/openapi.json')).status, 200);
  });

  test('a gateway acknowledges, the api process archives', async () => {
    const { ws, room } = await ownerInRoom(api.baseUrl, gateway.wsUrl);
    try {
      const acks: AckFrame[] = [];
      for (let i = 0; i < 12; i++) {
        const a = await send(ws, room.id, `roles-${i}`);
        assert.equal(a.t, 'ack', JSON.stringify(a));
        acks.push(a as AckFrame);
      }
      await until(
        'archived by the api process',
        async () => (await api.services.store.messages.count(room.id)) === 12,
      );
      const stored = await api.services.store.messages.latest(room.id, 100);
      assert.deepEqual(
        stored.map((m) => [m.id, m.pos]),
        acks.map((a) => [a.mid, a.pos]),
      );
      // The archiver counts a batch once the stream marked it archived, a moment after the store holds it.
      const archived = async (p: typeof api) =>
        (await p.services.metrics.messagesArchived.get()).values[0]?.value ?? 0;
      await until('the api process counted them archived', async () => (await archived(api)) >= 12);
      assert.equal(await archived(gateway), 0);
    } finally {
      ws.close();
    }
  });
});
