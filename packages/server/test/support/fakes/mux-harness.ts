/**
 * A Mux provider built the way the server builds it (environment -> config/video.ts -> cloudProviders)
 * against the local Mux API stand-in, webhooks signed here as Mux signs them, and the conformance harness.
 */
import { randomUUID } from 'node:crypto';
import { loadVideoConfig } from '../../../src/config/video.ts';
import { cloudProviders } from '../../../src/app/cloud-providers.ts';
import { systemRuntime, type Runtime } from '../../../src/runtime.ts';
import type { StreamProvider, WebhookDelivery } from '../../../src/lives/providers/stream-provider.ts';
import type { StreamProviderHarness } from '../../conformance/stream-provider.suite.ts';
import { startFakeMux, type FakeMux } from './mux.ts';
import {
  captureLogs,
  fakePublisher,
  hmacDelivery,
  queryToken,
  rs256Accepted,
  rsaSigningKeys,
  type LogCapture,
} from './common.ts';

export interface MuxSetup {
  fake: FakeMux;
  provider: StreamProvider;
  logs: LogCapture;
  publicKeyPem: string;
  signingKeyId: string;
  signingKeyBase64: string;
  webhookSecret: string;
  streamUrl: string;
  /** A `video.live_stream.*` webhook body as Mux sends it. */
  webhookBody(e: { id: string; type: string; channelId: string; at: number }): string;
  /** A delivery of `body` signed with `secret` (default: the configured one) at `t` (seconds). */
  signed(body: string, opts?: { secret?: string; t?: number; receivedAt?: number }): WebhookDelivery;
  close(): Promise<void>;
}

export async function setUpMux(
  opts: { env?: Record<string, string>; runtime?: Runtime } = {},
): Promise<MuxSetup> {
  const fake = await startFakeMux();
  const { publicKeyPem, base64Pem: signingKeyBase64 } = rsaSigningKeys();
  const signingKeyId = randomUUID().replace(/-/g, '').slice(0, 24);
  const webhookSecret = randomUUID().replace(/-/g, '');
  const streamUrl = 'https://stream.mux.com';
  const env = {
    LIGHTSTICK_MUX_TOKEN_ID: fake.tokenId,
    LIGHTSTICK_MUX_TOKEN_SECRET: fake.tokenSecret,
    LIGHTSTICK_MUX_API_URL: fake.url,
    LIGHTSTICK_MUX_WEBHOOK_SECRET: webhookSecret,
    LIGHTSTICK_MUX_SIGNING_KEY_ID: signingKeyId,
    LIGHTSTICK_MUX_SIGNING_KEY: signingKeyBase64,
    ...opts.env,
  };
  const logs = captureLogs();
  const [provider] = await cloudProviders(
    { video: loadVideoConfig(env) },
    { runtime: opts.runtime ?? systemRuntime, logger: logs.logger, muxMaxRetries: 0 },
  );
  if (provider === undefined) throw new Error('Mux is not configured');
  return {
    fake,
    provider,
    logs,
    publicKeyPem,
    signingKeyId,
    signingKeyBase64,
    webhookSecret,
    streamUrl,
    webhookBody: (e) =>
      JSON.stringify({
        type: e.type,
        id: e.id,
        created_at: new Date(e.at).toISOString(),
        object: { type: 'live_stream', id: e.channelId },
        data: {
          id: e.channelId,
          status: e.type.endsWith('active') ? 'active' : 'idle',
          stream_key: 'not-read',
        },
        environment: { name: 'Production', id: 'env1' },
        attempts: [],
        accessor_source: null,
        request_id: null,
      }),
    signed: (body, o = {}) =>
      hmacDelivery(
        body,
        { header: 'mux-signature', timeKey: 't', sigKey: 'v1' },
        o.secret ?? webhookSecret,
        o,
      ),
    close: async () => {
      await provider.close();
      await fake.close();
    },
  };
}

export async function muxHarness(): Promise<StreamProviderHarness> {
  const s = await setUpMux();
  const kind = (type: string): string =>
    type === 'started' ? 'video.live_stream.active' : 'video.live_stream.idle';
  return {
    provider: s.provider,
    now: () => Date.now(),
    publish: async (ingest) => {
      const pub =
        ingest.url === 'rtmps://global-live.mux.com:443/app' ? s.fake.publish(ingest.streamKey) : undefined;
      return fakePublisher(pub, () => undefined);
    },
    delivery: async (e, { valid }) =>
      s.signed(s.webhookBody({ ...e, type: kind(e.type) }), valid ? {} : { secret: 'not-the-secret' }),
    unsigned: async (e) => ({
      headers: {},
      body: Buffer.from(s.webhookBody({ ...e, type: kind(e.type) })),
      receivedAt: Date.now(),
    }),
    playbackAccepted: async (grant, channel, at) => {
      const stream = s.fake.streams.get(channel.channelId);
      const playback = stream?.playbackIds[0];
      if (!playback || grant.url.split('?')[0] !== `${s.streamUrl}/${playback.id}.m3u8`) return false;
      const token = queryToken(grant.url);
      if (token === undefined) return playback.policy === 'public';
      const key = { publicKeyPem: s.publicKeyPem, kid: s.signingKeyId };
      return rs256Accepted(token, key, { subject: playback.id, audience: 'v', at });
    },
    unknownChannel: { channelId: 'UnknownLiveStream000000000', meta: {} },
    breakNextCall: (text) =>
      s.fake.failNext(/./, { status: 401, body: { error: { type: 'unauthorized', messages: [text] } } }),
    secrets: [s.fake.tokenSecret, s.webhookSecret, s.signingKeyBase64.slice(20, 60)],
    problems: () => s.fake.problems,
    close: s.close,
  };
}
