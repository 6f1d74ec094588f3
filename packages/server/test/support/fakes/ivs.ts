/**
 * A local stand-in for the Amazon IVS API (restJson1: POST /<Operation> with a JSON body), answering as the
 * IVS API reference documents, errors included (`x-amzn-ErrorType` + `{ message }`). Every request must
 * carry a SigV4 signature valid for the test's credentials, region and service `ivs`, and the body fields
 * each operation requires. It models channels, their one stream key (IVS's quota), playback key pairs, and
 * publishes: a publish with a channel's current key makes it live; deleting the key does not end it (as at
 * IVS), StopStream does.
 */
import { randomBytes } from 'node:crypto';
import {
  startFakeHttp,
  needField,
  type Answer,
  type FakeHttp,
  type FakePublish,
  type SeenRequest,
} from './fake-http.ts';
import { sigv4Problem } from './sigv4.ts';

export interface FakeIvsChannel {
  arn: string;
  name: string;
  authorized: boolean;
  latencyMode: string;
  type: string;
  tags: Record<string, string>;
  key: { arn: string; value: string } | undefined;
  live: FakePublish | undefined;
}

export interface FakeIvs extends FakeHttp {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  channels: Map<string, FakeIvsChannel>;
  /** Public keys imported with ImportPlaybackKeyPair (PEM). */
  keyPairs: string[];
  publish(streamKey: string): FakePublish | undefined;
}

const ACCOUNT = '123456789012';
const id = (n: number): string => randomBytes(n).toString('hex').slice(0, n);
const err = (status: number, type: string, message: string): Answer => ({
  status,
  headers: { 'x-amzn-ErrorType': `${type}:http://internal.amazon.com/coral/com.amazonaws.ivs/` },
  body: { message },
});

