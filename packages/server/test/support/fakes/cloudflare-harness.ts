/**
 * A Cloudflare Stream provider built the way the server builds it (environment -> config/video.ts ->
 * cloudProviders) against the local live-inputs API stand-in, notifications and Stream webhooks made here as
 * Cloudflare sends them, and the conformance harness.
 */
import { randomUUID } from 'node:crypto';
import { loadVideoConfig } from '../../../src/config/video.ts';
import { cloudProviders } from '../../../src/app/cloud-providers.ts';
import { systemRuntime, type Runtime } from '../../../src/runtime.ts';
import type { StreamProvider, WebhookDelivery } from '../../../src/lives/providers/stream-provider.ts';
import type { StreamProviderHarness } from '../../conformance/stream-provider.suite.ts';
import { startFakeCloudflare, type FakeCloudflare } from './cloudflare.ts';
import {
  captureLogs,
  fakePublisher,
  hmacDelivery,
  rs256Accepted,
  rsaSigningKeys,
  type LogCapture,
} from './common.ts';

export interface CloudflareSetup {
  fake: FakeCloudflare;
  provider: StreamProvider;
  logs: LogCapture;
  publicKeyPem: string;
  signingKeyId: string;
  signingKeyBase64: string;
  notificationSecret: string;
  webhookSecret: string;
  subdomain: string;
  /** A live input notification as Cloudflare's webhook destination posts it. */
  notification(e: { inputId: string; eventType: string; at: number; ts?: number }): string;
  /** A delivery with the `cf-webhook-auth` header (`secret` undefined: no header). */
  withAuth(body: string, secret: string | undefined, receivedAt?: number): WebhookDelivery;
  /** A Stream webhook delivery with `Webhook-Signature: time=...,sig1=...`. */
  streamWebhook(
    body: string,
    opts?: { secret?: string; time?: number; receivedAt?: number },
  ): WebhookDelivery;
  close(): Promise<void>;
}

export async function setUpCloudflare(
  opts: { env?: Record<string, string>; runtime?: Runtime } = {},
): Promise<CloudflareSetup> {
  const fake = await startFakeCloudflare();
  const { publicKeyPem, base64Pem: signingKeyBase64 } = rsaSigningKeys();
  const signingKeyId = randomUUID().replace(/-/g, '');
  const notificationSecret = `cfn-${randomUUID()}`;
  const webhookSecret = `cfw-${randomUUID()}`;
  const subdomain = 'customer-f33zs165nr7gyfy4.cloudflarestream.com';
  const env = {
    LIGHTSTICK_CLOUDFLARE_ACCOUNT_ID: fake.accountId,
    LIGHTSTICK_CLOUDFLARE_API_TOKEN: fake.apiToken,
    LIGHTSTICK_CLOUDFLARE_API_URL: fake.apiUrl,
    LIGHTSTICK_CLOUDFLARE_CUSTOMER_SUBDOMAIN: subdomain,
    LIGHTSTICK_CLOUDFLARE_NOTIFICATION_SECRET: notificationSecret,
    LIGHTSTICK_CLOUDFLARE_WEBHOOK_SECRET: webhookSecret,
    LIGHTSTICK_CLOUDFLARE_SIGNING_KEY_ID: signingKeyId,
    LIGHTSTICK_CLOUDFLARE_SIGNING_KEY: signingKeyBase64,
    ...opts.env,
  };
  const logs = captureLogs();
  const [provider] = await cloudProviders(
    { video: loadVideoConfig(env) },
    { runtime: opts.runtime ?? systemRuntime, logger: logs.logger },
  );
  if (provider === undefined) throw new Error('Cloudflare is not configured');
  return {
    fake,
    provider,
    logs,
    publicKeyPem,
    signingKeyId,
    signingKeyBase64,
    notificationSecret,
    webhookSecret,
    subdomain,
    notification: (e) => {
      const updatedAt = new Date(e.at).toISOString().replace('Z', '000000Z');
      return JSON.stringify({
        name: 'Lightstick live',
        text: `Notification type: Stream Live Input\nInput ID: ${e.inputId}\nEvent type: ${e.eventType}\nUpdated at: ${updatedAt}`,
        data: {
          notification_name: 'Stream Live Input',
          input_id: e.inputId,
          event_type: e.eventType,
          updated_at: updatedAt,
        },
        ts: e.ts ?? Math.floor(Date.now() / 1000),
      });
    },
    withAuth: (body, secret, receivedAt = Date.now()) => ({
      headers: {
        'content-type': 'application/json',
        ...(secret !== undefined ? { 'cf-webhook-auth': secret } : {}),
      },
      body: Buffer.from(body),
      receivedAt,
    }),
    streamWebhook: (body, o = {}) =>
      hmacDelivery(
        body,
        { header: 'webhook-signature', timeKey: 'time', sigKey: 'sig1' },
        o.secret ?? webhookSecret,
        {
          ...(o.time !== undefined ? { t: o.time } : {}),
          ...(o.receivedAt !== undefined ? { receivedAt: o.receivedAt } : {}),
        },
      ),
    close: async () => {
      await provider.close();
      await fake.close();
    },
  };
}

export async function cloudflareHarness(): Promise<StreamProviderHarness> {
  const s = await setUpCloudflare();
  const kind = (type: string): string =>
    type === 'started' ? 'live_input.connected' : 'live_input.disconnected';
  return {
    provider: s.provider,
    now: () => Date.now(),
    publish: async (ingest) => {
      const pub =
        ingest.url === 'rtmps://live.cloudflare.com:443/live/' ? s.fake.publish(ingest.streamKey) : undefined;
      return fakePublisher(pub, (p) => {
        const input = s.fake.inputs.get(p.channelId);
        if (input?.live === p) input.live = undefined;
      });
    },
    delivery: async (e, { valid }) =>
      s.withAuth(
        s.notification({ inputId: e.channelId, eventType: kind(e.type), at: e.at }),
        valid ? s.notificationSecret : 'not-the-secret',
      ),
    unsigned: async (e) =>
      s.withAuth(s.notification({ inputId: e.channelId, eventType: kind(e.type), at: e.at }), undefined),
    playbackAccepted: async (grant, channel, at) => {
      const input = s.fake.inputs.get(channel.channelId);
      const m = new RegExp(
        `^https://${s.subdomain.replace(/\./g, '\\.')}/([^/]+)/manifest/video\\.m3u8$`,
      ).exec(grant.url);
      if (!input || !m) return false;
      const idOrToken = m[1]!;
      if (idOrToken === input.uid) return input.recording.requireSignedURLs !== true;
      const key = { publicKeyPem: s.publicKeyPem, kid: s.signingKeyId };
      return rs256Accepted(idOrToken, key, { subject: input.uid, at });
    },
    unknownChannel: { channelId: '0123456789abcdef0123456789abcdef', meta: {} },
    breakNextCall: (text) =>
      s.fake.failNext(/./, {
        status: 403,
        body: {
          success: false,
          errors: [{ code: 10000, message: `Authentication error ${text}` }],
          result: null,
        },
      }),
    secrets: [s.fake.apiToken, s.notificationSecret, s.webhookSecret, s.signingKeyBase64.slice(20, 60)],
    problems: () => s.fake.problems,
    close: s.close,
  };
}
