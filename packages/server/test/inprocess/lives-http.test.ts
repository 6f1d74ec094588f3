/**
 * The lives HTTP contract on a real embedded server with the local provider (no publisher: the ffmpeg flow
 * is in e2e/local-live.test.ts): who may create, see ingest, rotate, end and play; validation; the answers
 * match their TypeBox schemas and every live route is in the OpenAPI document; stream keys never reach the
 * log, at any level.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { pino } from 'pino';
import { LiveList, LiveView, PlaybackView, type RoomView } from '@lightstick/protocol';
import { REDACT_PATHS } from '../../src/observability/logger.ts';
import { registeredRoutes } from '../../src/http/app.ts';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { createCommunity, http, joinCommunity, loginAdmin, registerUser } from '../support/api.ts';

describe('lives HTTP contract (local provider)', () => {
  let app: InProcess;
  let base: string;
  let logs = '';
  let owner: string;
  let moderator: string;
  let member: string;
  let fan: string;
  let outsider: string;
  let communityId: string;
  const ajv = new Ajv({ strict: false });
  addFormats.default(ajv);
  const valid = (schema: object, body: unknown) => assert.ok(ajv.validate(schema, body), ajv.errorsText());
  const keys: string[] = [];

  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        logs += chunk.toString();
        done();
      },
    });
    const logger = pino({ level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    app = await startLightstick({
      logger,
      env: { LIGHTSTICK_RTMP_PORT: '0', LIGHTSTICK_RTMP_HOST: '127.0.0.1' },
    });
    base = app.baseUrl;
    const users = await Promise.all([1, 2, 3, 4, 5].map(() => registerUser(base)));
    [owner, moderator, member, fan, outsider] = users.map((u) => u.accessToken) as [
      string,
      string,
      string,
      string,
      string,
    ];
    communityId = (await createCommunity(base, owner)).community.id;
    for (const [i, role] of [
      [1, 'moderator'],
      [2, 'member'],
    ] as const) {
      await joinCommunity(base, users[i]!.accessToken, communityId);
      const r = await http(base, 'PUT', `/api/communities/${communityId}/members/${users[i]!.user.id}`, {
        token: owner,
        body: { role },
      });
      assert.equal(r.status, 200);
    }
    await joinCommunity(base, fan, communityId);
  });
  after(() => app?.stop());

  const create = (token: string, body: unknown) =>
    http<LiveView & { error?: { code: string; details?: { field?: string } } }>(
      base,
      'POST',
      `/api/communities/${communityId}/lives`,
      { token, body },
    );

  test('staff create a live with its own room; ingest is theirs alone', async () => {
    const r = await create(moderator, {
      title: '  월드투어 D-1 🎉 ',
      access: 'members',
      scheduledAt: '2030-01-01T10:00:00Z',
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    valid(LiveView, r.body);
    assert.equal(r.body.title, '월드투어 D-1 🎉');
    assert.deepEqual([r.body.state, r.body.provider, r.body.access], ['scheduled', 'local', 'members']);
    assert.equal(r.body.scheduledAt, '2030-01-01T10:00:00.000Z');
    assert.match(r.body.ingest!.url, /^rtmp:\/\/127\.0\.0\.1:\d+\/live$/);
    assert.match(r.body.ingest!.streamKey, /^[A-Za-z0-9_-]{32}$/);
    keys.push(r.body.ingest!.streamKey);
    const room = await http<RoomView>(base, 'GET', `/api/rooms/${r.body.roomId}`, { token: fan });
    assert.deepEqual([room.body.kind, room.body.access], ['live', 'members']);

    for (const token of [owner, moderator]) {
      assert.equal(
        (await http<LiveView>(base, 'GET', `/api/lives/${r.body.id}`, { token })).body.ingest?.streamKey,
        keys[0],
      );
    }
    for (const token of [member, fan, outsider]) {
      const seen = await http<LiveView>(base, 'GET', `/api/lives/${r.body.id}`, { token });
      assert.equal(seen.status, 200);
      assert.equal(seen.body.ingest, undefined);
      const list = await http<LiveList>(base, 'GET', `/api/communities/${communityId}/lives`, { token });
      valid(LiveList, list.body);
      assert.ok(list.body.lives.every((l) => l.ingest === undefined));
    }
    const admin = await loginAdmin(base);
    assert.equal((await create(admin.accessToken, { title: 'by admin' })).status, 201);
  });

  test('fans, members and outsiders cannot create, rotate or end', async () => {
    for (const token of [member, fan, outsider]) {
      const r = await create(token, { title: 'no' });
      assert.equal(r.status, 403);
      assert.equal(r.body.error?.code, 'forbidden');
    }
    const live = (await create(owner, { title: 'guarded' })).body;
    keys.push(live.ingest!.streamKey);
    for (const token of [member, fan]) {
      assert.equal((await http(base, 'POST', `/api/lives/${live.id}/key`, { token })).status, 403);
      assert.equal((await http(base, 'POST', `/api/lives/${live.id}/end`, { token })).status, 403);
    }
  });

  test('bad input answers validation_failed naming the field; unknown ids not_found', async () => {
    const cases: [unknown, string][] = [
      [{ title: '   ' }, 'title'],
      [{ title: 'x'.repeat(61) }, 'title'],
      [{ title: 'a\u0007b' }, 'title'],
      [{}, 'title'],
      [{ title: 'x', access: 'vip' }, 'access'],
      [{ title: 'x', provider: 'youtube' }, 'provider'],
      [{ title: 'x', provider: 'ivs' }, 'provider'],
      [{ title: 'x', scheduledAt: 'tomorrow' }, 'scheduledAt'],
      [{ title: 42 }, 'title'],
    ];
    for (const [body, field] of cases) {
      const r = await create(owner, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error?.code, 'validation_failed', JSON.stringify(body));
      assert.equal(r.body.error?.details?.field, field, JSON.stringify(body));
    }
    assert.equal((await http(base, 'GET', '/api/lives/nope', { token: fan })).status, 404);
    assert.equal(
      (await http(base, 'POST', '/api/communities/nope/lives', { token: owner, body: { title: 'x' } }))
        .status,
      404,
    );
    assert.equal((await http(base, 'GET', '/api/communities/nope/lives', { token: owner })).status, 404);
    assert.equal(
      (await http(base, 'GET', `/api/communities/${communityId}/lives?limit=0`, { token: owner })).status,
      400,
    );
    assert.equal((await http(base, 'GET', '/api/lives/nope')).status, 401);
  });

  test('playback: public lives for anyone signed in, members-only for members and staff', async () => {
    const pub = (await create(owner, { title: 'open' })).body;
    const priv = (await create(owner, { title: 'closed', access: 'members' })).body;
    keys.push(pub.ingest!.streamKey, priv.ingest!.streamKey);
    for (const token of [outsider, fan, member]) {
      const r = await http<PlaybackView>(base, 'GET', `/api/lives/${pub.id}/playback`, { token });
      assert.equal(r.status, 200);
      valid(PlaybackView, r.body);
      assert.match(r.body.url, /^\/media\/hls\/[\w-]+\/[\w.-]+\/index\.m3u8$/);
    }
    for (const token of [outsider, fan]) {
      const r = await http<{ error: { code: string } }>(base, 'GET', `/api/lives/${priv.id}/playback`, {
        token,
      });
      assert.equal(r.status, 403);
      assert.equal(r.body.error.code, 'forbidden');
    }
    for (const token of [member, moderator, owner]) {
      assert.equal((await http(base, 'GET', `/api/lives/${priv.id}/playback`, { token })).status, 200);
    }
    const url = (await http<PlaybackView>(base, 'GET', `/api/lives/${pub.id}/playback`, { token: fan })).body
      .url;
    assert.equal((await fetch(base + url)).status, 404, 'not on air yet');
  });

  test('rotating changes the key; ending is final and idempotent', async () => {
    const live = (await create(owner, { title: 'rotate me' })).body;
    keys.push(live.ingest!.streamKey);
    const rotated = await http<LiveView>(base, 'POST', `/api/lives/${live.id}/key`, { token: moderator });
    assert.equal(rotated.status, 200);
    valid(LiveView, rotated.body);
    assert.notEqual(rotated.body.ingest!.streamKey, live.ingest!.streamKey);
    keys.push(rotated.body.ingest!.streamKey);
    const ended = await http<LiveView>(base, 'POST', `/api/lives/${live.id}/end`, { token: owner });
    assert.equal(ended.status, 200);
    assert.equal(ended.body.state, 'ended');
    assert.ok(ended.body.endedAt);
    const again = await http<LiveView>(base, 'POST', `/api/lives/${live.id}/end`, { token: owner });
    assert.deepEqual(again.body, ended.body);
    assert.equal((await http(base, 'POST', `/api/lives/${live.id}/key`, { token: owner })).status, 409);
    assert.equal((await http(base, 'GET', `/api/lives/${live.id}/playback`, { token: owner })).status, 409);
    assert.equal(
      (await http<LiveView>(base, 'GET', `/api/lives/${live.id}`, { token: owner })).body.ingest,
      undefined,
    );
    const list = (
      await http<LiveList>(base, 'GET', `/api/communities/${communityId}/lives`, { token: owner })
    ).body;
    assert.equal(list.lives.at(-1)?.state, 'ended', 'past lives last');
    assert.ok(
      list.lives.filter((l) => l.state !== 'ended').every((l) => l.ingest !== undefined),
      'staff see ingest',
    );
  });

  test('providers are listed; every live route is in the OpenAPI document', async () => {
    const p = await http(base, 'GET', '/api/providers', { token: fan });
    assert.deepEqual(p.body, { providers: ['local'], default: 'local' });
    const doc = (
      await http<{ paths: Record<string, Record<string, unknown>> }>(base, 'GET', '/api/openapi.json')
    ).body;
    const routes = registeredRoutes(app.server.app ?? assert.fail('no Fastify app')).filter(
      (r) => !r.hidden && r.method !== 'HEAD' && /lives|providers|media/.test(r.url),
    );
    assert.ok(routes.length >= 9);
    for (const r of routes) {
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      assert.ok(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${r.url} documented`);
    }
  });

  test('stream keys never reach the log', () => {
    assert.ok(keys.length >= 5);
    assert.ok(logs.includes('live created'), 'the log was captured');
    for (const k of keys) assert.ok(!logs.includes(k), 'a stream key was logged');
  });
});
