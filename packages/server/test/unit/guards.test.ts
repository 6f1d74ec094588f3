import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommunityRole } from '@lightstick/protocol';
import { AppError } from '../../src/errors.ts';
import type { Principal } from '../../src/auth/principal.ts';
import type { MembershipRecord, RoomRecord } from '../../src/storage/repositories.ts';
import { ensureAdmin, ensureCanCreateRoom, ensureCanJoin, ensureCanSetRole } from '../../src/auth/guards.ts';

const who = (admin = false): Principal => ({ userId: 'u', name: 'u', displayName: 'u', admin, expiresAt: 0 });
const as = (role: CommunityRole): MembershipRecord => ({ communityId: 'c', userId: 'u', role, joinedAt: 0 });
const room = (access: 'public' | 'members'): RoomRecord => ({
  id: 'r',
  communityId: 'c',
  name: 'r',
  kind: 'live',
  access,
  epoch: 'e',
  createdAt: 0,
});
const forbidden = (e: unknown) => e instanceof AppError && e.code === 'forbidden';

describe('guards', () => {
  test('public rooms need any membership; members-only rooms need member or staff', () => {
    assert.throws(() => ensureCanJoin(who(), room('public'), undefined), forbidden);
    assert.equal(ensureCanJoin(who(), room('public'), as('fan')), 'fan');
    assert.throws(() => ensureCanJoin(who(), room('members'), as('fan')), forbidden);
    for (const r of ['member', 'moderator', 'artist', 'owner'] as const) {
      assert.equal(ensureCanJoin(who(), room('members'), as(r)), r);
    }
    assert.equal(ensureCanJoin(who(true), room('members'), undefined), 'admin');
  });

  test('rooms are created by moderators and up', () => {
    assert.throws(() => ensureCanCreateRoom(who(), as('fan')), forbidden);
    assert.throws(() => ensureCanCreateRoom(who(), as('member')), forbidden);
    assert.throws(() => ensureCanCreateRoom(who(), undefined), forbidden);
    ensureCanCreateRoom(who(), as('moderator'));
    ensureCanCreateRoom(who(true), undefined);
  });

  test('owners set roles but only admins make or unmake owners', () => {
    assert.throws(() => ensureCanSetRole(who(), as('moderator'), as('fan'), 'member'), forbidden);
    ensureCanSetRole(who(), as('owner'), as('fan'), 'member');
    assert.throws(() => ensureCanSetRole(who(), as('owner'), as('fan'), 'owner'), forbidden);
    assert.throws(() => ensureCanSetRole(who(), as('owner'), as('owner'), 'fan'), forbidden);
    ensureCanSetRole(who(true), undefined, as('owner'), 'fan');
  });

  test('admin only', () => {
    assert.throws(() => ensureAdmin(who()), forbidden);
    ensureAdmin(who(true));
  });
});
