/**
 * Monitoring as code against a real Prometheus: promtool checks and unit-tests the rules; then Prometheus
 * scrapes a scale-out deployment (an api and two gateway processes on Redis and PostgreSQL, on their public
 * ports) and an embedded process (on its metrics port, LIGHTSTICK_METRICS_PORT, as the shipped manifests
 * do) under light WebSocket chat, and every query of the committed Grafana dashboard must return data
 * through the HTTP API, every rule must evaluate without error, and every metric a query or rule names must
 * be one the servers export. The panels are then drawn from that data in Chromium (dashboard-page.ts); with
 * LIGHTSTICK_DASHBOARD_PNG set the picture goes there after two more minutes of traffic (`npm run
 * dashboard:screenshot` for the docs), else to .tmp/dashboard.png.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { eventually, startCluster, stopProcess, type Cluster } from '../support/cluster.ts';
import type { LiveView } from '@lightstick/protocol';
import { REPO_ROOT, freePort, spawnLightstick, type Spawned } from '../support/harness.ts';
import { createCommunity, http, registerUser } from '../support/api.ts';
import { publish, untilState, type Publisher } from '../support/live-support.ts';
import { WsTestClient } from '../support/ws-client.ts';
import { join } from '../support/ws-fixtures.ts';
import { concreteExpr, dashboardPanels, metricNames } from '../support/dashboard.ts';
import { SCRAPE_SECONDS, promtool, startPrometheus, type Prometheus } from '../support/prometheus.ts';
import { startChatTraffic, type ChatTraffic } from '../support/chat-traffic.ts';
import { renderDashboard } from '../support/dashboard-page.ts';

const RULES = fileURLToPath(new URL('../../../../deploy/prometheus/rules.yaml', import.meta.url));
const RULE_TESTS = fileURLToPath(new URL('../../../../deploy/prometheus/rules.test.yaml', import.meta.url));
/** Grafana's $__rate_interval is at least four scrape intervals; a wider window smooths a busy machine. */
const RATE_WINDOW = `${20 * SCRAPE_SECONDS}s`;

const ruleExprs = (
  parse(readFileSync(RULES, 'utf8')) as {
    groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
  }
).groups.flatMap((g) => g.rules);
const queries = dashboardPanels().flatMap((p) =>
  p.targets.map((t) => ({
    panel: p.title,
    legend: t.legendFormat ?? '',
    expr: concreteExpr(t.expr, RATE_WINDOW),
  })),
);

/** The names an expression reads that Prometheus has no series of (recording rules count as exported). */
function unknownNames(expr: string, scraped: Set<string>): string[] {
  const recorded = new Set(ruleExprs.flatMap((r) => (r.record ? [r.record] : [])));
  return metricNames(expr).filter((n) => !scraped.has(n) && !recorded.has(n));
}

const finite = (v: string) => Number.isFinite(Number(v));

test('promtool: the rules are valid and their unit tests pass', () => {
  const check = promtool('check', 'rules', RULES);
  assert.equal(check.status, 0, check.output);
  assert.match(check.output, /SUCCESS: \d+ rules found/);
  const unit = promtool('test', 'rules', RULE_TESTS);
  assert.equal(unit.status, 0, unit.output);
  assert.match(unit.output, /SUCCESS/);
});

