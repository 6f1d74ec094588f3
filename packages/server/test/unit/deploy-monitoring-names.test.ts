/** The PromQL metric-name extraction the monitoring tests rely on to catch a query of a metric nobody exports. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concreteExpr, metricNames } from '../support/dashboard.ts';

test('metric names are found through functions, aggregations, matchers, ranges, offsets and arithmetic', () => {
  const cases: [string, string[]][] = [
    ['up', ['up']],
    ['sum by (code) (rate(lightstick_errors_total{code=~"a|b"}[5m]))', ['lightstick_errors_total']],
    [
      'histogram_quantile(0.99, sum by (le) (rate(lightstick_send_to_ack_seconds_bucket{node=~".*"}[1m])))',
      ['lightstick_send_to_ack_seconds_bucket'],
    ],
    [
      'sum by (node) (process_resident_memory_bytes) / clamp_min(sum by (node) (lightstick_connections), 1)',
      ['process_resident_memory_bytes', 'lightstick_connections'],
    ],
    [
      'max(lightstick_archive_backlog) > 100 and sum(rate(x_total[10m] offset 1h)) == 0',
      ['lightstick_archive_backlog', 'x_total'],
    ],
    [
      'lightstick:send_to_ack_slow:ratio_rate1h > (14.4 * 0.01)',
      ['lightstick:send_to_ack_slow:ratio_rate1h'],
    ],
    ['a_total or 0 * sum without (le) (b_total)', ['a_total', 'b_total']],
    ['1e3 * rate(c_total[1m])', ['c_total']],
  ];
  for (const [expr, names] of cases) assert.deepEqual(metricNames(expr), names, expr);
});

test('concrete queries substitute the node variable and the rate window', () => {
  assert.equal(concreteExpr('rate(a{node=~"$node"}[$__rate_interval])', '30s'), 'rate(a{node=~".*"}[30s])');
});
