/**
 * Counting the commands clients send to the shared test Redis, with MONITOR on a plain socket.
 *
 * Why not ioredis's `monitor()`: on a busy server its monitor connection took MONITOR lines for the replies of
 * its own ready check and threw "Command queue state error" (redis/ioredis#1981), failing fresh-join-top under
 * two CPU burners. And why no sleeps: "MONITOR is on" is its `+OK`, and "every line is in" is a marker command
 * sent after the commands were answered showing up (Redis feeds MONITOR in execution order), where fixed 50 and
 * 200 ms waits missed lines on a loaded machine.
 */
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from './redis.ts';

export interface MonitoredCommand {
  /** The command and its arguments, as sent. */
  args: string[];
  /** `lua` for a command a script ran, else the client's address. */
  source: string;
}

export interface RedisMonitor {
  /** Every command Redis ran since MONITOR was on, in order. */
  readonly commands: MonitoredCommand[];
  /** Resolves once every command Redis ran before this call is in `commands` (bounded wait). */
  caughtUp(): Promise<void>;
  close(): void;
}

/** Starts MONITOR; resolves once Redis confirmed it is on. */
export async function monitorRedis(url = TEST_REDIS_URL): Promise<RedisMonitor> {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect({ host: hostname, port: Number(port || 6379) });
  const admin = new Redis(url);
  const commands: MonitoredCommand[] = [];
  /** caughtUp's markers still to come, each with what to do when its ECHO shows up. */
  const markers = new Map<string, () => void>();
  let buffered = '';
  let on: (() => void) | undefined;
  socket.setEncoding('utf8');
  socket.on('error', () => {}); // the test's assertions say what went missing
  admin.on('error', () => {});
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\r\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 2);
      if (line === '+OK') on?.();
      else if (line.startsWith('+')) {
        const parsed = parseLine(line);
        if (parsed === undefined) continue;
        commands.push(parsed);
        if (parsed.args[0]?.toLowerCase() === 'echo') markers.get(parsed.args[1] ?? '')?.();
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('MONITOR did not answer within 30 s')), 30_000);
    on = () => {
      clearTimeout(timer);
      resolve();
    };
    socket.write('MONITOR\r\n');
  });
  return {
    commands,
    async caughtUp() {
      const marker = `monitor-marker-${randomUUID()}`;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          markers.delete(marker);
          reject(new Error('the MONITOR marker did not come within 30 s'));
        }, 30_000);
        markers.set(marker, () => {
          markers.delete(marker);
          clearTimeout(timer);
          resolve();
        });
        admin.echo(marker).catch(reject);
      });
    },
    close() {
      socket.destroy();
      admin.disconnect();
    },
  };
}

/** `+<time> [<db> <source>] "arg" "arg" ...`, arguments quoted with C-style escapes (Redis's sdscatrepr). */
function parseLine(line: string): MonitoredCommand | undefined {
  const m = /^\+\S+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
  if (m === null) return undefined;
  const args: string[] = [];
  const text = m[2]!;
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '"') {
      i++;
      continue;
    }
    let arg = '';
    for (i++; i < text.length && text[i] !== '"'; i++) {
      if (text[i] !== '\\') {
        arg += text[i];
        continue;
      }
      const e = text[++i];
      if (e === 'x') {
        arg += String.fromCharCode(parseInt(text.slice(i + 1, i + 3), 16));
        i += 2;
      } else arg += ({ n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b' } as Record<string, string>)[e!] ?? e;
    }
    args.push(arg);
    i++;
  }
  return { args, source: m[1]! };
}
