// The benchmark's peer (issue 6): Socket.IO 4 with @socket.io/redis-adapter, set up as its documentation
// recommends (one pub and one sub connection per process, `io.to(room).emit`), so `npm run bench` can run the
// same load against it in the same run. One process per gateway slot, all on the same Redis under one key.
// It does what the Lightstick gateway does for the load, minus what Socket.IO has no notion of (tokens, stored
// history, moderation): `join` a room (acknowledged), `send` a line to a room (acknowledged after the emit).
// Plain JavaScript, started with plain node, like the compiled Lightstick server it is measured against.
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { referenceServer } from './reference-server.mjs';

const { key, pub, sub, http, listen } = referenceServer('socket.io');
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
listen(() => io.close());
