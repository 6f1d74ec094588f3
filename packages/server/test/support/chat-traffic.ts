/**
 * Light, real chat traffic for the monitoring tests and the dashboard picture: SDK fans on every gateway send
 * into one room at a steady pace (each receives everyone's messages), and one raw client per gateway sends
 * into a room it has not joined now and then, so refusals by code show too. Bounded: it runs until `stop()`.
 */
import type { RealtimeClient } from '@lightstick/client';
import type { TestUser } from './client-support.ts';
import { closeAll, freshRoom, userOn } from './scale-support.ts';
import { WsTestClient } from './ws-client.ts';

export interface TrafficStats {
  acknowledged: number;
  /** SDK sends that failed (none expected). */
  failed: number;
  /** Raw sends refused with `not_joined`, on purpose. */
  refused: number;
  /** Messages the fans received. */
  delivered: number;
}

export interface ChatTraffic {
  stats: TrafficStats;
  /** Clients open now (fans and raw clients). */
  connections: number;
  stop(): Promise<TrafficStats>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startChatTraffic(
  apiUrl: string,
  wsUrls: string[],
  opts: { fansPerGateway?: number; sendsPerSecond?: number; refuseEveryMs?: number } = {},
): Promise<ChatTraffic> {
  const { fansPerGateway = 2, sendsPerSecond = 2, refuseEveryMs = 1000 } = opts;
  const users: (TestUser | RealtimeClient)[] = [];
  const raws: WsTestClient[] = [];
  const stats: TrafficStats = { acknowledged: 0, failed: 0, refused: 0, delivered: 0 };
  let running = true;
  try {
    const owner = await userOn(apiUrl, [wsUrls[0] as string]);
    users.push(owner);
    const room = await freshRoom(owner, 'traffic');
    await owner.rt.join(room.id);
    const fans: TestUser[] = [];
    for (const url of wsUrls) {
      for (let i = 0; i < fansPerGateway; i++) {
        const fan = await userOn(apiUrl, [url], room);
        fan.rt.on('messages', (e) => (stats.delivered += e.messages.length));
        fans.push(fan);
        users.push(fan);
      }
      raws.push(await WsTestClient.authed(url, await owner.api.getAccessToken()));
    }
    const loops = fans.map(async (fan, i) => {
      let n = 0;
      await sleep((i * 1000) / sendsPerSecond / fans.length); // spread the senders over the interval
      while (running) {
        try {
          await fan.rt.send(room.id, `fan ${i} message ${++n}`);
          stats.acknowledged++;
        } catch {
          stats.failed++;
        }
        await sleep(1000 / sendsPerSecond);
      }
    });
    let id = 1_000_000;
    const refusals = raws.map(async (raw) => {
      while (running) {
        const answer = await raw
          .request({ op: 'send', id: ++id, room: room.id, cid: `r-${id}`, text: 'not joined' })
          .catch(() => undefined);
        if (answer?.t === 'error' && answer.code === 'not_joined') stats.refused++;
        await sleep(refuseEveryMs);
      }
    });
    return {
      stats,
      connections: users.length + raws.length,
      async stop() {
        running = false;
        await Promise.all([...loops, ...refusals]);
        closeAll(users);
        for (const r of raws) r.close();
        return stats;
      },
    };
  } catch (err) {
    running = false;
    closeAll(users);
    for (const r of raws) r.close();
    throw err;
  }
}
