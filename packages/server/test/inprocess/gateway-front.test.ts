/**
 * The public port of a gateway-only process (http/gateway-front.ts, issue 6: a gateway without Fastify): the
 * same answers the Fastify app gives in the other roles for health, readiness, metrics and unknown paths (the
 * one JSON error shape, security headers, request metrics), the WebSocket at /ws, and 503 `unavailable` with
 * the connection closed for a request that arrives on a kept-alive connection while the process shuts down.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { createGatewayFront } from '../../src/http/gateway-front.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { WsTestClient } from '../support/ws-client.ts';

async function errorCode(res: Response): Promise<string> {
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  return ((await res.json()) as { error: { code: string } }).error.code;
}

function counter(text: string, line: RegExp): number {
  const m = line.exec(text);
  return m ? Number(m[1]) : 0;
}

describe('a gateway-only process', () => {
  let gw: InProcess;

  before(async () => {
    gw = await startLightstick({ env: { LIGHTSTICK_ROLES: 'gateway' } });
  });
  after(async () => {
    await gw.stop();
  });

  test('has no Fastify app: health, readiness and metrics answer on plain node:http', async () => {
    assert.equal(gw.server.app, undefined);
    const health = await fetch(`${gw.baseUrl}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`${gw.baseUrl}/readyz`);
    assert.equal(ready.status, 200);
    const body = (await ready.json()) as { ready: boolean; checks: Record<string, boolean> };
    assert.equal(body.ready, true);
    assert.equal(typeof body.checks, 'object');
    const metrics = await fetch(`${gw.baseUrl}/metrics?x=1`);
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(await metrics.text(), /^lightstick_connections\{node="[^"]+"\} 0$/m);
    const head = await fetch(`${gw.baseUrl}/healthz`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  test('every answer carries the security headers and no-store', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/nope']) {
      const res = await fetch(`${gw.baseUrl}${path}`);
      await res.arrayBuffer();
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('cache-control'), 'no-store', path);
      assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
    }
  });

  test('any other path or method is 404 not_found in the one error shape, counted', async () => {
    const read = async () => (await fetch(`${gw.baseUrl}/metrics`)).text();
    const notFound = /^lightstick_http_requests_total\{route="not_found",status="404",node="[^"]+"\} (\d+)$/m;
    const errors = /^lightstick_errors_total\{code="not_found",surface="http",node="[^"]+"\} (\d+)$/m;
    const before = await read();
    for (const [method, path] of [
      ['GET', '/api/communities'],
      ['GET', '/api/openapi.json'],
      ['GET', '/'],
      ['POST', '/healthz'],
      ['DELETE', '/metrics'],
    ] as const) {
      const res = await fetch(`${gw.baseUrl}${path}`, { method });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(await errorCode(res), 'not_found', `${method} ${path}`);
    }
    const afterText = await read();
    assert.equal(counter(afterText, notFound) - counter(before, notFound), 5);
    assert.equal(counter(afterText, errors) - counter(before, errors), 5);
    assert.ok(
      counter(
        afterText,
        /^lightstick_http_requests_total\{route="\/metrics",status="200",node="[^"]+"\} (\d+)$/m,
      ) >= 1,
    );
  });

  test('the WebSocket is at /ws; an upgrade anywhere else is refused with 404', async () => {
    const client = await WsTestClient.connect(gw.wsUrl);
    client.close();
    const refused = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(gw.wsUrl.replace(/\/ws$/, '/elsewhere'));
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('open', () => reject(new Error('opened')));
      ws.on('error', () => {});
    });
    assert.equal(refused, 404);
  });
});

describe('the gateway front while it closes', () => {
  test('a request on a kept-alive connection after close() began answers 503 unavailable and closes', async () => {
    let release = () => {};
    let asked = false;
    const held = new Promise<void>((resolve) => (release = resolve));
    const front = createGatewayFront({
      services: {
        metrics: createMetrics('front-test'),
        logger: createLogger({ level: 'silent', nodeId: 'front-test' }),
      },
      readiness: async () => {
        asked = true;
        await held;
        return { ready: true, checks: { store: true } };
      },
    });
    await front.listen({ port: 0, host: '127.0.0.1', backlog: 16 });
    const { port } = front.server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    try {
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      // The first request is in flight (readiness held) when the shutdown starts: it is answered normally.
      socket.write('GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n');
      await waitFor(() => asked);
      const closed = front.close();
      release();
      await waitFor(() => /\r\n\r\n\{"ready":true/.test(received));
      assert.match(received, /^HTTP\/1\.1 200 /);
      // The second, on the same connection after close() began, is refused.
      received = '';
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await socketClosed;
      assert.match(received, /^HTTP\/1\.1 503 /);
      assert.match(received, /\r\nconnection: close\r\n/i);
      assert.match(received, /"code":"unavailable"/);
      await closed;
      assert.equal(front.server.listening, false);
    } finally {
      release();
      socket.destroy();
      await front.close();
    }
  });
});

async function waitFor(cond: () => boolean, deadlineMs = 30_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
