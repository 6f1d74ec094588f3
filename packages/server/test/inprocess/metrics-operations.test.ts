/**
 * The operations metrics the dashboard and the alerts read, on a real server over real WebSockets: the
 * send-to-ack histogram, refusals by code, per-check readiness read at scrape time, and event-loop lag.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame, ErrorFrame } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { join, nextId, world } from '../support/ws-fixtures.ts';

/** The value of one sample in Prometheus text, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const body = /\{(.*)\}/.exec(line)?.[1] ?? '';
    if (Object.entries(labels).every(([k, v]) => body.includes(`${k}="${v}"`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

describe('operations metrics', () => {
  let app: InProcess;
  let w: ReturnType<typeof world>;
  const scrape = async () => (await fetch(`${app.baseUrl}/metrics`)).text();

  before(async () => {
    app = await startLightstick();
    w = world(app);
  });
  after(() => app.stop());

  test('an acknowledged send is timed; a refused one is counted by its code and not timed', async () => {
    const owner = await w.newUser();
    const { room } = await w.newCommunity(owner);
    const c = await w.connect(owner);
    const send = (text: string) =>
      c.request<AckFrame | ErrorFrame>({
        op: 'send',
        id: nextId(),
        room: room.id,
        cid: `c-${nextId()}`,
        text,
      });
    const refused = (await send('before joining')) as ErrorFrame;
    assert.equal(refused.code, 'not_joined');
    await join(c, room.id);
    for (let i = 0; i < 3; i++) assert.equal((await send(`hello ${i}`)).t, 'ack');
    c.close();

    const text = await scrape();
    assert.equal(sample(text, 'lightstick_send_to_ack_seconds_count'), 3);
    assert.ok((sample(text, 'lightstick_send_to_ack_seconds_sum') ?? 0) > 0);
    assert.equal(sample(text, 'lightstick_sends_refused_total', { code: 'not_joined' }), 1);
    assert.equal(sample(text, 'lightstick_messages_accepted_total'), 3);
  });

  test('readiness gauges follow /readyz, check by check, at scrape time', async () => {
    const ready = (await (await fetch(`${app.baseUrl}/readyz`)).json()) as {
      ready: boolean;
      checks: Record<string, boolean>;
    };
    const text = await scrape();
    assert.equal(sample(text, 'lightstick_ready'), ready.ready ? 1 : 0);
    assert.deepEqual(Object.keys(ready.checks).sort(), [
      'accepting',
      'archive',
      'broker',
      'database',
      'rtmp',
    ]);
    for (const [check, ok] of Object.entries(ready.checks)) {
      assert.equal(sample(text, 'lightstick_ready_check', { check }), ok ? 1 : 0, check);
    }
  });

  test('event-loop lag and the memory-per-connection inputs are exported', async () => {
    const text = await scrape();
    for (const name of [
      'nodejs_eventloop_lag_p99_seconds',
      'process_resident_memory_bytes',
      'lightstick_connections',
      'lightstick_archive_lag_seconds_count',
    ]) {
      assert.notEqual(sample(text, name), undefined, name);
    }
  });
});
