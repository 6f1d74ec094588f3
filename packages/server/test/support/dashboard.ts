/**
 * The committed Grafana dashboard (deploy/grafana/lightstick.json) as the tests read it: its panels and
 * queries, the queries made concrete (Grafana's variables substituted), and the metric names a PromQL
 * expression reads, so a test can check each one against what a server exports.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface DashboardPanel {
  type: string;
  title: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  unit?: string;
  targets: { refId?: string; expr: string; legendFormat?: string }[];
}

interface RawPanel {
  type: string;
  title: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: { refId?: string; expr: string; legendFormat?: string }[];
  panels?: RawPanel[];
}

export const DASHBOARD_PATH = fileURLToPath(
  new URL('../../../../deploy/grafana/lightstick.json', import.meta.url),
);
export const DASHBOARD = JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as {
  title: string;
  panels: RawPanel[];
  templating: { list: { name: string }[] };
};

/** Every panel that queries (rows and their nested panels flattened, row headers left out), in order. */
export function dashboardPanels(): DashboardPanel[] {
  const flat = (list: RawPanel[]): RawPanel[] =>
    list.flatMap((p) => (p.type === 'row' ? flat(p.panels ?? []) : [p]));
  return flat(DASHBOARD.panels).map((p) => ({
    type: p.type,
    title: p.title,
    description: p.description,
    datasource: p.datasource,
    unit: p.fieldConfig?.defaults?.unit,
    targets: p.targets ?? [],
  }));
}

/** The expression Grafana would send with "All" nodes and the given rate window. */
export function concreteExpr(expr: string, rateWindow: string): string {
  return expr.replaceAll('$__rate_interval', rateWindow).replaceAll('$node', '.*');
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names an expression reads. PromQL has no parser in npm that this project uses, so this strips
 * what cannot be a metric name (strings, label matchers, ranges, grouping clauses, numbers) and keeps the
 * identifiers that are not functions or keywords; test/unit/deploy-monitoring-names.test.ts pins it down.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+\w+/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w:.])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, name, call] = m;
    if (call !== undefined || KEYWORDS.has((name as string).toLowerCase())) continue;
    names.add(name as string);
  }
  return [...names];
}
