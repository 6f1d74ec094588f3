/**
 * The role matrix: docs/moderation.md's table equals the code's, cell for cell, and the guards read it (who may act
 * on whom, banned and timed-out people, community creation). The HTTP behaviour of every cell is checked in
 * inprocess/http-role-matrix.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MATRIX_ROLES, POWERS, can, standing, type Power } from '../../src/auth/powers.ts';
import {
  activeSanctions,
  ensureCanActOn,
  ensureCanCreateCommunity,
  ensureCanJoin,
  ensureNotTimedOut,
} from '../../src/auth/guards.ts';
import type { Principal } from '../../src/auth/principal.ts';
import type { RoomRecord, SanctionRecord } from '../../src/storage/repositories.ts';

const doc = readFileSync(new URL('../../../../docs/moderation.md', import.meta.url), 'utf8');

function documentedMatrix(): Map<string, boolean[]> {
  const table = doc.split('<!-- role-matrix:start -->')[1]?.split('<!-- role-matrix:end -->')[0] ?? '';
  const rows = new Map<string, boolean[]>();
  for (const line of table.split('\n')) {
    const m = /^\|\s*`([\w.]+)`:[^|]*\|(.*)\|\s*$/.exec(line);
    if (!m) continue;
    rows.set(
      m[1]!,
      m[2]!.split('|').map((c) => c.trim() === 'yes'),
    );
  }
  return rows;
}

const principal = (over: Partial<Principal> = {}): Principal => ({
  userId: 'u1',
  name: 'u1',
  displayName: 'U1',
  admin: false,
  expiresAt: Date.now() + 60_000,
  ...over,
});

describe('role matrix', () => {
  test('docs/moderation.md shows exactly the matrix the code enforces', () => {
    const documented = documentedMatrix();
    assert.deepEqual([...documented.keys()].sort(), Object.keys(POWERS).sort());
    for (const [power, { cells }] of Object.entries(POWERS)) {
      assert.deepEqual(
        documented.get(power),
        cells.map((c) => c === 1),
        power,
      );
    }
  });

  test('can() answers every cell; nobody outside the community holds anything; system holds everything', () => {
    let cells = 0;
    for (const power of Object.keys(POWERS) as Power[]) {
      MATRIX_ROLES.forEach((role, i) => {
        assert.equal(can(role, power), POWERS[power].cells[i] === 1, `${role} ${power}`);
        cells++;
      });
      assert.equal(can(null, power), false);
      assert.equal(can('system', power), true);
    }
    assert.equal(cells, Object.keys(POWERS).length * 6);
  });

  test('acting on a person needs a standing strictly above theirs', () => {
    const order = [null, 'fan', 'member', 'moderator', 'artist', 'owner', 'admin'] as const;
    for (const actor of ['fan', 'member', 'moderator', 'artist', 'owner', 'admin'] as const) {
      for (const target of order) {
        const allowed = standing(actor) > standing(target);
        if (allowed) ensureCanActOn(actor, target, 'ban');
        else
          assert.throws(
            () => ensureCanActOn(actor, target, 'ban'),
            { code: 'forbidden' },
            `${actor} on ${target}`,
          );
      }
    }
    assert.equal(standing('moderator'), standing('artist'));
  });
});

describe('guards', () => {
  const room: RoomRecord = {
    id: 'r',
    communityId: 'c',
    name: 'r',
    kind: 'live',
    access: 'public',
    epoch: 'e',
    createdAt: 0,
  };
  const sanction = (over: Partial<SanctionRecord>): SanctionRecord => ({
    communityId: 'c',
    userId: 'u1',
    kind: 'ban',
    until: null,
    reason: 'spam',
    by: { id: 'm', name: 'm' },
    at: 0,
    ...over,
  });
  const member = { communityId: 'c', userId: 'u1', role: 'fan' as const, joinedAt: 0 };

  test('a banned person enters nothing; an admin is never banned', () => {
    const s = activeSanctions([sanction({})], 10);
    assert.throws(() => ensureCanJoin(principal(), room, member, s), { code: 'banned' });
    assert.equal(ensureCanJoin(principal({ admin: true }), room, undefined, s), 'admin');
  });

  test('a timeout holds until its end, to the millisecond, with the wait', () => {
    const s = activeSanctions([sanction({ kind: 'timeout', until: 5000 })], 1000);
    assert.throws(() => ensureNotTimedOut(principal(), s, 1000), { code: 'timed_out', retryAfterMs: 4000 });
    assert.throws(() => ensureNotTimedOut(principal(), s, 4999), { code: 'timed_out', retryAfterMs: 1 });
    ensureNotTimedOut(principal(), s, 5000);
    assert.equal(activeSanctions([sanction({ kind: 'timeout', until: 5000 })], 5000).timeout, undefined);
  });

  test('creating a community: creators and admins official-track, others fan-made when allowed', () => {
    assert.deepEqual(ensureCanCreateCommunity(principal(), { creator: true }, false), { fanMade: false });
    assert.deepEqual(ensureCanCreateCommunity(principal({ admin: true }), undefined, false), {
      fanMade: false,
    });
    assert.deepEqual(ensureCanCreateCommunity(principal(), { creator: false }, true), { fanMade: true });
    assert.throws(() => ensureCanCreateCommunity(principal(), { creator: false }, false), {
      code: 'forbidden',
    });
  });
});
