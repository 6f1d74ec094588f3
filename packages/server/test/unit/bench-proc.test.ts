/**
 * What the benchmark reads of the server processes from /proc (bench/proc.ts), against processes whose counts are
 * known: the write and read system calls a process made, and how long its main thread waited for a core.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCalls, runQueueMs, writeCalls } from '../../../../bench/proc.ts';

/**
 * What `count` reads of this process around 200 system calls made by `io` on a fresh temporary file (`open`
 * gives its descriptor), and that it reads nothing of a process that is gone.
 */
function countsAround200(
  count: (pids: readonly number[]) => number,
  open: (file: string) => number,
  io: (fd: number) => void,
): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-proc-'));
  try {
    const fd = open(path.join(dir, 'f'));
    const before = count([process.pid]);
    for (let i = 0; i < 200; i++) io(fd);
    const after = count([process.pid]);
    closeSync(fd);
    assert.ok(after - before >= 200, `${after - before} calls`);
    assert.equal(count([2 ** 22 + 1]), 0, 'a gone process counts nothing');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('write system calls: a process that writes 200 times reads at least 200 more', () => {
  countsAround200(
    writeCalls,
    (file) => openSync(file, 'w'),
    (fd) => writeSync(fd, 'x'),
  );
});

test('read system calls: a process that reads 200 times reads at least 200 more', () => {
  const buf = Buffer.alloc(1);
  countsAround200(
    readCalls,
    (file) => {
      closeSync(openSync(file, 'w'));
      return openSync(file, 'r');
    },
    (fd) => readSync(fd, buf, 0, 1, 0),
  );
});

test('run-queue wait: two busy processes on one core each wait for it about half the time', async () => {
  // The first core this process may use (a container may not allow core 0).
  const allowed = /Cpus_allowed_list:\s*(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
  const busy = (): ChildProcess => {
    const child = spawn('taskset', ['-c', allowed, process.execPath, '-e', 'for (;;);'], { stdio: 'ignore' });
    child.on('error', (err) => assert.fail(err));
    return child;
  };
  const children = [busy(), busy()];
  try {
    // taskset execs node in place: the pid is the busy loop's once it has started.
    await new Promise((r) => setTimeout(r, 300));
    const pids = children.map((c) => c.pid!);
    const from = performance.now();
    const before = runQueueMs(pids);
    await new Promise((r) => setTimeout(r, 600));
    const waited = runQueueMs(pids).map((ms, i) => ms - before[i]!);
    const wall = performance.now() - from;
    // Sharing one core, each runs about half the time and waits the other half (more if the machine is busy);
    // never longer than the time between the readings.
    for (const ms of waited) assert.ok(ms >= wall * 0.2 && ms <= wall + 1, `waited ${ms} of ${wall} ms`);
  } finally {
    for (const c of children) c.kill('SIGKILL');
  }
  assert.deepEqual(runQueueMs([2 ** 22 + 1]), [0], 'a gone process reads 0');
});
