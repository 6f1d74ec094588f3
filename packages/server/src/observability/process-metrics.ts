/**
 * Node's default process metrics (prom-client's `collectDefaultMetrics`), less the ones that cost a walk over
 * every open socket on each scrape, synchronously, on the event loop a gateway delivers from (issue 6).
 *
 * `nodejs_active_handles` and `nodejs_active_resources` (each with its `_total`) call
 * `process._getActiveHandles()` and `process.getActiveResourcesInfo()` twice per scrape, each building an array
 * of every handle (a gateway's 17 000 sockets) and grouping it by class name; `process_open_fds` lists
 * `/proc/self/fd` with `readdirSync`. In one process holding 16 000 sockets, one scrape of the defaults held
 * the loop 28-36 ms, this set 1.9-2.4 ms (bench/metrics-scrape.ts); on the benchmark's busy box a CPU profile of six gateways
 * holding 100 000 fans put 13 % of their samples in a `broadcast` phase into the one scrape in it (~100 ms a
 * gateway). Prometheus scrapes every gateway every 15-30 s: that was a stall of every room on it each time.
 *
 * The handle and resource counts are left out: `lightstick_connections` and `lightstick_rooms` say what a
 * gateway holds, and nothing in the dashboards or alerts reads them. `process_open_fds` stays, under the same
 * name and meaning, listed by the asynchronous `readdir` (the directory is read on libuv's thread pool, not on
 * the loop) beside `process_max_fds`: how near a process is to its file limit is worth a scrape.
 */
import { readdir } from 'node:fs/promises';
import { Gauge, collectDefaultMetrics, type Registry } from 'prom-client';

/** The default metrics that walk every handle on each scrape (above), removed after registering the rest. */
export const PER_HANDLE_METRICS = [
  'nodejs_active_handles',
  'nodejs_active_handles_total',
  'nodejs_active_resources',
  'nodejs_active_resources_total',
  'process_open_fds',
] as const;

/** Registers the default process metrics on `registry`, the per-handle ones left out and open fds read off the loop. */
export function registerProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of PER_HANDLE_METRICS) registry.removeSingleMetric(name);
  if (process.platform !== 'linux') return; // as prom-client: /proc/self/fd is Linux's
  new Gauge({
    name: 'process_open_fds',
    help: 'Number of open file descriptors.',
    registers: [registry],
    async collect() {
      try {
        // The listing itself holds one descriptor while it reads.
        this.set((await readdir('/proc/self/fd')).length - 1);
      } catch {
        // No reading this time: the gauge keeps its last value.
      }
    },
  });
}
