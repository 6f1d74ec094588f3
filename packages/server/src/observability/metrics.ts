/**
 * Prometheus metrics of one process. Names and meanings are listed in docs/operations.md; the Grafana dashboard
 * (deploy/grafana/) and the alert rules (deploy/prometheus/rules.yaml) query them, and an e2e test checks every
 * name they use against what a running server exports. Rename one and that test fails.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { registerProcessMetrics } from './process-metrics.ts';
import { readReadiness, type ReadinessProbe } from './readiness-probe.ts';

export function createMetrics(nodeId: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });
  registerProcessMetrics(registry);
  const m = {
    registry,
    connections: new Gauge({
      name: 'lightstick_connections',
      help: 'Open WebSocket connections',
      registers: [registry],
    }),
    rooms: new Gauge({
      name: 'lightstick_rooms',
      help: 'Rooms with at least one local member',
      registers: [registry],
    }),
    messagesAccepted: new Counter({
      name: 'lightstick_messages_accepted_total',
      help: 'Chat messages committed and acknowledged',
      registers: [registry],
    }),
    messagesDelivered: new Counter({
      name: 'lightstick_messages_delivered_total',
      help: 'Chat messages written to local sockets (one per socket)',
      registers: [registry],
    }),
    messagesSkipped: new Counter({
      name: 'lightstick_messages_skipped_total',
      help: 'Fan messages thinned out for slow sockets',
      registers: [registry],
    }),
    errors: new Counter({
      name: 'lightstick_errors_total',
      help: 'Errors answered, by stable code and surface',
      labelNames: ['code', 'surface'] as const,
      registers: [registry],
    }),
    closes: new Counter({
      name: 'lightstick_ws_closes_total',
      help: 'WebSocket closes by close code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    wsPaused: new Counter({
      name: 'lightstick_ws_paused_total',
      help: 'Times a socket stopped being read because its frames waited (the server was busy): TCP backpressure',
      registers: [registry],
    }),
    joinsWaiting: new Gauge({
      name: 'lightstick_joins_waiting',
      help: 'Joins waiting for their turn on this gateway (LIGHTSTICK_JOIN_CONCURRENCY at once): a reconnect storm',
      registers: [registry],
    }),
    fanoutBudget: new Gauge({
      name: 'lightstick_fanout_budget_frames_per_second',
      help: 'Fan-out frames per second the node allows itself now: the configured budget, lower while its event loop lags or its writer is saturated',
      registers: [registry],
    }),
    fanoutBusy: new Gauge({
      name: 'lightstick_fanout_busy_ratio',
      help: 'Share of the last 500 ms the fan-out writer had a pass to write; near 1 the node is at its fan-out saturation',
      registers: [registry],
    }),
    fanoutInterval: new Gauge({
      name: 'lightstick_fanout_interval_seconds',
      help: 'Interval between flushes of a room on this node (0: at once); grows with the delivery load',
      registers: [registry],
    }),
    fanoutFrames: new Counter({
      name: 'lightstick_fanout_frames_total',
      help: 'Frames written to local sockets by room fan-out (msgs and ephemeral room frames)',
      registers: [registry],
    }),
    wsOpSeconds: new Histogram({
      name: 'lightstick_ws_op_seconds',
      help: 'Time to handle one client frame, from its arrival to its answer, by op (auth, join, leave, send)',
      labelNames: ['op'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    deliverLatency: new Histogram({
      name: 'lightstick_send_to_deliver_seconds',
      help: 'From the server receiving a send to the message being written to local sockets',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    commitLatency: new Histogram({
      name: 'lightstick_commit_seconds',
      help: 'Time for a message to become durable (group commit)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    archiveBacklog: new Gauge({
      name: 'lightstick_archive_backlog',
      help: 'Messages waiting to be written to the archive (scale-out: unarchived stream entries, all rooms)',
      registers: [registry],
    }),
    messagesArchived: new Counter({
      name: 'lightstick_messages_archived_total',
      help: 'Scale-out mode: messages moved from the room streams to the SQL archive by this process',
      registers: [registry],
    }),
    archiveErrors: new Counter({
      name: 'lightstick_archive_errors_total',
      help: 'Scale-out mode: failed archive attempts, by the side that failed (store or stream)',
      labelNames: ['stage'] as const,
      registers: [registry],
    }),
    brokerReceived: new Counter({
      name: 'lightstick_broker_received_total',
      help: 'Scale-out mode: publications this node received from the broker, by kind (room or control)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'lightstick_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    ...operationsMetrics(registry),
  };
  // Known label values start at 0, so a rate over them reads 0 rather than nothing before the first failure.
  for (const stage of ['store', 'stream'] as const) m.archiveErrors.inc({ stage }, 0);
  return m;
}

/** The lives on air with their viewers right now (label cardinality: lives on air, a few at a time). */
export type LiveViewersProbe = () => Promise<{ live: string; viewers: number }[]>;

