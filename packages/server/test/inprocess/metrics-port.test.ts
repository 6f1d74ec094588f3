/**
 * The metrics port (issue 8, item 15) on real servers: with LIGHTSTICK_METRICS_PORT the public port answers
 * `/metrics` 404 `not_found` (the web app's page fallback included) and the metrics port serves the same
 * registry, in every role; it closes with the server; a metrics port that is taken stops the start and leaves
 * nothing listening. Unset, `/metrics` stays on the public port.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { freePort, startLightstick, tempDir, type InProcess } from '../support/harness.ts';

async function notFoundJson(res: Response, what: string): Promise<void> {
  assert.equal(res.status, 404, what);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, what);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'not_found', what);
}

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

describe('LIGHTSTICK_METRICS_PORT', () => {
  let app: InProcess;
  let webDir: string;
  let metricsUrl: string;

  before(async () => {
    // A built web app, so the page fallback (any GET without an extension answers index.html) is in play.
    webDir = await tempDir('lightstick-web-');
    await mkdir(webDir, { recursive: true });
    await writeFile(path.join(webDir, 'index.html'), '<!doctype html><title>Lightstick</title>');
    app = await startLightstick({ env: { LIGHTSTICK_METRICS_PORT: '0', LIGHTSTICK_WEB_DIR: webDir } });
    const port = app.server.metricsPort ?? assert.fail('no metrics port');
    assert.notEqual(port, app.server.port);
    metricsUrl = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await app.stop();
    await rm(webDir, { recursive: true, force: true });
  });

  test('the public port answers /metrics 404 not_found, GET and HEAD, while pages still fall back to the app', async () => {
    await notFoundJson(await fetch(`${app.baseUrl}/metrics`), 'GET /metrics');
    await notFoundJson(await fetch(`${app.baseUrl}/metrics?format=text`), 'GET /metrics?query');
    const head = await fetch(`${app.baseUrl}/metrics`, { method: 'HEAD' });
    assert.equal(head.status, 404);
    const page = await fetch(`${app.baseUrl}/some/page`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>Lightstick<\/title>/);
    // Health and readiness stay where the probes look for them.
    assert.equal((await fetch(`${app.baseUrl}/healthz`)).status, 200);
    assert.equal((await fetch(`${app.baseUrl}/readyz`)).status, 200);
    // Not in the public API document either.
    const doc = (await (await fetch(`${app.baseUrl}/api/openapi.json`)).json()) as { paths: object };
    assert.ok(!Object.keys(doc.paths).includes('/metrics'));
  });

  test('the metrics port serves the same registry as Prometheus text, and /healthz', async () => {
    await fetch(`${app.baseUrl}/metrics`); // one more refusal on the public port, counted in the registry
    const res = await fetch(`${metricsUrl}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const text = await res.text();
    assert.match(text, /^lightstick_connections\{node="[^"]+"\} 0$/m);
    const refused =
      /^lightstick_http_requests_total\{route="\/metrics",status="404",node="[^"]+"\} (\d+)$/m.exec(text);
    assert.ok(Number(refused?.[1]) >= 1, 'the public refusals are counted in the registry served here');
    const head = await fetch(`${metricsUrl}/metrics`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    const health = await fetch(`${metricsUrl}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
  });

  test('the metrics port serves nothing else: other paths and methods are 404 not_found', async () => {
    await notFoundJson(await fetch(`${metricsUrl}/readyz`), 'GET /readyz');
    await notFoundJson(await fetch(`${metricsUrl}/api/openapi.json`), 'GET /api/openapi.json');
    await notFoundJson(await fetch(`${metricsUrl}/`), 'GET /');
    await notFoundJson(await fetch(`${metricsUrl}/metrics`, { method: 'POST', body: '{}' }), 'POST /metrics');
  });
});

describe('LIGHTSTICK_METRICS_PORT in every role', () => {
  for (const role of ['api', 'gateway', 'media', 'api,web']) {
    test(`--role ${role}: metrics on the metrics port only, and the port closes with the server`, async () => {
      const app = await startLightstick({
        env: { LIGHTSTICK_ROLES: role, LIGHTSTICK_METRICS_PORT: '0' },
      });
      const metricsUrl = `http://127.0.0.1:${app.server.metricsPort ?? assert.fail('no metrics port')}`;
      try {
        await notFoundJson(await fetch(`${app.baseUrl}/metrics`), `${role}: public /metrics`);
        const res = await fetch(`${metricsUrl}/metrics`);
        assert.equal(res.status, 200, role);
        assert.match(await res.text(), /^lightstick_ready\{node="[^"]+"\} [01]$/m, role);
      } finally {
        await app.stop();
      }
      await assert.rejects(fetch(`${metricsUrl}/healthz`), `${role}: metrics port still open after stop`);
    });
  }
});

describe('without LIGHTSTICK_METRICS_PORT', () => {
  test('/metrics is served on the public port, as before', async () => {
    const app = await startLightstick();
    try {
      assert.equal(app.server.metricsPort, undefined);
      const res = await fetch(`${app.baseUrl}/metrics`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /^lightstick_connections\{node="[^"]+"\} 0$/m);
    } finally {
      await app.stop();
    }
  });
});

test('a metrics port that is taken stops the start and leaves the public port free', async () => {
  const metricsPort = await freePort();
  let publicPort = await freePort();
  while (publicPort === metricsPort) publicPort = await freePort();
  const squatter = await listenOn(metricsPort);
  const dataDir = await tempDir();
  try {
    await assert.rejects(
      startLightstick({
        dataDir,
        env: { PORT: String(publicPort), LIGHTSTICK_METRICS_PORT: String(metricsPort) },
      }),
      /EADDRINUSE/,
    );
    // Nothing of the failed start listens: the public port can be taken again.
    const probe = await listenOn(publicPort);
    await new Promise((r) => probe.close(r));
  } finally {
    await new Promise((r) => squatter.close(r));
    await rm(dataDir, { recursive: true, force: true });
  }
});
