/**
 * The gateway's client-frame checks are compiled by Ajv ahead of time (scripts/generate-frame-validators.ts) so
 * a gateway never loads Ajv's compiler. The committed module must be what the schemas generate today, and it
 * must judge frames exactly as Ajv compiling the same schemas with the same options at run time does: the same
 * verdict, the same first error, and the same fields left after unknown ones are dropped.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import {
  FRAME_VALIDATORS_FILE,
  frameValidatorsSource,
} from '../../../../scripts/generate-frame-validators.ts';
import {
  ClientFrameSchemas,
  FRAME_AJV_OPTIONS,
  FrameEnvelope,
  FrameId,
} from '../../src/gateway/frame-schemas.ts';
import * as generated from '../../src/gateway/frame-validators.generated.ts';

type Validate = ValidateFunction & ((data: unknown) => boolean);

const FRAMES: unknown[] = [
  { op: 'auth', token: 'a.b.c', id: 1 },
  { op: 'auth', token: '', id: 2 },
  { op: 'auth', token: 'x'.repeat(9000) },
  { op: 'join', id: 3, room: 'r1', since: { epoch: 'e', offset: 4 }, extra: true },
  { op: 'join', id: 3, room: 'r1', since: { epoch: 'e', offset: -1 } },
  { op: 'join', id: 3.5, room: 'r1' },
  { op: 'leave', id: 4, room: 'r1', nested: { a: 1 } },
  { op: 'send', id: 5, room: 'r1', cid: 'c1', text: '안녕 👋🏽 こんにちは', more: 'x' },
  { op: 'send', id: 5, room: 'r1', text: 7 },
  { op: 'heart', id: 6, room: 'r1', count: 3 },
  { op: 'heart', id: 6, room: 'r1', count: 0 },
  { op: 'ping', id: 7 },
  { op: 'pong' },
  { op: 'pong', id: -1 },
  { op: 7 },
  { op: 'nope' },
  { id: 1 },
  [],
  'send',
  null,
];

describe('the generated frame validators', () => {
  test('the committed module is what the schemas generate (npm run generate:frames)', async () => {
    assert.equal(readFileSync(FRAME_VALIDATORS_FILE, 'utf8'), await frameValidatorsSource());
  });

  test('they judge frames as Ajv compiling the same schemas at run time does', () => {
    const ajv = new Ajv(FRAME_AJV_OPTIONS);
    const pairs: [string, Validate, Validate][] = [
      ['frameId', ajv.compile(FrameId) as Validate, generated.frameId as unknown as Validate],
      ['envelope', ajv.compile(FrameEnvelope) as Validate, generated.envelope as unknown as Validate],
      ...Object.entries(ClientFrameSchemas).map(([op, schema]): [string, Validate, Validate] => [
        op,
        ajv.compile(schema) as Validate,
        (generated.byOp as unknown as Record<string, Validate>)[op]!,
      ]),
    ];
    assert.deepEqual(Object.keys(generated.byOp).sort(), Object.keys(ClientFrameSchemas).sort());
    for (const [name, atRunTime, ahead] of pairs) {
      for (const frame of [...FRAMES, 5, 2 ** 53]) {
        const a = structuredClone(frame);
        const b = structuredClone(frame);
        const verdict = atRunTime(a);
        assert.equal(ahead(b), verdict, `${name}: ${JSON.stringify(frame)}`);
        assert.deepEqual(b, a, `${name} left the same fields: ${JSON.stringify(frame)}`);
        if (!verdict)
          assert.deepEqual(ahead.errors?.[0], atRunTime.errors?.[0], `${name}: the same first error`);
      }
    }
  });
});
