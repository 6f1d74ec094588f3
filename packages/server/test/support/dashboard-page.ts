/**
 * Draws the committed Grafana dashboard's panels from a real Prometheus in headless Chromium, for the e2e
 * test and the picture in docs/operations.md. Grafana cannot be installed on the development machine, so this
 * is not Grafana: each panel's own queries (deploy/grafana/lightstick.json, variables substituted) are run as
 * range queries through the Prometheus HTTP API and drawn with uPlot, the chart library Grafana's time series
 * panels use, under the panel's title, unit and legends, in rows as the dashboard has them.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { DASHBOARD, concreteExpr } from './dashboard.ts';
import { tempDir } from './harness.ts';
import type { Prometheus } from './prometheus.ts';

export const CHROMIUM = process.env.LIGHTSTICK_TEST_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface PagePanel {
  title: string;
  unit: string;
  series: { name: string; values: (number | null)[] }[];
  /** Why a panel drew nothing: what Prometheus answered (series returned, samples, non-finite samples). */
  answered: string;
}
type PageItem = { row: string } | PagePanel;

const require = createRequire(import.meta.url);
const uplotDir = path.dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));

/** `{{node}} {{code}}` with the series' labels. */
const legend = (format: string, labels: Record<string, string>) =>
  format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => labels[k] ?? '') || JSON.stringify(labels);

async function collect(prom: Prometheus, rateWindow: string, start: number, end: number, step: number) {
  const items: PageItem[] = [];
  const times: number[] = [];
  for (let t = start; t <= end; t += step) times.push(t);
  for (const p of DASHBOARD.panels as {
    type: string;
    title: string;
    fieldConfig?: { defaults?: { unit?: string } };
    targets?: { expr: string; legendFormat?: string }[];
  }[]) {
    if (p.type === 'row') {
      items.push({ row: p.title });
      continue;
    }
    const series: PagePanel['series'] = [];
    const answered: string[] = [];
    for (const target of p.targets ?? []) {
      const expr = concreteExpr(target.expr, rateWindow);
      const result = await prom.queryRange(expr, start, end, step);
      const samples = result.flatMap((r) => r.values);
      const odd = samples.filter(([, v]) => !Number.isFinite(Number(v))).length;
      // When the range is empty, what an instant query at its end says tells a time problem from a data one.
      const atEnd = result.length === 0 ? (await prom.query(expr, end)).length : result.length;
      answered.push(
        `${target.legendFormat ?? ''}: ${result.length} series, ${samples.length} samples, ${odd} not finite, ` +
          `${atEnd} series at the end`,
      );
      for (const r of result) {
        const byTime = new Map(r.values.map(([ts, v]) => [Math.round(ts), Number(v)]));
        const values = times.map((ts) => {
          const v = byTime.get(ts);
          return v === undefined || !Number.isFinite(v) ? null : v;
        });
        if (values.some((v) => v !== null))
          series.push({ name: legend(target.legendFormat ?? '', r.metric), values });
      }
    }
    items.push({
      title: p.title,
      unit: p.fieldConfig?.defaults?.unit ?? 'short',
      series,
      answered: answered.join('; '),
    });
  }
  return { items, times };
}

