import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthResponse, UserView } from '@lightstick/protocol';
import {
  PASSWORD,
  admin,
  errorCode,
  register,
  startHttp,
  uniq,
  type HttpFixture,
} from '../support/http-fixture.ts';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('HTTP auth', () => {
  let f: HttpFixture;
  before(async () => {
    f = await startHttp();
  });
  after(async () => {
    await f.close();
  });

  test('register, me, login, refresh, logout', async () => {
    const name = uniq('mina');
    const reg = await register(f, name, 'Mina ✨');
    assert.equal(reg.user.name, name);
    assert.equal(reg.user.displayName, 'Mina ✨');
    assert.equal(reg.user.admin, false);
    assert.equal(reg.expiresIn, 900);

    const me = await f.request<UserView>('GET', '/api/me', { token: reg.accessToken });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body, reg.user);

    const login = await f.request<AuthResponse>('POST', '/api/auth/login', {
      body: { username: name.toUpperCase(), password: PASSWORD },
    });
    assert.equal(login.status, 200);
    assert.equal(login.body.user.id, reg.user.id);

    const refreshed = await f.request<AuthResponse>('POST', '/api/auth/refresh', {
      body: { refreshToken: login.body.refreshToken },
    });
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.body.refreshToken, login.body.refreshToken);
    assert.equal((await f.request('GET', '/api/me', { token: refreshed.body.accessToken })).status, 200);

    const out = await f.request('POST', '/api/auth/logout', {
      body: { refreshToken: refreshed.body.refreshToken },
    });
    assert.equal(out.status, 204);
    const after = await f.request('POST', '/api/auth/refresh', {
      body: { refreshToken: refreshed.body.refreshToken },
    });
    assert.equal(after.status, 401);
    // Any token of a revoked sign-in counts as reuse (issue 8): a theft signal, never a quiet token_invalid.
    assert.equal(errorCode(after), 'refresh_reused');
    // The other sign-in (from register) still works.
    assert.equal(
      (await f.request('POST', '/api/auth/refresh', { body: { refreshToken: reg.refreshToken } })).status,
      200,
    );
  });

  test('reusing a refresh token revokes its whole family', async () => {
    const reg = await register(f);
    const r2 = await f.request<AuthResponse>('POST', '/api/auth/refresh', {
      body: { refreshToken: reg.refreshToken },
    });
    assert.equal(r2.status, 200);
    const reuse = await f.request('POST', '/api/auth/refresh', { body: { refreshToken: reg.refreshToken } });
    assert.equal(reuse.status, 401);
    assert.equal(errorCode(reuse), 'refresh_reused');
    const successor = await f.request('POST', '/api/auth/refresh', {
      body: { refreshToken: r2.body.refreshToken },
    });
    // The successor died with its sign-in; using it is a theft signal too (issue 8).
    assert.equal(errorCode(successor), 'refresh_reused');
  });

  test('a wrong password and an unknown user get the same answer', async () => {
    const reg = await register(f);
    const wrong = await f.request('POST', '/api/auth/login', {
      body: { username: reg.user.name, password: 'wrong password!' },
    });
    const unknown = await f.request('POST', '/api/auth/login', {
      body: { username: uniq('nobody'), password: 'wrong password!' },
    });
    assert.equal(wrong.status, 401);
    assert.equal(errorCode(wrong), 'invalid_credentials');
    assert.deepEqual(unknown.body, wrong.body);
  });

  test('usernames are unique across case and compatibility forms', async () => {
    const base = `Skz${process.pid % 1000}`;
    await register(f, base);
    for (const variant of [base.toLowerCase(), base.toUpperCase(), toFullWidth(base)]) {
      const res = await f.request('POST', '/api/auth/register', {
        body: { username: variant, password: PASSWORD },
      });
      assert.equal(res.status, 409, variant);
      assert.equal(errorCode(res), 'username_taken');
    }
  });

  test('look-alikes of taken names answer username_taken; staff imitations and mixed scripts 400 (issue 8)', async () => {
    const tag = process.pid % 1000;
    const details = (res: { body: unknown }) => (res.body as { error: { details: unknown } }).error.details;
    const tryRegister = (username: string, displayName?: string) =>
      f.request('POST', '/api/auth/register', {
        body: { username, password: PASSWORD, ...(displayName !== undefined ? { displayName } : {}) },
      });
    await register(f, `IU${tag}`);
    await register(f, `mina${tag}`);
    await register(f, `cop${tag}`);
    // Small L for capital I, rn for m, all-Cyrillic с о р: other name keys, the same look.
    for (const lookAlike of [`lU${tag}`, `rnina${tag}`, `сор${tag}`]) {
      const res = await tryRegister(lookAlike);
      assert.equal(res.status, 409, lookAlike);
      assert.equal(errorCode(res), 'username_taken');
      assert.deepEqual(details(res), { field: 'username' });
    }
    // The examples: Cyrillic а, dotted capital I; and a Latin name with one Cyrillic letter.
    for (const username of ['аdmin', 'ADMİN', 'M0derator', `mіna_${tag}`]) {
      const res = await tryRegister(username);
      assert.equal(res.status, 400, username);
      assert.equal(errorCode(res), 'validation_failed');
      assert.deepEqual(details(res), { field: 'username' });
    }
    for (const displayName of ['Admin', 'Аdmin', 'Lightstick Staff']) {
      const res = await tryRegister(uniq(), displayName);
      assert.equal(res.status, 400, displayName);
      assert.deepEqual(details(res), { field: 'displayName' });
    }
    // Fans' own mixes pass; the platform admin keeps its display name.
    for (const username of [`민지_fan${tag}`, `yuna팬${tag}`, `アイリ${tag}`]) await register(f, username);
    const adm = await admin(f);
    assert.equal(adm.user.displayName, 'Admin');
  });

  test('Korean, Japanese and emoji names, with limits counted in graphemes', async () => {
    const family = '👩‍👩‍👧';
    const ko = await register(f, `방탄${process.pid % 1000}`, '아미 💜 보라해');
    assert.equal(ko.user.displayName, '아미 💜 보라해');
    const ja = await register(f, `さくら${process.pid % 1000}`, '宮脇 咲良');
    assert.equal(ja.user.name, `さくら${process.pid % 1000}`);
    const em = await register(f, `${family.repeat(22)}${(process.pid % 90) + 10}`, family.repeat(32));
    assert.equal(em.user.displayName, family.repeat(32));
    const tooLong = await f.request('POST', '/api/auth/register', {
      body: { username: family.repeat(25), password: PASSWORD },
    });
    assert.equal(tooLong.status, 400);
    assert.equal(errorCode(tooLong), 'validation_failed');
    assert.deepEqual((tooLong.body as { error: { details: unknown } }).error.details, { field: 'username' });
    const dnTooLong = await f.request('POST', '/api/auth/register', {
      body: { username: uniq(), password: PASSWORD, displayName: family.repeat(33) },
    });
    assert.deepEqual((dnTooLong.body as { error: { details: unknown } }).error.details, {
      field: 'displayName',
    });
  });

  test('SQL and HTML in text fields are stored and returned verbatim; refused usernames answer 400', async () => {
    const sqlName = "Robert'); DROP TABLE users;--";
    const html = '<img src=x onerror=alert(1)>';
    const a = await register(f, uniq(), sqlName);
    const b = await register(f, uniq(), html);
    assert.equal(
      (await f.request<UserView>('GET', '/api/me', { token: a.accessToken })).body.displayName,
      sqlName,
    );
    assert.equal(
      (await f.request<UserView>('GET', '/api/me', { token: b.accessToken })).body.displayName,
      html,
    );
    for (const username of ["x' OR '1'='1", '<script>', 'a b']) {
      const res = await f.request('POST', '/api/auth/register', { body: { username, password: PASSWORD } });
      assert.equal(res.status, 400);
      assert.equal(errorCode(res), 'validation_failed');
    }
    const login = await f.request('POST', '/api/auth/login', {
      body: { username: "' OR 1=1 --", password: "' OR 1=1 --" },
    });
    assert.equal(errorCode(login), 'invalid_credentials');
  });

  test('bad bodies answer validation_failed with the field', async () => {
    const short = await f.request('POST', '/api/auth/register', {
      body: { username: uniq(), password: 'short' },
    });
    assert.deepEqual((short.body as { error: { details: unknown } }).error.details, { field: 'password' });
    const missing = await f.request('POST', '/api/auth/register', { body: { password: PASSWORD } });
    assert.equal(errorCode(missing), 'validation_failed');
    assert.deepEqual((missing.body as { error: { details: unknown } }).error.details, { field: 'username' });
    const wrongType = await f.request('POST', '/api/auth/login', {
      body: { username: 42, password: PASSWORD },
    });
    assert.equal(errorCode(wrongType), 'validation_failed');
  });

  test('breached and common passwords, in any letter case, and a password equal to the username are refused', async () => {
    // From the top, the middle and the end of the shipped breach list, and a K-pop fan's favourite.
    for (const password of ['password1', 'QWERTY123', 'iloveyou2', 'princess', 'dimazarya', 'Password']) {
      const res = await f.request('POST', '/api/auth/register', { body: { username: uniq(), password } });
      assert.equal(errorCode(res), 'validation_failed', password);
      assert.deepEqual((res.body as { error: { details: unknown } }).error.details, { field: 'password' });
      assert.match((res.body as { error: { message: string } }).error.message, /breaches/);
    }
    const name = uniq('mina');
    const same = await f.request('POST', '/api/auth/register', {
      body: { username: name, password: name.toUpperCase() },
    });
    assert.equal(errorCode(same), 'validation_failed');
    assert.match((same.body as { error: { message: string } }).error.message, /username/);
    // An uncommon password of the same length still passes.
    const ok = await f.request('POST', '/api/auth/register', {
      body: { username: uniq(), password: 'saranghae-lightstick-7' },
    });
    assert.equal(ok.status, 201);
    // The same rule on a password change.
    const reg = await register(f);
    const change = await f.request('PUT', '/api/me/password', {
      token: reg.accessToken,
      body: { currentPassword: PASSWORD, newPassword: 'sunshine1' },
    });
    assert.equal(errorCode(change), 'validation_failed');
    assert.deepEqual((change.body as { error: { details: unknown } }).error.details, {
      field: 'newPassword',
    });
  });

  test('forged and malformed bearer tokens answer token_invalid; none answers unauthenticated', async () => {
    const reg = await register(f);
    const [h, p, s] = reg.accessToken.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${h}.${b64({ ...payload, adm: true })}.${s}`;
    const none = `${b64({ ...header, alg: 'none' })}.${b64({ ...payload, adm: true })}.`;
    for (const token of [tampered, none, 'garbage', `${reg.accessToken}x`]) {
      const res = await f.request('GET', '/api/me', { token });
      assert.equal(res.status, 401);
      assert.equal(errorCode(res), 'token_invalid');
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    }
    const basic = await f.request('GET', '/api/me', { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
    assert.equal(errorCode(basic), 'token_invalid');
    const anon = await f.request('GET', '/api/me');
    assert.equal(anon.status, 401);
    assert.equal(errorCode(anon), 'unauthenticated');
    // A refresh token is not an access token.
    assert.equal(errorCode(await f.request('GET', '/api/me', { token: reg.refreshToken })), 'token_invalid');
  });

  test('admins rotate the signing key; old tokens keep working; others are refused', async () => {
    const adm = await admin(f);
    const fan = await register(f);
    const refused = await f.request('POST', '/api/admin/keys/rotate', { token: fan.accessToken });
    assert.equal(refused.status, 403);
    assert.equal(errorCode(refused), 'forbidden');
    const rotated = await f.request<{ kid: string }>('POST', '/api/admin/keys/rotate', {
      token: adm.accessToken,
    });
    assert.equal(rotated.status, 200);
    assert.equal((await f.request('GET', '/api/me', { token: fan.accessToken })).status, 200);
    const fresh = await register(f);
    const kid = (
      JSON.parse(Buffer.from(fresh.accessToken.split('.')[0]!, 'base64url').toString()) as { kid: string }
    ).kid;
    assert.equal(kid, rotated.body.kid);
  });

  test('ensureAdminAccount generates a password once and never again', async () => {
    const g = await startHttp();
    try {
      const first = await g.auth.ensureAdminAccount();
      assert.equal(first.created, true);
      assert.ok(first.generatedPassword && first.generatedPassword.length >= 20);
      assert.deepEqual(await g.auth.ensureAdminAccount(), { created: false });
      const login = await g.request<AuthResponse>('POST', '/api/auth/login', {
        body: { username: 'admin', password: first.generatedPassword },
      });
      assert.equal(login.status, 200);
      assert.equal(login.body.user.admin, true);
      assert.ok(!g.logs().includes(first.generatedPassword));
    } finally {
      await g.close();
    }
  });
});

function toFullWidth(s: string): string {
  return [...s]
    .map((c) => (c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c))
    .join('');
}
