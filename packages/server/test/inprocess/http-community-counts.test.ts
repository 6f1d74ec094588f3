/**
 * The community list's counts and search over HTTP (issue 9 part 4), on a real embedded server whose lives
 * are driven by a test provider's signed webhooks: `memberCount` follows joins and leaves, `liveCount` counts
 * the lives on air (live or reconnecting) and not the scheduled or ended ones, in GET /api/communities, GET
 * /api/communities/:id and the join and leave answers; `q` finds communities by name or slug in any letter
 * case; a `q` over the limit is refused with validation_failed. Answers match their TypeBox schemas.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import {
  CommunityList,
  CommunityView,
  SearchLimits,
  type AuthResponse,
  type LiveView,
} from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { createCommunity, http, registerUser, uniqueName } from '../support/api.ts';
import { untilState } from '../support/live-support.ts';
import { TestProvider } from '../support/test-provider.ts';

describe('HTTP community list: member and live counts, search', () => {
  let app: InProcess;
  let base: string;
  let owner: AuthResponse;
  let fans: AuthResponse[];
  let community: CommunityView;
  const provider = new TestProvider();
  let clock = 1_000_000;
  const ajv = new Ajv({ strict: false });
  addFormats.default(ajv);
  const valid = (schema: object, body: unknown) => assert.ok(ajv.validate(schema, body), ajv.errorsText());
  // This run's slugs start with it, so a search by it sees this test's communities and no others.
  const tag = uniqueName('counts');

  before(async () => {
    app = await startLightstick({
      providers: [provider],
      // Long grace: a dropped publisher stays "reconnecting" while the test looks.
      env: { LIGHTSTICK_LIVE_GRACE_MS: '600000' },
    });
    base = app.baseUrl;
    owner = await registerUser(base);
    fans = await Promise.all([1, 2, 3].map(() => registerUser(base)));
    community = (await createCommunity(base, owner.accessToken, `${tag}-skz`)).community;
  });
  after(() => app?.stop());

  const get = async (token: string) => {
    const r = await http<CommunityView>(base, 'GET', `/api/communities/${community.id}`, { token });
    assert.equal(r.status, 200);
    valid(CommunityView, r.body);
    return r.body;
  };
  const list = async (token: string, query: string) => {
    const r = await http<CommunityList>(base, 'GET', `/api/communities?${query}`, { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    valid(CommunityList, r.body);
    return r.body;
  };
  /** This community as the list shows it (found by its unique slug). */
  const listed = async (token: string) => {
    const page = await list(token, `q=${encodeURIComponent(tag)}&limit=100`);
    const c = page.communities.find((x) => x.id === community.id);
    assert.ok(c, 'the community is listed');
    return c;
  };
  const counts = (c: CommunityView) => [c.memberCount, c.liveCount];

  const newLive = async (): Promise<LiveView> => {
    const r = await http<LiveView>(base, 'POST', `/api/communities/${community.id}/lives`, {
      token: owner.accessToken,
      body: { title: 'comeback', provider: 'mux' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  /** What the provider tells the server when the publisher starts or stops (a signed webhook). */
  const event = async (live: LiveView, type: 'started' | 'stopped') => {
    const channel = (await app.services.store.lives.byId(live.id))!.channelId;
    const d = provider.deliver([{ id: randomUUID(), channel, type, at: (clock += 1000) }]);
    const r = await fetch(`${base}/api/providers/mux/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...d.headers },
      body: d.raw,
    });
    assert.equal(r.status, 200);
    await untilState(base, owner.accessToken, live.id, type === 'started' ? 'live' : 'reconnecting');
  };

  test('a new community counts its owner; joins and leaves move the member count', async () => {
    assert.deepEqual(counts(community), [1, 0]);
    assert.deepEqual(counts(await get(owner.accessToken)), [1, 0]);
    for (const [i, fan] of fans.entries()) {
      const joined = await http<CommunityView>(base, 'POST', `/api/communities/${community.id}/join`, {
        token: fan.accessToken,
      });
      assert.equal(joined.status, 200);
      valid(CommunityView, joined.body);
      assert.deepEqual(counts(joined.body), [2 + i, 0], 'the join answer counts the new member');
    }
    // Joining again changes nothing.
    const again = await http<CommunityView>(base, 'POST', `/api/communities/${community.id}/join`, {
      token: fans[0]!.accessToken,
    });
    assert.deepEqual(counts(again.body), [4, 0]);
    const left = await http<CommunityView>(base, 'POST', `/api/communities/${community.id}/leave`, {
      token: fans[2]!.accessToken,
    });
    assert.equal(left.status, 200);
    assert.deepEqual(counts(left.body), [3, 0], 'the leave answer counts without the one who left');
    // Everyone sees the same counts, members or not.
    assert.deepEqual(counts(await listed(fans[2]!.accessToken)), [3, 0]);
    assert.deepEqual(counts(await get(fans[0]!.accessToken)), [3, 0]);
  });

  test('lives on air are counted while live or reconnecting, not scheduled or ended', async () => {
    const scheduled = await newLive();
    const first = await newLive();
    const second = await newLive();
    assert.equal(scheduled.state, 'scheduled');
    assert.deepEqual(counts(await listed(fans[0]!.accessToken)), [3, 0], 'scheduled lives are not on air');

    await event(first, 'started');
    await event(second, 'started');
    assert.deepEqual(counts(await listed(fans[0]!.accessToken)), [3, 2]);
    assert.deepEqual(counts(await get(fans[0]!.accessToken)), [3, 2]);

    // The publisher dropped: reconnecting, still on air for the list.
    await event(second, 'stopped');
    assert.deepEqual(counts(await listed(fans[0]!.accessToken)), [3, 2]);

    const ended = await http(base, 'POST', `/api/lives/${first.id}/end`, {
      token: owner.accessToken,
      body: {},
    });
    assert.equal(ended.status, 200);
    assert.deepEqual(counts(await listed(fans[0]!.accessToken)), [3, 1]);
    assert.deepEqual(counts(await get(fans[0]!.accessToken)), [3, 1]);
    await http(base, 'POST', `/api/lives/${second.id}/end`, { token: owner.accessToken, body: {} });
    assert.deepEqual(counts(await listed(fans[0]!.accessToken)), [3, 0]);
  });

  test('every community of a page carries its own counts', async () => {
    const other = (await createCommunity(base, fans[0]!.accessToken, `${tag}-ive`)).community;
    await http(base, 'POST', `/api/communities/${other.id}/join`, { token: fans[1]!.accessToken });
    const page = await list(owner.accessToken, `q=${tag}`);
    assert.deepEqual(
      page.communities.map((c) => [c.slug, c.memberCount, c.liveCount]),
      [
        [`${tag}-ive`, 2, 0],
        [`${tag}-skz`, 3, 0],
      ],
    );
  });

  test('q finds communities by name or slug in any letter case; blank lists all; too long is refused', async () => {
    const name = `Stray Kids 스트레이 키즈 ${tag}`;
    const made = await http<CommunityView>(base, 'POST', '/api/communities', {
      token: owner.accessToken,
      body: { slug: `${tag}-named`, name },
    });
    assert.equal(made.status, 201);
    const slugsFor = async (q: string) =>
      (await list(owner.accessToken, `q=${encodeURIComponent(q)}&limit=100`)).communities.map((c) => c.slug);
    assert.deepEqual(await slugsFor(`STRAY KIDS 스트레이 키즈 ${tag.toUpperCase()}`), [`${tag}-named`]);
    assert.deepEqual(await slugsFor(`${tag}-NAMED`), [`${tag}-named`]);
    assert.deepEqual(await slugsFor(`${tag}%`), [], 'wildcards are taken literally');
    assert.deepEqual(await slugsFor(`${tag}-nothing`), []);
    const all = await list(owner.accessToken, 'q=%20%20&limit=100');
    assert.ok(all.communities.length >= 3, 'a blank q lists every community');

    // Paging by slug keeps the search: one at a time, this test's three communities and nothing else.
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const tail: string = after ? `&after=${encodeURIComponent(after)}` : '';
      const page: CommunityList = await list(owner.accessToken, `q=${tag}-&limit=1${tail}`);
      assert.ok(page.communities.length <= 1);
      seen.push(...page.communities.map((c) => c.slug));
      after = page.next;
    } while (after);
    assert.deepEqual(seen, [`${tag}-ive`, `${tag}-named`, `${tag}-skz`]);

    const long = await http<{ error: { code: string } }>(
      base,
      'GET',
      `/api/communities?q=${'a'.repeat(SearchLimits.queryMaxChars + 1)}`,
      { token: owner.accessToken },
    );
    assert.equal(long.status, 400);
    assert.equal(long.body.error.code, 'validation_failed');
    const longest = await list(owner.accessToken, `q=${'a'.repeat(SearchLimits.queryMaxChars)}`);
    assert.deepEqual(longest.communities, []);
  });
});
