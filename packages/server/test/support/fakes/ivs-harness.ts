/**
 * An IVS provider built the way the server builds it (environment -> config/video.ts -> cloudProviders)
 * against the local IVS and SNS stand-ins, and the conformance harness around it.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { importSPKI, jwtVerify } from 'jose';
import { loadVideoConfig } from '../../../src/config/video.ts';
import { cloudProviders } from '../../../src/app/cloud-providers.ts';
import { systemRuntime, type Runtime } from '../../../src/runtime.ts';
import type {
  ProviderEvent,
  StreamProvider,
  WebhookDelivery,
} from '../../../src/lives/providers/stream-provider.ts';
import type { StreamProviderHarness } from '../../conformance/stream-provider.suite.ts';
import { startFakeIvs, type FakeIvs } from './ivs.ts';
import { startFakeSns, type FakeSns } from './sns.ts';
import { captureLogs, fakePublisher, queryToken, type LogCapture } from './common.ts';

export interface IvsSetup {
  fake: FakeIvs;
  sns: FakeSns;
  provider: StreamProvider;
  logs: LogCapture;
  publicKeyPem: string;
  privateKeyPem: string;
  eventsSecret: string;
  env: Record<string, string>;
  /** An EventBridge "IVS Stream State Change" event as JSON. */
  eventBridge(e: {
    id: string;
    channelId: string;
    eventName: string;
    at: number;
    detailType?: string;
  }): string;
  snsDelivery(msg: Record<string, string>, receivedAt?: number): WebhookDelivery;
  close(): Promise<void>;
}

export async function setUpIvs(
  opts: { env?: Record<string, string>; runtime?: Runtime; withKey?: boolean } = {},
): Promise<IvsSetup> {
  const fake = await startFakeIvs();
  const sns = await startFakeSns();
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const eventsSecret = `evs-${randomUUID()}`;
  const env: Record<string, string> = {
    LIGHTSTICK_IVS_REGION: fake.region,
    LIGHTSTICK_IVS_ACCESS_KEY_ID: fake.credentials.accessKeyId,
    LIGHTSTICK_IVS_SECRET_ACCESS_KEY: fake.credentials.secretAccessKey,
    LIGHTSTICK_IVS_ENDPOINT: fake.url,
    LIGHTSTICK_IVS_PLAYBACK_ORIGIN: 'https://fans.example',
    LIGHTSTICK_IVS_SNS_TOPIC_ARNS: sns.topicArn,
    LIGHTSTICK_IVS_SNS_CERT_HOST: sns.hostPattern.source,
    LIGHTSTICK_IVS_EVENTS_SECRET: eventsSecret,
    ...(opts.withKey === false ? {} : { LIGHTSTICK_IVS_PLAYBACK_PRIVATE_KEY: privateKeyPem }),
    ...opts.env,
  };
  const logs = captureLogs();
  const [provider] = await cloudProviders(
    { video: loadVideoConfig(env) },
    { runtime: opts.runtime ?? systemRuntime, logger: logs.logger, snsAgent: sns.agent },
  );
  if (provider === undefined) throw new Error('IVS is not configured');
  return {
    fake,
    sns,
    provider,
    logs,
    publicKeyPem,
    privateKeyPem,
    eventsSecret,
    env,
    eventBridge: (e) =>
      JSON.stringify({
        version: '0',
        id: e.id,
        'detail-type': e.detailType ?? 'IVS Stream State Change',
        source: 'aws.ivs',
        account: '123456789012',
        time: new Date(e.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: fake.region,
        resources: [e.channelId],
        detail: { event_name: e.eventName, channel_name: 'lightstick-live', stream_id: 'st-1A2b3c4D5e6F' },
      }),
    snsDelivery: (msg, receivedAt = Date.now()) => ({
      headers: { 'x-amz-sns-message-type': msg.Type, 'content-type': 'text/plain; charset=UTF-8' },
      body: Buffer.from(JSON.stringify(msg)),
      receivedAt,
    }),
    close: async () => {
      await provider.close();
      sns.agent.destroy();
      await Promise.all([fake.close(), sns.close()]);
    },
  };
}

export async function ivsHarness(): Promise<StreamProviderHarness> {
  const s = await setUpIvs();
  const eventName = (e: ProviderEvent): string => (e.type === 'started' ? 'Stream Start' : 'Stream End');
  return {
    provider: s.provider,
    now: () => Date.now(),
    publish: async (ingest) => {
      const channel = [...s.fake.channels.values()].find((c) => c.key?.value === ingest.streamKey);
      const endpoint = channel
        ? `rtmps://${channel.arn.slice(-12)}.global-contribute.live-video.net:443/app/`
        : '';
      const pub = ingest.url === endpoint ? s.fake.publish(ingest.streamKey) : undefined;
      return fakePublisher(pub, (p) => {
        const c = s.fake.channels.get(p.channelId);
        if (c?.live === p) c.live = undefined;
      });
    },
    delivery: async (e, { valid }) => {
      const msg = s.sns.notification(s.eventBridge({ ...e, eventName: eventName(e) }));
      if (!valid) msg.Signature = s.sns.notification('{"forged":true}').Signature!;
      return s.snsDelivery(msg);
    },
    unsigned: async (e) => ({
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(s.eventBridge({ ...e, eventName: eventName(e) })),
      receivedAt: Date.now(),
    }),
    playbackAccepted: async (grant, channel, at) => {
      const c = s.fake.channels.get(channel.channelId);
      if (!c) return false;
      const base = grant.url.split('?')[0];
      if (base !== channel.meta.playbackUrl) return false;
      const token = queryToken(grant.url);
      if (token === undefined) return !c.authorized;
      // IVS checks the token with the key pairs imported into the account.
      for (const pem of s.fake.keyPairs) {
        try {
          const { payload } = await jwtVerify(token, await importSPKI(pem, 'ES384'), {
            algorithms: ['ES384'],
            currentDate: new Date(at),
          });
          return payload['aws:channel-arn'] === c.arn;
        } catch {
          // the next key
        }
      }
      return false;
    },
    unknownChannel: { channelId: `arn:aws:ivs:${s.fake.region}:123456789012:channel/000000000000`, meta: {} },
    breakNextCall: (text) =>
      s.fake.failNext(/./, {
        status: 403,
        headers: { 'x-amzn-ErrorType': 'AccessDeniedException' },
        body: { message: `denied: ${text}` },
      }),
    secrets: [s.fake.credentials.secretAccessKey, s.privateKeyPem.split('\n')[1]!, s.eventsSecret],
    problems: () => s.fake.problems,
    close: s.close,
  };
}
