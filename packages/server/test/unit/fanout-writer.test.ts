/**
 * The fan-out writer's busy time (gateway/fanout-writer.ts), which the governor reads as the node's fan-out
 * load: it counts from the first job queued to the last one done, across the loop turns between slices, and
 * not while the writer is idle.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FanoutWriter, type WriteJob } from '../../src/gateway/fanout-writer.ts';
import { fakeScheduler } from '../support/fake-scheduler.ts';

/** A pass over `sockets` members; `advance` moves the fake clock by what one slice takes. */
function pass(sockets: number, advance: () => void): WriteJob & { finished: boolean } {
  let left = sockets;
  return {
    finished: false,
    step(budget) {
      const n = Math.min(budget, left);
      left -= n;
      if (n > 0) advance();
      return n;
    },
    done() {
      this.finished = true;
    },
  };
}

describe('fan-out writer busy time', () => {
  test('counts from the first job to the last one done, across the turns between slices', () => {
    const clock = fakeScheduler();
    const writer = new FanoutWriter(clock, 200);
    clock.advance(100); // idle: not counted
    assert.equal(writer.takeBusyMs(), 0);
    const job = pass(1000, () => clock.advance(3)); // five slices of 3 ms
    writer.add(job);
    writer.pump();
    clock.advance(10); // waiting for its next turn counts: the pass is not written yet
    clock.settle();
    assert.ok(job.finished);
    assert.equal(writer.takeBusyMs(), 3 * 5 + 10);
    clock.advance(50); // idle again
    assert.equal(writer.takeBusyMs(), 0);
  });

  test('a pass under way is split between the periods that read it', () => {
    const clock = fakeScheduler();
    const writer = new FanoutWriter(clock, 200);
    const job = pass(600, () => clock.advance(4));
    writer.add(job);
    writer.pump(); // first slice: 4 ms
    assert.equal(writer.takeBusyMs(), 4);
    clock.settle(); // two more slices
    assert.equal(writer.takeBusyMs(), 8);
    assert.equal(writer.pending, 0);
  });

  test('drain ends the busy time', () => {
    const clock = fakeScheduler();
    const writer = new FanoutWriter(clock, 200);
    writer.add(pass(1000, () => clock.advance(1)));
    writer.drain();
    clock.advance(100);
    assert.equal(writer.takeBusyMs(), 1);
  });
});
