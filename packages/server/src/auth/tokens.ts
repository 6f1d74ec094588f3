/**
 * Access tokens: short-lived RS256 (RSA 2048, PKCS #1 v1.5, SHA-256) JWTs. Keys live in the signing_keys table
 * so every process verifies what any process signed; the private JWK never leaves the server and is stored
 * sealed under the key-encryption key from configuration (auth/key-vault.ts). A retired key stops signing at
 * once and stops verifying once the access TTL has passed since its retirement, in every process: keys are
 * reloaded from the store at least every RELOAD_PERIOD_MS, so a rotation made elsewhere is seen without waiting
 * for an unknown kid.
 *
 * Why RSA: a token is signed once (login, refresh: the api) and verified on every gateway the fan connects to,
 * a storm's survivors verifying thousands at once. An RSA signature checks in about a fifth of an Ed25519 one's
 * CPU (OpenSSL here: 29 µs against 139 µs; a first check through this service, auth/jwt-check.ts, 81 µs against
 * EdDSA's 285) and costs ~0.45 ms more to make (docs/benchmarks.md, stop 46). A key made before (EdDSA) signs until its rotation (see init) and verifies
 * as any retired key does. The key's own algorithm, stored with it, is the only one a token under its kid may
 * use, whatever the token's header says (no algorithm confusion).
 */
import { createPublicKey } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { checkJwt, invalid as invalidToken, type CheckKey } from './jwt-check.ts';
import type { Runtime } from '../runtime.ts';
import type { SigningKeyRecord, SigningKeysRepo } from '../storage/repositories.ts';
import type { Principal, TokenVerifier } from './principal.ts';
import { KeyVault } from './key-vault.ts';

export const TOKEN_AUDIENCE = 'lightstick';
/** The algorithm new keys sign with. */
export const SIGNING_ALG = 'RS256';
/** Every algorithm a stored key may have: RS256, and EdDSA for keys made before stop 46. */
const KEY_ALGS = ['RS256', 'EdDSA'] as const;
export type KeyAlg = (typeof KEY_ALGS)[number];
const RSA_MODULUS_BITS = 2048;
const DAY_MS = 86_400_000;
/** Unknown kids reload keys from the store at most this often (another process may have rotated). */
const RELOAD_EVERY_MS = 1000;
/** Keys are reloaded in the background at least this often (retirements made by other processes). */
const RELOAD_PERIOD_MS = 30_000;
const KID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TokenServiceOptions {
  keys: SigningKeysRepo;
  runtime: Runtime;
  accessTtlSec: number;
  keyRotationDays: number;
  issuer: string;
  /** Seals private keys at rest; default: none (keys stored in clear, as before issue 8). */
  vault?: KeyVault;
  /** What new keys sign with (default SIGNING_ALG); another value only to reproduce older versions' keys. */
  signingAlg?: KeyAlg;
}

/** What goes into an access token. */
export interface TokenSubject {
  id: string;
  name: string;
  displayName: string;
  admin: boolean;
}

export class TokenService implements TokenVerifier {
  private signer: { kid: string; alg: KeyAlg; key: CryptoKey; createdAt: number } | undefined;
  private verifiers = new Map<string, CheckKey & { retiredAt: number | null }>();
  private readonly vault: KeyVault;
  private lastReload = -Infinity;
  private reloading: Promise<void> | undefined;

  constructor(private readonly opts: TokenServiceOptions) {
    this.vault = opts.vault ?? new KeyVault(undefined);
  }

  /**
   * Seals every stored private key under the current key-encryption key (keys stored in clear before, or
   * under a previous KEK), loads usable keys, and makes a first key or rotates one older than keyRotationDays.
   * A key of an older version's algorithm (EdDSA) is not rotated early: during a rolling upgrade, processes of
   * that version still run and cannot read an RSA key. It rotates on its schedule, or when an admin rotates
   * once every process runs this version (POST /api/admin/keys/rotate).
   */
  async init(): Promise<void> {
    await this.resealAll();
    await this.reload();
    const age = this.signer ? this.opts.runtime.now() - this.signer.createdAt : Infinity;
    if (age >= this.opts.keyRotationDays * DAY_MS) await this.rotate();
  }

  /** Makes a new signing key and retires the previous one. Returns the new kid. */
  async rotate(): Promise<string> {
    const now = this.opts.runtime.now();
    const alg = this.alg();
    const { privateKey, publicKey } = await generateKeyPair(alg, {
      extractable: true,
      modulusLength: RSA_MODULUS_BITS,
    });
    const record: SigningKeyRecord = {
      kid: this.opts.runtime.id(),
      alg,
      privateJwk: '',
      publicJwk: JSON.stringify(await exportJWK(publicKey)),
      createdAt: now,
      retiredAt: null,
    };
    record.privateJwk = this.vault.seal(JSON.stringify(await exportJWK(privateKey)), record.kid);
    // Insert before retiring, so some key can always sign and verify.
    await this.opts.keys.insert(record);
    const previous = await this.opts.keys.usable(now - this.ttlMs());
    for (const k of previous)
      if (k.kid !== record.kid && k.retiredAt === null) await this.opts.keys.retire(k.kid, now);
    this.signer = { kid: record.kid, alg, key: privateKey, createdAt: now };
    for (const v of this.verifiers.values()) if (v.retiredAt === null) v.retiredAt = now;
    this.verifiers.set(record.kid, { ...(await checkKey(record.publicJwk, alg)), retiredAt: null });
    return record.kid;
  }

