/**
 * Composition of live video: the configured providers, the live service, the event applier and reconciler,
 * and, in a process with the media role, the local provider's ingest, packaging and HLS files.
 * Roles: api processes serve the contract and reconcile; a media process runs the local ingest and applies
 * its events itself (through the Store, so it needs no api process to reach). Embedded mode runs all of it.
 * Cloud providers (ivs, mux, cloudflare) join the local one when configured (app/cloud-providers.ts).
 */
import type { Config } from '../config/config.ts';
import type { Services } from '../services.ts';
import { LiveEvents } from '../lives/live-events.ts';
import { LiveService } from '../lives/live-service.ts';
import { LiveTransitions } from '../lives/live-transitions.ts';
import type { MediaFiles } from '../lives/media-files.ts';
import { ProviderRegistry } from '../lives/provider-registry.ts';
import type { StreamProvider } from '../lives/providers/stream-provider.ts';
import { HlsFiles } from '../lives/providers/local/hls-files.ts';
import type { LocalMedia } from '../lives/providers/local/local-media.ts';
import { LocalProvider } from '../lives/providers/local/local-provider.ts';
import { cloudProviders } from './cloud-providers.ts';
import { createLiveAnnouncer } from './live-announcer.ts';

export interface LivesBuilt {
  service: LiveService;
  events: LiveEvents;
  providers: ProviderRegistry;
  /** The local ingest and packager (media role with the local provider). */
  media: LocalMedia | undefined;
  /** HLS files to serve (media role with the local provider). */
  files: MediaFiles | undefined;
  /** Starts the RTMP listener (media) and the reconciler (api); after the HTTP server listens. */
  start(): Promise<void>;
  /** Stops publishes, packagers, timers and provider clients (idempotent). */
  stop(): Promise<void>;
}

export async function buildLives(
  config: Config,
  services: Services,
  extra: StreamProvider[] = [],
): Promise<LivesBuilt> {
  const { store, runtime, logger, broker, messageLog } = services;
  const m = config.media;
  const log = logger.child({ component: 'lives' });
  const runsMedia = config.roles.has('media') && m.localEnabled;
  let media: LocalMedia | undefined;
  // Without a public URL: the listen address when it is a specific one, else this machine.
  const host = m.rtmpHost === '0.0.0.0' || m.rtmpHost === '::' ? 'localhost' : m.rtmpHost;

  const providers: StreamProvider[] = [];
  if (m.localEnabled) {
    providers.push(
      new LocalProvider({
        channels: store.localChannels,
        runtime,
        ingestUrl: () => m.rtmpPublicUrl ?? `rtmp://${host}:${media?.rtmpPort() || m.rtmpPort || 1935}/live`,
        publicUrl: m.publicUrl ?? '',
        heartbeatMs: m.heartbeatMs,
        onKeyChanged: (channelId) => media?.keyChanged(channelId),
      }),
    );
  }
  providers.push(...(await cloudProviders(config, { runtime, logger: log })));
  const registry = new ProviderRegistry([...providers, ...extra], m.defaultProvider);
  const announcer = createLiveAnnouncer({ store, messageLog, broker, runtime });
  const transitions = new LiveTransitions({
    lives: store.lives,
    providers: registry,
    announcer,
    runtime,
    logger: log,
  });
  const events = new LiveEvents({
    lives: store.lives,
    providers: registry,
    transitions,
    runtime,
    logger: log,
    graceMs: m.graceMs,
  });
  const service = new LiveService({
    store,
    liveCreates: { limiter: services.rateLimiter, rule: config.quotas.liveCreates },
    providers: registry,
    transitions,
    runtime,
    logger: log,
    playbackTtlSec: m.playbackTtlSec,
  });
  if (runsMedia) {
    // Loaded only with the media role: RTMP (node-media-server) and the packager stay out of other processes.
    const { LocalMedia } = await import('../lives/providers/local/local-media.ts');
    media = new LocalMedia({
      channels: store.localChannels,
      runtime,
      logger: log,
      rtmpHost: m.rtmpHost,
      rtmpPort: m.rtmpPort,
      hlsDir: m.hlsDir,
      segmentSec: m.segmentSec,
      listSize: m.listSize,
      heartbeatMs: m.heartbeatMs,
      ffmpegPath: m.ffmpegPath,
      onEvent: (e) => events.apply('local', [e], { remember: false }),
    });
  }
  const files = runsMedia
    ? new HlsFiles({ channels: store.localChannels, runtime, hlsDir: m.hlsDir })
    : undefined;

  let stopping: Promise<void> | undefined;
  return {
    service,
    events,
    providers: registry,
    media,
    files,
    async start() {
      if (media) {
        const port = await media.start();
        log.info({ rtmpPort: port }, 'RTMP ingest listening');
      }
      if (config.roles.has('api')) events.start(m.reconcileMs);
    },
    stop() {
      stopping ??= (async () => {
        await events.stop();
        transitions.close();
        await media?.close();
        await registry.close();
      })();
      return stopping;
    },
  };
}
