/** Live records -> the LiveView of protocol/lives.ts (times as ISO text; `ingest` only when given). */
import type { IngestView, LiveView } from '@lightstick/protocol';
import type { LiveRecord } from '../storage/lives-repositories.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toLiveView(l: LiveRecord, ingest?: IngestView): LiveView {
  const view: LiveView = {
    id: l.id,
    communityId: l.communityId,
    roomId: l.roomId,
    title: l.title,
    access: l.access,
    provider: l.provider,
    state: l.state,
    scheduledAt: iso(l.scheduledAt),
    startedAt: iso(l.startedAt),
    endedAt: iso(l.endedAt),
    version: l.version,
  };
  if (ingest !== undefined) view.ingest = { url: ingest.url, streamKey: ingest.streamKey };
  return view;
}
