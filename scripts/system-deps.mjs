// What the tests need from the machine, and how to get it: installed with apt-get when running as root,
// otherwise a message that says exactly what to install.
import { execSync, spawnSync } from 'node:child_process';
import { connect } from 'node:net';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function reachable(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const s = connect({ port, host });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.setTimeout(1000, () => (s.destroy(), resolve(false)));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(port, ms) {
  for (let t = 0; t < ms; t += 250) {
    if (await reachable(port)) return true;
    await sleep(250);
  }
  return false;
}

function aptInstall(packages) {
  if (!isRoot) {
    console.error(
      `The tests need these Debian packages: ${packages.join(' ')}\nInstall them with: sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`,
    );
    process.exit(1);
  }
  console.log(`installing ${packages.join(' ')} with apt-get ...`);
  execSync('apt-get update -qq', { stdio: 'inherit' });
  execSync(`apt-get install -y -qq ${packages.join(' ')}`, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

async function ensurePostgres() {
  if (await reachable(5432)) return;
  if (!has('pg_ctlcluster')) aptInstall(['postgresql']);
  const versions = execSync('ls /etc/postgresql').toString().trim().split(/\s+/);
  const version = versions.at(-1);
  console.log(`starting PostgreSQL ${version} ...`);
  spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
  if (!(await waitFor(5432, 20_000))) {
    console.error(
      'PostgreSQL is not reachable at 127.0.0.1:5432; start it (pg_ctlcluster <version> main start) and allow trust auth for database "test"',
    );
    process.exit(1);
  }
}

async function ensureRedis() {
  if (!has('redis-server') || !has('redis-cli')) aptInstall(['redis-server']);
  if (await reachable(6379)) return;
  console.log('starting Redis on 127.0.0.1:6379 ...');
  spawnSync(
    'redis-server',
    ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'inherit',
    },
  );
  if (!(await waitFor(6379, 10_000))) {
    console.error(
      'Redis is not reachable at 127.0.0.1:6379; start it: redis-server --daemonize yes --port 6379',
    );
    process.exit(1);
  }
}

export async function ensureSystem() {
  const missing = [];
  if (!has('chromium')) missing.push('chromium');
  if (missing.length > 0) aptInstall(missing);
  await ensurePostgres();
  await ensureRedis();
}
