// What the benchmark's reference servers (the Socket.IO peer, server.mjs, and the floor, floor.mjs) share: their
// settings from the environment bench/peer/cluster.ts sets, one Redis publisher and one subscriber, an HTTP server
// that answers `/readyz`, and how they listen and stop.
import { createServer } from 'node:http';
import { Redis } from 'ioredis';

export function referenceServer(defaultKey) {
  const redisUrl = process.env.PEER_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const pub = new Redis(redisUrl);
  const sub = pub.duplicate();
  const http = createServer((req, res) => {
    res.writeHead(req.url === '/readyz' ? 200 : 404).end();
  });
  return {
    key: process.env.PEER_REDIS_KEY ?? defaultKey,
    pub,
    sub,
    http,
    /**
     * Listens with the Lightstick gateway's accept queue (LIGHTSTICK_LISTEN_BACKLOG's default: a listen backlog is
     * the operator's setting for any server, not the engine's, so all are measured with it), prints the port the
     * cluster waits for, and on SIGTERM or SIGINT runs `close` and disconnects from Redis.
     */
    listen(close) {
      http.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1', backlog: 16_384 }, () => {
        console.log(JSON.stringify({ msg: 'listening', port: http.address().port }));
      });
      const stop = () => {
        close();
        pub.disconnect();
        sub.disconnect();
        process.exit(0);
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
  };
}
