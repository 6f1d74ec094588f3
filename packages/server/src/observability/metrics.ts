/** Prometheus metrics of one process. Names and meanings are listed in docs/operations.md. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics(nodeId: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });
  collectDefaultMetrics({ register: registry });
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
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