export async function startFakeIvs(): Promise<FakeIvs> {
  const region = 'us-west-2';
  const credentials = { accessKeyId: `AKIA${id(16).toUpperCase()}`, secretAccessKey: `secret-${id(32)}` };
  const channels = new Map<string, FakeIvsChannel>();
  const keyPairs: string[] = [];
  const arn = (kind: string): string => `arn:aws:ivs:${region}:${ACCOUNT}:${kind}/${id(12)}`;
  const view = (c: FakeIvsChannel) => ({
    arn: c.arn,
    name: c.name,
    authorized: c.authorized,
    latencyMode: c.latencyMode,
    type: c.type,
    tags: c.tags,
    ingestEndpoint: `${c.arn.slice(-12)}.global-contribute.live-video.net`,
    playbackUrl: `https://${c.arn.slice(-12)}.${region}.playback.live-video.net/api/video/v1/${region}.${ACCOUNT}.channel.${c.arn.slice(-12)}.m3u8`,
  });
  const newKey = (c: FakeIvsChannel) => {
    c.key = { arn: arn('stream-key'), value: `sk_${region}_${id(24)}` };
    return { arn: c.key.arn, value: c.key.value, channelArn: c.arn, tags: {} };
  };
  const channelOf = (a: unknown): FakeIvsChannel | undefined =>
    typeof a === 'string' ? channels.get(a) : undefined;
  const byKeyArn = (a: unknown): FakeIvsChannel | undefined =>
    [...channels.values()].find((c) => c.key !== undefined && c.key.arn === a);
  const missing = (): Answer => err(404, 'ResourceNotFoundException', 'Resource not found');

  const ops: Record<string, (b: Record<string, unknown>) => Answer | string> = {
    CreateChannel(b) {
      if (typeof b.name !== 'string' || !/^[a-zA-Z0-9-_]{0,128}$/.test(b.name))
        return 'name must match ^[a-zA-Z0-9-_]*$';
      if (b.latencyMode !== undefined && b.latencyMode !== 'LOW' && b.latencyMode !== 'NORMAL')
        return 'bad latencyMode';
      if (b.authorized !== undefined && typeof b.authorized !== 'boolean')
        return 'authorized must be boolean';
      const c: FakeIvsChannel = {
        arn: arn('channel'),
        name: b.name,
        authorized: b.authorized === true,
        latencyMode: (b.latencyMode as string | undefined) ?? 'LOW',
        type: (b.type as string | undefined) ?? 'STANDARD',
        tags: (b.tags as Record<string, string> | undefined) ?? {},
        key: undefined,
        live: undefined,
      };
      channels.set(c.arn, c);
      return { status: 200, body: { channel: view(c), streamKey: newKey(c) } };
    },
    GetChannel(b) {
      const c = channelOf(b.arn);
      return c ? { status: 200, body: { channel: view(c) } } : missing();
    },
    DeleteChannel(b) {
      const c = channelOf(b.arn);
      if (!c) return missing();
      if (c.live?.active) return err(409, 'ConflictException', 'Channel is live');
      channels.delete(c.arn);
      return { status: 204 };
    },
    ListStreamKeys(b) {
      const c = channelOf(b.channelArn);
      if (!c) return missing();
      return {
        status: 200,
        body: { streamKeys: c.key ? [{ arn: c.key.arn, channelArn: c.arn, tags: {} }] : [] },
      };
    },
    GetStreamKey(b) {
      const c = byKeyArn(b.arn);
      return c?.key
        ? { status: 200, body: { streamKey: { arn: c.key.arn, value: c.key.value, channelArn: c.arn } } }
        : missing();
    },
    CreateStreamKey(b) {
      const c = channelOf(b.channelArn);
      if (!c) return missing();
      if (c.key) return err(402, 'ServiceQuotaExceededException', 'Stream key quota exceeded');
      return { status: 200, body: { streamKey: newKey(c) } };
    },
    DeleteStreamKey(b) {
      const c = byKeyArn(b.arn);
      if (!c) return missing();
      c.key = undefined;
      return { status: 204 };
    },
    StopStream(b) {
      const c = channelOf(b.channelArn);
      if (!c) return missing();
      if (!c.live?.active) return err(404, 'ChannelNotBroadcasting', 'Channel is not broadcasting');
      c.live.active = false;
      c.live = undefined;
      return { status: 200, body: {} };
    },
    GetStream(b) {
      const c = channelOf(b.channelArn);
      if (!c) return missing();
      if (!c.live?.active) return err(404, 'ChannelNotBroadcasting', 'Channel is not broadcasting');
      const stream = {
        channelArn: c.arn,
        streamId: `st-${id(20)}`,
        state: 'LIVE',
        health: 'HEALTHY',
        viewerCount: 0,
      };
      return { status: 200, body: { stream: { ...stream, startTime: new Date().toISOString() } } };
    },
    ImportPlaybackKeyPair(b) {
      if (typeof b.publicKeyMaterial !== 'string' || !b.publicKeyMaterial.includes('BEGIN PUBLIC KEY')) {
        return 'publicKeyMaterial must be a PEM public key';
      }
      if (keyPairs.includes(b.publicKeyMaterial))
        return err(409, 'ConflictException', 'Key pair already exists');
      keyPairs.push(b.publicKeyMaterial);
      return {
        status: 200,
        body: { keyPair: { arn: arn('playback-key'), name: b.name, fingerprint: id(32) } },
      };
    },
  };
  const required: Record<string, string> = {
    GetChannel: 'arn',
    DeleteChannel: 'arn',
    GetStreamKey: 'arn',
    DeleteStreamKey: 'arn',
    ListStreamKeys: 'channelArn',
    CreateStreamKey: 'channelArn',
    StopStream: 'channelArn',
    GetStream: 'channelArn',
  };

  const handle = async (req: SeenRequest): Promise<Answer | string> => {
    const unsigned = await sigv4Problem(req, credentials, region, 'ivs');
    if (unsigned !== undefined) return unsigned;
    if (req.method !== 'POST') return 'IVS operations are POSTs';
    if (!String(req.headers['content-type']).startsWith('application/json'))
      return 'content-type is not JSON';
    const op = ops[req.path.slice(1)];
    if (op === undefined) return 'unknown operation';
    const body = (req.json ?? {}) as Record<string, unknown>;
    const field = required[req.path.slice(1)];
    if (field !== undefined) {
      const p = needField(body, field, 'string');
      if (p !== undefined) return p;
    }
    return op(body);
  };
  const base = await startFakeHttp(handle);
  return {
    ...base,
    region,
    credentials,
    channels,
    keyPairs,
    publish(streamKey) {
      const c = [...channels.values()].find((ch) => ch.key?.value === streamKey);
      if (!c) return undefined;
      c.live = { key: streamKey, channelId: c.arn, active: true };
      return c.live;
    },
  };
}
