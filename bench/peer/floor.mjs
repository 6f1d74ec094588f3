// The benchmark's floor (issue 6): what fan-out over Redis costs on this machine with no engine at all, so a
// figure Lightstick misses can be told apart from one the machine cannot give. One plain `ws` server per
// gateway slot on the same Redis; a send is one script call (a counter for the position, PUBLISH), and every
// process writes each message it hears to every local member at once: one frame per member per message, built
// once and written in one synchronous loop (no slices, no pacing, no checks, no history, no tokens, no resume).
// It speaks just what the benchmark's Lightstick client uses (hello, auth, join, send with its ack, `msgs`
// frames with positions), so both are driven by the same client code. Plain JavaScript, started with plain node.
import { Sender, WebSocketServer, WebSocket } from 'ws';
import { referenceServer } from './reference-server.mjs';

const { key, pub, sub, http, listen } = referenceServer('floor');
const channel = `${key}:msgs`;
// The position and the publication in one round trip, as Lightstick's send script does with more in it.
pub.defineCommand('floorSend', {
  numberOfKeys: 2,
  lua: `local n = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', KEYS[2], n .. '\\n' .. ARGV[1] .. '\\n' .. ARGV[2])
return n`,
});

/** room -> its local members; room -> the last offset this process has heard. */
const rooms = new Map();
/**
 * `--floor-message full` (bench/run.ts): each message with every field a Lightstick `msgs` frame gives it (ids,
 * author, role, time, language, offset), so the floor writes frames of Lightstick's size: what the size costs,
 * apart from the engine (docs/benchmarks.md, stop 37). By default just the text and offset.
 */
const FULL = process.env.FLOOR_FULL_MESSAGE === '1';
const last = new Map();

/**
 * A complete WebSocket text frame (final, unmasked, uncompressed), framed once per message by ws's own framer and
 * written to every member's socket as it is: the same bytes and the same one write per socket as Lightstick's
 * gateway (src/gateway/connection.ts), so what differs between the two is the engine, not the framing.
 */
const wire = (text) =>
  Buffer.concat(
    Sender.frame(Buffer.from(text, 'utf8'), {
      fin: true,
      rsv1: false,
      opcode: 1,
      mask: false,
      readOnly: true,
    }),
  );

sub.on('message', (_channel, payload) => {
  const a = payload.indexOf('\n');
  const b = payload.indexOf('\n', a + 1);
  const offset = Number(payload.slice(0, a));
  const room = payload.slice(a + 1, b);
  const text = payload.slice(b + 1);
  last.set(room, Math.max(offset, last.get(room) ?? 0));
  const members = rooms.get(room);
  if (members === undefined) return;
  const pos = { epoch: 'floor', offset };
  // As Lightstick's `msgs` frame carries a message (protocol's LiveMessage: the frame says room and epoch).
  const msg = FULL
    ? {
        id: '0d9f3c2e-7a41-4b8e-9c55-1f2a3b4c5d6e',
        cid: `k3x9-${offset}`,
        user: { id: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9', name: 'fan0042', displayName: 'fan0042' },
        role: 'fan',
        text,
        ts: Date.now(),
        lang: 'und',
        offset,
      }
    : { text, offset };
  const frame = wire(JSON.stringify({ t: 'msgs', room, msgs: [msg], upto: pos }));
  for (const ws of members) {
    const socket = ws._socket;
    if (ws.readyState === WebSocket.OPEN && socket && !socket.destroyed) socket.write(frame);
  }
});
await sub.subscribe(channel);

const wss = new WebSocketServer({ server: http, path: '/ws', perMessageDeflate: false });

wss.on('connection', (ws) => {
  const joined = new Set();
  const reply = (frame) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(frame));
  ws.on('error', () => ws.terminate());
  ws.on('close', () => {
    for (const room of joined) rooms.get(room)?.delete(ws);
  });
  ws.on('message', (data) => {
    let f;
    try {
      f = JSON.parse(String(data));
    } catch {
      return reply({ t: 'error', code: 'bad_frame' });
    }
    const id = f?.id;
    if (f?.op === 'auth') reply({ t: 'authed', id });
    else if (f?.op === 'join' && typeof f.room === 'string') {
      let members = rooms.get(f.room);
      if (members === undefined) rooms.set(f.room, (members = new Set()));
      members.add(ws);
      joined.add(f.room);
      reply({ t: 'joined', id, room: f.room, pos: { epoch: 'floor', offset: last.get(f.room) ?? 0 } });
    } else if (f?.op === 'send' && typeof f.room === 'string' && typeof f.text === 'string') {
      pub.floorSend(`${key}:seq:${f.room}`, channel, f.room, f.text).then(
        (offset) => reply({ t: 'ack', id, pos: { epoch: 'floor', offset } }),
        () => reply({ t: 'error', id, code: 'unavailable' }),
      );
    } else if (f?.op !== 'pong') reply({ t: 'error', id, code: 'bad_request' });
  });
  reply({ t: 'hello' });
});

listen(() => wss.close());
