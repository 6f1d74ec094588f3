import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Limits } from '@lightstick/protocol';
import { AppError } from '../../src/errors.ts';
import { SendService, type SendCheck, type SendContext } from '../../src/chat/send-service.ts';
import { EmbeddedMessageLog } from '../../src/chat/embedded-log.ts';
import { MemoryBroker, MemoryBus } from '../../src/broker/memory.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Principal } from '../../src/auth/principal.ts';
import type { RoomRecord } from '../../src/storage/repositories.ts';
import {
  addRoom,
  clock,
  community,
  member,
  silentLogger,
  tempStore,
  testMetrics,
  user,
  type Clock,
  type TempStore,
} from './chat-support.ts';

/** Fans 10 per 2 s, moderators 20, artists and owners unlimited, a room ceiling of 12 (above one fan's burst). */
const sendRate = loadConfig({
  LIGHTSTICK_SEND_RATE_FAN: '10/2s',
  LIGHTSTICK_SEND_RATE_MODERATOR: '20/2s',
  LIGHTSTICK_SEND_RATE_ROOM: '12/2s',
}).sendRate;

describe('SendService', () => {
  let ts: TempStore;
  let rt: Clock;
  let log: EmbeddedMessageLog;
  let broker: MemoryBroker;
  let owner: Principal;
  let fan: Principal;
  let room: RoomRecord;
  let communityId: string;
  let checks: SendCheck[];
  let svc: SendService;
  let n = 0;

  const joinedTo =
    (...rooms: string[]) =>
    (p: Principal): SendContext => ({ principal: p, isJoined: (r) => rooms.includes(r) });
  const send = (p: Principal, text: string, opts: { cid?: string; room?: string; joined?: boolean } = {}) => {
    const r = opts.room ?? room.id;
    const ctx = opts.joined === false ? joinedTo()(p) : joinedTo(r)(p);
    return svc.send(ctx, { room: r, cid: opts.cid ?? `cid-${++n}`, text });
  };

  beforeEach(async () => {
    ts = await tempStore();
    rt = clock();
    broker = new MemoryBroker({ bus: new MemoryBus(rt) });
    log = new EmbeddedMessageLog({
      messages: ts.store.messages,
      broker,
      runtime: rt,
      metrics: testMetrics(),
      logger: silentLogger(),
      groupCommitMs: 1,
      maxBacklog: 1000,
      historyOptions: { maxSize: 100, ttlMs: 60_000 },
      dedupTtlMs: 60_000,
    });
    owner = await user(ts.store);
    fan = await user(ts.store);
    const c = await community(ts.store, owner);
    room = c.room;
    communityId = c.communityId;
    await member(ts.store, communityId, fan, 'fan');
    checks = [];
    svc = new SendService({ store: ts.store, messageLog: log, runtime: rt, sendRate, checks });
  });
  afterEach(async () => {
    await log.drain();
    await broker.close();
    await ts.cleanup();
  });

  test('stores the message and returns the ack fields', async () => {
    const r = await send(fan, '  안녕하세요 STAY!  ', { cid: 'c-1' });
    assert.equal(r.cid, 'c-1');
    assert.equal(r.room, room.id);
    assert.equal(r.duplicate, false);
    assert.deepEqual(r.pos, { epoch: room.epoch, offset: 1 });
    assert.equal(r.mid, r.message.id);
    assert.equal(r.message.text, '안녕하세요 STAY!');
    assert.deepEqual(r.message.user, { id: fan.userId, name: fan.name, displayName: fan.displayName });
    assert.equal(r.message.ts, rt.now());
    const stored = await ts.store.messages.byClientId(room.id, fan.userId, 'c-1');
    assert.equal(stored?.id, r.mid);
  });

  test('text is validated: empty, too long (graphemes and bytes), control characters', async () => {
    await assert.rejects(send(fan, ''), { code: 'validation_failed' });
    await assert.rejects(send(fan, ' \n\t '), { code: 'validation_failed' });
    await assert.rejects(send(fan, 'a'.repeat(Limits.maxMessageChars + 1)), { code: 'message_too_long' });
    await assert.rejects(send(fan, '👩‍👩‍👧'.repeat(300)), { code: 'message_too_long' });
    await assert.rejects(send(fan, 'bell\u0007'), { code: 'validation_failed' });
    await assert.rejects(send(fan, 'nul\u0000x'), { code: 'validation_failed' });
    await assert.rejects(send(fan, 'tab\tinside'), { code: 'validation_failed' });
    // At the limit is fine: 500 Korean syllables are 500 characters (1500 bytes).
    assert.equal((await send(fan, '한'.repeat(Limits.maxMessageChars))).duplicate, false);
  });

  test('text is normalised: NFC, CRLF to LF, newlines kept', async () => {
    const r = await send(fan, 'cafe\u0301\r\nline two');
    assert.equal(r.message.text, 'caf\u00e9\nline two');
  });

  test('HTML and SQL are stored verbatim', async () => {
    const html = `<script>alert('x')</script><img src=x onerror=alert(1)>`;
    const sql = `'; DROP TABLE messages; --`;
    assert.equal((await send(fan, html)).message.text, html);
    assert.equal((await send(fan, sql)).message.text, sql);
    assert.equal(await ts.store.messages.count(room.id), 2);
  });

  test('cid must be 1 to 64 characters', async () => {
    await assert.rejects(send(fan, 'hi', { cid: '' }), { code: 'validation_failed' });
    await assert.rejects(send(fan, 'hi', { cid: 'x'.repeat(Limits.maxClientIdChars + 1) }), {
      code: 'validation_failed',
    });
    assert.equal((await send(fan, 'hi', { cid: 'x'.repeat(Limits.maxClientIdChars) })).cid.length, 64);
  });

  test('authorisation: unknown room, outsider, members-only room, not joined', async () => {
    await assert.rejects(send(fan, 'hi', { room: 'no-such-room' }), { code: 'not_found' });
    const outsider = await user(ts.store);
    await assert.rejects(send(outsider, 'hi'), { code: 'forbidden' });
    const vip = await addRoom(ts.store, communityId, 'members');
    await assert.rejects(send(fan, 'hi', { room: vip.id }), { code: 'forbidden' });
    const paid = await user(ts.store);
    await member(ts.store, communityId, paid, 'member');
    assert.equal((await send(paid, 'hi', { room: vip.id })).duplicate, false);
    await assert.rejects(send(fan, 'hi', { joined: false }), { code: 'not_joined' });
  });

  test('the author role at sending time is stored, with priority for staff roles', async () => {
    const fanMsg = await send(fan, 'fan');
    assert.equal(fanMsg.message.role, 'fan');
    assert.equal(fanMsg.message.priority, false);
    const ownerMsg = await send(owner, 'owner');
    assert.equal(ownerMsg.message.role, 'owner');
    assert.equal(ownerMsg.message.priority, true);
    await member(ts.store, communityId, fan, 'artist');
    const artistMsg = await send(fan, 'now an artist');
    assert.equal(artistMsg.message.role, 'artist');
    assert.equal(artistMsg.message.priority, true);
    const admin = await user(ts.store, { admin: true });
    const adminMsg = await send(admin, 'admin');
    assert.equal(adminMsg.message.role, 'admin');
    assert.equal(adminMsg.message.priority, true);
  });

  test('rate limit per (user, room): burst, then rate_limited with retryAfterMs, then allowed again', async () => {
    for (let i = 0; i < sendRate.fan!.burst; i++) await send(fan, `m${i}`);
    const err = await send(fan, 'one too many').catch((e: unknown) => e);
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'rate_limited');
    assert.ok(err.retryAfterMs !== undefined && err.retryAfterMs > 0);
    rt.advance(err.retryAfterMs);
    assert.equal((await send(fan, 'later')).duplicate, false);
    // The bucket is per room: another room of the community is not affected.
    const other = await addRoom(ts.store, communityId, 'public');
    assert.equal((await send(fan, 'elsewhere', { room: other.id })).duplicate, false);
  });

  test('rules by role: artists and owners unlimited, moderators a larger bucket, a ceiling per room for fans', async () => {
    for (let i = 0; i < sendRate.fan!.burst * 3; i++) await send(owner, `m${i}`);
    assert.equal(await ts.store.messages.count(room.id), sendRate.fan!.burst * 3);
    const mod = await user(ts.store);
    await member(ts.store, communityId, mod, 'moderator');
    for (let i = 0; i < sendRate.fan!.burst + 1; i++) await send(mod, `mod${i}`);
    // The room ceiling (here 12 per room) holds fans together, not one by one.
    const fans = await Promise.all([1, 2].map(() => user(ts.store)));
    for (const f of fans) await member(ts.store, communityId, f, 'fan');
    let accepted = 0;
    for (let i = 0; i < 8; i++) {
      for (const f of [fan, ...fans]) {
        const ok = await send(f, `f${i}`).then(
          () => true,
          () => false,
        );
        if (ok) accepted++;
      }
    }
    assert.equal(accepted, sendRate.room!.burst);
  });

  test('a resent cid is not stored twice: same mid and pos, duplicate true', async () => {
    const first = await send(fan, 'hello', { cid: 'resend-me' });
    const again = await send(fan, 'hello', { cid: 'resend-me' });
    assert.equal(again.duplicate, true);
    assert.equal(again.mid, first.mid);
    assert.deepEqual(again.pos, first.pos);
    assert.equal(await ts.store.messages.count(room.id), 1);
  });

  test('moderation checks run in order after the guards and before the send buckets', async () => {
    const seen: string[] = [];
    checks.push(
      { name: 'first', check: (i) => void seen.push(`first:${i.role}:${i.text}`) },
      {
        name: 'filter',
        check: (i) => {
          seen.push('filter');
          if (i.text.includes('badword')) throw new AppError('forbidden', 'Filtered');
        },
      },
    );
    await assert.rejects(send(fan, 'badword'), { code: 'forbidden' });
    assert.deepEqual(seen, ['first:fan:badword', 'filter']);
    // Refused sends took no rate-limit tokens: the whole burst is still there.
    for (let i = 0; i < sendRate.fan!.burst; i++) await send(fan, `ok${i}`);
  });
});
