/** The parent's side of the load generators: fork them, send them work, collect their answers. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClientSpec, FromChild, RunStats, ToChild } from './loadgen.ts';

const LOADGEN = fileURLToPath(new URL('./loadgen.ts', import.meta.url));

export class LoadGen {
  private readonly child: ChildProcess;
  private waiting: ((m: FromChild) => void) | undefined;
  readonly exited: Promise<void>;

  constructor() {
    this.child = fork(LOADGEN, [], {
      execArgv: ['--import', 'tsx', '--conditions=@lightstick/source'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: FromChild) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.(m);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  private ask<T extends FromChild>(msg: ToChild): Promise<T> {
    return new Promise((resolve) => {
      this.waiting = (m) => resolve(m as T);
      this.child.send(msg);
    });
  }

  connect(clients: ClientSpec[], localAddresses: string[], concurrency = 100) {
    return this.ask<Extract<FromChild, { type: 'connected' }>>({
      type: 'connect',
      clients,
      localAddresses,
      concurrency,
    });
  }

  async run(durationMs: number, maxInFlight = 20): Promise<RunStats> {
    return (await this.ask<Extract<FromChild, { type: 'stats' }>>({ type: 'run', durationMs, maxInFlight }))
      .stats;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.connected) this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
}