describe('the dashboard and the rules against a real Prometheus scraping Lightstick under traffic', () => {
  let cluster: Cluster | undefined;
  let embedded: Spawned | undefined;
  let embeddedMetricsPort = 0;
  let prom: Prometheus | undefined;
  const traffic: ChatTraffic[] = [];
  const figures: Record<string, string> = {};
  // A live on air on the embedded process (its local provider, ffmpeg publishing) with one viewer in its room,
  // for the per-live panel.
  let publisher: Publisher | undefined;
  let viewer: WsTestClient | undefined;

  /** Creates a live on the embedded process, publishes to it until the suite ends, and joins its room. */
  async function liveOnAir(base: Spawned): Promise<void> {
    const owner = (await registerUser(base.baseUrl)).accessToken;
    const { community } = await createCommunity(base.baseUrl, owner);
    const r = await http<LiveView>(base.baseUrl, 'POST', `/api/communities/${community.id}/lives`, {
      token: owner,
      body: { title: 'on air for the dashboard' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    publisher = publish(`${r.body.ingest!.url}/${r.body.ingest!.streamKey}`);
    await untilState(base.baseUrl, owner, r.body.id, 'live', 60_000);
    viewer = await WsTestClient.authed(base.wsUrl, owner);
    await join(viewer, r.body.roomId);
  }

  before(async () => {
    // Started side by side, and the traffic too: a busy machine makes each start slow.
    const rtmpPort = await freePort();
    embeddedMetricsPort = await freePort();
    const [c, e] = await Promise.allSettled([
      startCluster({ gateways: 2 }),
      spawnLightstick({
        env: {
          LIGHTSTICK_NODE_ID: 'embedded0',
          LIGHTSTICK_RTMP_PORT: String(rtmpPort),
          LIGHTSTICK_RTMP_PUBLIC_URL: `rtmp://127.0.0.1:${rtmpPort}/live`,
          LIGHTSTICK_METRICS_PORT: String(embeddedMetricsPort),
        },
      }),
    ]);
    if (c.status === 'fulfilled') cluster = c.value;
    if (e.status === 'fulfilled') embedded = e.value;
    if (c.status === 'rejected') throw c.reason;
    if (e.status === 'rejected') throw e.reason;
    prom = await startPrometheus({
      targets: [
        ...[cluster!.api, ...cluster!.gateways].map((p) => `127.0.0.1:${p.port}`),
        `127.0.0.1:${embeddedMetricsPort}`,
      ],
      ruleFiles: [RULES],
    });
    const started = await Promise.allSettled([
      startChatTraffic(cluster!.api.baseUrl, cluster!.wsUrls),
      startChatTraffic(embedded!.baseUrl, [embedded!.wsUrl]),
    ]);
    await liveOnAir(embedded!);
    for (const r of started) if (r.status === 'fulfilled') traffic.push(r.value);
    for (const r of started) if (r.status === 'rejected') throw r.reason;
    const p = prom;
    await eventually(
      async () => (await p.targets()).every((t) => t.health === 'up'),
      'every target scraped',
      60_000,
    );
    // Until every panel query has a finite value (rates need two scrapes inside their window, the archive
    // lag an archiver batch): bounded, and what is still missing is reported by the test below.
    await eventually(
      async () => {
        for (const q of queries) {
          if (!(await p.query(q.expr)).some((s) => finite(s.value[1]))) return false;
        }
        return true;
      },
      'every dashboard query has data',
      120_000,
    ).catch(() => {});
  });

  after(async () => {
    viewer?.ws.close();
    await publisher?.stop();
    await Promise.allSettled(traffic.map((t) => t.stop()));
    await prom?.stop();
    await Promise.allSettled([cluster?.stop(), embedded ? stopProcess(embedded) : undefined]);
  });

  test('every target is up and every rule evaluates without error', async () => {
    const targets = await prom!.targets();
    assert.equal(targets.length, 4);
    // The embedded process is scraped on its metrics port; its public port does not serve metrics.
    assert.ok(targets.some((t) => t.scrapeUrl === `http://127.0.0.1:${embeddedMetricsPort}/metrics`));
    assert.equal((await fetch(`${embedded!.baseUrl}/metrics`)).status, 404);
    assert.deepEqual(
      targets.filter((t) => t.health !== 'up').map((t) => `${t.scrapeUrl}: ${t.lastError}`),
      [],
    );
    await eventually(
      async () => (await prom!.rules()).every((r) => r.health === 'ok'),
      'rules evaluated',
      30_000,
    );
    const rules = await prom!.rules();
    assert.equal(rules.length, ruleExprs.length);
    assert.deepEqual(
      rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`),
      [],
    );
  });

  test('every dashboard query returns data through the HTTP API', async () => {
    const empty: string[] = [];
    for (const q of queries) {
      const result = await prom!.query(q.expr);
      const values = result.filter((s) => finite(s.value[1]));
      if (values.length === 0) empty.push(`${q.panel} [${q.legend}]: ${q.expr} -> ${JSON.stringify(result)}`);
      else
        figures[`${q.panel} ${q.legend}`] = values.map((s) => Number(s.value[1]).toPrecision(3)).join(', ');
    }
    assert.deepEqual(empty, [], 'queries without data');
  });

  test('every metric a dashboard query or a rule names is one the servers export, and an unknown one is caught', async () => {
    const scraped = await prom!.metricNames();
    const missing = [...queries.map((q) => q.expr), ...ruleExprs.map((r) => r.expr)].flatMap((e) =>
      unknownNames(e, scraped).map((n) => `${n} in ${e}`),
    );
    assert.deepEqual(missing, []);
    // The check itself: a query of a metric nobody exports is reported, and Prometheus has no data for it.
    const bogus = `sum(rate(lightstick_messages_acepted_total[${RATE_WINDOW}]))`;
    assert.deepEqual(unknownNames(bogus, scraped), ['lightstick_messages_acepted_total']);
    assert.deepEqual(await prom!.query(bogus), []);
  });

  test('the figures agree with the traffic', async (t) => {
    const one = async (expr: string) => Number((await prom!.query(expr))[0]?.value[1] ?? NaN);
    // The traffic's connections and the live's viewer.
    const open = traffic.reduce((n, x) => n + x.connections, 0) + 1;
    assert.equal(await one('sum(lightstick_connections)'), open);
    assert.equal(await one('min(lightstick_ready)'), 1);
    assert.equal(await one('count(lightstick_ready)'), 4);
    // The live on the embedded process: its one viewer, merged from the gateway's report.
    await eventually(
      async () => (await one('max(lightstick_live_viewers)')) === 1,
      'one viewer of the live',
      30_000,
    );
    assert.ok((await one(`sum(rate(lightstick_messages_accepted_total[${RATE_WINDOW}]))`)) > 0);
    assert.ok(
      (await one(`sum(rate(lightstick_sends_refused_total{code="not_joined"}[${RATE_WINDOW}]))`)) > 0,
    );
    assert.ok((await one(`sum(rate(lightstick_messages_archived_total[${RATE_WINDOW}]))`)) > 0);
    const stats = traffic.map((x) => ({ ...x.stats }));
    for (const s of stats) assert.equal(s.failed, 0);
    t.diagnostic(`traffic: ${JSON.stringify(stats)}; ${open} connections; ${queries.length} queries`);
    for (const [k, v] of Object.entries(figures)) t.diagnostic(`${k}: ${v}`);
  });

  test('the panels draw from the same data in Chromium', async () => {
    const png = process.env.LIGHTSTICK_DASHBOARD_PNG;
    // For the picture in the docs: more minutes of traffic, so the lines have a shape.
    if (png) await new Promise((r) => setTimeout(r, 120_000));
    // A loaded machine can miss scrapes for a while (a slow target times out): counters then have no two
    // samples inside the rate window, although gauges still read. Wait (bounded) until every query has data at
    // the end of the range again, as before() does; what is still empty after that fails below.
    const p = prom!;
    await eventually(
      async () => {
        for (const q of queries) if (!(await p.query(q.expr)).some((x) => finite(x.value[1]))) return false;
        return true;
      },
      'every dashboard query has data now',
      120_000,
    ).catch(() => {});
    const drawn = await renderDashboard(p, {
      rateWindow: RATE_WINDOW,
      minutes: png ? 3 : 2,
      png: png ?? path.join(REPO_ROOT, '.tmp', 'dashboard.png'),
      waitMs: 120_000,
    });
    assert.equal(drawn.panels, dashboardPanels().length);
    assert.deepEqual(drawn.empty, [], `panels drawn without a series: ${JSON.stringify(drawn.answered)}`);
  });
});
