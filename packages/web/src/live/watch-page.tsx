/**
 * The watch page of one live: the video (hls.js, or the browser's own HLS), its state in words, the viewer
 * count when the room's `stats` frames give it, a lock with the reason when the viewer may not watch, and
 * the live's chat beside the video (under it on a phone). Mount it with plain props; it depends on no shell.
 */
import type { LiveView } from '@lightstick/protocol';
import type { ComponentChildren } from 'preact';
import { ensureLiveStyles } from './live-styles.ts';
import { errorText, useJoinedRoom, useLive, useViewers, type Api, type Realtime } from './live-hooks.ts';
import { formatTime, isOnAir } from './live-labels.ts';
import { LiveVideo } from './live-video.tsx';
import { stringsFor, type LiveStrings } from './strings.ts';
import { usePlayback, type Lock } from './use-playback.ts';

export interface WatchPageProps {
  api: Api;
  rt: Realtime;
  liveId: string;
  /**
   * The live's chat, shown beside the video: a node, or a function given the live (its `roomId`) once it
   * is known. The chat joins the room; without a chat the page joins it itself for the live frames.
   */
  chat?: ComponentChildren | ((live: LiveView) => ComponentChildren);
  /** 'ko' | 'ja' | 'en'; default: the browser's languages. */
  lang?: string;
}

export function WatchPage({ api, rt, liveId, chat, lang }: WatchPageProps) {
  ensureLiveStyles();
  const s = stringsFor(lang);
  const { live, error } = useLive(api, rt, liveId);
  const onAir = live ? isOnAir(live.state) : false;
  const pb = usePlayback(api, liveId, live !== null && live.state !== 'ended', live?.access === 'members');
  const viewers = useViewers(rt, live?.roomId);
  useJoinedRoom(rt, live?.roomId, chat === undefined);

  const state = live?.state ?? 'loading';
  const chatNode = live && (typeof chat === 'function' ? chat(live) : chat);
  return (
    <div
      class="ls-watch"
      data-testid="watch-page"
      data-state={state}
      data-grants={pb.grants}
      data-locked={pb.lock ? 'true' : undefined}
    >
      <section class="ls-watch-main">
        <div class="ls-stage">
          {pb.lock ? (
            <LockNotice lock={pb.lock} s={s} />
          ) : onAir && pb.playback ? (
            <LiveVideo url={pb.playback.url} onNeedUrl={pb.refreshNow} label={live?.title ?? ''} />
          ) : (
            <p class="ls-poster" data-testid="live-poster">
              {!live ? s.loading : live.state === 'ended' ? s.endedNote : posterText(live, s)}
            </p>
          )}
        </div>
        <div class="ls-meta">
          <h1 data-testid="live-title">{live?.title ?? ''}</h1>
          {live && (
            <span class="ls-state" data-testid="live-state" data-state={live.state} aria-live="polite">
              {s.state[live.state]}
            </span>
          )}
          {live?.access === 'members' && <span class="tag">{s.membersTag}</span>}
          {viewers !== null && (
            <span class="ls-viewers" data-testid="live-viewers" data-viewers={viewers}>
              {s.viewers(viewers)}
            </span>
          )}
        </div>
        <p class="ls-error" role="alert" data-testid="watch-error">
          {error ? errorText(error, s.somethingWrong) : pb.error && onAir ? s.playError : ''}
        </p>
      </section>
      {chatNode && (
        <aside class="ls-watch-chat" data-testid="watch-chat">
          {chatNode}
        </aside>
      )}
    </div>
  );
}

function posterText(live: LiveView, s: LiveStrings): string {
  if (live.state === 'scheduled' && live.scheduledAt)
    return `${s.waitingForStream} ${s.scheduledFor(formatTime(live.scheduledAt, s.code))}`;
  return live.state === 'scheduled' ? s.waitingForStream : s.loading;
}

function LockNotice({ lock, s }: { lock: Lock; s: LiveStrings }) {
  return (
    <div class="ls-lock" data-testid="live-lock" data-reason={lock.kind} role="status">
      <span class="ls-lock-icon" aria-hidden="true">
        🔒
      </span>
      <h2>{s.lockTitle}</h2>
      <p data-testid="live-lock-reason">{lock.kind === 'members' ? s.lockMembers : s.lockOther}</p>
    </div>
  );
}
