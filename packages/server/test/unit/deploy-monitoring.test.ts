/**
 * Monitoring as code, without a cluster or Grafana: the committed dashboard JSON and PrometheusRule are what
 * their sources generate; the ServiceMonitor and PrometheusRule are valid against the prometheus-operator
 * schemas and scrape the Services the manifests define; every dashboard query uses only the variables the
 * tests substitute; every alert has a severity and a runbook anchor that exists in docs/operations.md.
 * The queries and rules themselves run against a real Prometheus in test/e2e/monitoring-prometheus.test.ts.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { Service } from 'kubernetes-models/v1/Service';
import { GENERATED, RULES_FILE } from '../../../../deploy/generate.ts';
import {
  K8S,
  NS,
  ROOT,
  containersOf,
  find,
  matches,
  render,
  workloadsSelectedBy,
  type Doc,
} from './deploy-k8s-support.ts';
import { dashboardPanels, DASHBOARD } from '../support/dashboard.ts';

const monitoring = render(path.join(K8S, 'monitoring'));
const base = render(K8S);

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const groups = (parse(readFileSync(RULES_FILE, 'utf8')) as { groups: { name: string; rules: Rule[] }[] })
  .groups;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  return new Set(
    [...markdown.matchAll(/^#+\s+(.+)$/gm)].map((m) =>
      (m[1] as string)
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}

describe('monitoring as code', () => {
  for (const [file, make] of GENERATED) {
    test(`${path.relative(ROOT, file)} is what its source generates (npm run generate:deploy)`, async () => {
      assert.equal(readFileSync(file, 'utf8'), await make());
    });
  }

  test('the ServiceMonitor and PrometheusRule are valid prometheus-operator objects in the namespace', () => {
    const kinds = monitoring.map((o) => `${o.apiVersion}/${o.kind}`).sort();
    assert.deepEqual(kinds, [
      'monitoring.coreos.com/v1/PrometheusRule',
      'monitoring.coreos.com/v1/ServiceMonitor',
    ]);
    for (const o of monitoring) {
      const Model = o.kind === 'ServiceMonitor' ? ServiceMonitor : PrometheusRule;
      assert.doesNotThrow(() => new Model(o as never).validate(), `${o.kind}/${o.metadata.name}`);
      assert.equal((o.metadata as { namespace?: string }).namespace, NS);
    }
  });

  test('the ServiceMonitor scrapes /metrics on a port of every Lightstick Service with one, never the RTMP ingest', () => {
    const sm = find(monitoring, 'ServiceMonitor', 'lightstick') as unknown as ServiceMonitor;
    assert.deepEqual(sm.spec.namespaceSelector?.matchNames, [NS]);
    const services = base.filter(
      (o) =>
        o.kind === 'Service' &&
        matches(sm.spec.selector.matchLabels, (o.metadata as { labels?: Record<string, string> }).labels),
    ) as unknown as Service[];
    assert.deepEqual(services.map((s) => s.metadata?.name).sort(), [
      'lightstick-api',
      'lightstick-gateway',
      'lightstick-media',
    ]);
    // The metrics listener's port, not the public one (which answers /metrics 404 when it is set).
    const metricsPort = Number(
      (find(base, 'ConfigMap', 'lightstick-config')?.data as Record<string, string>).LIGHTSTICK_METRICS_PORT,
    );
    assert.ok(metricsPort > 0, 'LIGHTSTICK_METRICS_PORT in lightstick-config');
    assert.ok((sm.spec.endpoints ?? []).length > 0);
    for (const ep of sm.spec.endpoints ?? []) {
      assert.equal(ep.path, '/metrics');
      assert.equal(ep.port, 'metrics');
      for (const s of services) {
        const sp = s.spec?.ports?.find((p) => p.name === ep.port);
        assert.ok(sp, `${s.metadata?.name} has no port named ${ep.port}`);
        const pod =
          workloadsSelectedBy(base, s.spec?.selector)[0] ?? assert.fail(`${s.metadata?.name}: no pods`);
        const container = containersOf(pod).flatMap((c) => c.ports ?? []);
        assert.equal(
          container.find((cp) => cp.name === sp?.targetPort)?.containerPort,
          metricsPort,
          `${s.metadata?.name}: port ${ep.port} leads to the metrics listener`,
        );
      }
    }
  });

  test('the PrometheusRule carries exactly the groups of deploy/prometheus/rules.yaml', () => {
    const pr = find(monitoring, 'PrometheusRule', 'lightstick') as Doc & { spec: { groups: unknown } };
    assert.deepEqual(pr.spec.groups, groups);
  });

  test('every alert has a severity, a summary and a runbook anchor that docs/operations.md has', () => {
    const docs = anchors(readFileSync(path.join(ROOT, 'docs/operations.md'), 'utf8'));
    const alerts = groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
    assert.ok(alerts.length >= 8, `${alerts.length} alerts`);
    for (const r of alerts) {
      assert.match(r.labels?.severity ?? '', /^(page|ticket)$/, r.alert);
      assert.ok(r.annotations?.summary, `${r.alert} summary`);
      const [file, anchor] = (r.annotations?.runbook ?? '').split('#');
      assert.equal(file, 'docs/operations.md', r.alert);
      assert.ok(docs.has(anchor ?? ''), `${r.alert}: docs/operations.md has no heading #${anchor}`);
    }
  });

  test('every dashboard panel has a title, unit, data source and queries that use only $node and $__rate_interval', () => {
    const panels = dashboardPanels();
    assert.ok(panels.length >= 15, `${panels.length} panels`);
    const titles = panels.map((p) => p.title);
    for (const wanted of [
      'Connections',
      'Rooms',
      'Sends accepted',
      'Sends refused by code',
      'Deliveries and skipped',
      'Send to ack',
      'Send to deliver',
      'Archive backlog',
      'Archive lag',
      'Redis readiness (broker check)',
      'PostgreSQL readiness (database check)',
      'Event-loop lag',
      'Memory per connection',
    ]) {
      assert.ok(titles.includes(wanted), `no panel "${wanted}"`);
    }
    assert.equal(new Set(titles).size, titles.length, 'panel titles are unique');
    for (const p of panels) {
      assert.ok(p.unit && p.description, p.title);
      assert.equal(p.datasource?.uid, '${datasource}', p.title);
      assert.ok(p.targets.length > 0, p.title);
      for (const t of p.targets) {
        const vars = [...t.expr.matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1]);
        assert.deepEqual(
          vars.filter((v) => v !== 'node' && v !== '__rate_interval'),
          [],
          `${p.title}: ${t.expr}`,
        );
      }
    }
    assert.deepEqual(
      DASHBOARD.templating.list.map((v) => v.name),
      ['datasource', 'node'],
    );
  });
});
