/**
 * What the three cloud harnesses share: a log capture, fake publishers, a signing key, checks on a signed
 * token, and HMAC-signed deliveries made as the providers make them (not with the adapters' code).
 */
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Writable } from 'node:stream';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { pino, type Logger } from 'pino';
import { REDACT_PATHS } from '../../../src/observability/logger.ts';
import type { WebhookDelivery } from '../../../src/lives/providers/stream-provider.ts';
import type { FakePublish } from './fake-http.ts';
import type { Publisher } from '../../conformance/stream-provider.suite.ts';

export interface LogCapture {
  logger: Logger;
  text(): string;
}

/** A logger configured as in production (redaction included) that keeps every line for the test to read. */
export function captureLogs(): LogCapture {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
  return { logger, text: () => lines.join('') };
}

/** A fake encoder's publish as the suite's Publisher. */
export function fakePublisher(pub: FakePublish | undefined, end: (p: FakePublish) => void): Publisher {
  return {
    accepted: pub !== undefined,
    active: async () => pub?.active === true,
    stop: async () => {
      if (pub?.active) {
        pub.active = false;
        end(pub);
      }
    },
  };
}

/** The token in `url`'s query, or undefined. */
export const queryToken = (url: string): string | undefined =>
  new URL(url).searchParams.get('token') ?? undefined;

let rsaKeys: { privateKey: KeyObject; publicKey: KeyObject } | undefined;

/** A provider signing key pair: one per test process (making a 2048-bit RSA key costs more than a test). */
export function rsaSigningKeys(): {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  base64Pem: string;
} {
  rsaKeys ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { privateKey, publicKey } = rsaKeys;
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    // Mux and Cloudflare both hand out the private key as base64 of a PKCS#1 PEM.
    base64Pem: Buffer.from(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()).toString('base64'),
  };
}

/**
 * Whether `token` is an RS256 JWT that the provider would accept at `at` (ms): signed by the key, `kid` in
 * the header and the claims, the expected subject (and audience), not expired.
 */
export async function rs256Accepted(
  token: string,
  key: { publicKeyPem: string; kid: string },
  expect: { subject: string; audience?: string; at: number },
): Promise<boolean> {
  try {
    if (decodeProtectedHeader(token).kid !== key.kid) return false;
    const { payload } = await jwtVerify(token, await importSPKI(key.publicKeyPem, 'RS256'), {
      algorithms: ['RS256'],
      subject: expect.subject,
      ...(expect.audience !== undefined ? { audience: expect.audience } : {}),
      currentDate: new Date(expect.at),
    });
    return payload.kid === key.kid && typeof payload.exp === 'number';
  } catch {
    return false;
  }
}

/** A delivery signed `<header>: <timeKey>=<t>,<sigKey>=hex(HMAC-SHA256(secret, "<t>.<body>"))`. */
export function hmacDelivery(
  body: string,
  scheme: { header: string; timeKey: string; sigKey: string },
  secret: string,
  opts: { t?: number; receivedAt?: number } = {},
): WebhookDelivery {
  const t = opts.t ?? Math.floor(Date.now() / 1000);
  const sig = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return {
    headers: {
      [scheme.header]: `${scheme.timeKey}=${t},${scheme.sigKey}=${sig}`,
      'content-type': 'application/json',
    },
    body: Buffer.from(body),
    receivedAt: opts.receivedAt ?? Date.now(),
  };
}
