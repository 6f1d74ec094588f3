/** An SVG chart of latency over time (p50 and p99 per second of send time, fan and artist, each engine). */
import { pct } from './hist.ts';

const W = 800;
const H = 360;
const PAD = 50;
const COLORS: Record<string, string> = { lightstick: '#c2185b', socketio: '#1565c0' };

export function writeChart(
  title: string,
  runs: { engine: string; series: Map<number, [number[], number[]]> }[],
): string {
  const lines: { label: string; color: string; dash: string; points: [number, number][] }[] = [];
  for (const r of runs) {
    const secs = [...r.series.keys()].sort((a, b) => a - b);
    for (const [kind, idx] of [
      ['fan', 0],
      ['artist', 1],
    ] as const)
      for (const p of [50, 99]) {
        const points = secs
          .map((s) => [s, pct(r.series.get(s)![idx], p)] as [number, number])
          .filter(([, v]) => Number.isFinite(v));
        lines.push({
          label: `${r.engine} ${kind} p${p}`,
          color: COLORS[r.engine] ?? '#555',
          dash: `${kind === 'artist' ? '2,3' : ''}`,
          points: p === 99 ? points : points,
        });
      }
  }
  const xs = lines.flatMap((l) => l.points.map(([x]) => x));
  const ys = lines.flatMap((l) => l.points.map(([, y]) => y));
  const xMax = Math.max(1, ...xs);
  const yMax = Math.max(1, ...ys);
  const sx = (x: number) => PAD + (x / xMax) * (W - 2 * PAD);
  // Log scale: latencies span milliseconds to seconds.
  const sy = (y: number) => H - PAD - (Math.log10(1 + y) / Math.log10(1 + yMax)) * (H - 2 * PAD);
  const ticks = [1, 10, 100, 1000, 10000, 100000].filter((t) => t <= yMax * 1.01);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${PAD}" y="20" font-size="13">${title} (latency, ms, log scale, by second of send time)</text>`,
    ...ticks.map(
      (t) =>
        `<line x1="${PAD}" x2="${W - PAD}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/><text x="5" y="${sy(t) + 4}">${t}</text>`,
    ),
    `<text x="${W / 2}" y="${H - 10}">seconds</text>`,
  ];
  lines.forEach((l, i) => {
    if (l.points.length === 0) return;
    const opacity = l.label.endsWith('p50') ? 0.5 : 1;
    out.push(
      `<polyline fill="none" stroke="${l.color}" stroke-opacity="${opacity}" stroke-dasharray="${l.dash}" points="${l.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`,
      `<text x="${W - PAD - 150}" y="${40 + i * 13}" fill="${l.color}" fill-opacity="${opacity}">${l.label}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}
