import { describe, test, before, beforeEach, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { openSqliteStore } from '../../src/storage/sqlite.ts';
import type { Store } from '../../src/storage/repositories.ts';
import type { Runtime } from '../../src/runtime.ts';
import { AppError } from '../../src/errors.ts';
import { TokenService, type KeyAlg } from '../../src/auth/tokens.ts';
import { KeyVault } from '../../src/auth/key-vault.ts';

const DAY = 86_400_000;
const user = { id: 'u-1', name: '민지', displayName: 'Minji 🐰', admin: false };

function clock(): Runtime & { advance(ms: number): void } {
  let t = 1_800_000_000_000;
  return {
    now: () => t,
    id: () => randomUUID(),
    random: (n) => randomBytes(n),
    advance: (ms) => void (t += ms),
  };
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof AppError && e.code === code);
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('TokenService', () => {
  let dir: string;
  // Each test gets its own store, so keys made by one test do not age or rotate another's.
  let store: Store;
  const stores: Store[] = [];
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ls-tokens-'));
  });
  beforeEach(async () => {
    store = await openSqliteStore(path.join(dir, `${randomUUID()}.db`));
    stores.push(store);
  });
  after(async () => {
    for (const s of stores) await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  const make = (runtime: Runtime, ttl = 900, signingAlg?: KeyAlg) =>
    new TokenService({
      keys: store.signingKeys,
      runtime,
      accessTtlSec: ttl,
      keyRotationDays: 30,
      issuer: 'test-iss',
      ...(signingAlg !== undefined ? { signingAlg } : {}),
    });

  async function signingKey(): Promise<{ kid: string; key: CryptoKey }> {
    const [k] = await store.signingKeys.usable(0);
    assert.ok(k);
    assert.equal(k.alg, 'RS256');
    return { kid: k.kid, key: (await importJWK(JSON.parse(k.privateJwk) as JWK, k.alg)) as CryptoKey };
  }

  test('issues a token that verifies to the principal', async () => {
    const rt = clock();
    const tokens = make(rt);
    await tokens.init();
    const { token, expiresAt } = await tokens.issue(user);
    assert.equal(expiresAt, rt.now() + 900_000);
    assert.deepEqual(await tokens.verify(token), {
      userId: 'u-1',
      name: '민지',
      displayName: 'Minji 🐰',
      admin: false,
      expiresAt,
    });
  });

  test('an expired token answers token_expired', async () => {
    const rt = clock();
    const tokens = make(rt, 60);
    await tokens.init();
    const { token } = await tokens.issue(user);
    rt.advance(59_000);
    await tokens.verify(token);
    rt.advance(1_000);
    await rejectsWith(tokens.verify(token), 'token_expired');
  });

  test('forged, tampered and malformed tokens answer token_invalid', async () => {
    const rt = clock();
    const tokens = make(rt);
    await tokens.init();
    const { token } = await tokens.issue(user);
    const { kid, key } = await signingKey();
    const [h, p, s] = token.split('.');
    const claims = { sub: 'u-1', name: 'x', dn: 'x', adm: true, iss: 'test-iss', aud: 'lightstick' };
    const exp = Math.floor(rt.now() / 1000) + 600;

    const other = await generateKeyPair('RS256');
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid })
      .setExpirationTime(exp)
      .sign(other.privateKey);
    const none = `${b64({ alg: 'none', kid })}.${b64({ ...claims, exp })}.`;
    const tampered = `${h}.${b64({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), adm: true })}.${s}`;
    const wrongAud = await new SignJWT({ ...claims, aud: 'elsewhere' })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setExpirationTime(exp)
      .sign(key);
    const wrongIss = await new SignJWT({ ...claims, iss: 'someone-else' })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setExpirationTime(exp)
      .sign(key);
    const noExp = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
    const hs256 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid })
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode('x'.repeat(32)));
    const unknownKid = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: randomUUID() })
      .setExpirationTime(exp)
      .sign(key);
    const badClaims = await new SignJWT({ ...claims, adm: 'yes' })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setExpirationTime(exp)
      .sign(key);
    // Algorithm confusion: the kid's key decides the algorithm, never the token's header.
    const ed = await generateKeyPair('Ed25519');
    const edUnderRsaKid = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setExpirationTime(exp)
      .sign(ed.privateKey);
    const [stored] = await store.signingKeys.usable(0);
    const hs256WithPublicKey = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid })
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(stored!.publicJwk));
    const cases = {
      forged,
      none,
      tampered,
      wrongAud,
      wrongIss,
      noExp,
      hs256,
      unknownKid,
      badClaims,
      edUnderRsaKid,
      hs256WithPublicKey,
    };
    for (const [name, t] of Object.entries(cases)) {
      await assert.rejects(
        tokens.verify(t),
        (e: unknown) => e instanceof AppError && e.code === 'token_invalid',
        name,
      );
    }
    for (const junk of ['', 'abc', 'a.b.c', `${h}.${p}`, `${token}x`, 'x'.repeat(5000)]) {
      await rejectsWith(tokens.verify(junk), 'token_invalid');
    }
  });

  test('after rotation new tokens use the new key and old tokens still verify', async () => {
    const rt = clock();
    const tokens = make(rt);
    await tokens.init();
    const old = await tokens.issue(user);
    const kid = await tokens.rotate();
    const fresh = await tokens.issue(user);
    const header = JSON.parse(Buffer.from(fresh.token.split('.')[0]!, 'base64url').toString()) as {
      kid: string;
    };
    assert.equal(header.kid, kid);
    assert.equal((await tokens.verify(old.token)).userId, 'u-1');
    assert.equal((await tokens.verify(fresh.token)).userId, 'u-1');
  });

  test('a key rotated by another process is found by one reload', async () => {
    const rt = clock();
    const a = make(rt);
    const b = make(rt);
    await a.init();
    await b.init();
    rt.advance(5_000);
    await b.rotate();
    const { token } = await b.issue(user);
    assert.equal((await a.verify(token)).userId, 'u-1');
  });

  test('init rotates a key older than keyRotationDays and keeps the old one for verification', async () => {
    const rt = clock();
    const first = make(rt);
    await first.init();
    const old = await first.issue(user);
    rt.advance(30 * DAY - 1);
    const usableBefore = await store.signingKeys.usable(rt.now());
    const second = make(rt);
    await second.init();
    assert.deepEqual(
      (await store.signingKeys.usable(rt.now())).filter((k) => k.retiredAt === null).map((k) => k.kid),
      usableBefore.filter((k) => k.retiredAt === null).map((k) => k.kid),
      'no rotation before the age is reached',
    );
    rt.advance(1);
    const third = make(rt);
    await third.init();
    const live = (await store.signingKeys.usable(rt.now())).filter((k) => k.retiredAt === null);
    assert.equal(live.length, 1);
    const { token } = await third.issue(user);
    assert.notEqual(token.split('.')[0], old.token.split('.')[0]);
    await rejectsWith(third.verify(old.token), 'token_expired');
  });

  test('an EdDSA key of an older version signs until it rotates, verifies after; new keys are RS256', async () => {
    const rt = clock();
    const older = make(rt, 900, 'EdDSA');
    await older.init();
    const edToken = (await older.issue(user)).token;
    assert.equal(decodeProtectedHeader(edToken).alg, 'EdDSA');

    // This version starts on the older key: no early rotation (processes of the older version may still run
    // and could not read an RSA key), so it keeps signing with it.
    const upgraded = make(rt);
    await upgraded.init();
    assert.equal((await store.signingKeys.usable(0)).length, 1);
    const stillEd = (await upgraded.issue(user)).token;
    assert.equal(decodeProtectedHeader(stillEd).alg, 'EdDSA');
    assert.equal((await upgraded.verify(edToken)).userId, 'u-1');

    // The admin's rotation (or the schedule) makes an RS256 key; the EdDSA tokens verify until they expire.
    await upgraded.rotate();
    const rsToken = (await upgraded.issue(user)).token;
    assert.equal(decodeProtectedHeader(rsToken).alg, 'RS256');
    const fresh = make(rt);
    await fresh.init();
    assert.equal((await fresh.verify(edToken)).userId, 'u-1');
    assert.equal((await fresh.verify(rsToken)).userId, 'u-1');
    const [newest] = (await store.signingKeys.usable(0)).filter((k) => k.retiredAt === null);
    assert.equal(newest!.alg, 'RS256');
    assert.equal(JSON.parse(newest!.publicJwk).kty, 'RSA');
    assert.equal(Buffer.from(JSON.parse(newest!.publicJwk).n, 'base64url').length * 8, 2048);
  });

  test('a stored key of an algorithm this version does not know is skipped, not fatal', async () => {
    const rt = clock();
    const tokens = make(rt);
    await tokens.init();
    const before = (await tokens.issue(user)).token;
    // A newer version, mid-upgrade, made a key this one cannot read.
    await store.signingKeys.insert({
      kid: randomUUID(),
      alg: 'ML-DSA-65',
      privateJwk: '{"kty":"AKP"}',
      publicJwk: '{"kty":"AKP"}',
      createdAt: rt.now() + 1,
      retiredAt: null,
    });
    rt.advance(31_000);
    const again = make(rt);
    await again.init();
    assert.equal((await again.verify(before)).userId, 'u-1');
    assert.equal((await tokens.verify(before)).userId, 'u-1');
    assert.equal((await again.verify((await again.issue(user)).token)).userId, 'u-1');
  });
});

