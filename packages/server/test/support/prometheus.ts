/**
 * A real Prometheus (Debian's `prometheus`) for the monitoring tests and the dashboard picture: started on a
 * free port with a temporary configuration and data folder, scraping the given targets every SCRAPE_SECONDS and
 * evaluating the given rule files; `stop()` ends it and removes its folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort, tempDir } from './harness.ts';
import { reap } from './reaper.ts';

export const PROMETHEUS_BIN = process.env.LIGHTSTICK_TEST_PROMETHEUS ?? 'prometheus';
export const PROMTOOL_BIN = process.env.LIGHTSTICK_TEST_PROMTOOL ?? 'promtool';

/**
 * The scrape interval the tests run Prometheus with; rate windows must span at least four of these. Also the
 * scrape timeout (Prometheus allows no more): at 1 s a target busy for a second on a loaded machine missed
 * scrapes, its series went stale and a dashboard panel had no finite point to draw (a CI failure).
 */
export const SCRAPE_SECONDS = 2;

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface Prometheus {
  url: string;
  /** An instant query through the HTTP API; throws on a query error (a bad expression). */
  query(expr: string, time?: number): Promise<PromSample[]>;
  /** A range query: one series of [time, value] per result. */
  queryRange(
    expr: string,
    start: number,
    end: number,
    stepSec: number,
  ): Promise<{ metric: Record<string, string>; values: [number, string][] }[]>;
  /** Every metric name with at least one scraped series. */
  metricNames(): Promise<Set<string>>;
  targets(): Promise<{ scrapeUrl: string; health: string; lastError: string }[]>;
  rules(): Promise<{ name: string; type: string; health: string; lastError?: string }[]>;
  output(): string;
  stop(): Promise<void>;
}

/** Runs promtool with the arguments; returns its exit status and output. */
export function promtool(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL_BIN, args, { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}` };
}

export async function startPrometheus(opts: {
  targets: string[];
  ruleFiles?: string[];
}): Promise<Prometheus> {
  const dir = await tempDir('lightstick-prometheus-');
  const port = await freePort();
  const config = [
    'global:',
    `  scrape_interval: ${SCRAPE_SECONDS}s`,
    `  scrape_timeout: ${SCRAPE_SECONDS}s`,
    `  evaluation_interval: ${SCRAPE_SECONDS}s`,
    `rule_files: ${JSON.stringify(opts.ruleFiles ?? [])}`,
    'scrape_configs:',
    '  - job_name: lightstick',
    '    honor_labels: true',
    '    static_configs:',
    `      - targets: ${JSON.stringify(opts.targets)}`,
  ].join('\n');
  const configFile = path.join(dir, 'prometheus.yml');
  await writeFile(configFile, `${config}\n`);
  const proc = reap(
    spawn(
      PROMETHEUS_BIN,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  let out = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.once('error', (err) => (out += `\n${String(err)}`));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    await rm(dir, { recursive: true, force: true });
  };
  const api = async <T>(p: string, params: Record<string, string> = {}): Promise<T> => {
    const res = await fetch(`${url}${p}?${new URLSearchParams(params).toString()}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success')
      throw new Error(`Prometheus ${p} ${JSON.stringify(params)}: ${body.error}`);
    return body.data;
  };
  // Load-tolerant start: wait for /-/ready against a generous deadline; an early exit fails at once.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (proc.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    query: async (expr, time) =>
      (
        await api<{ result: PromSample[] }>('/api/v1/query', {
          query: expr,
          ...(time !== undefined ? { time: String(time) } : {}),
        })
      ).result,
    queryRange: async (expr, start, end, stepSec) =>
      (
        await api<{ result: { metric: Record<string, string>; values: [number, string][] }[] }>(
          '/api/v1/query_range',
          { query: expr, start: String(start), end: String(end), step: String(stepSec) },
        )
      ).result,
    metricNames: async () => new Set(await api<string[]>('/api/v1/label/__name__/values')),
    targets: async () =>
      (
        await api<{ activeTargets: { scrapeUrl: string; health: string; lastError: string }[] }>(
          '/api/v1/targets',
        )
      ).activeTargets,
    rules: async () =>
      (
        await api<{
          groups: { rules: { name: string; type: string; health: string; lastError?: string }[] }[];
        }>('/api/v1/rules')
      ).groups.flatMap((g) => g.rules),
    output: () => out,
    stop,
  };
}
