/**
 * Amazon SNS HTTPS deliveries: the message signature (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA over
 * the documented `Key\nValue\n` string), the signing certificate fetched from SigningCertURL only when that
 * URL is https, ends in .pem and its host matches the allowed pattern (sns.<region>.amazonaws.com), and the
 * SubscriptionConfirmation handshake (a GET of SubscribeURL, same host rule).
 *
 * Written here rather than with `sns-validator` or `sns-payload-validator`: both fetch the certificate with
 * the process-wide HTTPS agent, no deadline and no size bound (a slow certificate host would hold webhook
 * requests open), and one of them cannot change the host pattern; the algorithm itself is short and
 * documented by AWS.
 */
import { verify, X509Certificate, type KeyObject } from 'node:crypto';
import { get, type Agent } from 'node:https';
import { AppError } from '../../../errors.ts';

export interface SnsMessage {
  Type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
  Subject?: string;
  SubscribeURL?: string;
  Token?: string;
}

const TYPES = new Set(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']);
const NOTIFICATION_KEYS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const CONFIRMATION_KEYS = [
  'Message',
  'MessageId',
  'SubscribeURL',
  'Timestamp',
  'Token',
  'TopicArn',
  'Type',
] as const;
const MAX_CERT_BYTES = 64 * 1024;
const MAX_CACHED_CERTS = 32;

/** The SNS fields checked for shape; AppError('bad_request') when one is missing or not text. */
export function asSnsMessage(body: Record<string, unknown>): SnsMessage {
  const need = [
    'Type',
    'MessageId',
    'TopicArn',
    'Message',
    'Timestamp',
    'SignatureVersion',
    'Signature',
    'SigningCertURL',
  ];
  for (const k of need) {
    if (typeof body[k] !== 'string') throw new AppError('bad_request', `The SNS message has no ${k}`);
  }
  if (!TYPES.has(body.Type as string)) throw new AppError('bad_request', 'Unknown SNS message type');
  if (
    body.Type !== 'Notification' &&
    (typeof body.SubscribeURL !== 'string' || typeof body.Token !== 'string')
  ) {
    throw new AppError('bad_request', 'The SNS confirmation has no SubscribeURL or Token');
  }
  return body as unknown as SnsMessage;
}

/** The exact text AWS signs, per message type. */
export function snsStringToSign(m: SnsMessage): string {
  const keys = m.Type === 'Notification' ? NOTIFICATION_KEYS : CONFIRMATION_KEYS;
  let out = '';
  for (const k of keys) {
    const v = m[k];
    if (v !== undefined) out += `${k}\n${v}\n`;
  }
  return out;
}

export interface SnsVerifierOptions {
  /** Hosts (hostname only) that certificates and subscription URLs may come from. */
  allowedHost: RegExp;
  timeoutMs: number;
  /** HTTPS agent for certificate and subscription requests (tests give one trusting their own CA). */
  agent?: Agent;
  now(): number;
}

export class SnsVerifier {
  private readonly certs = new Map<string, KeyObject>();

  constructor(private readonly opts: SnsVerifierOptions) {}

  /** Throws AppError('forbidden') unless the message is signed by a certificate from an allowed SNS host. */
  async verify(m: SnsMessage): Promise<void> {
    const algorithm = m.SignatureVersion === '1' ? 'sha1' : m.SignatureVersion === '2' ? 'sha256' : undefined;
    if (algorithm === undefined) throw new AppError('forbidden', 'Unsupported SNS SignatureVersion');
    const url = this.allowedUrl(m.SigningCertURL, '.pem');
    if (url === undefined) throw new AppError('forbidden', 'The SNS signing certificate host is not allowed');
    const key = await this.certificate(url);
    const ok = verify(
      algorithm,
      Buffer.from(snsStringToSign(m), 'utf8'),
      key,
      Buffer.from(m.Signature, 'base64'),
    );
    if (!ok) throw new AppError('forbidden', 'The SNS signature does not match');
  }

  /** Confirms a subscription by visiting its SubscribeURL (only on an allowed host). */
  async confirm(m: SnsMessage): Promise<void> {
    const url = this.allowedUrl(m.SubscribeURL ?? '', undefined);
    if (url === undefined) throw new AppError('forbidden', 'The SNS SubscribeURL host is not allowed');
    const res = await this.fetch(url, 16 * 1024);
    if (res.status !== 200) {
      throw new AppError('provider_error', `SNS answered ${res.status} to the subscription confirmation`);
    }
  }

  private allowedUrl(raw: string, suffix: string | undefined): URL | undefined {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return undefined;
    }
    if (u.protocol !== 'https:' || u.username !== '' || u.password !== '') return undefined;
    if (!this.opts.allowedHost.test(u.hostname)) return undefined;
    if (suffix !== undefined && !u.pathname.endsWith(suffix)) return undefined;
    return u;
  }

  private async certificate(url: URL): Promise<KeyObject> {
    const cached = this.certs.get(url.href);
    if (cached) return cached;
    const res = await this.fetch(url, MAX_CERT_BYTES);
    if (res.status !== 200) {
      throw new AppError(
        'provider_error',
        `SNS answered ${res.status} for its signing certificate; retry later`,
      );
    }
    let key: KeyObject;
    try {
      const cert = new X509Certificate(res.body);
      const now = this.opts.now();
      if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now) {
        throw new Error('expired');
      }
      key = cert.publicKey;
    } catch {
      throw new AppError('forbidden', 'The SNS signing certificate is not valid');
    }
    if (this.certs.size >= MAX_CACHED_CERTS) this.certs.delete(this.certs.keys().next().value as string);
    this.certs.set(url.href, key);
    return key;
  }

  private fetch(url: URL, maxBytes: number): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const fail = (): void =>
        reject(new AppError('provider_error', 'The SNS host did not answer; retry later'));
      // One deadline for the whole exchange (a host dripping bytes cannot hold the webhook open) and a bound
      // on the size of what it sends.
      const req = get(url, {
        timeout: this.opts.timeoutMs,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        ...(this.opts.agent ? { agent: this.opts.agent } : {}),
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', fail);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) req.destroy(new Error('too large'));
          else chunks.push(c);
        });
        res.on('error', fail);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      });
    });
  }
}
