/**
 * The StreamProvider seam: everything Lightstick asks of a video provider (the local RTMP-to-HLS provider,
 * Amazon IVS, Mux, Cloudflare Stream). Lightstick owns lives, access and state; the provider owns video.
 * One folder per implementation under lives/providers/<name>/, one conformance suite every implementation
 * passes (test/conformance/stream-provider.suite.ts). Only app/ picks implementations; a provider that is not
 * configured is not offered.
 *
 * Contract for every method: a provider API failure throws AppError('provider_error') whose message is safe to
 * show the creator (never a credential); an unknown channel throws AppError('not_found'). Stream keys and
 * signing keys never appear in a log line, an error message or `meta`.
 */
export type ProviderName = 'local' | 'ivs' | 'mux' | 'cloudflare';
export type LiveAccess = 'public' | 'members';

/** Where a publisher sends video. `streamKey` is a secret: shown to the community's staff only, never logged. */
export interface Ingest {
  /** e.g. rtmp://host:1935/live, rtmps://<endpoint>:443/app/ */
  url: string;
  streamKey: string;
}

/** What Lightstick stores of a provider channel: the provider's id and non-secret data (ARNs, playback ids). */
export interface ChannelRef {
  /** The provider's id: IVS channel ARN, Mux live stream id, Cloudflare live input uid, local channel id. */
  channelId: string;
  /** Non-secret provider data needed later (playback URL or id, stream key ARN ...). */
  meta: Record<string, string>;
}

export interface ProviderChannel extends ChannelRef {
  ingest: Ingest;
}

/** What the provider reports about a channel now (reconciliation polls this where events are best-effort). */
export interface ProviderStatus {
  /** True while a publisher is sending. */
  live: boolean;
  /** Provider time of the observation (ms since the epoch), or the local clock when the API gives none. */
  at: number;
}

/** A signed playback address for one viewer. */
export interface PlaybackGrant {
  url: string;
  /** ms since the epoch; the web app asks again before this. */
  expiresAt: number;
}

/** A verified, normalised provider event. */
export interface ProviderEvent {
  /** The provider's own event id: a delivery seen before is a replay. */
  id: string;
  channelId: string;
  /** started: a publisher is sending. stopped: the publisher went away (the live service applies the grace window). */
  type: 'started' | 'stopped';
  /** The provider's timestamp of the event (ms since the epoch): events apply in this order. */
  at: number;
}

/** One webhook delivery as received: raw bytes, since signatures cover the exact body. */
export interface WebhookDelivery {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Local receive time (ms since the epoch), for signature timestamp tolerance. */
  receivedAt: number;
}

export interface StreamProvider {
  readonly name: ProviderName;
  /** Creates the provider channel and its first stream key. */
  createChannel(input: { liveId: string; title: string; access: LiveAccess }): Promise<ProviderChannel>;
  /** The current ingest settings (fetched from the provider; Lightstick does not keep cloud stream keys). */
  ingest(channel: ChannelRef): Promise<Ingest>;
  /**
   * Replaces the stream key: the old one stops working at once, a publish in progress with it included.
   * Returns the channel as it is now (its id may change where the provider cannot rotate in place).
   */
  rotateKey(channel: ChannelRef): Promise<ProviderChannel>;
  /** The stream key stops working and any publish in progress is stopped (the live ended). Idempotent. */
  revokeKey(channel: ChannelRef): Promise<void>;
  /** Deletes the channel at the provider. Idempotent: an already deleted channel is not an error. */
  deleteChannel(channel: ChannelRef): Promise<void>;
  status(channel: ChannelRef): Promise<ProviderStatus>;
  /**
   * A playback address for one viewer, valid until `expiresAt` (at most `ttlSec` from now). Members-only lives
   * always get a signed address bound to the viewer where the provider supports it.
   */
  playback(
    channel: ChannelRef,
    viewer: { userId: string; liveId: string; access: LiveAccess },
    ttlSec: number,
  ): Promise<PlaybackGrant>;
  /**
   * Verifies a webhook delivery with the provider's signature scheme and returns its events (possibly none:
   * event kinds Lightstick does not use). Throws AppError('forbidden') for a missing or bad signature or a
   * timestamp outside the tolerance; AppError('bad_request') for a body that is not the provider's shape.
   * Replays of a verified delivery are refused by the caller, by event id.
   */
  parseEvents(delivery: WebhookDelivery): Promise<ProviderEvent[]>;
  /** Releases connections and servers the provider holds. */
  close(): Promise<void>;
}
