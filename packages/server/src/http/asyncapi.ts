/**
 * AsyncAPI 3.0 document of the WebSocket protocol, generated from the protocol's frame schemas and served at
 * /api/asyncapi.json, so it cannot drift from what the gateway decodes and sends (the OpenAPI document does the
 * same for HTTP). It describes the Lightstick server: it receives the client frames (`op`) on the one `/ws`
 * channel and sends the server frames (`t`); each client frame that is answered has a reply. No library builds
 * AsyncAPI from JSON Schemas, so the document is assembled here; a test validates it with @asyncapi/parser.
 */
import type { FastifyInstance } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import { ClientFrameSchemas, PROTOCOL_VERSION, ServerFrameSchemas } from '@lightstick/protocol';
import { API_VERSION } from './openapi.ts';

type ClientOp = keyof typeof ClientFrameSchemas;
type ServerT = keyof typeof ServerFrameSchemas;

/** The frames that answer each client frame (with the same `id`); `pong` has none. Mirrors docs/protocol.md. */
const ANSWERS: Record<ClientOp, ServerT[]> = {
  auth: ['authed', 'error'],
  join: ['joined', 'error'],
  leave: ['left', 'error'],
  send: ['ack', 'error'],
  heart: ['error'],
  ping: ['pong', 'error'],
  pong: [],
};

const CHANNEL = 'socket';
const clientKey = (op: string) => `client${op[0]!.toUpperCase()}${op.slice(1)}`;
const serverKey = (t: string) => `server${t[0]!.toUpperCase()}${t.slice(1)}`;
const messageRef = (key: string) => ({ $ref: `#/channels/${CHANNEL}/messages/${key}` });

/** A schema as plain JSON (TypeBox keeps its bookkeeping under symbols, which JSON leaves out anyway). */
const plain = (schema: TSchema): Record<string, unknown> =>
  JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;

function message(name: string, title: string, schema: TSchema) {
  const payload = plain(schema);
  return {
    name,
    title,
    ...(typeof payload.description === 'string' ? { summary: payload.description } : {}),
    contentType: 'application/json',
    payload,
  };
}

export function buildAsyncApi(): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  const components: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const channel = { $ref: `#/channels/${CHANNEL}` };
  for (const [op, schema] of Object.entries(ClientFrameSchemas)) {
    const key = clientKey(op);
    components[key] = message(op, `Client frame \`${op}\``, schema);
    messages[key] = { $ref: `#/components/messages/${key}` };
    const answers = ANSWERS[op as ClientOp];
    operations[`receive${key.slice('client'.length)}`] = {
      action: 'receive',
      channel,
      summary: `The server receives \`{"op": "${op}"}\``,
      messages: [messageRef(key)],
      ...(answers.length > 0
        ? { reply: { channel, messages: answers.map((t) => messageRef(serverKey(t))) } }
        : {}),
    };
  }
  for (const [t, schema] of Object.entries(ServerFrameSchemas)) {
    const key = serverKey(t);
    components[key] = message(t, `Server frame \`${t}\``, schema);
    messages[key] = { $ref: `#/components/messages/${key}` };
    operations[`send${key.slice('server'.length)}`] = {
      action: 'send',
      channel,
      summary: `The server sends \`{"t": "${t}"}\``,
      messages: [messageRef(key)],
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Lightstick WebSocket protocol',
      version: API_VERSION,
      description:
        `Real-time chat of Lightstick, protocol version ${PROTOCOL_VERSION} (the \`v\` of \`hello\`). JSON text ` +
        'frames, one object each: client frames carry `op`, server frames carry `t`. Connect, receive `hello`, ' +
        'send `auth` within 10 s, then `join`, `send` and `leave`. Error codes and close codes: docs/errors.md; ' +
        'resume, dedup and gap rules: docs/protocol.md.',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/json',
    servers: {
      lightstick: {
        host: '{host}',
        protocol: 'wss',
        pathname: '/ws',
        description: 'A Lightstick gateway (`ws://` where TLS ends elsewhere or in development).',
        variables: { host: { default: 'localhost:8080', description: 'Host and port of the gateway' } },
      },
    },
    channels: {
      [CHANNEL]: {
        address: '/ws',
        title: 'The WebSocket',
        description: 'One connection carries every room the client joined; frames are handled in order.',
        messages,
      },
    },
    operations,
    components: { messages: components },
  };
}

export function asyncApiRoute(app: FastifyInstance): void {
  const doc = JSON.stringify(buildAsyncApi());
  app.get(
    '/api/asyncapi.json',
    { config: { auth: false }, schema: { hide: true } },
    async (_request, reply) => reply.type('application/json; charset=utf-8').send(doc),
  );
}
