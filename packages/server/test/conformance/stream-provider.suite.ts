/**
 * Conformance suite for every StreamProvider (local, ivs, mux, cloudflare). One run file per implementation
 * calls `streamProviderSuite(name, makeHarness)`; the harness is what the suite cannot do through the seam:
 *
 * - `provider`: the provider under test, made fresh for each test (and closed by `close()`).
 * - `now()`: the provider's clock (its Runtime), ms. Expiries and webhook receive times are computed from it.
 * - `publish(ingest)`: makes the provider see a publish with these ingest settings: a fake encoder against a
 *   cloud API's local stand-in, or a real `ffmpeg -re ... -f flv <url>/<key>` for the local provider.
 *   Resolves once the provider has accepted or refused it (`accepted`); `active()` says whether the provider
 *   is still receiving it (false once the provider cut it off or `stop()` ended it).
 * - `delivery(event, { valid })`: the webhook delivery the provider would send for `event`, signed as the
 *   provider signs (`valid: true`) or signed with a wrong secret or key (`valid: false`); `unsigned(event)`
 *   the same without any signature. Absent for a provider that takes no webhooks (the event tests are then
 *   skipped, and only garbage is refused).
 * - `playbackAccepted(grant, channel, at)`: whether the provider's playback side would serve `grant` for
 *   `channel` at time `at` (ms): for the cloud fakes the token's signature is checked with the public key and
 *   its claims (channel, expiry) as the provider documents them; the local provider may fetch the playlist.
 * - `unknownChannel`: a well-formed reference to a channel that does not exist at the provider.
 * - `breakNextCall(secretText)` (optional): the next provider API call fails, with an answer that echoes
 *   `secretText`; the suite checks the error is provider_error and carries no secret.
 * - `secrets`: credentials and keys the provider holds, which must never appear in an error.
 * - `problems()` (optional): requests the provider's stand-in saw that break the documented API shape
 *   (path, method, body, auth); the suite asserts none after each test.
 *
 * Contract checked here, beyond the interface comments: createChannel's key is the one ingest() returns and
 * is accepted by a publish; rotateKey returns a different key, ends a publish in progress with the old one,
 * and the old key is refused afterwards while the new one is accepted; revokeKey ends a publish and refuses
 * the key, twice without error; deleteChannel twice without error, after which the channel is not_found;
 * status follows publishes; playback grants are absolute URLs that expire within ttl, and a members-only
 * grant is refused after its expiry and for another channel; parseEvents returns the signed event (also for
 * an unknown channel: the service ignores it), gives a redelivery the same event id (the caller refuses
 * replays by id), and refuses a bad or missing signature with `forbidden`.
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isAppError } from '../../src/errors.ts';
import type {
  ChannelRef,
  Ingest,
  PlaybackGrant,
  ProviderEvent,
  StreamProvider,
  WebhookDelivery,
} from '../../src/lives/providers/stream-provider.ts';

export interface Publisher {
  accepted: boolean;
  active(): Promise<boolean>;
  stop(): Promise<void>;
}

export interface StreamProviderHarness {
  provider: StreamProvider;
  now(): number;
  publish(ingest: Ingest): Promise<Publisher>;
  delivery?(event: ProviderEvent, opts: { valid: boolean }): Promise<WebhookDelivery>;
  unsigned?(event: ProviderEvent): Promise<WebhookDelivery>;
  playbackAccepted(grant: PlaybackGrant, channel: ChannelRef, at: number): Promise<boolean>;
  unknownChannel: ChannelRef;
  breakNextCall?(secretText: string): void;
  secrets: string[];
  problems?(): string[];
  close(): Promise<void>;
}

export type HarnessFactory = () => Promise<StreamProviderHarness>;

/** Polls `check` until it holds (providers may apply a publish or a stop a little later). */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    assert.ok(isAppError(err), `expected AppError(${code}), got ${String(err)}`);
    assert.equal(err.code, code);
    return err;
  }
  assert.fail(`expected AppError(${code}), but it resolved`);
}

