/**
 * The Lightstick Grafana dashboard as code (Grafana Foundation SDK). `npm run generate:deploy` writes it to
 * deploy/grafana/lightstick.json, which is what operators import; a unit test checks the committed JSON is
 * what this file builds, and an e2e test runs every query against a real Prometheus scraping a real server
 * (a query naming a metric the server does not export fails it).
 *
 * Queries use Grafana's `$__rate_interval` and the `$node` variable (`.*` for All), nothing else, so the
 * tests can substitute both and run the expressions as they are.
 */
import {
  DashboardBuilder,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import {
  LegendDisplayMode,
  LegendPlacement,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';

const DS = { type: 'prometheus', uid: '${datasource}' };
const N = 'node=~"$node"';
const W = '$__rate_interval';

interface Query {
  expr: string;
  legend: string;
}

function panel(title: string, description: string, unit: string, queries: Query[], width = 8) {
  const p = new TimeseriesBuilder()
    .title(title)
    .description(description)
    .datasource(DS)
    .unit(unit)
    .min(0)
    .height(8)
    .span(width)
    .fillOpacity(10)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.List)
        .placement(LegendPlacement.Bottom),
    );
  queries.forEach((q, i) =>
    p.withTarget(
      new DataqueryBuilder()
        .datasource(DS)
        .refId(String.fromCharCode(65 + i))
        .expr(q.expr)
        .legendFormat(q.legend),
    ),
  );
  return p;
}

const quantiles = (metric: string): Query[] =>
  [0.5, 0.9, 0.99].map((q) => ({
    expr: `histogram_quantile(${q}, sum by (le) (rate(${metric}_bucket{${N}}[${W}])))`,
    legend: `p${q * 100}`,
  }));

const traffic = [
  panel('Connections', 'Open WebSocket connections per node', 'short', [
    { expr: `sum by (node) (lightstick_connections{${N}})`, legend: '{{node}}' },
  ]),
  panel('Rooms', 'Rooms with at least one local member, per node', 'short', [
    { expr: `sum by (node) (lightstick_rooms{${N}})`, legend: '{{node}}' },
  ]),
  panel('Sends accepted', 'Chat messages committed and acknowledged, all nodes', 'reqps', [
    { expr: `sum(rate(lightstick_messages_accepted_total{${N}}[${W}]))`, legend: 'accepted' },
  ]),
  panel(
    'Sends refused by code',
    'Sends the pipeline refused, by stable error code (docs/errors.md)',
    'reqps',
    [{ expr: `sum by (code) (rate(lightstick_sends_refused_total{${N}}[${W}]))`, legend: '{{code}}' }],
  ),
  panel(
    'Deliveries and skipped',
    'Messages written to local sockets, and fan messages thinned out for slow sockets',
    'reqps',
    [
      { expr: `sum(rate(lightstick_messages_delivered_total{${N}}[${W}]))`, legend: 'delivered' },
      { expr: `sum(rate(lightstick_messages_skipped_total{${N}}[${W}]))`, legend: 'skipped' },
    ],
  ),
  panel('Errors by code', 'Errors answered, by stable code and surface (http or ws)', 'reqps', [
    {
      expr: `sum by (code, surface) (rate(lightstick_errors_total{${N}}[${W}]))`,
      legend: '{{surface}} {{code}}',
    },
  ]),
];

const latency = [
  panel(
    'Send to ack',
    'From the server receiving a send to its ack, waiting behind earlier frames included (SLO: p99 under 250 ms)',
    's',
    quantiles('lightstick_send_to_ack_seconds'),
  ),
  panel(
    'Send to deliver',
    'From the server receiving a send to the message being written to local sockets',
    's',
    quantiles('lightstick_send_to_deliver_seconds'),
  ),
  panel(
    'Commit',
    'Time for a message to become durable (group commit; scale-out: the stream append)',
    's',
    quantiles('lightstick_commit_seconds'),
  ),
];

const archive = [
  panel(
    'Archive backlog',
    'Messages waiting for the archive (scale-out: every node reads the same total, so the max is shown)',
    'short',
    [{ expr: `max(lightstick_archive_backlog{${N}})`, legend: 'backlog' }],
  ),
  panel(
    'Archive lag',
    'Scale-out: from a message being accepted to its archive transaction committing',
    's',
    [...quantiles('lightstick_archive_lag_seconds').filter((q) => q.legend !== 'p90')],
  ),
  panel(
    'Archive throughput and errors',
    'Messages archived per second against accepted, and failed attempts',
    'reqps',
    [
      { expr: `sum(rate(lightstick_messages_archived_total{${N}}[${W}]))`, legend: 'archived' },
      { expr: `sum(rate(lightstick_messages_accepted_total{${N}}[${W}]))`, legend: 'accepted' },
      {
        expr: `sum by (stage) (rate(lightstick_archive_errors_total{${N}}[${W}]))`,
        legend: 'errors {{stage}}',
      },
    ],
  ),
];

