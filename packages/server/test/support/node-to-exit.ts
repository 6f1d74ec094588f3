/**
 * Runs a Node script of the repository (a benchmark, a CLI) to completion and hands back its exit code and
 * output, for tests that check what a tool prints. Bounded: a run still going after `timeoutMs` is killed, and
 * the reaper ends it if the test process dies first.
 */
import { spawn } from 'node:child_process';
import { REPO_ROOT } from './harness.ts';
import { reap } from './reaper.ts';

export function nodeToExit(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const proc = reap(
      spawn(process.execPath, args, {
        cwd: REPO_ROOT,
        env: opts.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let output = '';
    proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), opts.timeoutMs);
    proc.once('error', reject);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
