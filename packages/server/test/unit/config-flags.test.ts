/**
 * Command-line flags (node:util parseArgs in config/load.ts): both spellings, flags over the environment, and
 * the same clear refusals as before parseArgs: the argument as typed and the flags there are.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, parseFlags } from '../../src/config/load.ts';

const FLAGS = 'flags: --role, --port, --host, --data-dir, --workers';
const refuses = (argv: string[], message: string) =>
  assert.throws(
    () => parseFlags(argv),
    (e: unknown) => e instanceof ConfigError && e.message === message,
    `${JSON.stringify(argv)} -> ${message}`,
  );

describe('command-line flags', () => {
  test('each flag sets its variable, as `--flag value` or `--flag=value`', () => {
    assert.deepEqual(
      parseFlags([
        '--role',
        'gateway,api',
        '--port=9000',
        '--host',
        '127.0.0.1',
        '--data-dir=/d',
        '--workers',
        '4',
      ]),
      {
        LIGHTSTICK_ROLES: 'gateway,api',
        PORT: '9000',
        HOST: '127.0.0.1',
        LIGHTSTICK_DATA_DIR: '/d',
        LIGHTSTICK_WORKERS: '4',
      },
    );
    assert.deepEqual(parseFlags([]), {});
  });

  test('the last of a repeated flag wins; an empty value is the default', () => {
    assert.deepEqual(parseFlags(['--port', '1', '--port=2']), { PORT: '2' });
    assert.equal(loadConfig({}, ['--port=']).port, 8080);
  });

  test('flags override the environment, and their values are checked as the variables are', () => {
    const c = loadConfig({ PORT: '7000', LIGHTSTICK_ROLES: 'api' }, ['--port', '7001', '--role=gateway']);
    assert.equal(c.port, 7001);
    assert.deepEqual([...c.roles], ['gateway']);
    assert.throws(
      () => loadConfig({}, ['--port', 'x']),
      /PORT="x" is not a whole number; it accepts 0 to 65535/,
    );
    assert.throws(() => loadConfig({}, ['--role', 'chat']), /names an unknown role/);
  });

  test('unknown flags, short flags, stray values and `--` are refused with the argument as typed', () => {
    refuses(['--bogus'], `unknown flag "--bogus"; ${FLAGS}`);
    refuses(['--bogus=1'], `unknown flag "--bogus=1"; ${FLAGS}`);
    refuses(['-p', '80'], `unknown flag "-p"; ${FLAGS}`);
    refuses(['serve'], `unknown flag "serve"; ${FLAGS}`);
    refuses(['--port', '80', 'extra'], `unknown flag "extra"; ${FLAGS}`);
    refuses(['--', '--port', '80'], `unknown flag "--"; ${FLAGS}`);
    refuses(['--PORT', '80'], `unknown flag "--PORT"; ${FLAGS}`);
  });

  test('a flag without its value is refused by name', () => {
    refuses(['--port'], 'flag --port needs a value');
    refuses(['--role', 'api', '--workers'], 'flag --workers needs a value');
  });

  test('the first bad argument is the one named', () => {
    refuses(['--nope', '--port'], `unknown flag "--nope"; ${FLAGS}`);
  });
});
