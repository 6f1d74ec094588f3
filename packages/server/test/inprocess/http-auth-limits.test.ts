import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthResponse } from '@lightstick/protocol';
import type { Runtime } from '../../src/runtime.ts';
import { PASSWORD, errorCode, register, startHttp, uniq } from '../support/http-fixture.ts';

describe('HTTP auth with a controlled clock', () => {
  test('an expired access token answers token_expired', async () => {
    let t = 1_800_000_000_000;
    const runtime: Runtime = { now: () => t, id: () => randomUUID(), random: (n) => randomBytes(n) };
    const f = await startHttp({ runtime, accessTtlSec: 60 });
    try {
      const reg = await register(f);
      assert.equal((await f.request('GET', '/api/me', { token: reg.accessToken })).status, 200);
      t += 60_000;
      const res = await f.request('GET', '/api/me', { token: reg.accessToken });
      assert.equal(res.status, 401);
      assert.equal(errorCode(res), 'token_expired');
      // The refresh token still trades for a fresh pair.
      const r = await f.request<AuthResponse>('POST', '/api/auth/refresh', {
        body: { refreshToken: reg.refreshToken },
      });
      assert.equal((await f.request('GET', '/api/me', { token: r.body.accessToken })).status, 200);
    } finally {
      await f.close();
    }
  });
});

describe('HTTP login rate limits', () => {
  test('per account: 5 failures, then rate_limited with Retry-After, even with the right password', async () => {
    const f = await startHttp();
    try {
      const reg = await register(f);
      for (let i = 0; i < 5; i++) {
        const res = await f.request('POST', '/api/auth/login', {
          body: { username: reg.user.name, password: `wrong-${i}-pw` },
        });
        assert.equal(errorCode(res), 'invalid_credentials');
      }
      const limited = await f.request('POST', '/api/auth/login', {
        body: { username: reg.user.name, password: PASSWORD },
      });
      assert.equal(limited.status, 429);
      assert.equal(errorCode(limited), 'rate_limited');
      const retry = Number(limited.headers.get('retry-after'));
      assert.ok(retry >= 1, `Retry-After ${retry}`);
      const details = (limited.body as { error: { details: { retryAfterMs: number } } }).error.details;
      assert.ok(details.retryAfterMs > 0);
      // Another account from the same address is not affected.
      const other = await register(f);
      assert.equal(
        (
          await f.request('POST', '/api/auth/login', {
            body: { username: other.user.name, password: PASSWORD },
          })
        ).status,
        200,
      );
    } finally {
      await f.close();
    }
  });

  test('a successful login resets the account budget', async () => {
    const f = await startHttp();
    try {
      const reg = await register(f);
      const attempt = (password: string) =>
        f.request('POST', '/api/auth/login', { body: { username: reg.user.name, password } });
      for (let i = 0; i < 4; i++) await attempt('wrong-password');
      assert.equal((await attempt(PASSWORD)).status, 200);
      for (let i = 0; i < 4; i++)
        assert.equal(errorCode(await attempt('wrong-password')), 'invalid_credentials');
    } finally {
      await f.close();
    }
  });

  test('per address: attempts across many accounts are limited', async () => {
    const f = await startHttp({ rules: { loginPerAddress: { ratePerSecond: 0.001, burst: 3 } } });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await f.request('POST', '/api/auth/login', {
          body: { username: uniq('ghost'), password: 'whatever1' },
        });
        assert.equal(errorCode(res), 'invalid_credentials');
      }
      const limited = await f.request('POST', '/api/auth/login', {
        body: { username: uniq('ghost'), password: 'whatever1' },
      });
      assert.equal(errorCode(limited), 'rate_limited');
      assert.ok(limited.headers.get('retry-after'));
    } finally {
      await f.close();
    }
  });

  test('register is limited per address', async () => {
    const f = await startHttp({ rules: { registerPerAddress: { ratePerSecond: 0.001, burst: 2 } } });
    try {
      await register(f);
      await register(f);
      const res = await f.request('POST', '/api/auth/register', {
        body: { username: uniq(), password: PASSWORD },
      });
      assert.equal(res.status, 429);
      assert.equal(errorCode(res), 'rate_limited');
    } finally {
      await f.close();
    }
  });
});

describe('login lockout without denial of service (issue 8)', () => {
  const login = (f: Awaited<ReturnType<typeof startHttp>>, username: string, password: string, ip: string) =>
    f.auth.login({ username, password }, ip).then(
      () => 'ok',
      (e: { code?: string }) => e.code ?? 'error',
    );

  test('an attacker spread over many addresses cannot lock the owner out of their usual address', async () => {
    const f = await startHttp();
    try {
      const reg = await register(f);
      const name = reg.user.name;
      assert.equal(await login(f, name, PASSWORD, '203.0.113.1'), 'ok'); // the owner's usual address
      // 5 tries per attacking address, then rate_limited there; 20 tries for the account from new addresses.
      const answers: string[] = [];
      for (let a = 0; a < 10; a++) {
        for (let i = 0; i < 6; i++) answers.push(await login(f, name, `guess-${a}-${i}`, `198.51.100.${a}`));
      }
      // The owner's first sign-in (from an address not yet known) took one of the account's 20.
      assert.equal(answers.filter((x) => x === 'invalid_credentials').length, 19);
      assert.equal(answers.filter((x) => x === 'rate_limited').length, answers.length - 19);
      // A new address is throttled for this account now...
      assert.equal(await login(f, name, PASSWORD, '192.0.2.99'), 'rate_limited');
      // ...but the owner's usual address gets in.
      assert.equal(await login(f, name, PASSWORD, '203.0.113.1'), 'ok');
    } finally {
      await f.close();
    }
  });

  test('failed-login usernames never reach the rate limiter in clear', async () => {
    const f = await startHttp();
    try {
      const keys: string[] = [];
      const limiter = f.services.rateLimiter;
      const consume = limiter.consume.bind(limiter);
      limiter.consume = (key, rule, cost) => {
        keys.push(key);
        return consume(key, rule, cost);
      };
      const typo = 'my-secret-password-typed-as-username';
      await login(f, typo, 'whatever1', '198.51.100.50');
      assert.ok(keys.length >= 3);
      assert.ok(
        keys.every((k) => !k.includes(typo) && !k.includes(typo.toLowerCase())),
        keys.join(' '),
      );
    } finally {
      await f.close();
    }
  });
});
