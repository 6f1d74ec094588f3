/**
 * Viewers per live for the dashboard (`lightstick_live_viewers{live}`): the lives on air (live or
 * reconnecting) and the viewer counts of their rooms as the gateways report them to the PresenceStore,
 * merged over every node. Read at scrape time by api processes, so the figure is as fresh as the gateways'
 * last report (a few seconds) and costs one store query and one presence read per scrape.
 */
import type { Services } from '../services.ts';

/** Lives read per scrape; more on air at once than this is not a shape the dashboard panel is built for. */
const MAX_LIVES = 200;

export async function liveViewers(
  services: Pick<Services, 'store' | 'presence'>,
): Promise<{ live: string; viewers: number }[]> {
  const onAir = (await services.store.lives.unended(MAX_LIVES)).filter((l) => l.state !== 'scheduled');
  if (onAir.length === 0) return [];
  const counts = await services.presence.counts(onAir.map((l) => l.roomId));
  return onAir.map((l) => ({ live: l.id, viewers: counts.get(l.roomId)?.live.viewers ?? 0 }));
}
