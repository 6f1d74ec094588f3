/**
 * Access tokens: short-lived EdDSA (Ed25519) JWTs. Keys live in the signing_keys table so every process
 * verifies what any process signed; the private JWK never leaves the server. A retired key stops signing
 * but still verifies until the tokens it signed have expired.
 */
import {
  SignJWT,
  decodeProtectedHeader,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
} from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { AppError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { SigningKeyRecord, SigningKeysRepo } from '../storage/repositories.ts';
import type { Principal, TokenVerifier } from './principal.ts';

export const TOKEN_AUDIENCE = 'lightstick';
const ALG = 'EdDSA';
const DAY_MS = 86_400_000;
/** Unknown kids reload keys from the store at most this often (another process may have rotated). */
const RELOAD_EVERY_MS = 1000;
const KID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TokenServiceOptions {
  keys: SigningKeysRepo;
  runtime: Runtime;
  accessTtlSec: number;
  keyRotationDays: number;
  issuer: string;
}

/** What goes into an access token. */
export interface TokenSubject {
  id: string;
  name: string;
  displayName: string;
  admin: boolean;
}

export class TokenService implements TokenVerifier {
  private signer: { kid: string; key: CryptoKey; createdAt: number } | undefined;
  private verifiers = new Map<string, CryptoKey>();
  private lastReload = -Infinity;
  private reloading: Promise<void> | undefined;

  constructor(private readonly opts: TokenServiceOptions) {}

  /** Loads usable keys; makes a first key, or rotates one older than keyRotationDays. */
  async init(): Promise<void> {
    await this.reload();
    const age = this.signer ? this.opts.runtime.now() - this.signer.createdAt : Infinity;
    if (age >= this.opts.keyRotationDays * DAY_MS) await this.rotate();
  }

  /** Makes a new signing key and retires the previous one. Returns the new kid. */
  async rotate(): Promise<string> {
    const now = this.opts.runtime.now();
    const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
    const record: SigningKeyRecord = {
      kid: this.opts.runtime.id(),
      alg: ALG,
      privateJwk: JSON.stringify(await exportJWK(privateKey)),
      publicJwk: JSON.stringify(await exportJWK(publicKey)),
      createdAt: now,
      retiredAt: null,
    };
    // Insert before retiring, so some key can always sign and verify.
    await this.opts.keys.insert(record);
    const previous = await this.opts.keys.usable(now - this.ttlMs());
    for (const k of previous)
      if (k.kid !== record.kid && k.retiredAt === null) await this.opts.keys.retire(k.kid, now);
    this.signer = { kid: record.kid, key: privateKey, createdAt: now };
    this.verifiers.set(record.kid, publicKey);
    return record.kid;
  }

  async issue(user: TokenSubject): Promise<{ token: string; expiresAt: number }> {
    if (!this.signer) throw new Error('TokenService.init() was not called');
    const iat = Math.floor(this.opts.runtime.now() / 1000);
    const exp = iat + this.opts.accessTtlSec;
    const token = await new SignJWT({ name: user.name, dn: user.displayName, adm: user.admin })
      .setProtectedHeader({ alg: ALG, kid: this.signer.kid, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.opts.issuer)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.signer.key);
    return { token, expiresAt: exp * 1000 };
  }

  async verify(token: string): Promise<Principal> {
    const key = await this.keyFor(token);
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [ALG],
        issuer: this.opts.issuer,
        audience: TOKEN_AUDIENCE,
        currentDate: new Date(this.opts.runtime.now()),
        requiredClaims: ['sub', 'exp'],
      });
      const { sub, name, dn, adm, exp } = payload;
      if (
        typeof sub !== 'string' ||
        typeof name !== 'string' ||
        typeof dn !== 'string' ||
        typeof adm !== 'boolean'
      ) {
        throw invalidToken();
      }
      return { userId: sub, name, displayName: dn, admin: adm, expiresAt: (exp as number) * 1000 };
    } catch (e) {
      if (e instanceof errors.JWTExpired) throw new AppError('token_expired', 'The access token has expired');
      if (e instanceof AppError) throw e;
      throw invalidToken();
    }
  }

  private async keyFor(token: string): Promise<CryptoKey> {
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw invalidToken();
    }
    if (typeof kid !== 'string' || !KID.test(kid)) throw invalidToken();
    let key = this.verifiers.get(kid);
    if (!key && this.opts.runtime.now() - this.lastReload >= RELOAD_EVERY_MS) {
      await this.reload();
      key = this.verifiers.get(kid);
    }
    if (!key) throw invalidToken();
    return key;
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
    const verifiers = new Map<string, CryptoKey>();
    let signer: typeof this.signer;
    for (const r of records) {
      verifiers.set(r.kid, await importKey(r.publicJwk));
      if (!signer && r.retiredAt === null) {
        signer = { kid: r.kid, key: await importKey(r.privateJwk), createdAt: r.createdAt };
      }
    }
    this.verifiers = verifiers;
    if (signer) this.signer = signer;
  }

  private ttlMs(): number {
    return this.opts.accessTtlSec * 1000;
  }
}

async function importKey(jwk: string): Promise<CryptoKey> {
  return (await importJWK(JSON.parse(jwk) as JWK, ALG)) as CryptoKey;
}

function invalidToken(): AppError {
  return new AppError('token_invalid', 'The access token is not valid');
}
