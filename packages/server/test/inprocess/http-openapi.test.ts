/** Keeps /api/openapi.json true: every route is in it and real answers match the documented schemas. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { AuthResponse, CommunityView, RoomView } from '@lightstick/protocol';
import { registeredRoutes } from '../../src/http/app.ts';
import {
  admin,
  register,
  startHttp,
  uniq,
  type Answer,
  type HttpFixture,
  type RequestOptions,
} from '../support/http-fixture.ts';

interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
  components: {
    securitySchemes: Record<string, { type: string; scheme: string }>;
    schemas: Record<string, object>;
  };
}

describe('OpenAPI document', () => {
  let f: HttpFixture;
  let doc: OpenApiDoc;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  let checked = 0;

  /** Calls the API and validates the answer against the documented schema for its path, method and status. */
  async function call<T>(
    method: string,
    route: string,
    path: string,
    opts?: RequestOptions,
  ): Promise<Answer<T>> {
    const res = await f.request<T>(method, path, opts);
    const op = doc.paths[route.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
    assert.ok(op, `${method} ${route} is documented`);
    const documented = op.responses[String(res.status)];
    assert.ok(documented, `${method} ${route} documents status ${res.status}`);
    if (res.status !== 204) {
      const schema = documented.content?.['application/json']?.schema;
      assert.ok(schema, `${method} ${route} ${res.status} has a JSON schema`);
      const validate = ajv.compile(schema);
      assert.ok(
        validate(res.body),
        `${method} ${route} ${res.status}: ${ajv.errorsText(validate.errors)}\n${res.text}`,
      );
    }
    checked++;
    return res;
  }

  before(async () => {
    f = await startHttp();
    const res = await f.request<OpenApiDoc>('GET', '/api/openapi.json');
    assert.equal(res.status, 200);
    doc = res.body;
  });
  after(async () => {
    await f.close();
  });

  test('describes Lightstick with bearer security and the error schema', () => {
    assert.match(doc.openapi, /^3\./);
    assert.equal(doc.info.title, 'Lightstick');
    assert.ok(doc.info.version);
    assert.deepEqual(
      {
        type: doc.components.securitySchemes.bearerAuth?.type,
        scheme: doc.components.securitySchemes.bearerAuth?.scheme,
      },
      { type: 'http', scheme: 'bearer' },
    );
    assert.ok(doc.components.schemas.Error);
  });

  test('every registered route is documented', () => {
    const routes = registeredRoutes(f.app).filter((r) => !r.hidden && r.method !== 'HEAD');
    assert.ok(routes.length >= 18, `found ${routes.length} routes`);
    for (const r of routes) {
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      assert.ok(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${r.url} is in /api/openapi.json`);
    }
  });

  test('real answers of the main endpoints match their documented schemas', async () => {
    const name = uniq('doc');
    const reg = await call<AuthResponse>('POST', '/api/auth/register', '/api/auth/register', {
      body: { username: name, password: 'correct horse battery', displayName: '문서 📄' },
    });
    const token = reg.body.accessToken;
    await call('POST', '/api/auth/register', '/api/auth/register', {
      body: { username: name, password: 'x' },
    });
    await call('POST', '/api/auth/register', '/api/auth/register', {
      body: { username: name, password: 'correct horse battery' },
    });
    const login = await call<AuthResponse>('POST', '/api/auth/login', '/api/auth/login', {
      body: { username: name, password: 'correct horse battery' },
    });
    await call('POST', '/api/auth/login', '/api/auth/login', {
      body: { username: name, password: 'nope nope' },
    });
    const refreshed = await call<AuthResponse>('POST', '/api/auth/refresh', '/api/auth/refresh', {
      body: { refreshToken: login.body.refreshToken },
    });
    await call('POST', '/api/auth/refresh', '/api/auth/refresh', {
      body: { refreshToken: login.body.refreshToken },
    });
    await call('POST', '/api/auth/logout', '/api/auth/logout', {
      body: { refreshToken: refreshed.body.refreshToken },
    });
    await call('GET', '/api/me', '/api/me', { token });
    await call('GET', '/api/me', '/api/me');

    const c = await call<CommunityView>('POST', '/api/communities', '/api/communities', {
      token,
      body: { slug: uniq('doc'), name: '문서', description: 'docs' },
    });
    const id = c.body.id;
    await call('GET', '/api/communities', '/api/communities', { token });
    await call('GET', '/api/communities/:id', `/api/communities/${id}`, { token });
    await call('GET', '/api/communities/:id', '/api/communities/missing', { token });
    const fan = await register(f);
    await call('POST', '/api/communities/:id/join', `/api/communities/${id}/join`, {
      token: fan.accessToken,
    });
    await call('POST', '/api/communities/:id/leave', `/api/communities/${id}/leave`, { token });
    const rooms = await call<{ rooms: RoomView[] }>(
      'GET',
      '/api/communities/:id/rooms',
      `/api/communities/${id}/rooms`,
      { token },
    );
    const room = await call<RoomView>('POST', '/api/communities/:id/rooms', `/api/communities/${id}/rooms`, {
      token,
      body: { name: 'live', access: 'members' },
    });
    await call('POST', '/api/communities/:id/rooms', `/api/communities/${id}/rooms`, {
      token: fan.accessToken,
      body: { name: 'x' },
    });
    await call('GET', '/api/communities/:id/members', `/api/communities/${id}/members`, { token });
    await call(
      'PUT',
      '/api/communities/:id/members/:userId',
      `/api/communities/${id}/members/${fan.user.id}`,
      {
        token,
        body: { role: 'member' },
      },
    );
    await call('GET', '/api/rooms/:id', `/api/rooms/${room.body.id}`, { token });
    const general = rooms.body.rooms[0]!;
    await f.store.messages.appendBatch([
      {
        id: randomUUID(),
        room: general.id,
        cid: 'c1',
        user: { id: reg.body.user.id, name, displayName: '문서 📄' },
        role: 'owner',
        priority: true,
        text: '안녕 👋',
        ts: 1_800_000_000_000,
      },
    ]);
    await call('GET', '/api/rooms/:id/messages', `/api/rooms/${general.id}/messages?limit=5`, { token });
    await call('GET', '/api/rooms/:id/messages', `/api/rooms/${general.id}/messages?limit=0`, { token });
    const adm = await admin(f);
    await call('POST', '/api/admin/keys/rotate', '/api/admin/keys/rotate', { token: adm.accessToken });
    await call('POST', '/api/admin/keys/rotate', '/api/admin/keys/rotate', { token: fan.accessToken });
    await call('GET', '/healthz', '/healthz');
    await call('GET', '/readyz', '/readyz');
    assert.equal(checked, 28, `checked ${checked} answers`);
  });
});