function page(title: string, data: { items: PageItem[]; times: number[] }): string {
  const css = readFileSync(path.join(uplotDir, 'uPlot.min.css'), 'utf8');
  const js = readFileSync(path.join(uplotDir, 'uPlot.iife.min.js'), 'utf8');
  const draw = `
    const COLORS = ['#73bf69', '#f2cc0c', '#5794f2', '#ff780a', '#f2495c', '#b877d9', '#37872d', '#8ab8ff'];
    const fmt = (unit, v) => {
      if (v == null) return '';
      if (unit === 's') return v < 1 ? (v * 1000).toPrecision(3) + ' ms' : v.toPrecision(3) + ' s';
      if (unit === 'bytes') return v >= 1048576 ? (v / 1048576).toFixed(1) + ' MiB' : (v / 1024).toFixed(1) + ' KiB';
      if (unit === 'reqps') return v.toPrecision(3) + '/s';
      return Number.isInteger(v) ? String(v) : v.toPrecision(3);
    };
    const { items, times } = DATA;
    const root = document.getElementById('root');
    let grid;
    for (const item of items) {
      if (item.row !== undefined) {
        const h = document.createElement('h2');
        h.textContent = item.row;
        root.appendChild(h);
        grid = document.createElement('div');
        grid.className = 'grid';
        root.appendChild(grid);
        continue;
      }
      const box = document.createElement('div');
      box.className = 'panel';
      grid.appendChild(box);
      const series = [{}].concat(item.series.map((s, i) => ({
        label: s.name, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true,
        fill: COLORS[i % COLORS.length] + '1a', value: (u, v) => fmt(item.unit, v),
      })));
      new uPlot({
        title: item.title, width: 480, height: 210, series,
        scales: { y: { range: (u, min, max) => [0, max > 0 ? max * 1.15 : 1] } },
        axes: [
          { stroke: '#9fa7b3', grid: { stroke: '#2c3235' } },
          { stroke: '#9fa7b3', grid: { stroke: '#2c3235' }, size: 80, values: (u, vals) => vals.map((v) => fmt(item.unit, v)) },
        ],
      }, [times].concat(item.series.map((s) => s.values)), box);
    }
    window.__drawn = true;`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><style>${css}
    body { background: #111217; color: #d8d9da; font: 13px sans-serif; margin: 16px; width: 1520px; }
    h1 { font-size: 18px; margin: 0 0 4px; } p { color: #9fa7b3; margin: 0 0 8px; }
    h2 { font-size: 14px; margin: 14px 0 6px; border-bottom: 1px solid #2c3235; padding-bottom: 4px; }
    .grid { display: grid; grid-template-columns: repeat(3, 500px); gap: 10px; }
    .panel { background: #181b1f; border: 1px solid #2c3235; border-radius: 3px; padding: 6px; }
    .u-title { font-size: 13px; font-weight: 600; color: #d8d9da; text-align: left; }
    .u-legend { font-size: 11px; color: #c7d0d9; } .u-legend .u-marker { width: 10px; height: 3px; }
    </style></head><body><h1>${title}</h1>
    <p>Drawn from a real Prometheus scraping Lightstick under test traffic: each panel's queries from
    deploy/grafana/lightstick.json, rendered with uPlot in Chromium (not Grafana).</p>
    <div id="root"></div><script>${js}</script><script>const DATA = ${JSON.stringify(data)};${draw}</script>
    </body></html>`;
}

/**
 * Renders every panel over the last `minutes` and takes a full-page screenshot to `png`. Returns the number of
 * panels drawn and the titles of those that had no series.
 */
export async function renderDashboard(
  prom: Prometheus,
  opts: { rateWindow: string; minutes: number; png: string; waitMs?: number },
): Promise<{ panels: number; empty: string[]; answered: Record<string, string> }> {
  // A loaded machine can leave a quantile panel without a finite point over the whole range (a slow target's
  // scrapes time out, so its counters have no two samples in the rate window, while the other nodes' zero
  // rates give NaN): collect again, bounded by waitMs, until every panel has a series; what is still empty
  // after that is reported.
  const deadline = Date.now() + (opts.waitMs ?? 0);
  const panelsOf = (d: { items: PageItem[] }) => d.items.filter((i): i is PagePanel => !('row' in i));
  let data: Awaited<ReturnType<typeof collect>>;
  for (;;) {
    const end = Math.floor(Date.now() / 1000);
    data = await collect(prom, opts.rateWindow, end - opts.minutes * 60, end, 2);
    if (!panelsOf(data).some((p) => p.series.length === 0) || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 5000));
  }
  const dir = await tempDir('lightstick-dashboard-');
  const html = path.join(dir, 'dashboard.html');
  await writeFile(html, page(DASHBOARD.title, data));
  const png = opts.png;
  await mkdir(path.dirname(png), { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  try {
    const tab = await browser.newPage({ viewport: { width: 1560, height: 900 } });
    await tab.goto(`file://${html}`);
    await tab.waitForFunction(() => (window as unknown as { __drawn?: boolean }).__drawn === true, null, {
      timeout: 30_000,
    });
    await tab.screenshot({ path: png, fullPage: true });
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
  const panels = panelsOf(data);
  return {
    panels: panels.length,
    empty: panels.filter((p) => p.series.length === 0).map((p) => p.title),
    answered: Object.fromEntries(
      panels.filter((p) => p.series.length === 0).map((p) => [p.title, p.answered]),
    ),
  };
}
