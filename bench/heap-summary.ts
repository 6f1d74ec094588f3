/**
 * What a heap snapshot holds, by kind of object: `node --import tsx bench/heap-summary.ts <file.heapsnapshot>
 * [--per N] [--top K]`. Each line is the summed self size and count of one kind (a class by its constructor, a
 * plain object by its first property names, closures, strings, arrays, code), largest first; with `--per N`
 * (the connections the gateway held) also bytes and count per connection, so a kind that is per connection shows
 * as a count near a whole number. Used on the snapshots `npm run bench -- idle --heap-snapshot` writes
 * (docs/benchmarks.md, "Stop 27": what a Lightstick connection holds beyond the floor's). Chrome's DevTools read
 * the same files; this prints what a benchmark note needs in one command.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Snapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { per: { type: 'string' }, top: { type: 'string', default: '40' } },
});
const file = positionals[0];
if (file === undefined) {
  process.stderr.write('usage: bench/heap-summary.ts <file.heapsnapshot> [--per N] [--top K]\n');
  process.exit(2);
}
const per = values.per === undefined ? undefined : Number(values.per);
const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
const { node_fields: nf, node_types: nt, edge_fields: ef, edge_types: et } = snap.snapshot.meta;
const N = nf.length;
const E = ef.length;
const [type, name, size, edgeCount] = ['type', 'name', 'self_size', 'edge_count'].map((f) =>
  nf.indexOf(f),
) as [number, number, number, number];
const [edgeType, edgeName] = ['type', 'name_or_index'].map((f) => ef.indexOf(f)) as [number, number];
const { nodes, edges, strings } = snap;

/** A plain object's kind is its first property names: `{room,role}` tells more than "Object". */
function propertyNames(firstEdge: number, count: number): string {
  const names: string[] = [];
  for (let e = firstEdge; e < firstEdge + count * E && names.length < 6; e += E) {
    if (et[0][edges[e + edgeType]!] !== 'property') continue;
    const n = strings[edges[e + edgeName]!];
    if (n !== undefined && n !== '__proto__' && !n.startsWith('<')) names.push(n);
  }
  return `{${names.join(',')}}`;
}

const kinds = new Map<string, { bytes: number; count: number }>();
let total = 0;
let edge = 0;
for (let i = 0; i < nodes.length; i += N) {
  const t = nt[0][nodes[i + type]!]!;
  const n = strings[nodes[i + name]!] ?? '';
  const count = nodes[i + edgeCount]!;
  let kind: string;
  if (t === 'object') kind = n === 'Object' ? `Object ${propertyNames(edge, count)}` : n;
  else if (t === 'closure') kind = `closure ${n || '(anonymous)'}`;
  else if (t === 'native') kind = `native ${n.slice(0, 40)}`;
  else kind = t; // strings, arrays, code, hidden: by type only
  edge += count * E;
  const bytes = nodes[i + size]!;
  total += bytes;
  const k = kinds.get(kind) ?? { bytes: 0, count: 0 };
  k.bytes += bytes;
  k.count += 1;
  kinds.set(kind, k);
}

process.stdout.write(`${file}: ${(total / 1048576).toFixed(1)} MiB in ${nodes.length / N} objects\n`);
const rows = [...kinds].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, Number(values.top));
for (const [kind, { bytes, count }] of rows) {
  const each =
    per === undefined
      ? ''
      : `  ${(bytes / per).toFixed(0).padStart(6)} B/conn ${(count / per).toFixed(2).padStart(6)}/conn`;
  process.stdout.write(
    `${(bytes / 1024).toFixed(0).padStart(8)} KiB ${String(count).padStart(8)}${each}  ${kind}\n`,
  );
}
