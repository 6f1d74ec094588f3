/**
 * Mux Video live streams behind the StreamProvider seam, through @mux/mux-node.
 * - A live stream per live (low latency), with one playback id: `public`, or `signed` for members-only.
 * - Rotation: disable (Mux closes the encoder connection at once and refuses reconnects), reset the stream
 *   key, enable again; so the old key stops working, a publish in progress included. Revocation: disable.
 * - Status from the live stream's `status` (`active` = live); events in events.ts.
 * - Members-only playback: an RS256 JWT with the URL signing key (kid), aud `v`, sub the playback id, exp.
 *   Signed here with jose rather than the SDK's `jwt.signPlaybackId`, which takes its expiry from the wall
 *   clock; the seam's expiresAt comes from the injected Runtime.
 */
import Mux, { APIError } from '@mux/mux-node';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { AppError } from '../../../errors.ts';
import type { MuxConfig } from '../../../config/video.ts';
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
import { parseMuxDelivery } from './events.ts';

export interface MuxDeps {
  runtime: Runtime;
  logger: Logger;
  toleranceMs: number;
  timeoutMs: number;
  /** Retries of a failed request (the SDK backs off between them); default 2. */
  maxRetries?: number;
}

type LiveStream = Awaited<ReturnType<Mux['video']['liveStreams']['retrieve']>>;

export class MuxProvider implements StreamProvider {
  readonly name = 'mux' as const;
  private readonly mux: Mux;
  private readonly signingKey: KeyObject | undefined;

  constructor(
    private readonly config: MuxConfig,
    private readonly deps: MuxDeps,
  ) {
    this.mux = new Mux({
      tokenId: config.tokenId,
      tokenSecret: config.tokenSecret,
      baseURL: config.apiUrl,
      timeout: deps.timeoutMs,
      maxRetries: deps.maxRetries ?? 2,
      // Everything explicit, so no MUX_* environment variable changes what this client does; the SDK's own
      // logging is off (at debug it would print response bodies, stream keys included).
      webhookSecret: null,
      jwtSigningKey: null,
      jwtPrivateKey: null,
      authorizationToken: null,
      logLevel: 'off',
    });
    this.signingKey =
      config.signingKeyPrivate === undefined ? undefined : createPrivateKey(config.signingKeyPrivate);
  }

  async createChannel(input: {
    liveId: string;
    title: string;
    access: LiveAccess;
  }): Promise<ProviderChannel> {
    if (input.access === 'members') this.requireSigningKey();
    const stream = await this.call('create a live stream', () =>
      this.mux.video.liveStreams.create({
        playback_policies: [input.access === 'members' ? 'signed' : 'public'],
        latency_mode: 'low',
        passthrough: input.liveId.slice(0, 255),
        new_asset_settings: { playback_policies: [input.access === 'members' ? 'signed' : 'public'] },
      }),
    );
    const playback = stream.playback_ids?.[0];
    if (playback === undefined)
      throw new AppError('provider_error', 'Mux created the live stream without a playback id');
    return {
      channelId: stream.id,
      meta: { playbackId: playback.id, playbackPolicy: playback.policy },
      ingest: { url: this.config.ingestUrl, streamKey: stream.stream_key },
    };
  }

  async ingest(channel: ChannelRef): Promise<Ingest> {
    const stream = await this.retrieve(channel);
    if (stream.status === 'disabled') {
      throw new AppError('conflict', 'The stream key was revoked; rotate it to get a new one');
    }
    return { url: this.config.ingestUrl, streamKey: stream.stream_key };
  }

  async rotateKey(channel: ChannelRef): Promise<ProviderChannel> {
    const id = channel.channelId;
    await this.call('disable the live stream', () => this.mux.video.liveStreams.disable(id));
    const stream = await this.call('reset the stream key', () =>
      this.mux.video.liveStreams.resetStreamKey(id),
    );
    await this.call('enable the live stream', () => this.mux.video.liveStreams.enable(id));
    return { ...channel, ingest: { url: this.config.ingestUrl, streamKey: stream.stream_key } };
  }

  async revokeKey(channel: ChannelRef): Promise<void> {
    await this.call('disable the live stream', () => this.mux.video.liveStreams.disable(channel.channelId));
  }

  async deleteChannel(channel: ChannelRef): Promise<void> {
    try {
      await this.call('delete the live stream', () => this.mux.video.liveStreams.delete(channel.channelId));
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return;
      throw err;
    }
  }

  async status(channel: ChannelRef): Promise<ProviderStatus> {
    const stream = await this.retrieve(channel);
    return { live: stream.status === 'active', at: this.deps.runtime.now() };
  }

  async playback(
    channel: ChannelRef,
    viewer: { userId: string; liveId: string; access: LiveAccess },
    ttlSec: number,
  ): Promise<PlaybackGrant> {
    const playbackId = channel.meta.playbackId;
    if (playbackId === undefined)
      throw new AppError('provider_error', 'The Mux live stream has no playback id on record');
    const base = `${this.config.streamUrl}/${playbackId}.m3u8`;
    const now = this.deps.runtime.now();
    if (viewer.access === 'public' && channel.meta.playbackPolicy !== 'signed') {
      return { url: base, expiresAt: now + ttlSec * 1000 };
    }
    const key = this.requireSigningKey();
    const expSec = Math.floor(now / 1000) + ttlSec;
    const kid = this.config.signingKeyId as string;
    const token = await new SignJWT({ kid })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
      .setSubject(playbackId)
      .setAudience('v')
      .setExpirationTime(expSec)
      .sign(key);
    return { url: `${base}?token=${token}`, expiresAt: expSec * 1000 };
  }

  async parseEvents(delivery: WebhookDelivery): Promise<ProviderEvent[]> {
    return parseMuxDelivery(delivery, this.config.webhookSecret, this.deps.toleranceMs);
  }

  async close(): Promise<void> {
    // The SDK holds no connections of its own beyond fetch's keep-alive pool.
  }

  private requireSigningKey(): KeyObject {
    if (this.signingKey === undefined) {
      throw new AppError(
        'provider_error',
        'Members-only lives on Mux need LIGHTSTICK_MUX_SIGNING_KEY_ID and _KEY',
      );
    }
    return this.signingKey;
  }

  private retrieve(channel: ChannelRef): Promise<LiveStream> {
    return this.call('read the live stream', () => this.mux.video.liveStreams.retrieve(channel.channelId));
  }

  /**
   * One API call: 404 is not_found, any other answer or none (APIConnectionError: status undefined) is
   * provider_error with a safe message.
   */
  private async call<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof APIError)) throw err;
      if (err.status === 404) throw unknownChannel('Mux');
      const body = err.error as { error?: { type?: unknown } } | undefined;
      const kind = typeof body?.error?.type === 'string' ? body.error.type : undefined;
      throw providerFailure(this.deps.logger, { provider: 'Mux', op, status: err.status, kind });
    }
  }
}