/**
 * The operations block: what the dashboard and the alerts need beyond the counters above. Event-loop lag is
 * prom-client's default `nodejs_eventloop_lag_*` (monitorEventLoopDelay), so it is not repeated here.
 */
function operationsMetrics(registry: Registry) {
  let probe: ReadinessProbe | undefined;
  // One readiness evaluation serves both gauges of a scrape (and scrapes that arrive together).
  let last: { at: number; result: ReturnType<ReadinessProbe> } | undefined;
  const evaluate = () => {
    const now = performance.now();
    if (probe === undefined) return undefined;
    if (last === undefined || now - last.at > 1000) {
      last = { at: now, result: readReadiness(probe) };
    }
    return last.result;
  };
  const readyCheck = new Gauge({
    name: 'lightstick_ready_check',
    help: 'Readiness per check, read at scrape time: 1 passes, 0 fails (the checks of GET /readyz)',
    labelNames: ['check'] as const,
    registers: [registry],
    async collect() {
      const r = await evaluate();
      if (r === undefined) return;
      this.reset();
      for (const [check, ok] of Object.entries(r.checks)) this.set({ check }, ok ? 1 : 0);
    },
  });
  const ready = new Gauge({
    name: 'lightstick_ready',
    help: 'Readiness read at scrape time: 1 when GET /readyz would answer 200, else 0',
    registers: [registry],
    async collect() {
      const r = await evaluate();
      if (r !== undefined) this.set(r.ready ? 1 : 0);
    },
  });
  let viewersProbe: LiveViewersProbe | undefined;
  const liveViewers = new Gauge({
    name: 'lightstick_live_viewers',
    help: 'Viewers of each live on air (members connected to its room, merged over every gateway), read at scrape time by api processes',
    labelNames: ['live'] as const,
    registers: [registry],
    async collect() {
      if (viewersProbe === undefined) return;
      // A failing read (Redis away) leaves the last figures rather than a false zero; readiness shows the outage.
      const rows = await viewersProbe().catch(() => undefined);
      if (rows === undefined) return;
      this.reset();
      for (const r of rows) this.set({ live: r.live }, r.viewers);
    },
  });
  return {
    readyCheck,
    ready,
    liveViewers,
    /** Lets the per-live viewers gauge read the lives on air and their rooms' merged counters (api role). */
    watchLiveViewers(p: LiveViewersProbe): void {
      viewersProbe = p;
    },
    /** Lets the readiness gauges read the process's readiness (set once the roles are started). */
    watchReadiness(p: ReadinessProbe): void {
      probe = p;
      last = undefined;
    },
    sendToAck: new Histogram({
      name: 'lightstick_send_to_ack_seconds',
      help: 'From the server receiving a send to its answer (ack), waiting behind earlier frames included',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    sendsRefused: new Counter({
      name: 'lightstick_sends_refused_total',
      help: 'Sends the send pipeline refused, by stable error code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    archiveLag: new Histogram({
      name: 'lightstick_archive_lag_seconds',
      help: 'Scale-out mode: from a message being accepted to its archive transaction committing',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
