/**
 * Settings of lives and of the local video provider (RTMP ingest, HLS packaging and serving). The cloud
 * providers' credentials are in config/video.ts. Every variable is listed in docs/configuration.md.
 */
import path from 'node:path';
import { bool, ConfigError, int, url, type Env } from './load.ts';

export type LiveProviderName = 'local' | 'ivs' | 'mux' | 'cloudflare';
const PROVIDERS: readonly LiveProviderName[] = ['local', 'ivs', 'mux', 'cloudflare'];

export interface MediaConfig {
  /** Offer the local provider (RTMP ingest and HLS from Lightstick itself). */
  localEnabled: boolean;
  /** The provider of a live created without one. */
  defaultProvider: LiveProviderName;
  /** Where the RTMP listener binds (processes with the media role). */
  rtmpHost: string;
  /** RTMP port; 0 picks a free one (tests). */
  rtmpPort: number;
  /** The ingest URL shown to creators; unset: rtmp://localhost:<port>/live. */
  rtmpPublicUrl: string | undefined;
  /** Folder of the playlists and segments, one subfolder per channel. */
  hlsDir: string;
  /** Target HLS segment length (segments are cut at the publisher's keyframes). */
  segmentSec: number;
  /** Segments listed in a live playlist. */
  listSize: number;
  /** How long a live stays `reconnecting` after its publisher dropped before it ends. */
  graceMs: number;
  /** Lifetime of a playback address (token). */
  playbackTtlSec: number;
  /** How often unended lives are checked against their provider (events can be late or missing). */
  reconcileMs: number;
  /** Media process: how often running publishes are reported alive and their keys checked again. */
  heartbeatMs: number;
  /** Origin (and path prefix) of playback URLs when HLS is not served from the API's origin. */
  publicUrl: string | undefined;
  /** The ffmpeg binary. */
  ffmpegPath: string;
}

function provider(env: Env, name: string, def: LiveProviderName): LiveProviderName {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!PROVIDERS.includes(raw as LiveProviderName)) {
    throw new ConfigError(`${name}="${raw}" is not a provider; it accepts ${PROVIDERS.join(', ')}`);
  }
  return raw as LiveProviderName;
}

export function loadMediaConfig(e: Env, dataDir: string): MediaConfig {
  const localEnabled = bool(e, 'LIGHTSTICK_LOCAL_PROVIDER', true);
  const defaultProvider = provider(e, 'LIGHTSTICK_LIVE_PROVIDER', 'local');
  if (defaultProvider === 'local' && !localEnabled) {
    throw new ConfigError(
      'LIGHTSTICK_LIVE_PROVIDER is local but LIGHTSTICK_LOCAL_PROVIDER=false; name a configured provider',
    );
  }
  const publicUrl = url(e, 'LIGHTSTICK_MEDIA_PUBLIC_URL', ['http:', 'https:']);
  return {
    localEnabled,
    defaultProvider,
    rtmpHost: e.LIGHTSTICK_RTMP_HOST || '0.0.0.0',
    rtmpPort: int(e, 'LIGHTSTICK_RTMP_PORT', 1935, 0, 65535),
    rtmpPublicUrl: url(e, 'LIGHTSTICK_RTMP_PUBLIC_URL', ['rtmp:', 'rtmps:']),
    hlsDir: path.resolve(e.LIGHTSTICK_HLS_DIR || path.join(dataDir, 'hls')),
    segmentSec: int(e, 'LIGHTSTICK_HLS_SEGMENT_SEC', 1, 1, 10),
    listSize: int(e, 'LIGHTSTICK_HLS_LIST_SIZE', 6, 3, 60),
    graceMs: int(e, 'LIGHTSTICK_LIVE_GRACE_MS', 30_000, 100, 3_600_000),
    playbackTtlSec: int(e, 'LIGHTSTICK_PLAYBACK_TTL_SEC', 3600, 30, 86_400),
    reconcileMs: int(e, 'LIGHTSTICK_LIVE_RECONCILE_MS', 5000, 100, 600_000),
    heartbeatMs: int(e, 'LIGHTSTICK_MEDIA_HEARTBEAT_MS', 1000, 100, 60_000),
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    ffmpegPath: e.LIGHTSTICK_FFMPEG || 'ffmpeg',
  };
}
