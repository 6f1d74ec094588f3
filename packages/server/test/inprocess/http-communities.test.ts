import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthResponse, CommunityView, RoomView } from '@lightstick/protocol';
import type { MemberView } from '../../src/chat/communities.ts';
import { admin, errorCode, register, startHttp, uniq, type HttpFixture } from '../support/http-fixture.ts';

describe('HTTP communities and rooms', () => {
  let f: HttpFixture;
  let owner: AuthResponse;
  let fan: AuthResponse;
  let outsider: AuthResponse;
  let community: CommunityView;
  before(async () => {
    f = await startHttp();
    owner = await register(f);
    fan = await register(f);
    outsider = await register(f);
    const res = await f.request<CommunityView>('POST', '/api/communities', {
      token: owner.accessToken,
      body: { slug: uniq('skz'), name: 'Stray Kids 스트레이 키즈', description: 'STAY 🐺\nall welcome' },
    });
    assert.equal(res.status, 201);
    community = res.body;
    assert.equal(
      (await f.request('POST', `/api/communities/${community.id}/join`, { token: fan.accessToken })).status,
      200,
    );
  });
  after(async () => {
    await f.close();
  });

  const rooms = async (token: string) =>
    (await f.request<{ rooms: RoomView[] }>('GET', `/api/communities/${community.id}/rooms`, { token })).body
      .rooms;
  const setRole = (token: string, userId: string, role: string) =>
    f.request<MemberView>('PUT', `/api/communities/${community.id}/members/${userId}`, {
      token,
      body: { role },
    });

  test('creating a community makes the caller owner and creates its public community room', async () => {
    assert.equal(community.myRole, 'owner');
    assert.equal(community.description, 'STAY 🐺\nall welcome');
    const list = await rooms(owner.accessToken);
    assert.equal(list.length >= 1, true);
    assert.equal(list[0]?.kind, 'community');
    assert.equal(list[0]?.access, 'public');
    // Anyone signed in may list rooms, even without joining.
    assert.equal((await rooms(outsider.accessToken))[0]?.id, list[0]?.id);
  });

  test('list and get show the caller’s role', async () => {
    const mine = await f.request<{ communities: CommunityView[]; next: string | null }>(
      'GET',
      '/api/communities?limit=100',
      {
        token: fan.accessToken,
      },
    );
    assert.equal(mine.status, 200);
    assert.equal(mine.body.communities.find((c) => c.id === community.id)?.myRole, 'fan');
    const other = await f.request<CommunityView>('GET', `/api/communities/${community.id}`, {
      token: outsider.accessToken,
    });
    assert.equal(other.body.myRole, null);
    const missing = await f.request('GET', '/api/communities/does-not-exist', { token: fan.accessToken });
    assert.equal(missing.status, 404);
    assert.equal(errorCode(missing), 'not_found');
  });

  test('list pages by slug', async () => {
    for (let i = 0; i < 3; i++) {
      await f.request('POST', '/api/communities', {
        token: outsider.accessToken,
        body: { slug: uniq('page'), name: `p${i}` },
      });
    }
    const seen = new Set<string>();
    let after: string | null = null;
    do {
      const q: string = after ? `&after=${after}` : '';
      const page = await f.request<{ communities: CommunityView[]; next: string | null }>(
        'GET',
        `/api/communities?limit=2${q}`,
        {
          token: outsider.accessToken,
        },
      );
      assert.ok(page.body.communities.length <= 2);
      for (const c of page.body.communities) seen.add(c.id);
      after = page.body.next;
    } while (after);
    assert.ok(seen.size >= 4);
  });

  test('slugs and names are validated; a taken slug is a conflict', async () => {
    const bad = await f.request('POST', '/api/communities', {
      token: owner.accessToken,
      body: { slug: 'Bad Slug', name: 'x' },
    });
    assert.equal(errorCode(bad), 'validation_failed');
    assert.deepEqual((bad.body as { error: { details: unknown } }).error.details, { field: 'slug' });
    const dup = await f.request('POST', '/api/communities', {
      token: owner.accessToken,
      body: { slug: community.slug, name: 'x' },
    });
    assert.equal(dup.status, 409);
    assert.equal(errorCode(dup), 'conflict');
    const family = '👩‍👩‍👧';
    const ok = await f.request<CommunityView>('POST', '/api/communities', {
      token: owner.accessToken,
      body: { slug: uniq('fam'), name: family.repeat(60) },
    });
    assert.equal(ok.status, 201);
    const long = await f.request('POST', '/api/communities', {
      token: owner.accessToken,
      body: { slug: uniq('fam'), name: family.repeat(61) },
    });
    assert.deepEqual((long.body as { error: { details: unknown } }).error.details, { field: 'name' });
  });

  test('SQL and HTML in names and descriptions come back verbatim', async () => {
    const name = "'; DELETE FROM communities; -- <b>bold</b>";
    const description = '<script>alert("x")</script>\nRobert\'); DROP TABLE rooms;--';
    const c = await f.request<CommunityView>('POST', '/api/communities', {
      token: owner.accessToken,
      body: { slug: uniq('evil'), name, description },
    });
    assert.equal(c.status, 201);
    const got = await f.request<CommunityView>('GET', `/api/communities/${c.body.id}`, {
      token: owner.accessToken,
    });
    assert.equal(got.body.name, name);
    assert.equal(got.body.description, description);
    const room = await f.request<RoomView>('POST', `/api/communities/${c.body.id}/rooms`, {
      token: owner.accessToken,
      body: { name: '<img src=x>" OR 1=1' },
    });
    assert.equal(
      (await f.request<RoomView>('GET', `/api/rooms/${room.body.id}`, { token: fan.accessToken })).body.name,
      '<img src=x>" OR 1=1',
    );
  });

  test('joining twice keeps the role; the owner cannot leave; a fan can', async () => {
    const again = await f.request<CommunityView>('POST', `/api/communities/${community.id}/join`, {
      token: owner.accessToken,
    });
    assert.equal(again.body.myRole, 'owner');
    const ownerLeaves = await f.request('POST', `/api/communities/${community.id}/leave`, {
      token: owner.accessToken,
    });
    assert.equal(ownerLeaves.status, 409);
    assert.equal(errorCode(ownerLeaves), 'conflict');
    const temp = await register(f);
    await f.request('POST', `/api/communities/${community.id}/join`, { token: temp.accessToken });
    const left = await f.request<CommunityView>('POST', `/api/communities/${community.id}/leave`, {
      token: temp.accessToken,
    });
    assert.equal(left.status, 200);
    assert.equal(left.body.myRole, null);
  });

  test('fans cannot create rooms; moderators can, after the owner promotes them', async () => {
    const mod = await register(f);
    await f.request('POST', `/api/communities/${community.id}/join`, { token: mod.accessToken });
    const body = { name: '라이브 LIVE 🎤', kind: 'live', access: 'public' };
    const refused = await f.request('POST', `/api/communities/${community.id}/rooms`, {
      token: mod.accessToken,
      body,
    });
    assert.equal(refused.status, 403);
    assert.equal(errorCode(refused), 'forbidden');
    const promoted = await setRole(owner.accessToken, mod.user.id, 'moderator');
    assert.equal(promoted.status, 200);
    assert.equal(promoted.body.role, 'moderator');
    const created = await f.request<RoomView>('POST', `/api/communities/${community.id}/rooms`, {
      token: mod.accessToken,
      body,
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, '라이브 LIVE 🎤');
    assert.equal(created.body.kind, 'live');
    // Joining again keeps the moderator role.
    const rejoin = await f.request<CommunityView>('POST', `/api/communities/${community.id}/join`, {
      token: mod.accessToken,
    });
    assert.equal(rejoin.body.myRole, 'moderator');
    const badKind = await f.request('POST', `/api/communities/${community.id}/rooms`, {
      token: owner.accessToken,
      body: { name: 'x', kind: 'party' },
    });
    assert.equal(errorCode(badKind), 'validation_failed');
  });

  test('only the owner (or an admin) sets roles; only an admin makes an owner', async () => {
    const mod = await register(f);
    const target = await register(f);
    for (const u of [mod, target])
      await f.request('POST', `/api/communities/${community.id}/join`, { token: u.accessToken });
    await setRole(owner.accessToken, mod.user.id, 'moderator');
    const byMod = await setRole(mod.accessToken, target.user.id, 'member');
    assert.equal(byMod.status, 403);
    assert.equal(errorCode(byMod), 'forbidden');
    const byFan = await setRole(fan.accessToken, target.user.id, 'artist');
    assert.equal(errorCode(byFan), 'forbidden');
    const makeOwner = await setRole(owner.accessToken, target.user.id, 'owner');
    assert.equal(errorCode(makeOwner), 'forbidden');
    const adm = await admin(f);
    const byAdmin = await setRole(adm.accessToken, target.user.id, 'owner');
    assert.equal(byAdmin.status, 200);
    assert.equal(byAdmin.body.role, 'owner');
    const badRole = await setRole(owner.accessToken, target.user.id, 'king');
    assert.equal(errorCode(badRole), 'validation_failed');
    const ghost = await setRole(owner.accessToken, 'no-such-user', 'member');
    assert.equal(errorCode(ghost), 'not_found');
  });

  test('the member list is for moderators and up', async () => {
    const refused = await f.request('GET', `/api/communities/${community.id}/members`, {
      token: fan.accessToken,
    });
    assert.equal(errorCode(refused), 'forbidden');
    const list = await f.request<{ members: MemberView[]; next: string | null }>(
      'GET',
      `/api/communities/${community.id}/members?limit=100`,
      { token: owner.accessToken },
    );
    assert.equal(list.status, 200);
    const me = list.body.members.find((m) => m.userId === owner.user.id);
    assert.equal(me?.role, 'owner');
    assert.equal(me?.name, owner.user.name);
    assert.equal(list.body.members.find((m) => m.userId === fan.user.id)?.role, 'fan');
  });

  test('the member list finds people by the start of their username, in any letter case', async () => {
    const find = (q: string) =>
      f.request<{ members: MemberView[]; next: string | null }>(
        'GET',
        `/api/communities/${community.id}/members?q=${encodeURIComponent(q)}`,
        { token: owner.accessToken },
      );
    const jisoo = await register(f, uniq('Jisoo'));
    await register(f, uniq('jisoo')); // named alike, not a member
    const joined = await f.request('POST', `/api/communities/${community.id}/join`, {
      token: jisoo.accessToken,
    });
    assert.equal(joined.status, 200);
    for (const q of ['jisoo', 'JISOO', ` ${jisoo.user.name} `]) {
      const found = await find(q);
      assert.equal(found.status, 200, JSON.stringify(found.body));
      assert.deepEqual(
        found.body.members.map((m) => m.userId),
        [jisoo.user.id],
        `q=${JSON.stringify(q)}`,
      );
    }
    // Wildcards are letters like any other; a blank q lists everyone.
    assert.deepEqual((await find('%')).body.members, []);
    assert.deepEqual((await find('_')).body.members, []);
    assert.ok((await find(' ')).body.members.length >= 2);
    assert.equal(errorCode(await find('x'.repeat(65))), 'validation_failed');
    const refused = await f.request('GET', `/api/communities/${community.id}/members?q=jisoo`, {
      token: fan.accessToken,
    });
    assert.equal(errorCode(refused), 'forbidden');
  });

  test('members-only room archives are forbidden to fans and outsiders, open to members', async () => {
    const vip = await f.request<RoomView>('POST', `/api/communities/${community.id}/rooms`, {
      token: owner.accessToken,
      body: { name: 'VIP', access: 'members' },
    });
    assert.equal(vip.body.access, 'members');
    const byFan = await f.request('GET', `/api/rooms/${vip.body.id}/messages`, { token: fan.accessToken });
    assert.equal(byFan.status, 403);
    assert.equal(errorCode(byFan), 'forbidden');
    const publicRoom = (await rooms(owner.accessToken))[0]!;
    const byOutsider = await f.request('GET', `/api/rooms/${publicRoom.id}/messages`, {
      token: outsider.accessToken,
    });
    assert.equal(errorCode(byOutsider), 'forbidden');
    assert.equal(
      (await f.request('GET', `/api/rooms/${publicRoom.id}/messages`, { token: fan.accessToken })).status,
      200,
    );
    const paid = await register(f);
    await f.request('POST', `/api/communities/${community.id}/join`, { token: paid.accessToken });
    await setRole(owner.accessToken, paid.user.id, 'member');
    assert.equal(
      (await f.request('GET', `/api/rooms/${vip.body.id}/messages`, { token: paid.accessToken })).status,
      200,
    );
    const missing = await f.request('GET', '/api/rooms/nope/messages', { token: paid.accessToken });
    assert.equal(errorCode(missing), 'not_found');
  });
});
