/**
 * A local stand-in for Amazon SNS's side of an HTTPS subscription: an HTTPS server (its own self-signed TLS
 * certificate, trusted through `agent`) that serves the signing certificate at a SimpleNotificationService
 * .pem path and counts visits to the SubscribeURL, and a signer that makes SNS messages exactly as AWS
 * documents them (the `Key\nValue\n` string per message type, SHA1withRSA for SignatureVersion 1,
 * SHA256withRSA for 2). The string to sign is built here on its own, not with the adapter's code.
 */
import { randomUUID, sign } from 'node:crypto';
import { createServer, Agent, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as selfsigned from 'selfsigned';

interface Pems {
  private: string;
  cert: string;
}

let tls: Promise<Pems> | undefined;
let signing: Promise<Pems> | undefined;
const ipCert = (): Promise<Pems> =>
  selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
const snsCert = (): Promise<Pems> =>
  selfsigned.generate([{ name: 'commonName', value: 'sns.amazonaws.com' }], {
    keySize: 2048,
    algorithm: 'sha256',
  });

export interface FakeSns {
  /** Allowed-host pattern the adapter is configured with (the fake's hostname). */
  hostPattern: RegExp;
  /** HTTPS agent trusting the fake's TLS certificate. */
  agent: Agent;
  topicArn: string;
  certUrl: string;
  /** How many times a SubscribeURL was visited. */
  confirmations(): number;
  /** A signed Notification carrying `message` (JSON text), as SNS posts it. */
  notification(message: string, opts?: SignOpts): Record<string, string>;
  /** A signed SubscriptionConfirmation. */
  subscriptionConfirmation(opts?: SignOpts): Record<string, string>;
  close(): Promise<void>;
}

export interface SignOpts {
  version?: '1' | '2';
  /** Timestamp of the message (ms); default now. */
  at?: number;
  topicArn?: string;
  certUrl?: string;
  subject?: string;
}

export async function startFakeSns(): Promise<FakeSns> {
  tls ??= ipCert();
  signing ??= snsCert();
  const [tlsPems, signPems] = await Promise.all([tls, signing]);
  let visits = 0;
  const server: Server = createServer({ key: tlsPems.private, cert: tlsPems.cert }, (req, res) => {
    if (req.url?.startsWith('/SimpleNotificationService-') && req.url.endsWith('.pem')) {
      res.writeHead(200, { 'content-type': 'application/x-x509-ca-cert' });
      res.end(signPems.cert);
    } else if (req.url?.startsWith('/?Action=ConfirmSubscription')) {
      visits++;
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end('<ConfirmSubscriptionResponse/>');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `https://127.0.0.1:${port}`;
  const topicArn = `arn:aws:sns:us-west-2:123456789012:lightstick-ivs-${randomUUID().slice(0, 8)}`;
  const certUrl = `${base}/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem`;

  const signed = (fields: Record<string, string>, keys: string[], opts: SignOpts): Record<string, string> => {
    const version = opts.version ?? '2';
    let text = '';
    for (const k of keys) if (fields[k] !== undefined) text += `${k}\n${fields[k]}\n`;
    const signature = sign(version === '1' ? 'sha1' : 'sha256', Buffer.from(text), signPems.private).toString(
      'base64',
    );
    return {
      ...fields,
      SignatureVersion: version,
      Signature: signature,
      SigningCertURL: opts.certUrl ?? certUrl,
    };
  };
  const common = (type: string, opts: SignOpts) => ({
    Type: type,
    MessageId: randomUUID(),
    TopicArn: opts.topicArn ?? topicArn,
    Timestamp: new Date(opts.at ?? Date.now()).toISOString(),
  });
  return {
    hostPattern: /^127\.0\.0\.1$/,
    agent: new Agent({ ca: tlsPems.cert }),
    topicArn,
    certUrl,
    confirmations: () => visits,
    notification: (message, opts = {}) =>
      signed(
        {
          ...common('Notification', opts),
          Message: message,
          ...(opts.subject ? { Subject: opts.subject } : {}),
        },
        ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
        opts,
      ),
    subscriptionConfirmation: (opts = {}) => {
      const token = randomUUID().replace(/-/g, '');
      return signed(
        {
          ...common('SubscriptionConfirmation', opts),
          Message: 'You have chosen to subscribe to the topic. To confirm, visit the SubscribeURL.',
          Token: token,
          SubscribeURL: `${base}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(opts.topicArn ?? topicArn)}&Token=${token}`,
        },
        ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
        opts,
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
