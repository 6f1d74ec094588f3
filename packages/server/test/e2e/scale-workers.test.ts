/**
 * `lightstick serve --workers N`: a node:cluster primary with N workers sharing one port. Both workers serve
 * (each has its own node id in /metrics), chat works through the shared port, a killed worker is restarted,
 * and SIGTERM drains every worker (clients told to reconnect, closed 1012) before the primary exits 0. Each
 * worker starts with the allocator's settings (config/allocator-env.ts), which only its environment can give it.
 * Without Redis the flag is refused as a configuration error.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { get } from 'node:http';
import { CloseCode, type AckFrame, type MessagesFrame } from '@lightstick/protocol';
import { createCommunity, joinCommunity, registerUser } from '../support/api.ts';
import { PG_URL, REDIS_URL, deleteKeys, dropSchema, eventually, uniqueTag } from '../support/cluster.ts';
import { START_DEADLINE_MS, spawnLightstick, tempDir, type Spawned } from '../support/harness.ts';
import { WsTestClient } from '../support/ws-client.ts';
import { ALLOCATOR_ENV } from '../../src/config/allocator-env.ts';

/** GET on a fresh TCP connection each time, so the primary hands each to the next worker. */
function nodeOfMetrics(baseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(`${baseUrl}/metrics`, { agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(/node="([^"]+)"/.exec(text)?.[1] ?? '?'));
    }).on('error', reject);
  });
}

const workerPids = (out: string) =>
  [...out.matchAll(/"slot":(\d+),"pid":(\d+),"msg":"worker listening"/g)].map((m) => ({
    slot: Number(m[1]),
    pid: Number(m[2]),
  }));

describe('serve --workers', () => {
  const prefix = `${uniqueTag('ls')}:`;
  const schema = uniqueTag('workers');
  let srv: Spawned;

  before(async () => {
    srv = await spawnLightstick({
      args: ['--role', 'gateway,api', '--workers', '2'],
      env: {
        LIGHTSTICK_REDIS_URL: REDIS_URL,
        LIGHTSTICK_REDIS_PREFIX: prefix,
        LIGHTSTICK_DATABASE_URL: PG_URL,
        LIGHTSTICK_DATABASE_SCHEMA: schema,
        LIGHTSTICK_DRAIN_TIMEOUT_MS: '2000',
      },
    });
    // The second worker starts (loads the whole server) only once the first listens: on a busy machine that
    // takes as long as a first start, so it gets the same load-tolerant deadline.
    await eventually(
      () => /"msg":"all workers listening"/.test(srv.output()),
      'both workers listen',
      START_DEADLINE_MS,
    );
  });

  after(async () => {
    await srv?.kill('SIGKILL'); // a no-op when the test's SIGTERM already ended it
    await Promise.allSettled([
      dropSchema(schema),
      deleteKeys(REDIS_URL, prefix),
      ...(srv ? [rm(srv.dataDir, { recursive: true, force: true })] : []),
    ]);
  });

  test('both workers serve, a killed worker comes back, SIGTERM drains them all and exits 0', async () => {
    const nodes = new Set<string>();
    for (let i = 0; i < 8; i++) nodes.add(await nodeOfMetrics(srv.baseUrl));
    assert.equal(nodes.size, 2, `two workers answered: ${[...nodes].join(', ')}`);

    const owner = await registerUser(srv.baseUrl);
    const fan = await registerUser(srv.baseUrl);
    const { community, room } = await createCommunity(srv.baseUrl, owner.accessToken);
    await joinCommunity(srv.baseUrl, fan.accessToken, community.id);
    // Connections alternate between the workers: chat crosses them through Redis.
    const a = await WsTestClient.authed(srv.wsUrl, owner.accessToken);
    const b = await WsTestClient.authed(srv.wsUrl, fan.accessToken);
    await a.request({ op: 'join', id: 1, room: room.id });
    await b.request({ op: 'join', id: 1, room: room.id });
    const ack = await a.request<AckFrame>({
      op: 'send',
      id: 2,
      room: room.id,
      cid: 'w1',
      text: 'hello workers',
    });
    assert.equal(ack.t, 'ack');
    const got = await b.next<MessagesFrame>((f) => f.t === 'msgs');
    assert.equal(got.msgs[0]?.id, ack.mid);

    const [first] = workerPids(srv.output());
    assert.ok(first, 'the primary logged its workers');
    // The allocator's settings reach the workers even though the test started the primary without them.
    for (const w of workerPids(srv.output())) {
      const environ = readFileSync(`/proc/${w.pid}/environ`, 'latin1').split('\0');
      for (const [name, value] of Object.entries(ALLOCATOR_ENV))
        assert.ok(environ.includes(`${name}=${process.env[name] ?? value}`), `worker ${w.slot}: ${name}`);
    }
    process.kill(first.pid, 'SIGKILL');
    await eventually(
      () => workerPids(srv.output()).some((w) => w.slot === first.slot && w.pid !== first.pid),
      'the primary restarts the killed worker',
    );
    assert.match(srv.output(), /"msg":"worker died"/);
    const after = new Set<string>();
    for (let i = 0; i < 8; i++) after.add(await nodeOfMetrics(srv.baseUrl));
    assert.equal(after.size, 2, 'two workers serve again');

    const c = await WsTestClient.authed(srv.wsUrl, fan.accessToken);
    const exited = srv.stop();
    const reconnect = await c.next((f) => f.t === 'reconnect');
    assert.equal(reconnect.t, 'reconnect');
    assert.equal((await c.waitClose(5000)).code, CloseCode.ServiceRestart);
    const exit = await exited;
    assert.equal(exit.code, 0, srv.output().slice(-2000));
    assert.equal(srv.output().match(/"msg":"worker exited"/g)?.length, 2);
    for (const w of workerPids(srv.output()))
      assert.throws(() => process.kill(w.pid, 0), 'no worker outlives it');
    a.close();
    b.close();
  });
});

test('--workers 2 without Redis is refused as a configuration error (exit 2)', async () => {
  const dataDir = await tempDir();
  try {
    await assert.rejects(
      spawnLightstick({ dataDir, args: ['--workers', '2'] }),
      /exited \(2\)[\s\S]*LIGHTSTICK_REDIS_URL/,
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
