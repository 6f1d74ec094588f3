/**
 * The video player of the watch page: hls.js where Media Source Extensions exist (its documented
 * `isSupported` / `loadSource` / `attachMedia` flow), the browser's own HLS where it plays it (Safari, iOS).
 *
 * Playback URLs expire and carry their token (the local provider puts it in the path, so the playlist's
 * relative segment URIs carry it too). A new URL must not restart the video: with hls.js every request
 * under an old URL's folder is sent to the newest URL's folder instead (hls.js `xhrSetup` may re-open the
 * request), so the next playlist reload and the segments after it simply use the new token. The native
 * player has no such hook: it gets the new URL as its source, which resumes at the live edge.
 */
import Hls from 'hls.js';
import { UrlSwap } from './url-swap.ts';

export type PlayerFailure = 'network' | 'media' | 'unsupported';

export interface PlayerEvents {
  /**
   * The stream cannot go on with the URL it has (an expired grant, the stream gone, the decoder failed
   * twice): ask for a new playback URL and call `setUrl` with it, which reloads the stream.
   */
  onFatal(kind: PlayerFailure, detail: string): void;
}

const MEDIA_RECOVERIES = 2;

/** Which engine plays HLS in this browser: hls.js first (documented order), then native, else none. */
export function hlsEngine(video: HTMLVideoElement): 'hls.js' | 'native' | null {
  if (Hls.isSupported()) return 'hls.js';
  if (video.canPlayType('application/vnd.apple.mpegurl')) return 'native';
  return null;
}

export class LivePlayer {
  private hls: Hls | null = null;
  private url = '';
  private readonly swap = new UrlSwap();
  private failed = false;
  private mediaRecoveries = 0;
  private started = false;
  private readonly engine: 'hls.js' | 'native' | null;
  private readonly onNativeError = () => this.events.onFatal('network', 'native playback error');

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly events: PlayerEvents,
  ) {
    this.engine = hlsEngine(video);
  }

  /** The URL requests go to now (absolute). */
  get currentUrl(): string {
    return this.url;
  }

  /** Starts playing `url`, or switches to it: seamlessly while playing, with a reload after a failure. */
  setUrl(raw: string): void {
    const url = new URL(raw, location.href).href;
    if (url === this.url && !this.failed) return;
    if (this.engine === null) return this.events.onFatal('unsupported', 'this browser cannot play HLS');
    if (this.engine === 'native') return this.setNative(url);
    const first = this.hls === null;
    this.swap.set(url);
    this.url = url;
    if (first) return this.startHls(url);
    if (this.failed) {
      this.failed = false;
      this.hls!.loadSource(url);
    }
  }

  destroy(): void {
    this.hls?.destroy();
    this.hls = null;
    this.video.removeEventListener('error', this.onNativeError);
    if (this.engine === 'native') {
      this.video.removeAttribute('src');
      this.video.load();
    }
  }

  private startHls(url: string): void {
    const hls = new Hls({
      xhrSetup: (xhr, requestUrl) => {
        const to = this.swap.rewrite(requestUrl);
        if (to !== requestUrl) xhr.open('GET', to, true);
      },
    });
    this.hls = hls;
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      this.mediaRecoveries = 0;
      this.play();
    });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR && this.mediaRecoveries < MEDIA_RECOVERIES) {
        // The documented recovery for a decoding error: rebuild the media buffers and carry on.
        this.mediaRecoveries += 1;
        hls.recoverMediaError();
        return;
      }
      this.failed = true;
      hls.stopLoad();
      this.events.onFatal(data.type === Hls.ErrorTypes.MEDIA_ERROR ? 'media' : 'network', data.details);
    });
    hls.loadSource(url);
    hls.attachMedia(this.video);
  }

  private setNative(url: string): void {
    this.url = url;
    this.failed = false;
    this.video.removeEventListener('error', this.onNativeError);
    this.video.addEventListener('error', this.onNativeError);
    this.video.src = url;
    this.play();
  }

  /** Autoplay is allowed muted; the viewer unmutes with the controls. */
  private play(): void {
    if (!this.started) this.video.muted = true;
    this.started = true;
    this.video.play().catch(() => undefined);
  }
}
