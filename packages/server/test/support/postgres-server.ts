/**
 * A private PostgreSQL cluster for one test, so the test may really stop and start the server (a crash with
 * `immediate`) without touching the machine's shared PostgreSQL on 5432. It runs the highest version found
 * under /usr/lib/postgresql/<version>/bin, on a spare 127.0.0.1 port, trust auth, user `postgres`, database
 * `postgres`. PostgreSQL refuses to run as root, so as root every command goes through
 * `runuser -u postgres --` (the folder is handed to that user first); as anyone else the binaries run directly.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, tempDir } from './harness.ts';

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';
/** Seconds pg_ctl waits for a start or stop; the child process gets a little longer before it is killed. */
const WAIT_SEC = 60;

export interface PostgresServer {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** `fast` (clean shutdown) or `immediate` (like a crash: no checkpoint, recovery at the next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good (if running) and removes its folder. */
  destroy(): Promise<void>;
}

/** The bin folder of the highest installed PostgreSQL version. */
export function postgresBinDir(): string {
  const versions = readdirSync(PG_ROOT)
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error(`no PostgreSQL under ${PG_ROOT}`);
  return path.join(PG_ROOT, versions[0]!, 'bin');
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = await tempDir('lightstick-pg-');
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  // Every command runs in the folder: as `postgres` the caller's working folder may not be readable.
  const command = (file: string, args: string[]): [string, string[]] =>
    asRoot
      ? ['runuser', ['-u', 'postgres', '--', path.join(bin, file), ...args]]
      : [path.join(bin, file), args];
  const exec = async (file: string, args: string[]) => {
    const [cmd, argv] = command(file, args);
    try {
      await run(cmd, argv, { cwd: dir, timeout: (WAIT_SEC + 15) * 1000 });
    } catch (err) {
      const tail = await readFile(log, 'utf8').catch(() => '');
      throw new Error(`${file} ${args.join(' ')} failed: ${String(err)}\n${tail.slice(-2000)}`);
    }
  };

  let port = 0;
  let running = false;
  // A test that dies before destroy() must not leave a postmaster behind.
  const onExit = () => {
    if (!running) return;
    const [cmd, argv] = command('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '10', 'stop']);
    try {
      execFileSync(cmd, argv, { cwd: dir, stdio: 'ignore', timeout: 15_000 });
    } catch {
      // nothing more to do on the way out
    }
  };

  const start = async () => {
    if (running) return;
    const options = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', '-c fsync=on'];
    // Small: the machine is shared, and one room's messages need little.
    options.push('-c shared_buffers=16MB', '-c max_connections=40');
    // -l: the server's output goes to a file, so pg_ctl returns instead of holding our pipes open.
    await exec('pg_ctl', [
      '-D',
      data,
      '-l',
      log,
      '-o',
      options.join(' '),
      '-w',
      '-t',
      String(WAIT_SEC),
      'start',
    ]);
    running = true;
  };

  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    if (!running) return;
    await exec('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', String(WAIT_SEC), 'stop']);
    running = false;
  };

  try {
    if (asRoot) await run('chown', ['postgres:', dir]);
    // --no-sync only skips flushing the fresh template files; the running server keeps fsync on.
    await exec('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    process.once('exit', onExit);
    // The spare port may be taken between the probe and the start: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await start();
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  } catch (err) {
    process.removeListener('exit', onExit);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    async destroy() {
      try {
        await stop('fast').catch(() => stop('immediate'));
      } finally {
        process.removeListener('exit', onExit);
        if (!running) await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
