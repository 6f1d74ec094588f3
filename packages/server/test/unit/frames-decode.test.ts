import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, isPlainPong } from '../../src/gateway/decode.ts';

// The decoder compiles the protocol's schemas (packages/protocol/src/*-frames.ts) with Ajv.

const decode = (v: unknown) => decodeFrame(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)), false);

describe('decodeFrame', () => {
  test('accepts every client op and keeps only known fields', () => {
    assert.deepEqual(decode({ op: 'auth', id: 1, token: 't', extra: 1 }), {
      ok: true,
      frame: { op: 'auth', id: 1, token: 't' },
    });
    assert.deepEqual(decode({ op: 'auth', token: 't' }), { ok: true, frame: { op: 'auth', token: 't' } });
    assert.deepEqual(decode({ op: 'join', id: 2, room: 'r', since: { epoch: 'e', offset: 0, x: 1 } }), {
      ok: true,
      frame: { op: 'join', id: 2, room: 'r', since: { epoch: 'e', offset: 0 } },
    });
    assert.deepEqual(decode({ op: 'join', id: 2, room: 'r' }), {
      ok: true,
      frame: { op: 'join', id: 2, room: 'r' },
    });
    assert.deepEqual(decode({ op: 'leave', id: 3, room: 'r' }), {
      ok: true,
      frame: { op: 'leave', id: 3, room: 'r' },
    });
    assert.deepEqual(decode({ op: 'send', id: 4, room: 'r', cid: 'c', text: '' }), {
      ok: true,
      frame: { op: 'send', id: 4, room: 'r', cid: 'c', text: '' },
    });
    assert.deepEqual(decode({ op: 'ping', id: 5 }), { ok: true, frame: { op: 'ping', id: 5 } });
    assert.deepEqual(decode({ op: 'ping' }), { ok: true, frame: { op: 'ping' } });
    assert.deepEqual(decode({ op: 'pong' }), { ok: true, frame: { op: 'pong' } });
  });

  test('malformed JSON, non-objects and binary frames are bad_frame', () => {
    for (const raw of ['{', 'not json', '', '[1,2]', '"op"', 'null', '42']) {
      const r = decode(raw);
      assert.equal(r.ok, false, raw);
      assert.equal(!r.ok && r.code, 'bad_frame', raw);
    }
    const bin = decodeFrame(Buffer.from(JSON.stringify({ op: 'ping' })), true);
    assert.equal(!bin.ok && bin.code, 'bad_frame');
    const noOp = decode({ id: 9 });
    assert.deepEqual(noOp, { ok: false, code: 'bad_frame', message: 'Frame has no op', id: 9 });
  });

  test('an unknown op is unknown_op, with the id when present', () => {
    const r = decode({ op: 'explode', id: 7 });
    assert.equal(!r.ok && r.code, 'unknown_op');
    assert.equal(!r.ok && r.id, 7);
    const noId = decode({ op: 'subscribe' });
    assert.equal(!noId.ok && noId.code, 'unknown_op');
    assert.equal(!noId.ok && noId.id, undefined);
  });

  test('wrong types are validation_failed, with the id when present', () => {
    const cases: unknown[] = [
      { op: 'auth', id: 1, token: 5 },
      { op: 'auth', id: 1, token: '' },
      { op: 'join', id: 1 },
      { op: 'join', id: 1, room: 7 },
      { op: 'join', id: 1, room: 'r', since: 'yesterday' },
      { op: 'join', id: 1, room: 'r', since: { epoch: 'e', offset: -1 } },
      { op: 'join', id: 1, room: 'r', since: { epoch: 'e', offset: 1.5 } },
      { op: 'join', id: 1, room: 'r', since: { offset: 1 } },
      { op: 'leave', id: 1, room: null },
      { op: 'send', id: 1, room: 'r', cid: 1, text: 'x' },
      { op: 'send', id: 1, room: 'r', cid: 'c', text: ['x'] },
      { op: 'send', id: 1, room: 'r', cid: 'c' },
      { op: 'send', id: 1, room: 'r'.repeat(500), cid: 'c', text: 'x' },
    ];
    for (const c of cases) {
      const r = decode(c);
      assert.equal(!r.ok && r.code, 'validation_failed', JSON.stringify(c));
      assert.equal(!r.ok && r.id, 1, JSON.stringify(c));
    }
  });

  test('frames that need an id fail without one; a bad id is validation_failed', () => {
    for (const c of [
      { op: 'join', room: 'r' },
      { op: 'leave', room: 'r' },
      { op: 'send', room: 'r', cid: 'c', text: 'x' },
    ]) {
      const r = decode(c);
      assert.equal(!r.ok && r.code, 'validation_failed');
    }
    for (const id of ['1', -1, 1.5, null]) {
      const r = decode({ op: 'ping', id });
      assert.equal(!r.ok && r.code, 'validation_failed', String(id));
      assert.equal(!r.ok && r.id, undefined);
    }
    const opType = decode({ op: 3, id: 2 });
    assert.equal(!opType.ok && opType.code, 'validation_failed');
    assert.equal(!opType.ok && opType.id, 2);
  });

  test('a validation_failed message names the field', () => {
    const cases: [unknown, RegExp][] = [
      [{ op: 3 }, /^op /],
      [{ op: 'ping', id: -1 }, /^id /],
      [{ op: 'join', room: 'r' }, /^id is required$/],
      [{ op: 'join', id: 1, room: 7 }, /^room /],
      [{ op: 'join', id: 1, room: 'r', since: { epoch: 'e', offset: -1 } }, /^since\.offset /],
      [{ op: 'join', id: 1, room: 'r', since: { offset: 1 } }, /^since\.epoch is required$/],
      [{ op: 'auth', token: 5 }, /^token /],
      [{ op: 'send', id: 1, room: 'r', cid: 'c' }, /^text is required$/],
    ];
    for (const [frame, message] of cases) {
      const r = decode(frame);
      assert.equal(!r.ok && r.code, 'validation_failed', JSON.stringify(frame));
      assert.match(!r.ok ? r.message : '', message, JSON.stringify(frame));
    }
  });

  test('op names of Object.prototype are unknown ops; __proto__ keys do not travel', () => {
    for (const op of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const r = decode({ op, id: 3 });
      assert.deepEqual(!r.ok && [r.code, r.id], ['unknown_op', 3], op);
    }
    const r = decode(
      '{"op":"join","id":1,"room":"r","__proto__":{"admin":true},"since":{"epoch":"e","offset":1,"__proto__":{"x":1}}}',
    );
    assert.deepEqual(r, {
      ok: true,
      frame: { op: 'join', id: 1, room: 'r', since: { epoch: 'e', offset: 1 } },
    });
    assert.ok(r.ok && !Object.hasOwn(r.frame, '__proto__'));
  });

  test('isPlainPong: only the exact bytes the SDK writes, as text', () => {
    assert.equal(isPlainPong(Buffer.from(JSON.stringify({ op: 'pong' })), false), true);
    assert.equal(isPlainPong(Buffer.from('{"op":"pong"}'), true), false, 'a binary frame is a bad frame');
    assert.equal(isPlainPong(Buffer.from('{ "op": "pong" }'), false), false, 'decoded as any frame');
    assert.equal(isPlainPong(Buffer.from('{"op":"pong","id":1}'), false), false);
    assert.equal(isPlainPong(Buffer.from('{"op":"ping"}'), false), false);
  });
});
