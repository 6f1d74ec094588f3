/**
 * The <video> element and its LivePlayer: plays `url`, switches to a newer `url` without restarting, and
 * after a fatal error waits and asks the page for a new grant (which reloads the stream). The wait doubles
 * with each failure in a row (with jitter), so a stream that stays away (reconnecting) does not make every
 * viewer ask for a grant every two seconds; the video playing again resets it.
 */
import { useEffect, useRef } from 'preact/hooks';
import { failWait } from './live-labels.ts';
import { LivePlayer } from './player.ts';

export interface LiveVideoProps {
  url: string;
  /** Called (after a short wait) when the player cannot go on with its URL. */
  onNeedUrl: () => void;
  label: string;
}

export function LiveVideo({ url, onNeedUrl, label }: LiveVideoProps) {
  const video = useRef<HTMLVideoElement>(null);
  const player = useRef<LivePlayer | null>(null);
  const need = useRef(onNeedUrl);
  need.current = onNeedUrl;

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    const el = video.current!;
    const playing = () => (failures = 0);
    el.addEventListener('playing', playing);
    const p = new LivePlayer(el, {
      onFatal: () => {
        clearTimeout(timer);
        failures += 1;
        timer = setTimeout(() => need.current(), failWait(failures));
      },
    });
    player.current = p;
    return () => {
      el.removeEventListener('playing', playing);
      clearTimeout(timer);
      p.destroy();
      player.current = null;
    };
  }, []);

  useEffect(() => {
    player.current?.setUrl(url);
    if (video.current) video.current.dataset.src = player.current?.currentUrl ?? '';
  }, [url]);

  return (
    <video ref={video} data-testid="live-video" aria-label={label} controls muted autoplay playsInline />
  );
}
