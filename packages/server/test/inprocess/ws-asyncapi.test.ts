/**
 * Keeps /api/asyncapi.json true: it is a valid AsyncAPI 3.0 document (@asyncapi/parser), it holds every frame
 * of the protocol, and real frames from a running gateway match the payload schemas it documents.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Parser, type AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { Ajv } from 'ajv';
import { ClientFrameSchemas, ServerFrameSchemas, type ServerFrame } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { WsTestClient } from '../support/ws-client.ts';
import { join, nextId, until, world } from '../support/ws-fixtures.ts';

describe('AsyncAPI document', () => {
  let app: InProcess;
  let raw: Record<string, unknown>;
  let doc: AsyncAPIDocumentInterface;

  before(async () => {
    app = await startLightstick();
    const res = await fetch(`${app.baseUrl}/api/asyncapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    raw = (await res.json()) as Record<string, unknown>;
    const parsed = await new Parser().parse(JSON.stringify(raw));
    // Spectral severities: 0 error, 1 warning, 2 information, 3 hint.
    const problems = parsed.diagnostics.filter((d) => d.severity <= 1);
    assert.deepEqual(
      problems.map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`),
      [],
      'no errors or warnings',
    );
    assert.ok(parsed.document, 'the parser returns a document');
    doc = parsed.document;
  });
  after(async () => {
    await app.stop();
  });

  test('is AsyncAPI 3.0 for the /ws channel, public (no token)', () => {
    assert.equal(doc.version(), '3.0.0');
    assert.deepEqual(
      doc
        .channels()
        .all()
        .map((c) => c.address()),
      ['/ws'],
    );
    assert.equal(doc.servers().all()[0]?.pathname(), '/ws');
  });

  test('documents every client frame as received and every server frame as sent, with replies', () => {
    const names = (action: 'receive' | 'send') =>
      doc
        .operations()
        .all()
        .filter((o) => o.action() === action)
        .flatMap((o) =>
          o
            .messages()
            .all()
            .map((m) => m.name()),
        )
        .sort();
    assert.deepEqual(names('receive'), Object.keys(ClientFrameSchemas).sort());
    assert.deepEqual(names('send'), Object.keys(ServerFrameSchemas).sort());
    const join = doc
      .operations()
      .all()
      .find((o) => o.messages().all()[0]?.name() === 'join' && o.action() === 'receive');
    assert.deepEqual(
      join
        ?.reply()
        ?.messages()
        .all()
        .map((m) => m.name()),
      ['joined', 'error'],
    );
  });

  test('real frames of a session match the documented payloads', async () => {
    // Compiled from the served JSON, not from the protocol package: this checks the document itself.
    const ajv = new Ajv({ strict: false, allErrors: true });
    const components = (raw.components as { messages: Record<string, { name: string; payload: object }> })
      .messages;
    const serverSchemas = new Map(
      Object.entries(components)
        .filter(([key]) => key.startsWith('server'))
        .map(([, m]) => [m.name, ajv.compile(m.payload)]),
    );
    const w = world(app);
    const owner = await w.newUser();
    const { room } = await w.newCommunity(owner);
    const c = await WsTestClient.connect(app.wsUrl);
    c.send({ op: 'auth', id: nextId(), token: owner.token });
    await c.next((f) => f.t === 'authed');
    await join(c, room.id);
    await c.request({ op: 'send', id: nextId(), room: room.id, cid: 'doc-1', text: '문서 📄' });
    await until(() => c.frames.some((f) => f.t === 'msgs'), 'the msgs frame');
    await c.request({ op: 'ping', id: nextId() });
    await c.request({ op: 'teleport', id: nextId() });
    const seen = new Set<ServerFrame['t']>();
    for (const frame of c.frames) {
      const validate = serverSchemas.get(frame.t);
      assert.ok(validate, `${frame.t} is documented`);
      assert.ok(validate(frame), `${frame.t}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(frame)}`);
      seen.add(frame.t);
    }
    // A `stats` frame comes too when the room's counters tick during the session (a busy machine makes the
    // session longer): checked above like every frame, not required here.
    seen.delete('stats');
    assert.deepEqual([...seen].sort(), [
      'ack',
      'authed',
      'error',
      'hello',
      'joined',
      'mode',
      'msgs',
      'pinned',
      'pong',
    ]);
    c.close();
  });
});
