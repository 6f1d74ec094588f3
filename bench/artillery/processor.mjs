// Processor of chat.yaml: the HTTP sign-up and token hand-over, and the protocol steps that need answers.
// Artillery's WebSocket engine matches a step against whatever frame arrives next, and Lightstick pushes
// frames of its own (hello, msgs, ping), so the steps that wait for an answer are functions here: each sends a
// frame with an `id` and waits for the answer with that id, and the figures go into Artillery's report
// (lightstick.send_to_ack histogram, lightstick.* counters). Plain JavaScript: Artillery loads it as it is.
import { randomBytes } from 'node:crypto';

const PASSWORD = 'artillery fan password';

async function post(base, path, body, token) {
  const res = await fetch(new URL(path, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${path}: ${res.status} ${json.error?.code ?? ''}`.trim());
  return json;
}

/**
 * The WebSocket connect hook: signs a new fan up, logs in, joins the `before` community over HTTP, keeps the
 * access token for `authenticate`, and points the socket at <target>/ws (LIGHTSTICK_WS_URL overrides).
 */
export function signUpAndConnect(wsArgs, context, done) {
  const base = wsArgs.target;
  const username = `fan${randomBytes(6).toString('hex')}`;
  (async () => {
    await post(base, '/api/auth/register', { username, password: PASSWORD });
    const login = await post(base, '/api/auth/login', { username, password: PASSWORD });
    await post(
      base,
      `/api/communities/${encodeURIComponent(context.vars.communityId)}/join`,
      {},
      login.accessToken,
    );
    context.vars.token = login.accessToken;
    const ws = new URL('/ws', base);
    ws.protocol = ws.protocol === 'https:' ? 'wss:' : 'ws:';
    wsArgs.target = process.env.LIGHTSTICK_WS_URL || ws.toString();
  })().then(() => done(), done);
}

/** Reads every frame of the socket once: answers pings, counts messages, hands answers to their waiters. */
function reader(context, ee) {
  if (context.lightstick) return context.lightstick;
  const state = { nextId: 1, waiting: new Map() };
  context.ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.t === 'ping') context.ws.send(JSON.stringify({ op: 'pong' }));
    if (frame.t === 'msgs') ee.emit('counter', 'lightstick.messages_received', frame.msgs.length);
    const waiter = frame.id !== undefined ? state.waiting.get(frame.id) : undefined;
    if (waiter) {
      state.waiting.delete(frame.id);
      waiter(frame);
    }
  });
  context.lightstick = state;
  return state;
}

/** Sends `frame` with a fresh id; resolves with the answer of that id, or rejects after `answerTimeout` s. */
function request(context, ee, frame) {
  const state = reader(context, ee);
  const id = state.nextId++;
  const seconds = Number(context.vars.answerTimeout ?? 10);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      state.waiting.delete(id);
      reject(new Error(`no answer to ${frame.op}`));
    }, seconds * 1000);
    state.waiting.set(id, (answer) => {
      clearTimeout(timer);
      if (answer.t === 'error') reject(new Error(`${frame.op} refused: ${answer.code}`));
      else resolve(answer);
    });
    context.ws.send(JSON.stringify({ ...frame, id }));
    ee.emit('counter', 'websocket.messages_sent', 1);
  });
}

export async function authenticate(context, ee) {
  await request(context, ee, { op: 'auth', token: context.vars.token });
  ee.emit('counter', 'lightstick.authenticated', 1);
}

export async function joinRoom(context, ee) {
  await request(context, ee, { op: 'join', room: context.vars.roomId });
  ee.emit('counter', 'lightstick.joined', 1);
}

export async function sendChat(context, ee) {
  const started = performance.now();
  const cid = randomBytes(8).toString('hex');
  await request(context, ee, { op: 'send', room: context.vars.roomId, cid, text: `hello from ${cid}` });
  ee.emit('histogram', 'lightstick.send_to_ack', performance.now() - started);
  ee.emit('counter', 'lightstick.messages_acked', 1);
}

export async function leaveRoom(context, ee) {
  await request(context, ee, { op: 'leave', room: context.vars.roomId });
}