const health = [
  panel('Readiness', '1 when GET /readyz answers 200, per node (read at scrape time)', 'short', [
    { expr: `min by (node) (lightstick_ready{${N}})`, legend: '{{node}}' },
  ]),
  panel(
    'Redis readiness (broker check)',
    'The broker check of /readyz on nodes with the gateway role: Redis in scale-out mode, in-process otherwise',
    'short',
    [{ expr: `min by (node) (lightstick_ready_check{check="broker", ${N}})`, legend: '{{node}}' }],
  ),
  panel(
    'PostgreSQL readiness (database check)',
    'The database check of /readyz on nodes with the api role: PostgreSQL in scale-out mode, SQLite otherwise',
    'short',
    [{ expr: `min by (node) (lightstick_ready_check{check="database", ${N}})`, legend: '{{node}}' }],
  ),
  panel('Event-loop lag', 'p99 and max event-loop delay per node (monitorEventLoopDelay)', 's', [
    { expr: `max by (node) (nodejs_eventloop_lag_p99_seconds{${N}})`, legend: 'p99 {{node}}' },
    { expr: `max by (node) (nodejs_eventloop_lag_max_seconds{${N}})`, legend: 'max {{node}}' },
  ]),
  panel(
    'Memory per connection',
    'Resident memory over open connections per node (includes the process baseline: read it under load)',
    'bytes',
    [
      {
        expr: `sum by (node) (process_resident_memory_bytes{${N}}) / clamp_min(sum by (node) (lightstick_connections{${N}}), 1)`,
        legend: '{{node}}',
      },
    ],
  ),
  panel('Resident memory and heap', 'Process resident memory and V8 heap used, per node', 'bytes', [
    { expr: `sum by (node) (process_resident_memory_bytes{${N}})`, legend: 'rss {{node}}' },
    { expr: `sum by (node) (nodejs_heap_size_used_bytes{${N}})`, legend: 'heap {{node}}' },
  ]),
];

/**
 * The fan-out engine (docs/architecture.md, gateway/hub.ts): the budget the governor allows against the frames
 * written, what moves it (the writer's busy share; the loop's delay is under Health), and the pacer's interval.
 */
const fanout = [
  panel(
    'Fan-out frames: budget and written',
    "Frames per second each node's governor allows itself, and the frames its fan-out wrote",
    'short',
    [
      { expr: `max by (node) (lightstick_fanout_budget_frames_per_second{${N}})`, legend: 'budget {{node}}' },
      {
        expr: `sum by (node) (rate(lightstick_fanout_frames_total{${N}}[${W}]))`,
        legend: 'written {{node}}',
      },
    ],
  ),
  panel(
    'Fan-out writer busy',
    'Share of the last 500 ms the fan-out writer had a pass to write; above LIGHTSTICK_FANOUT_BUSY_TARGET_PCT the budget falls',
    'percentunit',
    [{ expr: `max by (node) (lightstick_fanout_busy_ratio{${N}})`, legend: '{{node}}' }],
  ),
  panel(
    'Room flush interval',
    "Interval between a busy room's flushes (0: at once); grows with the delivery load",
    's',
    [{ expr: `max by (node) (lightstick_fanout_interval_seconds{${N}})`, legend: '{{node}}' }],
  ),
];

/**
 * Per-live panels: viewers of each live on air (`lightstick_live_viewers{live}`, exported by api processes at
 * scrape time, merged over every gateway). Every api process reports the same figure, so the panel takes the
 * highest, not the sum; the node filter does not apply (the figure is not a node's).
 */
export function livePanels(): ReturnType<typeof panel>[] {
  return [
    panel(
      'Viewers per live',
      'Viewers of each live on air, the ten largest (merged over every gateway)',
      'short',
      [{ expr: 'topk(10, max by (live) (lightstick_live_viewers))', legend: '{{live}}' }],
    ),
  ];
}

export function buildDashboard(): Dashboard {
  const d = new DashboardBuilder('Lightstick')
    .uid('lightstick-overview')
    .description('Connections, sends, latency, archive and process health of a Lightstick deployment')
    .tags(['lightstick'])
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    .withVariable(
      new QueryVariableBuilder('node')
        .label('Node')
        .datasource(DS)
        .query('label_values(lightstick_connections, node)')
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    );
  const rows: [string, ReturnType<typeof panel>[]][] = [
    ['Traffic', traffic],
    ['Latency', latency],
    ['Fan-out', fanout],
    ['Archive', archive],
    ['Health', health],
    ['Lives', livePanels()],
  ];
  for (const [title, panels] of rows) {
    if (panels.length === 0) continue;
    d.withRow(new RowBuilder(title));
    for (const p of panels) d.withPanel(p);
  }
  return d.build();
}
