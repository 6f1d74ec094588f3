/**
 * The local provider: Lightstick is the video provider. Channels, stream keys and playback secrets are rows
 * of the store (local_channels), so the api processes that hand keys and playback URLs out and the media
 * process that checks publishes and serves HLS agree without talking to each other. Playback URLs point at
 * /media/hls/ on this origin (or LIGHTSTICK_MEDIA_PUBLIC_URL). Its events reach the live service directly
 * from the media process (local-media.ts); it takes no webhooks.
 */
import { AppError } from '../../../errors.ts';
import type { Runtime } from '../../../runtime.ts';
import type { LocalChannelRecord, LocalChannelsRepo } from '../../../storage/lives-repositories.ts';
import type {
  ChannelRef,
  Ingest,
  PlaybackGrant,
  ProviderChannel,
  ProviderEvent,
  ProviderStatus,
  StreamProvider,
} from '../stream-provider.ts';
import { signPlayback } from './playback-token.ts';

export interface LocalProviderDeps {
  channels: LocalChannelsRepo;
  runtime: Runtime;
  /** The RTMP ingest URL creators publish to (rtmp://host:port/live). */
  ingestUrl: () => string;
  /** Prefix of playback URLs: '' (this origin) or an absolute origin. */
  publicUrl: string;
  /** The media process's heartbeat period: a publish unseen for 5 of them is not running. */
  heartbeatMs: number;
  /** Called after a key changed or was revoked, where the ingest runs in this process (stops at once). */
  onKeyChanged?: (channelId: string) => void;
}

export class LocalProvider implements StreamProvider {
  readonly name = 'local' as const;

  constructor(private readonly deps: LocalProviderDeps) {}

  async createChannel(): Promise<ProviderChannel> {
    const { channels, runtime } = this.deps;
    const channel: LocalChannelRecord = {
      id: runtime.id(),
      streamKey: this.newKey(),
      secret: runtime.random(32).toString('base64url'),
      createdAt: runtime.now(),
      revokedAt: null,
      seenAt: null,
    };
    await channels.create(channel);
    return { channelId: channel.id, meta: {}, ingest: this.ingestOf(channel.streamKey!) };
  }

  async ingest(ref: ChannelRef): Promise<Ingest> {
    const c = await this.channel(ref);
    if (c.streamKey === null) throw new AppError('not_found', 'The channel’s stream key was revoked');
    return this.ingestOf(c.streamKey);
  }

  async rotateKey(ref: ChannelRef): Promise<ProviderChannel> {
    const key = this.newKey();
    if (!(await this.deps.channels.setKey(ref.channelId, key))) {
      throw new AppError('not_found', 'No such channel, or its key was revoked');
    }
    this.deps.onKeyChanged?.(ref.channelId);
    return { channelId: ref.channelId, meta: ref.meta, ingest: this.ingestOf(key) };
  }

  async revokeKey(ref: ChannelRef): Promise<void> {
    await this.deps.channels.revoke(ref.channelId, this.deps.runtime.now());
    this.deps.onKeyChanged?.(ref.channelId);
  }

  async deleteChannel(ref: ChannelRef): Promise<void> {
    await this.deps.channels.delete(ref.channelId);
    this.deps.onKeyChanged?.(ref.channelId);
  }

  async status(ref: ChannelRef): Promise<ProviderStatus> {
    const c = await this.channel(ref);
    const now = this.deps.runtime.now();
    const live = c.seenAt !== null && now - c.seenAt < 5 * this.deps.heartbeatMs;
    return { live, at: now };
  }

  async playback(
    ref: ChannelRef,
    viewer: { userId: string; liveId: string },
    ttlSec: number,
  ): Promise<PlaybackGrant> {
    const c = await this.channel(ref);
    const { token, expiresAt } = await signPlayback(
      Buffer.from(c.secret, 'base64url'),
      { userId: viewer.userId, liveId: viewer.liveId, channelId: c.id },
      this.deps.runtime.now(),
      ttlSec,
    );
    return { url: `${this.deps.publicUrl}/media/hls/${c.id}/${token}/index.m3u8`, expiresAt };
  }

  parseEvents(): Promise<ProviderEvent[]> {
    return Promise.reject(new AppError('not_found', 'The local provider takes no webhooks'));
  }

  async close(): Promise<void> {}

  /** 24 random bytes as base64url: 32 characters of A-Z a-z 0-9 - _ (RTMP stream names allow these). */
  private newKey(): string {
    return this.deps.runtime.random(24).toString('base64url');
  }

  private ingestOf(streamKey: string): Ingest {
    return { url: this.deps.ingestUrl(), streamKey };
  }

  private async channel(ref: ChannelRef): Promise<LocalChannelRecord> {
    const c = await this.deps.channels.byId(ref.channelId);
    if (c === undefined) throw new AppError('not_found', 'No such channel');
    return c;
  }
}
