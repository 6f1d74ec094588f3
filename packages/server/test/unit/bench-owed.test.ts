/**
 * The benchmark's loss figures and "highest rate" verdicts (bench/owed.ts), at their edges: a phase that
 * delivered nothing is not a phase that delivered everything, and nothing delivered has no CPU per delivery.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliveredWhole, highestRate, lossFigures, perDelivery } from '../../../../bench/owed.ts';

test('nothing-delivered-counted-complete: a phase whose sends reached no client is not delivered whole', () => {
  // Stop 32, Socket.IO at 50 000 x 20 msgs/s: 306 sent, 0 acknowledged, 0 seen by any client.
  const figures = lossFigures({ sent: 306, refused: 0, seen: 0, delivered: 0, clients: 50_000 });
  assert.deepEqual(figures, { lossPct: 0, unseenPct: 100 });
  const phase = { rate: 20, messages: 0, fanP99: null, ...figures };
  assert.equal(deliveredWhole(phase), false);
  assert.equal(highestRate([phase], deliveredWhole), null);
});

test('messages some clients missed count per client; messages no client got count per message', () => {
  // 10 sent, 8 reached someone, those 8 reached 3 of 4 clients each.
  assert.deepEqual(lossFigures({ sent: 10, refused: 0, seen: 8, delivered: 24, clients: 4 }), {
    lossPct: 25,
    unseenPct: 20,
  });
  assert.deepEqual(lossFigures({ sent: 10, refused: 0, seen: 10, delivered: 40, clients: 4 }), {
    lossPct: 0,
    unseenPct: 0,
  });
});

test('sends the server refused are owed to no one', () => {
  assert.deepEqual(lossFigures({ sent: 10, refused: 4, seen: 6, delivered: 24, clients: 4 }), {
    lossPct: 0,
    unseenPct: 0,
  });
  // More seen than sent (a storm's resends, or messages from another process's senders): never negative.
  assert.equal(lossFigures({ sent: 3, refused: 0, seen: 5, delivered: 20, clients: 4 }).unseenPct, 0);
});

test('cpu-per-delivery-with-none-delivered: no deliveries is no figure, not the whole CPU over one', () => {
  assert.equal(perDelivery(26_350, 0), null);
  assert.equal(perDelivery(1_000, 2_000), 500);
  assert.equal(perDelivery(1, 3), 333.33);
});

test('the highest rate is that of the fastest phase that passes, whatever the order of the phases', () => {
  const whole = { lossPct: 0, unseenPct: 0, messages: 10 };
  const phases = [
    { rate: 5, fanP99: 900, ...whole },
    { rate: 1, fanP99: 400, ...whole },
    { rate: 20, fanP99: 3000, ...whole },
    { rate: 40, fanP99: 800, ...whole, unseenPct: 3 },
  ];
  const within = (ms: number) => (r: Record<string, unknown>) =>
    deliveredWhole(r) && typeof r.fanP99 === 'number' && r.fanP99 <= ms;
  assert.equal(highestRate(phases, within(1000)), 5);
  assert.equal(highestRate(phases, within(5000)), 20);
  assert.equal(highestRate(phases, deliveredWhole), 20);
  assert.equal(highestRate(phases, within(100)), null);
});
