/**
 * The gateway listened with Node's default backlog, 511. A gateway busy writing fan-out accepts between slices,
 * and when fans arrive faster than that (a wave at a live's start, a killed gateway's clients coming back), the
 * kernel dropped every handshake its accept queue could not hold; each was retried by the client 1, 3, 7, 15 s
 * later. In 36 000-fan storms (6 000 clients coming back) the kernel counted 747 to 19 477 such drops
 * (`ListenOverflows`), and none once the queue could hold them (docs/benchmarks.md, stop 19).
 *
 * Here the server is stopped (SIGSTOP: as busy as a process can be) while 1 000 clients connect: the kernel must
 * queue every one of them. With 511 it never does while the process is stopped, whatever the wait.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { spawnLightstick } from '../support/harness.ts';

const CLIENTS = 1000;

test('a stopped gateway has 1 000 connections queued by the kernel, not dropped', async (t) => {
  // The kernel caps a listen backlog at net.core.somaxconn (4 096 since Linux 5.4).
  const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim());
  if (!(somaxconn > CLIENTS)) {
    t.skip(
      `net.core.somaxconn is ${somaxconn}: the kernel holds no more than that, whatever the server asks`,
    );
    return;
  }
  const server = await spawnLightstick();
  const sockets: Socket[] = [];
  server.proc.kill('SIGSTOP');
  try {
    let connected = 0;
    const all = new Promise<void>((resolve) => {
      for (let i = 0; i < CLIENTS; i++) {
        const s = connect({ port: server.port, host: '127.0.0.1' });
        s.on('error', () => {}); // closed below; a reset after SIGCONT is not what this test is about
        s.once('connect', () => {
          if (++connected === CLIENTS) resolve();
        });
        sockets.push(s);
      }
    });
    // Generous: the kernel completes queued handshakes at once; a dropped one would wait for the 1 s retry and
    // then be dropped again, since the process does not accept while stopped.
    const deadline = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 20_000).unref());
    const outcome = await Promise.race([all.then(() => 'all' as const), deadline]);
    assert.equal(
      outcome,
      'all',
      `${connected} of ${CLIENTS} connections were queued while the server was busy`,
    );
  } finally {
    server.proc.kill('SIGCONT');
    for (const s of sockets) s.destroy();
    await server.stop();
  }
});
