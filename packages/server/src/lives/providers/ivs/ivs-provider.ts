/**
 * Amazon IVS (low-latency channels) behind the StreamProvider seam, through @aws-sdk/client-ivs.
 * - A channel per live (latency LOW, `authorized` for members-only), with its one stream key.
 * - Rotation deletes the key, stops the stream (so a publish in progress with the old key ends: IVS keeps an
 *   established session after its key is deleted) and creates a new key; IVS allows one key per channel, so
 *   delete comes first. Revocation is the same without the new key.
 * - Status through GetStream (ChannelNotBroadcasting: not live); events in events.ts; members-only playback
 *   through ES384 tokens (playback.ts).
 * Lightstick keeps no stream key: ingest() reads it back from IVS.
 */
import {
  CreateChannelCommand,
  CreateStreamKeyCommand,
  DeleteChannelCommand,
  DeleteStreamKeyCommand,
  GetChannelCommand,
  GetStreamCommand,
  GetStreamKeyCommand,
  IvsClient,
  ListStreamKeysCommand,
  StopStreamCommand,
} from '@aws-sdk/client-ivs';
import type { Agent } from 'node:https';
import { AppError } from '../../../errors.ts';
import type { IvsConfig } from '../../../config/video.ts';
import type { Logger } from '../../../observability/logger.ts';
import type { Runtime } from '../../../runtime.ts';
import type {
  ChannelRef,
  Ingest,
  LiveAccess,
  PlaybackGrant,
  ProviderChannel,
  ProviderEvent,
  ProviderStatus,
  StreamProvider,
  WebhookDelivery,
} from '../stream-provider.ts';
import { providerFailure, unknownChannel } from '../cloud/failures.ts';
import { parseIvsDelivery } from './events.ts';
import { importPlaybackKey, IvsPlaybackSigner, MAX_VIEWER_TOKEN_SEC } from './playback.ts';
import { SnsVerifier } from './sns.ts';

export interface IvsDeps {
  runtime: Runtime;
  logger: Logger;
  toleranceMs: number;
  timeoutMs: number;
  /** HTTPS agent for SNS certificate and subscription requests (tests trust their own CA through it). */
  snsAgent?: Agent;
}

const NOT_FOUND = 'ResourceNotFoundException';
const NOT_BROADCASTING = 'ChannelNotBroadcasting';
const errName = (err: unknown): string | undefined => (err as { name?: string } | null)?.name;

export class IvsProvider implements StreamProvider {
  readonly name = 'ivs' as const;
  private readonly client: IvsClient;
  private readonly signer: IvsPlaybackSigner;
  private readonly sns: SnsVerifier;

  constructor(
    private readonly config: IvsConfig,
    private readonly deps: IvsDeps,
  ) {
    this.client = new IvsClient({
      region: config.region,
      ...(config.credentials ? { credentials: config.credentials } : {}),
      ...(config.endpoint !== undefined ? { endpoint: config.endpoint } : {}),
      maxAttempts: 3,
      requestHandler: { requestTimeout: deps.timeoutMs, connectionTimeout: deps.timeoutMs },
    });
    this.signer = new IvsPlaybackSigner(
      config.playbackPrivateKey,
      config.playbackKeyPairArn,
      config.playbackOrigin,
      (pem) => this.call('ImportPlaybackKeyPair', () => importPlaybackKey(this.client, pem)),
    );
    this.sns = new SnsVerifier({
      allowedHost: config.snsCertHost,
      timeoutMs: deps.timeoutMs,
      now: () => deps.runtime.now(),
      ...(deps.snsAgent ? { agent: deps.snsAgent } : {}),
    });
  }

