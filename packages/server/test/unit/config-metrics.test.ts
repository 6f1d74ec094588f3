/** The metrics port settings (issue 8, item 15): unset by default, the server's host by default, refusals. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config/load.ts';

const refuses = (env: Record<string, string>, pattern: RegExp) =>
  assert.throws(
    () => loadConfig(env),
    (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
  );

describe('LIGHTSTICK_METRICS_PORT and LIGHTSTICK_METRICS_HOST', () => {
  test('unset: no metrics listener (metrics stay on the public port)', () => {
    assert.deepEqual(loadConfig({}).metrics, { port: undefined, host: '0.0.0.0' });
    assert.equal(loadConfig({ LIGHTSTICK_METRICS_PORT: '' }).metrics.port, undefined);
  });

  test('a port of its own, on the server host unless a host of its own is given', () => {
    assert.deepEqual(loadConfig({ LIGHTSTICK_METRICS_PORT: '9464' }).metrics, {
      port: 9464,
      host: '0.0.0.0',
    });
    assert.deepEqual(loadConfig({ HOST: '127.0.0.1', LIGHTSTICK_METRICS_PORT: '9464' }).metrics, {
      port: 9464,
      host: '127.0.0.1',
    });
    assert.deepEqual(
      loadConfig({ HOST: '127.0.0.1', LIGHTSTICK_METRICS_PORT: '9464', LIGHTSTICK_METRICS_HOST: '10.0.0.7' })
        .metrics,
      { port: 9464, host: '10.0.0.7' },
    );
    // 0: any free port, also beside PORT=0 (tests).
    assert.equal(loadConfig({ PORT: '0', LIGHTSTICK_METRICS_PORT: '0' }).metrics.port, 0);
    assert.equal(loadConfig({ LIGHTSTICK_METRICS_PORT: '65535' }).metrics.port, 65535);
  });

  test('the public port, a bad number, or a host without a port are refused, naming the variable', () => {
    refuses(
      { PORT: '8080', LIGHTSTICK_METRICS_PORT: '8080' },
      /LIGHTSTICK_METRICS_PORT=8080 is the public port/,
    );
    refuses({ LIGHTSTICK_METRICS_PORT: '8080' }, /is the public port/); // PORT's default
    refuses({ LIGHTSTICK_METRICS_PORT: '65536' }, /LIGHTSTICK_METRICS_PORT=65536 is out of range/);
    refuses({ LIGHTSTICK_METRICS_PORT: '-1' }, /LIGHTSTICK_METRICS_PORT=-1 is out of range/);
    refuses({ LIGHTSTICK_METRICS_PORT: '94a' }, /LIGHTSTICK_METRICS_PORT="94a" is not a whole number/);
    refuses(
      { LIGHTSTICK_METRICS_HOST: '0.0.0.0' },
      /LIGHTSTICK_METRICS_HOST is set without LIGHTSTICK_METRICS_PORT/,
    );
  });
});
