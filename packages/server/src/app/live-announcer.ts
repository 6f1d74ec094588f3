/**
 * LiveAnnouncer over the message log and the broker. System messages are committed through the MessageLog like
 * any chat message (durable, in the room's history, on the priority lane), with the key as client id so the
 * same announcement is stored once. A state change is one ephemeral `live` frame per room of the community
 * (Broker.publishEvent: no history, priority lane), reaching every node with members in that room.
 */
import type { LiveView } from '@lightstick/protocol';
import type { Broker } from '../broker/broker.ts';
import type { MessageLog } from '../chat/message-log.ts';
import type { Runtime } from '../runtime.ts';
import type { Store } from '../storage/repositories.ts';
import type { LiveAnnouncer } from '../lives/announcer.ts';

export const SYSTEM_USER = { id: 'system', name: 'system', displayName: 'Lightstick' } as const;

export function createLiveAnnouncer(deps: {
  store: Pick<Store, 'rooms'>;
  messageLog: MessageLog;
  broker: Broker;
  runtime: Runtime;
}): LiveAnnouncer {
  return {
    async systemMessage(roomId: string, text: string, key: string): Promise<void> {
      const { runtime } = deps;
      await deps.messageLog.commit({
        id: runtime.id(),
        room: roomId,
        cid: key,
        user: { ...SYSTEM_USER },
        role: 'system',
        priority: true,
        text,
        ts: runtime.now(),
      });
    },
    async liveChanged(live: LiveView): Promise<void> {
      const rooms = await deps.store.rooms.listByCommunity(live.communityId);
      await Promise.all(
        rooms.map((r) =>
          deps.broker.publishEvent(r.id, {
            json: JSON.stringify({ t: 'live', room: r.id, live }),
            priority: true,
          }),
        ),
      );
    },
  };
}
