// The benchmark's peer (issue 6): Socket.IO 4 with @socket.io/redis-adapter, set up as its documentation
// recommends (one pub and one sub connection per process, `io.to(room).emit`), so `npm run bench` can run the
// same load against it in the same run. One process per gateway slot, all on the same Redis under one key.
// It does what the Lightstick gateway does for the load, minus what Socket.IO has no notion of (tokens, stored
// history, moderation): `join` a room (acknowledged), `send` a line to a room (acknowledged after the emit).
// Plain JavaScript, started with plain node, like the compiled Lightstick server it is measured against.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';

const port = Number(process.env.PORT ?? 0);
const redisUrl = process.env.PEER_REDIS_URL ?? 'redis://127.0.0.1:6379';
const key = process.env.PEER_REDIS_KEY ?? 'socket.io';

const pub = new Redis(redisUrl);
const sub = pub.duplicate();
const http = createServer((req, res) => {
  res.writeHead(req.url === '/readyz' ? 200 : 404).end();
});
const io = new Server(http, {
  adapter: createAdapter(pub, sub, { key }),
  transports: ['websocket'],
  serveClient: false,
});
io.on('connection', (socket) => {
  socket.on('join', (room, ack) => {
    socket.join(String(room));
    if (typeof ack === 'function') ack({ ok: true });
  });
  socket.on('send', (room, text, ack) => {
    io.to(String(room)).emit('msg', { room, text, ts: Date.now() });
    if (typeof ack === 'function') ack({ ok: true });
  });
});
// The same accept queue as the Lightstick gateway's (LIGHTSTICK_LISTEN_BACKLOG's default): a listen backlog is
// the operator's setting for any server, not the engine's, so both are measured with it.
http.listen({ port, host: '127.0.0.1', backlog: 16_384 }, () => {
  console.log(JSON.stringify({ msg: 'listening', port: http.address().port }));
});
const stop = () => {
  io.close();
  pub.disconnect();
  sub.disconnect();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
