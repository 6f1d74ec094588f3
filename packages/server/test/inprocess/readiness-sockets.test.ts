/**
 * Readiness follows the socket budget (app/readiness.ts, `sockets`): a process whose public port holds
 * SOCKETS_FULL_AT of its `maxConnections` answers 503 so that the load balancer sends new connections (a dead
 * gateway's clients coming back) to the others, and answers 200 again only once it is down to SOCKETS_ROOM_AT.
 * Regression for the `storm` at 100 000 over 6 gateways (docs/benchmarks.md, "Stop 28"): survivors at their
 * budget reset the returning clients while still answering ready.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { SOCKETS_FULL_AT, SOCKETS_ROOM_AT } from '../../src/app/readiness.ts';
import { startLightstick, type InProcess } from '../support/harness.ts';

const BUDGET = 100;
/** Open sockets at which the process is full (98) and at which it has room again (95). */
const FULL = Math.ceil(SOCKETS_FULL_AT * BUDGET);
const ROOM = Math.floor(SOCKETS_ROOM_AT * BUDGET);

interface Ready {
  ready: boolean;
  checks: Record<string, boolean>;
}

describe('readiness and the socket budget', () => {
  let gw: InProcess;
  const held: Socket[] = [];

  before(async () => {
    // Idle sockets that never send a request must outlive the test on a busy machine.
    gw = await startLightstick({
      env: {
        LIGHTSTICK_ROLES: 'gateway',
        LIGHTSTICK_HTTP_REQUEST_TIMEOUT_MS: '600000',
        LIGHTSTICK_HTTP_HEADERS_TIMEOUT_MS: '600000',
      },
    });
    gw.server.http.server.maxConnections = BUDGET;
  });
  after(async () => {
    for (const s of held) s.destroy();
    await gw.stop();
  });

  /**
   * GET on a connection of its own, closed after the answer (no pooled keep-alive socket stays open to skew the
   * count): the request's socket is one of those the server counts while it answers.
   */
  function request(path: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = get({ host: '127.0.0.1', port: gw.server.port, path, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
  }

  async function readyz(): Promise<{ status: number; body: Ready }> {
    const { status, text } = await request('/readyz');
    return { status, body: JSON.parse(text) as Ready };
  }

  /** Holds sockets on the public port until the server counts `n` besides the probe's. */
  async function holdTo(n: number): Promise<void> {
    while (held.length < n) {
      const s = connect({ host: '127.0.0.1', port: gw.server.port });
      s.on('error', () => {}); // reset by the server at shutdown
      await once(s, 'connect');
      held.push(s);
    }
    while (held.length > n) held.pop()!.destroy();
    await until(n);
  }

  /** Waits until the server's own count of open sockets is `n` (accept and close run on its loop). */
  async function until(n: number): Promise<void> {
    const server = gw.server.http.server;
    let open = -1;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(10)) {
      open = await new Promise<number>((resolve, reject) =>
        server.getConnections((err, count) => (err ? reject(err) : resolve(count))),
      );
      if (open === n) return;
    }
    assert.fail(`the server counts ${open} open sockets, not ${n}`);
  }

  test('ready with room; 503 with checks.sockets false at the full mark', async () => {
    await holdTo(FULL - 2); // with the probe's own socket: one below the mark
    let r = await readyz();
    assert.equal(r.status, 200);
    assert.equal(r.body.checks.sockets, true);

    await holdTo(FULL - 1); // with the probe's: at the mark
    r = await readyz();
    assert.equal(r.status, 503);
    assert.equal(r.body.ready, false);
    assert.equal(r.body.checks.sockets, false);
    assert.equal(r.body.checks.accepting, true, 'the other checks still pass');
  });

  test('stays not ready above the room mark, ready again at it', async () => {
    await holdTo(ROOM); // with the probe's: between the marks, so no flapping back
    let r = await readyz();
    assert.equal(r.status, 503);
    assert.equal(r.body.checks.sockets, false);

    await holdTo(ROOM - 1); // with the probe's: at the room mark
    r = await readyz();
    assert.equal(r.status, 200);
    assert.equal(r.body.checks.sockets, true);

    await holdTo(FULL - 2); // up again, but below the full mark: still ready
    r = await readyz();
    assert.equal(r.status, 200);
  });

  test('the check is reported as a metric like the others', async () => {
    const { text } = await request('/metrics');
    assert.match(text, /^lightstick_ready_check\{check="sockets",node="[^"]+"\} [01]$/m);
  });
});

describe('readiness without a socket budget', () => {
  test('has no sockets check when maxConnections is not set', async () => {
    const gw = await startLightstick({ env: { LIGHTSTICK_ROLES: 'gateway' } });
    try {
      const res = await fetch(`${gw.baseUrl}/readyz`);
      const body = (await res.json()) as Ready;
      assert.equal(res.status, 200);
      assert.equal(body.checks.sockets, undefined);
    } finally {
      await gw.stop();
    }
  });
});
