/**
 * A TCP fault proxy for tests: listens on an ephemeral 127.0.0.1 port and pipes every connection to a target
 * (PostgreSQL, Redis). `cut()` resets every open connection and makes new ones fail at once (accepted, then
 * reset), as a crashed server would; `stall()` keeps them open but silent, as a hung one would; `restore()` lets
 * new connections through again. The port never changes, so
 * clients reconnect to the same address.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  cut(): void;
  /** Keeps every connection open but forwards nothing more either way: a hung server. */
  stall(): void;
  restore(): void;
  isCut(): boolean;
  /** Connections currently piped through. */
  open(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let cut = false;

  const server: Server = createServer((client) => {
    if (cut) return void client.resetAndDestroy();
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const resetAll = () => {
    for (const pair of pairs) {
      pairs.delete(pair);
      for (const s of pair) if (!s.destroyed) s.resetAndDestroy();
    }
  };

  return {
    port,
    via(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut() {
      cut = true;
      resetAll();
    },
    stall() {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    restore() {
      cut = false;
    },
    isCut: () => cut,
    open: () => pairs.size,
    close() {
      cut = true;
      resetAll();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
