/** Scale-out tests over WebSocket: a community room with its owner connected, sending, and polling. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AckFrame, ErrorFrame, RoomView, ServerFrame } from '@lightstick/protocol';
import { createCommunity, grantCreator, registerUser } from './api.ts';
import { WsTestClient } from './ws-client.ts';

export * from './archive-resources.ts';

/**
 * An owner with a community room, connected and joined over WebSocket. A creator an admin vouched for, so
 * the community is not fan-made and the owner sends at the staff rate (its sends are never rate limited).
 */
export async function ownerInRoom(baseUrl: string, wsUrl: string) {
  const owner = await registerUser(baseUrl);
  await grantCreator(baseUrl, owner.user.id);
  const { room } = await createCommunity(baseUrl, owner.accessToken);
  const ws = await WsTestClient.authed(wsUrl, owner.accessToken);
  const joined = await ws.request({ op: 'join', id: 1, room: room.id });
  if (joined.t !== 'joined') throw new Error(`join failed: ${JSON.stringify(joined)}`);
  return { owner, room: room as RoomView, ws };
}

let frameId = 1000;
/** Sends one message and returns the answer to it: an ack or an error. */
export async function send(
  ws: WsTestClient,
  room: string,
  cid: string,
  text = cid,
): Promise<AckFrame | ErrorFrame> {
  const f: ServerFrame = await ws.request({ op: 'send', id: ++frameId, room, cid, text });
  if (f.t !== 'ack' && f.t !== 'error') throw new Error(`unexpected answer ${JSON.stringify(f)}`);
  return f;
}

/** Calls `check` until it returns true, up to `timeoutMs`; throws with `what` otherwise. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
