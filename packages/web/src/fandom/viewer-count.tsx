/** The live viewer count of a room (issue 11 part 7), from `stats.viewers`; hidden until the first frame. */
import { useEffect, useState } from 'preact/hooks';
import type { FandomRealtime } from './contract.ts';
import { t, type Lang } from './strings.ts';

export interface ViewerCountProps {
  rt: FandomRealtime;
  room: string;
  lang: Lang;
}

export function ViewerCount({ rt, room, lang }: ViewerCountProps) {
  const [viewers, setViewers] = useState<number | null>(null);
  useEffect(() => rt.on('stats', (s) => s.room === room && setViewers(s.viewers)), [rt, room]);
  if (viewers === null) return null;
  return (
    <span class="fd-viewers" data-testid="fd-viewers" data-count={viewers}>
      <span class="fd-live-dot" aria-hidden="true" />
      {t(lang, 'viewers.count', { count: viewers.toLocaleString(lang) })}
    </span>
  );
}
