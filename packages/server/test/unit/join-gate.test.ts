/** JoinGate: joins in flight at most `concurrency`, the others wait in order, and past the queue's size a refusal. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { JoinGate } from '../../src/gateway/join-gate.ts';
import { isAppError } from '../../src/errors.ts';

/** A join that finishes when the test says so. */
function pending() {
  let finish!: () => void;
  let fail!: (e: Error) => void;
  const done = new Promise<void>((res, rej) => {
    finish = res;
    fail = rej;
  });
  return { done, finish, fail };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('JoinGate', () => {
  test('at most `concurrency` joins run at once; the rest start in arrival order as slots free', async () => {
    const gate = new JoinGate({ concurrency: 2, maxWaiting: 100 });
    const started: number[] = [];
    const joins = Array.from({ length: 5 }, () => pending());
    const results = joins.map((j, i) =>
      gate.run(() => {
        started.push(i);
        return j.done;
      }),
    );
    await turn();
    assert.deepEqual(started, [0, 1]);
    assert.equal(gate.active, 2);
    assert.equal(gate.waiting, 3);
    joins[1]!.finish();
    await turn();
    assert.deepEqual(started, [0, 1, 2]);
    joins[0]!.finish();
    joins[2]!.finish();
    await turn();
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
    joins[3]!.finish();
    joins[4]!.finish();
    await Promise.all(results);
    assert.equal(gate.active + gate.waiting, 0);
  });

  test('a failed join frees its slot and its error reaches its caller', async () => {
    const gate = new JoinGate({ concurrency: 1, maxWaiting: 10 });
    const first = pending();
    const a = gate.run(() => first.done);
    const b = gate.run(() => Promise.resolve('second'));
    first.fail(new Error('history read failed'));
    await assert.rejects(a, /history read failed/);
    assert.equal(await b, 'second');
  });

  test('past maxWaiting a join is refused `unavailable` with a wait, and nothing already queued is lost', async () => {
    const gate = new JoinGate({ concurrency: 1, maxWaiting: 2, retryAfterMs: 1500 });
    const first = pending();
    const queued = [gate.run(() => first.done), gate.run(async () => 'q1'), gate.run(async () => 'q2')];
    await assert.rejects(
      gate.run(async () => 'over'),
      (err: unknown) => isAppError(err) && err.code === 'unavailable' && err.retryAfterMs === 1500,
    );
    first.finish();
    assert.deepEqual(await Promise.all(queued), [undefined, 'q1', 'q2']);
    assert.equal(await gate.run(async () => 'after'), 'after');
  });
});
