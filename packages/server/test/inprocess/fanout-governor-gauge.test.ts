/**
 * The fan-out governor is wired into a running gateway (gateway.ts): its budget starts at the configured
 * `LIGHTSTICK_FANOUT_FRAMES_PER_SEC` on /metrics, falls while the process's event loop is held up (here the
 * in-process server's loop is this test's: it blocks it), and grows back to the configured budget once the
 * loop is free. Its other measure, the fan-out writer's busy share, is on /metrics beside it. The adjustment
 * rules themselves are unit tested (unit/fanout-governor.test.ts).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { metricValue } from '../support/cluster.ts';
import { until } from '../support/archive-fixture.ts';

const BUDGET = 20_000;
const GAUGE = 'lightstick_fanout_budget_frames_per_second';
const BUSY = 'lightstick_fanout_busy_ratio';

describe('gateway: the fan-out budget follows the event loop', () => {
  let app: InProcess;
  before(async () => {
    app = await startLightstick({ env: { LIGHTSTICK_FANOUT_FRAMES_PER_SEC: String(BUDGET) } });
  });
  after(() => app.stop());

  test("the writer's busy share is on /metrics each period: 0 with nothing to write", async () => {
    const text = async () => (await fetch(`${app.baseUrl}/metrics`)).text();
    await until('the busy share to be reported', async () => (await text()).includes(`${BUSY}{`), 30_000);
    assert.equal(await metricValue(app.baseUrl, BUSY), 0);
  });

  test('a held-up loop lowers the budget on /metrics; a free one brings it back to the configured one', async () => {
    // At the configured budget before the loop is held. Waited for, not read once: on a busy machine (two busy
    // loops beside CI) the gateway's own start-up had lagged its loop enough for the governor to lower the budget
    // before this test began (400 read here, once), and it grows back by itself within a few periods.
    await until(
      'the budget at the configured one',
      async () => (await metricValue(app.baseUrl, GAUGE)) === BUDGET,
      60_000,
    );
    // Hold the loop 300 ms at a time for a few governor periods (500 ms each): timers fire hundreds of ms late.
    await until(
      'the budget to fall',
      async () => {
        const end = performance.now() + 300;
        while (performance.now() < end); // the loop is busy: what a gateway short of CPU looks like
        await sleep(20);
        return (await metricValue(app.baseUrl, GAUGE)) < BUDGET;
      },
      60_000,
    );
    await until(
      'the budget to grow back',
      async () => (await metricValue(app.baseUrl, GAUGE)) === BUDGET,
      60_000,
    );
  });
});
