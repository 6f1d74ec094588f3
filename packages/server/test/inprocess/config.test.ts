/** A bad configuration value stops the start with a message naming the variable; exit code 2. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { MAIN, REPO_ROOT, START_DEADLINE_MS, TSX_ARGS } from '../support/harness.ts';

function run(env: Record<string, string>, args: string[] = []) {
  return spawnSync(process.execPath, [...TSX_ARGS, MAIN, 'serve', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    // Loading the server takes seconds, and many more on a busy machine (30 s were not enough at load 25).
    timeout: START_DEADLINE_MS,
  });
}

test('bad values name the variable and what it accepts', () => {
  const cases: [Record<string, string>, string[], RegExp][] = [
    [{ PORT: '80a' }, [], /PORT="80a" is not a whole number; it accepts 0 to 65535/],
    [{ PORT: '70000' }, [], /PORT=70000 is out of range/],
    [
      { LIGHTSTICK_DATABASE_URL: 'mysql://x' },
      [],
      /LIGHTSTICK_DATABASE_URL has scheme mysql:; it accepts postgres: or postgresql:/,
    ],
    [{ LIGHTSTICK_LOG_LEVEL: 'loud' }, [], /LIGHTSTICK_LOG_LEVEL="loud" is not a level/],
    [{ LIGHTSTICK_ROLES: 'chat' }, [], /unknown role/],
    [{}, ['--bogus'], /unknown flag "--bogus"/],
    [{ LIGHTSTICK_ADMIN_PASSWORD: 'short' }, [], /LIGHTSTICK_ADMIN_PASSWORD is too short/],
    [
      { PORT: '9464', LIGHTSTICK_METRICS_PORT: '9464' },
      [],
      /LIGHTSTICK_METRICS_PORT=9464 is the public port/,
    ],
    // PostgreSQL mode without a key-encryption key: refused before the database is reached (port 1: nothing
    // listens), in a single process and in a --workers primary alike.
    ...(['', '--workers=2'] as const).map((flag): [Record<string, string>, string[], RegExp] => [
      {
        LIGHTSTICK_DATABASE_URL: 'postgres://lightstick@127.0.0.1:1/none',
        LIGHTSTICK_REDIS_URL: 'redis://127.0.0.1:1',
        LIGHTSTICK_KEY_ENCRYPTION_KEY: '',
        LIGHTSTICK_KEY_ENCRYPTION_KEY_FILE: '',
      },
      flag ? [flag] : [],
      /LIGHTSTICK_DATABASE_URL is set but no key-encryption key is: set LIGHTSTICK_KEY_ENCRYPTION_KEY/,
    ]),
    [
      { LIGHTSTICK_KEY_ENCRYPTION_KEY: 'REPLACE_ME_key_encryption_key' },
      [],
      /LIGHTSTICK_KEY_ENCRYPTION_KEY is a placeholder/,
    ],
  ];
  for (const [env, args, pattern] of cases) {
    const r = run(env, args);
    assert.equal(r.status, 2, `exit code for ${JSON.stringify(env)} ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }
});
