/**
 * Checks an access token's signature, issuer, audience and expiry against one stored key, in that key's own
 * algorithm (the token's header may not choose it). Returns the claims; throws token_expired or token_invalid.
 *
 * Why two libraries: RS256, the algorithm new keys have, is checked with jsonwebtoken, synchronously with
 * node:crypto on a KeyObject: ~45 µs of CPU a token here, where jose, which checks with WebCrypto (one trip to
 * libuv's threads and back per token), took 175-230 µs for the same tokens (docs/benchmarks.md, stop 46). Every
 * fan's first join on a gateway pays it, and a dying gateway's fans arrive on the survivors together. EdDSA,
 * the algorithm of keys made by versions before, stays with jose (jsonwebtoken 9 has none); that branch can go
 * once no such key is left to verify (keyRotationDays plus the access TTL after the upgrade).
 * jsonwebtoken is imported on the first RS256 check, so a gateway with no connection has not loaded it.
 */
import type { KeyObject } from 'node:crypto';
import { errors, jwtVerify } from 'jose';
import type { CryptoKey } from 'jose';
import type JsonWebToken from 'jsonwebtoken';
import { AppError } from '../errors.ts';

/** A stored key, ready to check tokens with. */
export type CheckKey = { alg: 'RS256'; key: KeyObject } | { alg: 'EdDSA'; key: CryptoKey };

export interface CheckExpect {
  issuer: string;
  audience: string;
  /** The clock's time, in milliseconds. */
  now: number;
}

let jsonwebtoken: Promise<typeof JsonWebToken> | undefined;
function rsaChecker(): Promise<typeof JsonWebToken> {
  jsonwebtoken ??= import('jsonwebtoken').then((m) => m.default);
  return jsonwebtoken;
}

export async function checkJwt(
  token: string,
  k: CheckKey,
  expect: CheckExpect,
): Promise<Record<string, unknown>> {
  if (k.alg === 'EdDSA') {
    try {
      const { payload } = await jwtVerify(token, k.key, {
        algorithms: [k.alg],
        issuer: expect.issuer,
        audience: expect.audience,
        currentDate: new Date(expect.now),
        requiredClaims: ['sub', 'exp'],
      });
      return payload;
    } catch (e) {
      throw e instanceof errors.JWTExpired ? expired() : invalid();
    }
  }
  const jwt = await rsaChecker();
  let payload: unknown;
  try {
    payload = jwt.verify(token, k.key, {
      algorithms: [k.alg],
      issuer: expect.issuer,
      audience: expect.audience,
      clockTimestamp: Math.floor(expect.now / 1000),
    });
  } catch (e) {
    throw e instanceof jwt.TokenExpiredError ? expired() : invalid();
  }
  // A token whose payload is not a JSON object (jsonwebtoken then answers a string); the claims' types are
  // checked by the caller (auth/tokens.ts).
  if (typeof payload !== 'object' || payload === null) throw invalid();
  return payload as Record<string, unknown>;
}

function expired(): AppError {
  return new AppError('token_expired', 'The access token has expired');
}

export function invalid(): AppError {
  return new AppError('token_invalid', 'The access token is not valid');
}
