/**
 * Cloud video providers' configuration (Amazon IVS, Mux, Cloudflare Stream) from environment variables.
 * Each provider's block is undefined while its credentials are unset, so that provider is not offered; a
 * half-configured provider (an id without its secret) is a ConfigError naming the missing variable.
 * Every variable is listed in docs/configuration.md; what to set up at each provider is in docs/video.md.
 * Secrets held here are never logged: nothing logs the Config, and the adapters keep them out of errors.
 */
import { createPrivateKey } from 'node:crypto';
import { ConfigError } from './load.ts';

type Env = Record<string, string | undefined>;

export interface IvsConfig {
  region: string;
  /** Static credentials; both unset: the AWS SDK's default chain (instance or pod role, AWS_* variables). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Another API endpoint (a VPC endpoint, or a local fake in tests). */
  endpoint: string | undefined;
  /** ES384 private key (PEM) that signs members-only playback tokens; unset: members-only lives refused. */
  playbackPrivateKey: string | undefined;
  /** ARN of the key pair already imported into IVS; unset: the public half is imported on first need. */
  playbackKeyPairArn: string | undefined;
  /** `aws:access-control-allow-origin` of playback tokens (the web app's origin), default `*`. */
  playbackOrigin: string;
  /** SNS topics whose notifications are accepted; empty: SNS deliveries are refused. */
  snsTopicArns: string[];
  /** Hosts the SNS signing certificate and subscription URLs may come from. */
  snsCertHost: RegExp;
  /** EventBridge API-destination deliveries: the header name and its shared secret; unset: refused. */
  eventsHeader: string;
  eventsSecret: string | undefined;
}

export interface MuxConfig {
  tokenId: string;
  tokenSecret: string;
  /** Base URL of the Mux API (tests point it at a local fake). */
  apiUrl: string;
  /** RTMPS ingest URL given to publishers. */
  ingestUrl: string;
  /** Playback host: `${streamUrl}/${playbackId}.m3u8`. */
  streamUrl: string;
  /** Secret of the webhook (Settings -> Webhooks); unset: every delivery is refused. */
  webhookSecret: string | undefined;
  /** URL signing key (id and base64 PEM, as Mux gives them); unset: members-only lives refused. */
  signingKeyId: string | undefined;
  signingKeyPrivate: string | undefined;
}

export interface CloudflareConfig {
  accountId: string;
  apiToken: string;
  apiUrl: string;
  /** customer-<code>.cloudflarestream.com: the host of every playback URL. */
  customerSubdomain: string;
  /** Stream webhook secret (`Webhook-Signature`); unset: such deliveries are refused. */
  webhookSecret: string | undefined;
  /** Notifications webhook destination secret (`cf-webhook-auth`); unset: live input notifications refused. */
  notificationSecret: string | undefined;
  /** Stream signing key (id and base64 PEM, as the keys API gives them); unset: members-only lives refused. */
  signingKeyId: string | undefined;
  signingKeyPem: string | undefined;
}

export interface VideoConfig {
  /** Webhook deliveries whose signed timestamp is further than this from the receive time are refused. */
  eventToleranceMs: number;
  /** Deadline of one provider API call (and of fetching an SNS signing certificate). */
  apiTimeoutMs: number;
  ivs: IvsConfig | undefined;
  mux: MuxConfig | undefined;
  cloudflare: CloudflareConfig | undefined;
}

const DEFAULT_SNS_HOST = '^sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$';

const str = (env: Env, name: string): string | undefined => {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
};

function needBoth(env: Env, a: string, b: string): [string, string] | undefined {
  const va = str(env, a);
  const vb = str(env, b);
  if (va === undefined && vb === undefined) return undefined;
  if (va === undefined || vb === undefined) {
    throw new ConfigError(`${va === undefined ? a : b} is unset; it is needed together with ${va ? a : b}`);
  }
  return [va, vb];
}

function httpsUrl(env: Env, name: string, def: string): string {
  const raw = str(env, name) ?? def;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL; it accepts http:// or https:// URLs`);
  }
  if (
    u.protocol !== 'https:' &&
    u.protocol !== 'http:' &&
    u.protocol !== 'rtmps:' &&
    u.protocol !== 'rtmp:'
  ) {
    throw new ConfigError(`${name} has scheme ${u.protocol}; it accepts http(s):// or rtmp(s)://`);
  }
  return raw.replace(/\/+$/, '');
}

function seconds(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw new ConfigError(`${name}="${raw}" is out of range; it accepts ${min} to ${max}`);
  }
  return n;
}

/**
 * A private key given as PEM text (`\n` escapes allowed) or as base64 of the PEM (as Mux and Cloudflare
 * hand them out), checked to be of the kind the provider signs with. The message never quotes the value.
 */
function pem(env: Env, name: string, kind: 'ec-p384' | 'rsa'): string | undefined {
  const raw = str(env, name);
  if (raw === undefined) return undefined;
  const text = (raw.includes('-----BEGIN') ? raw : Buffer.from(raw, 'base64').toString('utf8')).replace(
    /\\n/g,
    '\n',
  );
  let ok = false;
  try {
    const key = createPrivateKey(text);
    ok =
      kind === 'rsa'
        ? key.asymmetricKeyType === 'rsa'
        : key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'secp384r1';
  } catch {
    ok = false;
  }
  if (!ok) {
    const want = kind === 'rsa' ? 'an RSA private key' : 'an EC P-384 private key';
    throw new ConfigError(`${name} is not ${want} (PEM, or base64 of the PEM)`);
  }
  return text;
}

