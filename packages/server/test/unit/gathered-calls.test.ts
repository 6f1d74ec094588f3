/**
 * gathered (src/gathered-calls.ts): the first call after a pause leaves at once; calls asked within the gap of
 * the last one that left wait for the gap's end and leave in one turn of the event loop, in the order asked, each
 * with its own answer or error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gathered } from '../../src/gathered-calls.ts';

/** A call that logs its argument with the turn of the loop it was made in, and fails for "bad" and "throw". */
function fakeCall() {
  let turn = 0;
  let ticking = true;
  const tick = () => {
    turn++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const made: { arg: string; turn: number }[] = [];
  const call = (arg: string): Promise<string> => {
    made.push({ arg, turn });
    if (arg === 'throw') throw new Error('thrown');
    return arg === 'bad' ? Promise.reject(new Error('refused')) : Promise.resolve(`answer:${arg}`);
  };
  return { made, call, stop: () => (ticking = false) };
}

test('the first call after a pause leaves at once', async () => {
  const f = fakeCall();
  // An hour's gap: a call that waited for it would not be answered at all within the test's run.
  const send = gathered(f.call, 3_600_000);
  const answer = send('a');
  assert.deepEqual(
    f.made.map((m) => m.arg),
    ['a'],
    'made synchronously',
  );
  assert.equal(await answer, 'answer:a');
  f.stop();
});

test('calls asked one after another within the gap leave together, in order, each with its own answer', async () => {
  const f = fakeCall();
  // A gap far longer than the asking below takes, even on a busy machine.
  const send = gathered(f.call, 2000);
  const first = send('a');
  const later: Promise<string>[] = [];
  for (const arg of ['b', 'bad', 'c', 'throw', 'd']) {
    later.push(send(arg));
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(f.made.length, 1, 'nothing else left within the gap');
  const settled = await Promise.allSettled([first, ...later]);
  assert.deepEqual(
    settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)),
    ['answer:a', 'answer:b', 'refused', 'answer:c', 'thrown', 'answer:d'],
  );
  assert.deepEqual(
    f.made.map((m) => m.arg),
    ['a', 'b', 'bad', 'c', 'throw', 'd'],
  );
  const turns = new Set(f.made.slice(1).map((m) => m.turn));
  assert.equal(turns.size, 1, 'the calls that waited were made in one turn of the loop');
  f.stop();
});

test('after the gathered calls leave, the next call waits for a gap after them', async () => {
  const f = fakeCall();
  const send = gathered(f.call, 200);
  await send('a');
  await send('b'); // waited, then left
  const leftAt = f.made.length;
  const c = send('c');
  assert.equal(f.made.length, leftAt, 'a call right after the gathered ones waits');
  assert.equal(await c, 'answer:c');
  f.stop();
});
