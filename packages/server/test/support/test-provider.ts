/**
 * A StreamProvider for driving the live service in tests: channels in memory, a status the test sets, and
 * webhooks signed with HMAC-SHA256 over `<t>.<body>` in an `x-test-signature: t=<sec>,v1=<hex>` header (the
 * scheme of Stripe-like providers), verified for real with a timestamp tolerance. It takes the name `mux` so
 * it fits the seam's provider names; the real Mux adapter is another file.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../src/errors.ts';
import type {
  ChannelRef,
  Ingest,
  PlaybackGrant,
  ProviderChannel,
  ProviderEvent,
  ProviderStatus,
  StreamProvider,
  WebhookDelivery,
} from '../../src/lives/providers/stream-provider.ts';

const TOLERANCE_SEC = 300;

export class TestProvider implements StreamProvider {
  readonly name = 'mux' as const;
  readonly channels = new Map<string, { key: string; live: boolean; revoked: boolean }>();
  /** Provider time of status answers (tests move it; 0 is older than any event). */
  statusAt = 0;
  /** The next call of `op` throws `error` (a provider API error), once. */
  failNext: { op: 'createChannel' | 'rotateKey' | 'playback'; error: Error } | undefined;

  constructor(readonly secret = `whsec-${randomUUID()}`) {}

  async createChannel(): Promise<ProviderChannel> {
    this.maybeFail('createChannel');
    const id = `tp-${randomUUID()}`;
    this.channels.set(id, { key: `sk-${randomUUID()}`, live: false, revoked: false });
    return { channelId: id, meta: { playbackId: `pb-${id}` }, ingest: this.ingestOf(id) };
  }

  async ingest(ref: ChannelRef): Promise<Ingest> {
    return this.ingestOf(ref.channelId);
  }

  async rotateKey(ref: ChannelRef): Promise<ProviderChannel> {
    this.maybeFail('rotateKey');
    this.channel(ref.channelId).key = `sk-${randomUUID()}`;
    return { ...ref, ingest: this.ingestOf(ref.channelId) };
  }

  async revokeKey(ref: ChannelRef): Promise<void> {
    const c = this.channels.get(ref.channelId);
    if (c) c.revoked = true;
  }

  async deleteChannel(ref: ChannelRef): Promise<void> {
    this.channels.delete(ref.channelId);
  }

  async status(ref: ChannelRef): Promise<ProviderStatus> {
    return { live: this.channel(ref.channelId).live, at: this.statusAt };
  }

  async playback(
    ref: ChannelRef,
    viewer: { userId: string; liveId: string },
    ttlSec: number,
  ): Promise<PlaybackGrant> {
    this.maybeFail('playback');
    const expiresAt = Date.now() + ttlSec * 1000;
    return { url: `https://stream.test/${ref.meta.playbackId}.m3u8?viewer=${viewer.userId}`, expiresAt };
  }

  async parseEvents(d: WebhookDelivery): Promise<ProviderEvent[]> {
    const header = d.headers['x-test-signature'];
    const m = typeof header === 'string' ? /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) : null;
    if (!m) throw new AppError('forbidden', 'Missing or malformed signature');
    const t = Number(m[1]);
    if (Math.abs(d.receivedAt / 1000 - t) > TOLERANCE_SEC) throw new AppError('forbidden', 'Stale signature');
    const expected = Buffer.from(this.mac(t, d.body), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(m[2]!, 'hex')))
      throw new AppError('forbidden', 'Bad signature');
    let parsed: unknown;
    try {
      parsed = JSON.parse(d.body.toString('utf8'));
    } catch {
      throw new AppError('bad_request', 'The body is not JSON');
    }
    const events = (parsed as { events?: unknown }).events;
    if (!Array.isArray(events)) throw new AppError('bad_request', 'No events');
    return events.map((e: { id: string; channel: string; type: 'started' | 'stopped'; at: number }) => ({
      id: e.id,
      channelId: e.channel,
      type: e.type,
      at: e.at,
    }));
  }

  async close(): Promise<void> {}

  /** A signed delivery of `events` (what the provider would POST). */
  deliver(
    events: { id: string; channel: string; type: 'started' | 'stopped'; at: number }[],
    opts: { t?: number; secret?: string } = {},
  ): { headers: Record<string, string>; raw: string } {
    const raw = JSON.stringify({ events });
    return { headers: this.sign(raw, opts), raw };
  }

  /** The signature header for `raw`. */
  sign(raw: string, opts: { t?: number; secret?: string } = {}): Record<string, string> {
    const t = opts.t ?? Math.floor(Date.now() / 1000);
    const mac = createHmac('sha256', opts.secret ?? this.secret)
      .update(`${t}.${raw}`)
      .digest('hex');
    return { 'x-test-signature': `t=${t},v1=${mac}` };
  }

  private mac(t: number, body: Buffer): string {
    return createHmac('sha256', this.secret).update(`${t}.`).update(body).digest('hex');
  }

  private ingestOf(id: string): Ingest {
    return { url: 'rtmps://ingest.test:443/app', streamKey: this.channel(id).key };
  }

  private channel(id: string) {
    const c = this.channels.get(id);
    if (!c) throw new AppError('not_found', 'No such channel');
    return c;
  }

  private maybeFail(op: NonNullable<TestProvider['failNext']>['op']): void {
    const f = this.failNext;
    if (f?.op !== op) return;
    this.failNext = undefined;
    throw f.error;
  }
}
