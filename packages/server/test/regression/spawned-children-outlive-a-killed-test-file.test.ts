/**
 * A test file the runner killed at its timeout left its servers and Prometheus running: `after` hooks do not run
 * then. Children spawned through test/support are registered with the reaper, which kills them when the test
 * process is told to stop or exits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TSX_ARGS } from '../support/harness.ts';

const REAPER = fileURLToPath(new URL('../support/reaper.ts', import.meta.url));
// A stand-in for a test file: spawns a long-lived child through the reaper, prints its pid, then waits.
const SCRIPT = `
import { spawn } from 'node:child_process';
const { reap } = await import(${JSON.stringify(REAPER)});
const child = reap(spawn('sleep', ['60'], { stdio: 'ignore' }));
process.stdout.write(child.pid + '\\n');
setInterval(() => {}, 1000);
`;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`a test process stopped with ${signal} takes its spawned children with it`, async () => {
    const proc = spawn(process.execPath, [...TSX_ARGS, '--input-type=module', '-e', SCRIPT], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    proc.on('error', () => {});
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(Number(out.trim()));
      });
      proc.once('exit', (code) => reject(new Error(`exited early: ${code}`)));
    });
    assert.ok(alive(pid), 'the child runs');
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(pid), false, 'the child was killed with its test process');
  });
}
