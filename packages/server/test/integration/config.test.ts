/** A bad configuration value stops the start with a message naming the variable; exit code 2. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { MAIN, REPO_ROOT } from '../support/harness.ts';

function run(env: Record<string, string>, args: string[] = []) {
  return spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'serve', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
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
  ];
  for (const [env, args, pattern] of cases) {
    const r = run(env, args);
    assert.equal(r.status, 2, `exit code for ${JSON.stringify(env)} ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }
});
