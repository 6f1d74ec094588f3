/**
 * The storm's spread of clients over the gateways (bench/storm-spread.ts): `--killed N` puts exactly N on the
 * gateway the storm kills and shares the rest evenly, and the survivors' room counts what they already hold.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayOf, survivorsFor, type Spread } from '../../../../bench/storm-spread.ts';

function counts(spread: Spread): number[] {
  const n = new Array<number>(spread.gateways).fill(0);
  for (let i = 0; i < spread.connections; i++) n[gatewayOf(i, spread)]!++;
  return n;
}

test('without --killed every gateway gets an equal share, round the gateways', () => {
  assert.deepEqual(counts({ connections: 36_000, gateways: 6 }), new Array(6).fill(6_000));
  assert.deepEqual(
    Array.from({ length: 8 }, (_, i) => gatewayOf(i, { connections: 8, gateways: 3 })),
    [0, 1, 2, 0, 1, 2, 0, 1],
  );
});

test('--killed puts exactly N on the last gateway and shares the rest; the artist stays on a survivor', () => {
  const spread = { connections: 77_000, gateways: 7, killed: 17_000 };
  assert.deepEqual(counts(spread), [10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 17_000]);
  assert.notEqual(gatewayOf(0, spread), 6);
  // Uneven numbers: the survivors' shares differ by at most one.
  const odd = counts({ connections: 10_007, gateways: 4, killed: 5_003 });
  assert.equal(odd[3], 5_003);
  assert.ok(Math.max(...odd.slice(0, 3)) - Math.min(...odd.slice(0, 3)) <= 1);
  // The killed gateway's clients are spread through the list, so every block a load generator takes holds some.
  const firstTenth = Array.from({ length: 7_700 }, (_, i) => gatewayOf(i, spread)).filter((g) => g === 6);
  assert.equal(firstTenth.length, 1_700);
});

test("the survivors' room is their budget less what they hold", () => {
  // Stop 28: 100 000 over 6 with a budget of 19 000 leaves room for 11 665 of the 16 667 dropped.
  assert.equal(survivorsFor({ connections: 100_000, gateways: 6 }, 19_000), 11_665);
  // Stop 45: 17 000 on one of 7, 10 000 on each other.
  assert.equal(survivorsFor({ connections: 77_000, gateways: 7, killed: 17_000 }, 19_000), 54_000);
  assert.equal(survivorsFor({ connections: 170_000, gateways: 2, killed: 17_000 }, 19_000), 0);
  assert.equal(survivorsFor({ connections: 1_000, gateways: 1 }, 19_000), undefined);
});
