/**
 * Child processes a test starts (servers, Redis, Prometheus, ffmpeg) must not outlive the test file. Tests stop
 * them in `after` hooks, but the runner kills a file that passes its timeout without running those hooks, and a
 * crash skips them too: every spawn in test/support registers its child here, and this process kills what is
 * still running when it exits or is told to stop.
 */
import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();
let installed = false;

function killAll(): void {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
  children.clear();
}

function install(): void {
  installed = true;
  process.once('exit', killAll);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15));
    });
  }
}

/** Registers a child to be killed with this process; returns it, for chaining. */
export function reap<T extends ChildProcess>(child: T): T {
  if (!installed) install();
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
