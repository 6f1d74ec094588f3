/**
 * Cloudflare Stream live inputs behind the StreamProvider seam (REST: api.ts).
 * - A live input per live, recorded automatically; members-only inputs require signed URLs.
 * - Rotation: the API cannot change a live input's key, so a new live input with the same settings replaces
 *   the old one, which is then deleted (Cloudflare stops any stream into a deleted input). The returned
 *   channel has the new input's uid as its id: the live service stores it (the seam allows the id to change).
 * - Revocation disables the input (`enabled: false`: it accepts no stream).
 * - Members-only playback: an RS256 JWT signed with the Stream signing key (kid, sub the input uid, exp),
 *   used in place of the uid in the customer subdomain's URL.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { AppError } from '../../../errors.ts';
import type { CloudflareConfig } from '../../../config/video.ts';
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
import { CloudflareStreamApi, type LiveInput } from './api.ts';
import { parseCloudflareDelivery } from './events.ts';

export interface CloudflareDeps {
  runtime: Runtime;
  logger: Logger;
  toleranceMs: number;
  timeoutMs: number;
}

const LIVE_STATES = new Set(['connected', 'reconnected']);

export class CloudflareProvider implements StreamProvider {
  readonly name = 'cloudflare' as const;
  private readonly api: CloudflareStreamApi;
  private readonly signingKey: KeyObject | undefined;

  constructor(
    private readonly config: CloudflareConfig,
    private readonly deps: CloudflareDeps,
  ) {
    this.api = new CloudflareStreamApi(config, deps.logger, deps.timeoutMs);
    this.signingKey = config.signingKeyPem === undefined ? undefined : createPrivateKey(config.signingKeyPem);
  }

  async createChannel(input: {
    liveId: string;
    title: string;
    access: LiveAccess;
  }): Promise<ProviderChannel> {
    if (input.access === 'members') this.requireSigningKey();
    const created = await this.api.create({
      meta: { name: input.title.slice(0, 200), lightstickLive: input.liveId },
      recording: { mode: 'automatic', requireSignedURLs: input.access === 'members' },
    });
    return this.toChannel(created, input.access === 'members');
  }

  async ingest(channel: ChannelRef): Promise<Ingest> {
    const got = await this.api.get(channel.channelId);
    if (got.enabled === false)
      throw new AppError('conflict', 'The stream key was revoked; rotate it to get a new one');
    return ingestOf(got);
  }

  async rotateKey(channel: ChannelRef): Promise<ProviderChannel> {
    const old = await this.api.get(channel.channelId);
    const members = old.recording?.requireSignedURLs === true;
    const created = await this.api.create({
      meta: old.meta ?? {},
      recording: { mode: old.recording?.mode ?? 'automatic', requireSignedURLs: members },
    });
    try {
      await this.api.delete(old.uid);
    } catch (err) {
      // The old input still works: take the new one back so the channel is as before, and say so.
      await this.api.delete(created.uid).catch(() => undefined);
      throw err;
    }
    return this.toChannel(created, members);
  }

  async revokeKey(channel: ChannelRef): Promise<void> {
    await this.api.update(channel.channelId, { enabled: false });
  }

  async deleteChannel(channel: ChannelRef): Promise<void> {
    try {
      await this.api.delete(channel.channelId);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return;
      throw err;
    }
  }

  async status(channel: ChannelRef): Promise<ProviderStatus> {
    const got = await this.api.get(channel.channelId);
    const s = got.status;
    const state = typeof s === 'string' ? s : s?.current?.state;
    return { live: state !== undefined && LIVE_STATES.has(state), at: this.deps.runtime.now() };
  }

  async playback(
    channel: ChannelRef,
    viewer: { userId: string; liveId: string; access: LiveAccess },
    ttlSec: number,
  ): Promise<PlaybackGrant> {
    const host = `https://${this.config.customerSubdomain}`;
    const now = this.deps.runtime.now();
    if (viewer.access === 'public' && channel.meta.signed !== 'true') {
      return { url: `${host}/${channel.channelId}/manifest/video.m3u8`, expiresAt: now + ttlSec * 1000 };
    }
    const key = this.requireSigningKey();
    const kid = this.config.signingKeyId as string;
    const expSec = Math.floor(now / 1000) + ttlSec;
    const token = await new SignJWT({ kid })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject(channel.channelId)
      .setExpirationTime(expSec)
      .setNotBefore(Math.floor(now / 1000) - 60)
      .sign(key);
    return { url: `${host}/${token}/manifest/video.m3u8`, expiresAt: expSec * 1000 };
  }

  async parseEvents(delivery: WebhookDelivery): Promise<ProviderEvent[]> {
    return parseCloudflareDelivery(delivery, this.config, this.deps.toleranceMs);
  }

  async close(): Promise<void> {
    // fetch's keep-alive pool belongs to the process.
  }

  private toChannel(input: LiveInput, signed: boolean): ProviderChannel {
    return { channelId: input.uid, meta: { signed: String(signed) }, ingest: ingestOf(input) };
  }

  private requireSigningKey(): KeyObject {
    if (this.signingKey === undefined) {
      throw new AppError(
        'provider_error',
        'Members-only lives on Cloudflare Stream need LIGHTSTICK_CLOUDFLARE_SIGNING_KEY_ID and _KEY',
      );
    }
    return this.signingKey;
  }
}

function ingestOf(input: LiveInput): Ingest {
  const url = input.rtmps?.url;
  const streamKey = input.rtmps?.streamKey;
  if (url === undefined || streamKey === undefined) {
    throw new AppError('provider_error', 'Cloudflare Stream answered without RTMPS ingest settings');
  }
  return { url, streamKey };
}
