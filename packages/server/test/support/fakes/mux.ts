/**
 * A local stand-in for the Mux Video API's live streams (base URL + /video/v1/live-streams...), answering as
 * Mux's API reference documents (`{ data }` envelopes, `{ error: { type, messages } }` errors). Every request
 * must carry HTTP Basic auth with the test's token id and secret. It models live streams, their stream key
 * and playback ids, the enabled/disabled state, and publishes: a publish with a stream's current key makes
 * it `active`; resetting the key alone does not end it, disabling does (Mux closes the encoder connection).
 */
import { randomBytes } from 'node:crypto';
import {
  startFakeHttp,
  type Answer,
  type FakeHttp,
  type FakePublish,
  type SeenRequest,
} from './fake-http.ts';

export interface FakeMuxStream {
  id: string;
  streamKey: string;
  enabled: boolean;
  playbackIds: { id: string; policy: string }[];
  latencyMode: string;
  passthrough: string | undefined;
  live: FakePublish | undefined;
}

export interface FakeMux extends FakeHttp {
  tokenId: string;
  tokenSecret: string;
  streams: Map<string, FakeMuxStream>;
  publish(streamKey: string): FakePublish | undefined;
}

const rid = (n: number): string => randomBytes(n).toString('base64url').replace(/[-_]/g, 'x').slice(0, n);
const POLICIES = new Set(['public', 'signed', 'drm']);

export async function startFakeMux(): Promise<FakeMux> {
  const tokenId = `tok-${rid(12)}`;
  const tokenSecret = `sec-${rid(40)}`;
  const streams = new Map<string, FakeMuxStream>();
  const view = (s: FakeMuxStream) => ({
    id: s.id,
    stream_key: s.streamKey,
    status: !s.enabled ? 'disabled' : s.live?.active ? 'active' : 'idle',
    playback_ids: s.playbackIds,
    latency_mode: s.latencyMode,
    max_continuous_duration: 43200,
    created_at: String(Math.floor(Date.now() / 1000)),
    ...(s.passthrough !== undefined ? { passthrough: s.passthrough } : {}),
  });
  const notFound: Answer = {
    status: 404,
    body: { error: { type: 'not_found', messages: ['Live stream not found'] } },
  };
  const endPublish = (s: FakeMuxStream) => {
    if (s.live) s.live.active = false;
    s.live = undefined;
  };

  const handle = (req: SeenRequest): Answer | string => {
    const expected = `Basic ${Buffer.from(`${tokenId}:${tokenSecret}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return 'no Basic auth with the configured token';
    const m = /^\/video\/v1\/live-streams(?:\/([A-Za-z0-9]+)(?:\/([a-z-]+))?)?$/.exec(req.path);
    if (!m) return 'unknown path';
    const [, id, action] = m;
    if (id === undefined) {
      if (req.method !== 'POST') return 'live streams are created with POST';
      const b = (req.json ?? {}) as Record<string, unknown>;
      const policies = b.playback_policies;
      if (!Array.isArray(policies) || policies.some((p) => !POLICIES.has(p as string))) {
        return 'body.playback_policies should list public, signed or drm';
      }
      if (
        b.latency_mode !== undefined &&
        !['low', 'reduced', 'standard'].includes(b.latency_mode as string)
      ) {
        return 'bad latency_mode';
      }
      const s: FakeMuxStream = {
        id: rid(24),
        streamKey: randomBytes(16).toString('hex'),
        enabled: true,
        playbackIds: (policies as string[]).map((policy) => ({ id: rid(24), policy })),
        latencyMode: (b.latency_mode as string | undefined) ?? 'standard',
        passthrough: b.passthrough as string | undefined,
        live: undefined,
      };
      streams.set(s.id, s);
      return { status: 201, body: { data: view(s) } };
    }
    const s = streams.get(id);
    if (!s) return notFound;
    const route = `${req.method} ${action ?? ''}`;
    switch (route) {
      case 'GET ':
        return { status: 200, body: { data: view(s) } };
      case 'DELETE ':
        endPublish(s);
        streams.delete(id);
        return { status: 204 };
      case 'POST reset-stream-key':
        s.streamKey = randomBytes(16).toString('hex');
        return { status: 201, body: { data: view(s) } };
      case 'PUT disable':
        endPublish(s);
        s.enabled = false;
        return { status: 200, body: { data: {} } };
      case 'PUT enable':
        s.enabled = true;
        return { status: 200, body: { data: {} } };
      case 'PUT complete':
        return { status: 200, body: { data: {} } };
      default:
        return `unknown operation ${route}`;
    }
  };
  const base = await startFakeHttp(handle);
  return {
    ...base,
    tokenId,
    tokenSecret,
    streams,
    publish(streamKey) {
      const s = [...streams.values()].find((x) => x.streamKey === streamKey && x.enabled);
      if (!s) return undefined;
      s.live = { key: streamKey, channelId: s.id, active: true };
      return s.live;
    },
  };
}