function ivs(env: Env): IvsConfig | undefined {
  const region = str(env, 'LIGHTSTICK_IVS_REGION');
  const creds = needBoth(env, 'LIGHTSTICK_IVS_ACCESS_KEY_ID', 'LIGHTSTICK_IVS_SECRET_ACCESS_KEY');
  if (region === undefined) {
    if (creds) throw new ConfigError('LIGHTSTICK_IVS_REGION is unset; IVS credentials are set without it');
    return undefined;
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new ConfigError(`LIGHTSTICK_IVS_REGION="${region}" is not an AWS region such as us-west-2`);
  }
  const host = str(env, 'LIGHTSTICK_IVS_SNS_CERT_HOST') ?? DEFAULT_SNS_HOST;
  let snsCertHost: RegExp;
  try {
    snsCertHost = new RegExp(host);
  } catch {
    throw new ConfigError('LIGHTSTICK_IVS_SNS_CERT_HOST is not a regular expression');
  }
  const header = (str(env, 'LIGHTSTICK_IVS_EVENTS_HEADER') ?? 'x-lightstick-events-secret').toLowerCase();
  if (!/^[a-z0-9-]{1,64}$/.test(header)) {
    throw new ConfigError('LIGHTSTICK_IVS_EVENTS_HEADER is not a header name; it accepts a-z 0-9 -');
  }
  return {
    region,
    credentials: creds ? { accessKeyId: creds[0], secretAccessKey: creds[1] } : undefined,
    endpoint:
      str(env, 'LIGHTSTICK_IVS_ENDPOINT') === undefined
        ? undefined
        : httpsUrl(env, 'LIGHTSTICK_IVS_ENDPOINT', ''),
    playbackPrivateKey: pem(env, 'LIGHTSTICK_IVS_PLAYBACK_PRIVATE_KEY', 'ec-p384'),
    playbackKeyPairArn: str(env, 'LIGHTSTICK_IVS_PLAYBACK_KEY_PAIR_ARN'),
    playbackOrigin: str(env, 'LIGHTSTICK_IVS_PLAYBACK_ORIGIN') ?? '*',
    snsTopicArns: (str(env, 'LIGHTSTICK_IVS_SNS_TOPIC_ARNS') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    snsCertHost,
    eventsHeader: header,
    eventsSecret: str(env, 'LIGHTSTICK_IVS_EVENTS_SECRET'),
  };
}

function mux(env: Env): MuxConfig | undefined {
  const token = needBoth(env, 'LIGHTSTICK_MUX_TOKEN_ID', 'LIGHTSTICK_MUX_TOKEN_SECRET');
  if (!token) return undefined;
  const signing = needBoth(env, 'LIGHTSTICK_MUX_SIGNING_KEY_ID', 'LIGHTSTICK_MUX_SIGNING_KEY');
  return {
    tokenId: token[0],
    tokenSecret: token[1],
    apiUrl: httpsUrl(env, 'LIGHTSTICK_MUX_API_URL', 'https://api.mux.com'),
    ingestUrl: httpsUrl(env, 'LIGHTSTICK_MUX_INGEST_URL', 'rtmps://global-live.mux.com:443/app'),
    streamUrl: httpsUrl(env, 'LIGHTSTICK_MUX_STREAM_URL', 'https://stream.mux.com'),
    webhookSecret: str(env, 'LIGHTSTICK_MUX_WEBHOOK_SECRET'),
    signingKeyId: signing?.[0],
    signingKeyPrivate: signing ? pem(env, 'LIGHTSTICK_MUX_SIGNING_KEY', 'rsa') : undefined,
  };
}

function cloudflare(env: Env): CloudflareConfig | undefined {
  const account = needBoth(env, 'LIGHTSTICK_CLOUDFLARE_ACCOUNT_ID', 'LIGHTSTICK_CLOUDFLARE_API_TOKEN');
  if (!account) return undefined;
  const sub = str(env, 'LIGHTSTICK_CLOUDFLARE_CUSTOMER_SUBDOMAIN');
  if (sub === undefined || !/^[a-z0-9.-]+$/i.test(sub)) {
    throw new ConfigError(
      'LIGHTSTICK_CLOUDFLARE_CUSTOMER_SUBDOMAIN is unset or not a host; it accepts customer-<code>.cloudflarestream.com',
    );
  }
  const signing = needBoth(env, 'LIGHTSTICK_CLOUDFLARE_SIGNING_KEY_ID', 'LIGHTSTICK_CLOUDFLARE_SIGNING_KEY');
  return {
    accountId: account[0],
    apiToken: account[1],
    apiUrl: httpsUrl(env, 'LIGHTSTICK_CLOUDFLARE_API_URL', 'https://api.cloudflare.com/client/v4'),
    customerSubdomain: sub,
    webhookSecret: str(env, 'LIGHTSTICK_CLOUDFLARE_WEBHOOK_SECRET'),
    notificationSecret: str(env, 'LIGHTSTICK_CLOUDFLARE_NOTIFICATION_SECRET'),
    signingKeyId: signing?.[0],
    signingKeyPem: signing ? pem(env, 'LIGHTSTICK_CLOUDFLARE_SIGNING_KEY', 'rsa') : undefined,
  };
}

export function loadVideoConfig(env: Env): VideoConfig {
  return {
    eventToleranceMs: seconds(env, 'LIGHTSTICK_VIDEO_EVENT_TOLERANCE_SEC', 300, 10, 86_400) * 1000,
    apiTimeoutMs: seconds(env, 'LIGHTSTICK_VIDEO_API_TIMEOUT_SEC', 10, 1, 120) * 1000,
    ivs: ivs(env),
    mux: mux(env),
    cloudflare: cloudflare(env),
  };
}