  async createChannel(input: {
    liveId: string;
    title: string;
    access: LiveAccess;
  }): Promise<ProviderChannel> {
    if (input.access === 'members') await this.signer.ensureImported();
    const out = await this.call('CreateChannel', () =>
      this.client.send(
        new CreateChannelCommand({
          name: `lightstick-${input.liveId}`.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 128),
          latencyMode: 'LOW',
          type: 'STANDARD',
          authorized: input.access === 'members',
          tags: { 'lightstick:live': input.liveId.slice(0, 256) },
        }),
      ),
    );
    const { channel, streamKey } = out;
    if (!channel?.arn || !channel.ingestEndpoint || !channel.playbackUrl || !streamKey?.value) {
      throw new AppError('provider_error', 'IVS answered CreateChannel without a channel or stream key');
    }
    const meta = {
      playbackUrl: channel.playbackUrl,
      ingestEndpoint: channel.ingestEndpoint,
      authorized: String(channel.authorized === true),
    };
    return {
      channelId: channel.arn,
      meta,
      ingest: { url: ingestUrl(channel.ingestEndpoint), streamKey: streamKey.value },
    };
  }

  async ingest(channel: ChannelRef): Promise<Ingest> {
    const endpoint = await this.ingestEndpoint(channel);
    const keys = await this.call('ListStreamKeys', () =>
      this.client.send(new ListStreamKeysCommand({ channelArn: channel.channelId })),
    );
    const arn = keys.streamKeys?.[0]?.arn;
    if (arn === undefined)
      throw new AppError('conflict', 'The stream key was revoked; rotate it to get a new one');
    const key = await this.call('GetStreamKey', () => this.client.send(new GetStreamKeyCommand({ arn })));
    if (!key.streamKey?.value)
      throw new AppError('provider_error', 'IVS answered GetStreamKey without a key');
    return { url: ingestUrl(endpoint), streamKey: key.streamKey.value };
  }

  async rotateKey(channel: ChannelRef): Promise<ProviderChannel> {
    const endpoint = await this.ingestEndpoint(channel);
    await this.revokeKey(channel);
    const out = await this.call('CreateStreamKey', () =>
      this.client.send(new CreateStreamKeyCommand({ channelArn: channel.channelId })),
    );
    if (!out.streamKey?.value)
      throw new AppError('provider_error', 'IVS answered CreateStreamKey without a key');
    return { ...channel, ingest: { url: ingestUrl(endpoint), streamKey: out.streamKey.value } };
  }

  async revokeKey(channel: ChannelRef): Promise<void> {
    const keys = await this.call('ListStreamKeys', () =>
      this.client.send(new ListStreamKeysCommand({ channelArn: channel.channelId })),
    );
    for (const k of keys.streamKeys ?? []) {
      if (k.arn === undefined) continue;
      const arn = k.arn;
      await this.call('DeleteStreamKey', () => this.client.send(new DeleteStreamKeyCommand({ arn })), [
        NOT_FOUND,
      ]);
    }
    await this.stopStream(channel);
  }

  async deleteChannel(channel: ChannelRef): Promise<void> {
    try {
      await this.stopStream(channel);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return;
      throw err;
    }
    const arn = channel.channelId;
    await this.call('DeleteChannel', () => this.client.send(new DeleteChannelCommand({ arn })), [NOT_FOUND]);
  }

  async status(channel: ChannelRef): Promise<ProviderStatus> {
    const out = await this.call(
      'GetStream',
      () => this.client.send(new GetStreamCommand({ channelArn: channel.channelId })),
      [NOT_BROADCASTING],
    );
    return { live: out?.stream?.state === 'LIVE', at: this.deps.runtime.now() };
  }

  async playback(
    channel: ChannelRef,
    viewer: { userId: string; liveId: string; access: LiveAccess },
    ttlSec: number,
  ): Promise<PlaybackGrant> {
    const url = channel.meta.playbackUrl;
    if (url === undefined)
      throw new AppError('provider_error', 'The IVS channel has no playback URL on record');
    const now = this.deps.runtime.now();
    if (viewer.access === 'public' && channel.meta.authorized !== 'true') {
      return { url, expiresAt: now + ttlSec * 1000 };
    }
    const expSec = Math.floor(now / 1000) + Math.min(ttlSec, MAX_VIEWER_TOKEN_SEC);
    const token = await this.signer.sign(channel.channelId, viewer.userId, expSec);
    return { url: `${url}?token=${token}`, expiresAt: expSec * 1000 };
  }

  parseEvents(delivery: WebhookDelivery): Promise<ProviderEvent[]> {
    return parseIvsDelivery(delivery, this.config, this.sns, this.deps.toleranceMs);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async ingestEndpoint(channel: ChannelRef): Promise<string> {
    const arn = channel.channelId;
    const out = await this.call('GetChannel', () => this.client.send(new GetChannelCommand({ arn })));
    const endpoint = out.channel?.ingestEndpoint;
    if (!endpoint) throw new AppError('provider_error', 'IVS answered GetChannel without an ingest endpoint');
    return endpoint;
  }

  /** StopStream; a channel that is not broadcasting is already stopped. */
  private async stopStream(channel: ChannelRef): Promise<void> {
    const channelArn = channel.channelId;
    await this.call('StopStream', () => this.client.send(new StopStreamCommand({ channelArn })), [
      NOT_BROADCASTING,
    ]);
  }

  /**
   * One API call: errors named in `absentOk` mean "nothing there" (undefined), ResourceNotFoundException is
   * not_found, anything else provider_error with a safe message.
   */
  private async call<T>(op: string, fn: () => Promise<T>): Promise<T>;
  private async call<T>(op: string, fn: () => Promise<T>, absentOk: string[]): Promise<T | undefined>;
  private async call<T>(op: string, fn: () => Promise<T>, absentOk: string[] = []): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof AppError) throw err;
      const name = errName(err);
      if (name !== undefined && absentOk.includes(name)) return undefined;
      if (name === NOT_FOUND) throw unknownChannel('IVS');
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      throw providerFailure(this.deps.logger, { provider: 'IVS', op, status, kind: name });
    }
  }
}

const ingestUrl = (endpoint: string): string => `rtmps://${endpoint}:443/app/`;
