/**
 * A local stand-in for Cloudflare Stream's live-inputs API (/client/v4/accounts/<account>/stream/live_inputs
 * [/<uid>]), answering with Cloudflare's `{ success, errors, messages, result }` envelope as its API reference
 * documents. Every request must carry `Authorization: Bearer <the test's token>` and the test's account. It
 * models live inputs (uid, RTMPS url and key, meta, recording, enabled, connection status) and publishes: a
 * publish with an enabled input's key makes it `connected`; disabling or deleting the input ends it.
 */
import { randomBytes } from 'node:crypto';
import {
  startFakeHttp,
  type Answer,
  type FakeHttp,
  type FakePublish,
  type SeenRequest,
} from './fake-http.ts';

export interface FakeCfInput {
  uid: string;
  streamKey: string;
  meta: Record<string, unknown>;
  recording: Record<string, unknown>;
  enabled: boolean;
  live: FakePublish | undefined;
}

export interface FakeCloudflare extends FakeHttp {
  accountId: string;
  apiToken: string;
  /** The API base to configure (`${url}/client/v4`). */
  apiUrl: string;
  inputs: Map<string, FakeCfInput>;
  publish(streamKey: string): FakePublish | undefined;
}

const hex = (n: number): string => randomBytes(n / 2).toString('hex');

export async function startFakeCloudflare(): Promise<FakeCloudflare> {
  const accountId = hex(32);
  const apiToken = `cf-${hex(40)}`;
  const inputs = new Map<string, FakeCfInput>();
  const ok = (status: number, result: unknown): Answer => ({
    status,
    body: { success: true, errors: [], messages: [], result },
  });
  const notFound: Answer = {
    status: 404,
    body: { success: false, errors: [{ code: 10003, message: 'Not Found' }], messages: [], result: null },
  };
  const view = (i: FakeCfInput) => ({
    uid: i.uid,
    rtmps: { url: 'rtmps://live.cloudflare.com:443/live/', streamKey: i.streamKey },
    rtmpsPlayback: { url: 'rtmps://live.cloudflare.com:443/live/', streamKey: hex(32) },
    srt: { url: 'srt://live.cloudflare.com:778', streamId: i.uid, passphrase: hex(32) },
    webRTC: { url: `https://customer-x.cloudflarestream.com/${i.uid}/webRTC/publish` },
    created: new Date().toISOString(),
    modified: new Date().toISOString(),
    meta: i.meta,
    recording: i.recording,
    enabled: i.enabled,
    status: i.live?.active ? 'connected' : null,
  });
  const endPublish = (i: FakeCfInput) => {
    if (i.live) i.live.active = false;
    i.live = undefined;
  };

  const handle = (req: SeenRequest): Answer | string => {
    if (req.headers.authorization !== `Bearer ${apiToken}`) return 'no Bearer token';
    const m = /^\/client\/v4\/accounts\/([0-9a-f]+)\/stream\/live_inputs(?:\/([0-9a-f]{32}))?$/.exec(
      req.path,
    );
    if (!m) return 'unknown path';
    if (m[1] !== accountId) return `account ${m[1]} is not the configured one`;
    const uid = m[2];
    const body = (req.json ?? {}) as Record<string, unknown>;
    if (
      (req.method === 'POST' || req.method === 'PUT') &&
      !String(req.headers['content-type']).startsWith('application/json')
    ) {
      return 'content-type is not JSON';
    }
    if (uid === undefined) {
      if (req.method !== 'POST') return 'live inputs are created with POST';
      const rec = body.recording as Record<string, unknown> | undefined;
      if (
        rec !== undefined &&
        (typeof rec !== 'object' || !['off', 'automatic'].includes(rec.mode as string))
      ) {
        return 'body.recording.mode should be off or automatic';
      }
      if (body.meta !== undefined && (typeof body.meta !== 'object' || body.meta === null))
        return 'body.meta should be an object';
      const input: FakeCfInput = {
        uid: hex(32),
        streamKey: hex(32) + 'k' + hex(32),
        meta: (body.meta as Record<string, unknown> | undefined) ?? {},
        recording: rec ?? { mode: 'off', requireSignedURLs: false },
        enabled: body.enabled !== false,
        live: undefined,
      };
      inputs.set(input.uid, input);
      return ok(201, view(input));
    }
    const input = inputs.get(uid);
    if (!input) return notFound;
    switch (req.method) {
      case 'GET':
        return ok(200, view(input));
      case 'PUT':
        if (body.enabled !== undefined) {
          if (typeof body.enabled !== 'boolean') return 'body.enabled should be a boolean';
          input.enabled = body.enabled;
          if (!input.enabled) endPublish(input);
        }
        return ok(200, view(input));
      case 'DELETE':
        endPublish(input);
        inputs.delete(uid);
        return ok(200, '');
      default:
        return `unknown method ${req.method}`;
    }
  };
  const base = await startFakeHttp(handle);
  return {
    ...base,
    accountId,
    apiToken,
    apiUrl: `${base.url}/client/v4`,
    inputs,
    publish(streamKey) {
      const i = [...inputs.values()].find((x) => x.streamKey === streamKey && x.enabled);
      if (!i) return undefined;
      i.live = { key: streamKey, channelId: i.uid, active: true };
      return i.live;
    },
  };
}