describe('signing keys at rest (issue 8)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ls-keys-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const kek = () => randomBytes(32);

  test('private keys are stored sealed; keys stored in clear before are sealed at start', async () => {
    const store = await openSqliteStore(path.join(dir, `${randomUUID()}.db`));
    try {
      const rt = clock();
      const opts = {
        keys: store.signingKeys,
        runtime: rt,
        accessTtlSec: 900,
        keyRotationDays: 30,
        issuer: 'i',
      };
      // An older version stored its key in clear.
      const old = new TokenService(opts);
      await old.init();
      const token = (await old.issue(user)).token;
      const [clear] = await store.signingKeys.usable(0);
      assert.match(clear!.privateJwk, /"d":/);

      const k = kek();
      const sealed = new TokenService({ ...opts, vault: new KeyVault(k) });
      await sealed.init();
      const [row] = await store.signingKeys.usable(0);
      assert.match(row!.privateJwk, /^enc:v1:/);
      assert.ok(!row!.privateJwk.includes('"d"'));
      // The same key still signs and verifies.
      assert.equal((await sealed.verify(token)).userId, user.id);
      assert.equal((await sealed.verify((await sealed.issue(user)).token)).userId, user.id);
      // A new key is sealed from the start.
      await sealed.rotate();
      for (const r of await store.signingKeys.usable(0)) assert.match(r.privateJwk, /^enc:v1:/);

      // Without the KEK, the stored keys are useless: the start fails with a clear message.
      await assert.rejects(
        new TokenService({ ...opts, vault: new KeyVault(kek()) }).init(),
        /not configured/,
      );
      // A KEK rotation: the old KEK opens, the new one re-seals at start.
      const k2 = kek();
      const rotated = new TokenService({ ...opts, vault: new KeyVault(k2, [k]) });
      await rotated.init();
      const onlyNew = new TokenService({ ...opts, vault: new KeyVault(k2) });
      await onlyNew.init();
      assert.equal((await onlyNew.verify((await onlyNew.issue(user)).token)).userId, user.id);
    } finally {
      await store.close();
    }
  });

  test('a sealed key cannot be moved to another row', () => {
    const v = new KeyVault(kek());
    const sealed = v.seal('secret', 'kid-a');
    assert.equal(v.open(sealed, 'kid-a'), 'secret');
    assert.throws(() => v.open(sealed, 'kid-b'));
  });

  test('a key retired by another process stops verifying once the TTL has passed', async () => {
    const store = await openSqliteStore(path.join(dir, `${randomUUID()}.db`));
    try {
      const rt = clock();
      const opts = {
        keys: store.signingKeys,
        runtime: rt,
        accessTtlSec: 60,
        keyRotationDays: 30,
        issuer: 'i',
      };
      const a = new TokenService(opts);
      const b = new TokenService(opts);
      await a.init();
      await b.init();
      const token = (await b.issue(user)).token;
      await a.rotate(); // process A retires the key B signs with
      rt.advance(59_000);
      assert.equal((await b.verify(token)).userId, user.id);
      // B reloads in the background at its next verify past the reload period, learning of the retirement.
      rt.advance(30_000);
      await b.verify((await a.issue(user)).token);
      // A token with an unknown kid waits for the (single-flight) reload: after it, B knows of the retirement.
      await rejectsWith(
        b.verify(`${b64({ alg: 'RS256', kid: randomUUID() })}.${b64({})}.x`),
        'token_invalid',
      );
      const fresh = await new SignJWT({ name: 'x', dn: 'x', adm: false })
        .setProtectedHeader({ alg: 'RS256', kid: decodeProtectedHeader(token).kid!, typ: 'JWT' })
        .setSubject(user.id)
        .setIssuer('i')
        .setAudience('lightstick')
        .setIssuedAt(Math.floor(rt.now() / 1000))
        .setExpirationTime(Math.floor(rt.now() / 1000) + 60)
        .sign(await retiredPrivateKey(store, a));
      await assert.rejects(
        b.verify(fresh),
        (e: unknown) => e instanceof AppError && e.code === 'token_invalid',
      );
    } finally {
      await store.close();
    }
  });
});

/** The private key of the retired (older) signing key, read from the store (stored in clear: no vault). */
async function retiredPrivateKey(store: Store, _a: TokenService): Promise<CryptoKey> {
  const keys = await store.signingKeys.usable(0);
  const retired = keys.find((k) => k.retiredAt !== null)!;
  return (await importJWK(JSON.parse(retired.privateJwk) as JWK, retired.alg)) as CryptoKey;
}
