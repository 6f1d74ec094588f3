/**
 * Checks an AWS Signature Version 4 on a request the fake received, by signing the same request again with
 * @smithy/signature-v4 and the credentials the test configured: a signature made with any other secret, or
 * over another body, does not match.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SeenRequest } from './fake-http.ts';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData): Buffer =>
  typeof d === 'string'
    ? Buffer.from(d, 'utf8')
    : ArrayBuffer.isView(d)
      ? Buffer.from(d.buffer, d.byteOffset, d.byteLength)
      : Buffer.from(d);

class NodeSha256 {
  private h: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.h = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {
    this.h = this.fresh();
  }
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

/** A problem text, or undefined when the request carries a valid SigV4 signature for these credentials. */
export async function sigv4Problem(
  req: SeenRequest,
  creds: { accessKeyId: string; secretAccessKey: string },
  region: string,
  service: string,
): Promise<string | undefined> {
  const auth = req.headers.authorization;
  const m = typeof auth === 'string' ? AUTH.exec(auth) : null;
  if (!m) return 'no SigV4 Authorization header';
  const [, keyId, , scopeRegion, scopeService, signedHeaders] = m;
  if (keyId !== creds.accessKeyId) return `signed with access key ${keyId}`;
  if (scopeRegion !== region || scopeService !== service)
    return `credential scope ${scopeRegion}/${scopeService}`;
  const amzDate = req.headers['x-amz-date'];
  if (typeof amzDate !== 'string') return 'no x-amz-date';
  const headers: Record<string, string> = {};
  for (const name of (signedHeaders ?? '').split(';')) {
    const v = req.headers[name];
    if (typeof v !== 'string') return `signed header ${name} missing`;
    headers[name] = v;
  }
  const [hostname, port] = (headers.host ?? '').split(':');
  const signer = new SignatureV4({ credentials: creds, region, service, sha256: NodeSha256 });
  const date = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname: hostname ?? '',
      ...(port !== undefined ? { port: Number(port) } : {}),
      path: req.path,
      query: {},
      headers,
      body: req.body,
    },
    { signingDate: date },
  );
  return signed.headers.authorization === auth ? undefined : 'SigV4 signature does not match';
}