export function streamProviderSuite(name: string, make: HarnessFactory): void {
  describe(`StreamProvider conformance: ${name}`, () => {
    let h: StreamProviderHarness;
    let p: StreamProvider;
    const publishers: Publisher[] = [];
    const liveId = (): string => randomUUID();
    const open = async (publisher: Promise<Publisher>): Promise<Publisher> => {
      const pub = await publisher;
      publishers.push(pub);
      return pub;
    };

    beforeEach(async () => {
      h = await make();
      p = h.provider;
    });
    afterEach(async () => {
      for (const pub of publishers.splice(0)) await pub.stop();
      const problems = h.problems?.() ?? [];
      await h.close();
      assert.deepEqual(problems, [], 'requests off the documented API shape');
    });

    test('createChannel gives an ingest that ingest() reads back and a publish is accepted with', async () => {
      const ch = await p.createChannel({ liveId: liveId(), title: 'Debut showcase', access: 'public' });
      assert.ok(ch.channelId.length > 0);
      assert.match(ch.ingest.url, /^rtmps?:\/\//);
      assert.ok(ch.ingest.streamKey.length >= 8);
      for (const v of Object.values(ch.meta)) {
        assert.equal(typeof v, 'string');
        assert.ok(!v.includes(ch.ingest.streamKey), 'meta holds no stream key');
      }
      assert.deepEqual(await p.ingest(ch), ch.ingest);
      const pub = await open(h.publish(ch.ingest));
      assert.equal(pub.accepted, true);
    });

    test('status follows a publish: live while it runs, not live after it stops', async () => {
      const ch = await p.createChannel({ liveId: liveId(), title: 'Status', access: 'public' });
      assert.equal((await p.status(ch)).live, false);
      const pub = await open(h.publish(ch.ingest));
      await eventually(async () => (await p.status(ch)).live, 'the channel is live');
      const st = await p.status(ch);
      assert.ok(Math.abs(st.at - h.now()) < 60_000, 'status time is the provider clock');
      await pub.stop();
      await eventually(async () => !(await p.status(ch)).live, 'the channel is not live');
    });

    test('rotateKey changes the key, ends a publish with the old one, and the old key is refused', async () => {
      const ch = await p.createChannel({ liveId: liveId(), title: 'Rotate', access: 'public' });
      const pub = await open(h.publish(ch.ingest));
      assert.equal(pub.accepted, true);
      const rotated = await p.rotateKey(ch);
      assert.notEqual(rotated.ingest.streamKey, ch.ingest.streamKey);
      await eventually(async () => !(await pub.active()), 'the publish with the old key is stopped');
      assert.deepEqual(await p.ingest(rotated), rotated.ingest);
      const old = await open(h.publish(ch.ingest));
      assert.equal(old.accepted, false, 'the old key is no longer the channel key');
      const fresh = await open(h.publish(rotated.ingest));
      assert.equal(fresh.accepted, true);
    });

    test('revokeKey ends a publish and refuses the key; revoking twice is fine', async () => {
      const ch = await p.createChannel({ liveId: liveId(), title: 'Revoke', access: 'public' });
      const pub = await open(h.publish(ch.ingest));
      await p.revokeKey(ch);
      await eventually(async () => !(await pub.active()), 'the publish is stopped');
      assert.equal((await open(h.publish(ch.ingest))).accepted, false);
      await p.revokeKey(ch);
    });

    test('deleteChannel is idempotent and the channel is then unknown', async () => {
      const ch = await p.createChannel({ liveId: liveId(), title: 'Delete', access: 'public' });
      await p.deleteChannel(ch);
      await p.deleteChannel(ch);
      await rejectsWith(p.status(ch), 'not_found');
    });

    test('an unknown channel is not_found for ingest, rotateKey and status', async () => {
      await rejectsWith(p.ingest(h.unknownChannel), 'not_found');
      await rejectsWith(p.rotateKey(h.unknownChannel), 'not_found');
      await rejectsWith(p.status(h.unknownChannel), 'not_found');
      await p.deleteChannel(h.unknownChannel);
    });

    test('a public playback grant is an absolute URL valid for at most ttl', async () => {
      const ch = await p.createChannel({ liveId: liveId(), title: 'Public', access: 'public' });
      const now = h.now();
      const grant = await p.playback(ch, { userId: randomUUID(), liveId: 'l', access: 'public' }, 300);
      const after = h.now();
      assert.match(grant.url, /^https?:\/\//);
      assert.ok(
        grant.expiresAt > now && grant.expiresAt <= after + 300_000,
        `expiresAt ${grant.expiresAt - now}`,
      );
      assert.equal(await h.playbackAccepted(grant, ch, now), true);
    });

    test('a members-only grant is signed for its channel and refused after it expires', async () => {
      const ch = await p.createChannel({ liveId: liveId(), title: 'Members', access: 'members' });
      const other = await p.createChannel({ liveId: liveId(), title: 'Other', access: 'members' });
      const now = h.now();
      const grant = await p.playback(ch, { userId: randomUUID(), liveId: 'l', access: 'members' }, 120);
      const after = h.now();
      assert.match(grant.url, /^https?:\/\//);
      assert.ok(grant.expiresAt > now && grant.expiresAt <= after + 120_000);
      assert.equal(await h.playbackAccepted(grant, ch, now), true);
      assert.equal(await h.playbackAccepted(grant, other, now), false, 'bound to its channel');
      assert.equal(await h.playbackAccepted(grant, ch, grant.expiresAt + 1000), false, 'expired');
    });

    test('parseEvents returns a signed event, also for an unknown channel', async (t) => {
      if (!h.delivery) return t.skip('the provider takes no webhooks');
      const ch = await p.createChannel({ liveId: liveId(), title: 'Events', access: 'public' });
      const at = Math.floor(h.now() / 1000) * 1000;
      for (const type of ['started', 'stopped'] as const) {
        const event: ProviderEvent = { id: randomUUID(), channelId: ch.channelId, type, at };
        const got = await p.parseEvents(await h.delivery(event, { valid: true }));
        assert.equal(got.length, 1);
        assert.deepEqual({ ...got[0], id: 'x' }, { ...event, id: 'x' });
        assert.ok(got[0]!.id.length > 0);
      }
      // The caller refuses replays by event id: the same delivery must give the same id every time.
      const again = await h.delivery(
        { id: randomUUID(), channelId: ch.channelId, type: 'started', at },
        { valid: true },
      );
      const [first] = await p.parseEvents(again);
      const [second] = await p.parseEvents(again);
      assert.ok(first && second && first.id === second.id, 'a redelivery keeps its id');
      const unknown: ProviderEvent = {
        id: randomUUID(),
        channelId: h.unknownChannel.channelId,
        type: 'started',
        at,
      };
      const got = await p.parseEvents(await h.delivery(unknown, { valid: true }));
      assert.equal(got[0]?.channelId, h.unknownChannel.channelId);
    });

    test('parseEvents refuses a bad or missing signature with forbidden', async () => {
      const event: ProviderEvent = {
        id: randomUUID(),
        channelId: h.unknownChannel.channelId,
        type: 'started',
        at: h.now(),
      };
      if (h.delivery)
        await rejectsWith(p.parseEvents(await h.delivery(event, { valid: false })), 'forbidden');
      if (h.unsigned) await rejectsWith(p.parseEvents(await h.unsigned(event)), 'forbidden');
      const garbage: WebhookDelivery = { headers: {}, body: Buffer.from('{"hello":1}'), receivedAt: h.now() };
      const err = await p.parseEvents(garbage).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(isAppError(err) && (err.code === 'forbidden' || err.code === 'bad_request'), String(err));
    });

    test('a provider API failure is provider_error and carries no secret', async (t) => {
      if (!h.breakNextCall) return t.skip('the harness cannot break the provider API');
      const echo = h.secrets.join(' ');
      h.breakNextCall(echo);
      const err = await rejectsWith(
        p.createChannel({ liveId: liveId(), title: 'Broken', access: 'public' }),
        'provider_error',
      );
      const text = `${(err as Error).message} ${JSON.stringify(err)}`;
      for (const s of h.secrets) assert.ok(!text.includes(s), 'the error carries no secret');
    });
  });
}
