/**
 * Writes the generated deploy files (`npm run generate:deploy`): the Grafana dashboard JSON from
 * deploy/grafana/dashboard.ts, and the prometheus-operator PrometheusRule that carries deploy/prometheus/rules.yaml
 * into Kubernetes. With `--check` it writes nothing and exits 1 when a committed file differs from what the
 * sources give (a unit test checks the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { parse, stringify } from 'yaml';
import { buildDashboard } from './grafana/dashboard.ts';

export const DASHBOARD_FILE = fileURLToPath(new URL('./grafana/lightstick.json', import.meta.url));
export const RULES_FILE = fileURLToPath(new URL('./prometheus/rules.yaml', import.meta.url));
export const PROMETHEUS_RULE_FILE = fileURLToPath(
  new URL('./k8s/monitoring/prometheusrule.yaml', import.meta.url),
);

async function pretty(text: string, file: string, parser: string): Promise<string> {
  const options = (await resolveConfig(file)) ?? {};
  return format(text, { ...options, parser, filepath: file });
}

/** The dashboard as the repository keeps it: JSON formatted by the repository's Prettier settings. */
export function dashboardJson(): Promise<string> {
  return pretty(JSON.stringify(buildDashboard()), DASHBOARD_FILE, 'json');
}

/** rules.yaml's groups in a PrometheusRule, labelled so a kube-prometheus-stack Prometheus picks it up. */
export function prometheusRuleYaml(): Promise<string> {
  const rules = parse(readFileSync(RULES_FILE, 'utf8')) as { groups: unknown[] };
  const header = [
    '# Generated from deploy/prometheus/rules.yaml by `npm run generate:deploy`: edit that file, not this one.',
    '# The alerts are explained in docs/operations.md, "Alerts".',
  ].join('\n');
  const body = stringify(
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: {
        name: 'lightstick',
        namespace: 'lightstick',
        labels: { 'app.kubernetes.io/name': 'lightstick', 'app.kubernetes.io/part-of': 'lightstick' },
      },
      spec: { groups: rules.groups },
    },
    { lineWidth: 0 },
  );
  return pretty(`${header}\n${body}`, PROMETHEUS_RULE_FILE, 'yaml');
}

export const GENERATED: [string, () => Promise<string>][] = [
  [DASHBOARD_FILE, dashboardJson],
  [PROMETHEUS_RULE_FILE, prometheusRuleYaml],
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let stale = 0;
  for (const [file, make] of GENERATED) {
    const text = await make();
    if (!process.argv.includes('--check')) {
      writeFileSync(file, text);
      process.stdout.write(`wrote ${file}\n`);
    } else if (readFileSync(file, 'utf8') !== text) {
      process.stderr.write(`${file} is stale: run npm run generate:deploy\n`);
      stale++;
    }
  }
  process.exit(stale > 0 ? 1 : 0);
}