  /**
   * `sessionId`: the sign-in (refresh family) the token belongs to, checked against revoked sign-ins.
   * `expiresIn` is the token's lifetime in seconds (exp - iat), as OAuth's `expires_in` means it.
   */
  async issue(
    user: TokenSubject,
    sessionId?: string,
  ): Promise<{ token: string; expiresAt: number; expiresIn: number }> {
    if (!this.signer) throw new Error('TokenService.init() was not called');
    const iat = Math.floor(this.opts.runtime.now() / 1000);
    // exp - iat is never past the configured TTL.
    const exp = iat + this.opts.accessTtlSec;
    const claims: Record<string, unknown> = { name: user.name, dn: user.displayName, adm: user.admin };
    if (sessionId !== undefined) claims['sid'] = sessionId;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: this.signer.alg, kid: this.signer.kid, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.opts.issuer)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.signer.key);
    return { token, expiresAt: exp * 1000, expiresIn: exp - iat };
  }

  async verify(token: string): Promise<Principal> {
    const key = await this.keyFor(token);
    const payload = await checkJwt(token, key, {
      issuer: this.opts.issuer,
      audience: TOKEN_AUDIENCE,
      now: this.opts.runtime.now(),
    });
    const { sub, name, dn, adm, exp, iat, sid } = payload;
    if (
      typeof sub !== 'string' ||
      typeof exp !== 'number' ||
      typeof name !== 'string' ||
      typeof dn !== 'string' ||
      typeof adm !== 'boolean' ||
      (sid !== undefined && typeof sid !== 'string') ||
      // A token living longer than the configured TTL was not made by this configuration.
      (typeof iat === 'number' && exp - iat > this.opts.accessTtlSec)
    ) {
      throw invalidToken();
    }
    const principal: Principal = {
      userId: sub,
      name,
      displayName: dn,
      admin: adm,
      expiresAt: exp * 1000,
    };
    if (typeof sid === 'string') principal.sessionId = sid;
    return principal;
  }

  private async keyFor(token: string): Promise<CheckKey> {
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw invalidToken();
    }
    if (typeof kid !== 'string' || !KID.test(kid)) throw invalidToken();
    const now = this.opts.runtime.now();
    let v = this.verifiers.get(kid);
    if (!v && now - this.lastReload >= RELOAD_EVERY_MS) {
      await this.reload();
      v = this.verifiers.get(kid);
    } else if (now - this.lastReload >= RELOAD_PERIOD_MS) {
      // Learn of retirements made by other processes; the store being down must not fail a verify.
      this.reload().catch(() => {});
    }
    if (!v) throw invalidToken();
    // A retired key verifies only while a token it signed can still be valid.
    if (v.retiredAt !== null && v.retiredAt + this.ttlMs() <= now) throw invalidToken();
    return v;
  }

  private async resealAll(): Promise<void> {
    for (const r of await this.opts.keys.usable(0)) {
      if (this.vault.isCurrent(r.privateJwk)) continue;
      const plain = this.vault.open(r.privateJwk, r.kid);
      await this.opts.keys.setPrivate(r.kid, this.vault.seal(plain, r.kid));
    }
  }

  /** Reloads keys from the store (single flight): verifiers for all usable keys, signer = newest unretired. */
  private reload(): Promise<void> {
    this.reloading ??= this.load().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async load(): Promise<void> {
    const now = this.opts.runtime.now();
    this.lastReload = now;
    const records = await this.opts.keys.usable(now - this.ttlMs());
    const verifiers: typeof this.verifiers = new Map();
    let signer: typeof this.signer;
    for (const r of records) {
      const alg = KEY_ALGS.find((a) => a === r.alg);
      // A key of an algorithm this version does not know (made by a newer one, mid-upgrade) verifies nothing here.
      if (alg === undefined) continue;
      verifiers.set(r.kid, { ...(await checkKey(r.publicJwk, alg)), retiredAt: r.retiredAt });
      if (!signer && r.retiredAt === null) {
        const privateJwk = this.vault.open(r.privateJwk, r.kid);
        signer = { kid: r.kid, alg, key: await importKey(privateJwk, alg), createdAt: r.createdAt };
      }
    }
    this.verifiers = verifiers;
    if (signer) this.signer = signer;
  }

  private ttlMs(): number {
    return this.opts.accessTtlSec * 1000;
  }

  private alg(): KeyAlg {
    return this.opts.signingAlg ?? SIGNING_ALG;
  }
}

async function importKey(jwk: string, alg: KeyAlg): Promise<CryptoKey> {
  return (await importJWK(JSON.parse(jwk) as JWK, alg)) as CryptoKey;
}

/** A public key as jwt-check.ts checks with it: a KeyObject for RS256, jose's CryptoKey for EdDSA. */
async function checkKey(publicJwk: string, alg: KeyAlg): Promise<CheckKey> {
  if (alg === 'RS256')
    return { alg, key: createPublicKey({ key: JSON.parse(publicJwk) as JWK, format: 'jwk' }) };
  return { alg, key: await importKey(publicJwk, alg) };
}
