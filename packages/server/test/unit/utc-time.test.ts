/**
 * utc-time.ts prints what `Date#toISOString` and `Date#toUTCString` print (it exists to avoid calling them: it
 * says why), for any instant a server meets: checked against both on seeded random instants from 1970 to 2200,
 * on the edges of days, months, years and leap days, and on the once-a-second `Date` header.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpDate, httpDateNow, isoUtc } from '../../src/utc-time.ts';

// mulberry32: the same instants every run.
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EDGES = [
  0,
  Date.UTC(1999, 11, 31, 23, 59, 59, 999),
  Date.UTC(2000, 0, 1),
  Date.UTC(2000, 1, 29, 12, 0, 0, 5),
  Date.UTC(2024, 1, 29, 23, 59, 59, 999),
  Date.UTC(2026, 11, 6, 22, 41, 7, 123),
  Date.UTC(2100, 1, 28, 23, 59, 59, 999),
  Date.UTC(2100, 2, 1),
  Date.UTC(9999, 11, 31, 23, 59, 59, 999),
];

test('isoUtc and httpDate print what toISOString and toUTCString print', () => {
  const random = seeded(20261206);
  const end = Date.UTC(2200, 0, 1);
  const instants = [...EDGES, ...Array.from({ length: 20_000 }, () => Math.floor(random() * end))];
  for (const ms of instants) {
    const d = new Date(ms);
    assert.equal(isoUtc(ms), d.toISOString(), String(ms));
    assert.equal(httpDate(ms), d.toUTCString(), String(ms));
  }
});

test('httpDateNow is the current second', () => {
  // Read between two clock readings of the same second (a tick in between would make either second right).
  for (;;) {
    const second = Math.floor(Date.now() / 1000);
    const text = httpDateNow();
    if (Math.floor(Date.now() / 1000) !== second) continue;
    assert.equal(text, httpDate(second * 1000));
    assert.equal(Date.parse(text), second * 1000);
    return;
  }
});
