/**
 * Every cell of the role matrix, through the real server: for each power, a person of each role (and an outsider)
 * tries the action over HTTP or the WebSocket, and is let through exactly when docs/moderation.md says so.
 * Refusals must be the matrix's own answer (forbidden, or the mode's code), never another error.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLightstick, type InProcess } from '../support/harness.ts';
import {
  moderationWorld,
  outcome,
  ROLES,
  type ActorName,
  type ModerationWorld,
} from '../support/moderation-world.ts';
import type { TestUser } from '../support/ws-fixtures.ts';
import { can, POWERS, type Power } from '../../src/auth/powers.ts';
import type { RoomRecord } from '../../src/storage/repositories.ts';
import type { AckFrame } from '@lightstick/protocol';

describe('role matrix over HTTP and WebSocket, cell by cell', () => {
  let app: InProcess;
  let w: ModerationWorld;
  let members: RoomRecord;
  let slow: RoomRecord;
  let membersOnly: RoomRecord;
  let filtered: RoomRecord;

  before(async () => {
    app = await startLightstick();
    w = await moderationWorld(app);
    const { owner } = w.people;
    members = await w.addRoom('members');
    slow = await w.addRoom();
    membersOnly = await w.addRoom();
    filtered = await w.addRoom();
    assert.equal((await w.call(owner, 'PUT', `/api/rooms/${slow.id}/mode`, { slowSeconds: 60 })).status, 200);
    assert.equal(
      (await w.call(owner, 'PUT', `/api/rooms/${membersOnly.id}/mode`, { membersOnly: true })).status,
      200,
    );
    const filter = await w.call(owner, 'PUT', `/api/communities/${w.communityId}/filter`, {
      builtin: 'block',
      terms: [],
      allow: [],
    });
    assert.equal(filter.status, 200);
  });
  after(async () => {
    w.closeClients();
    await app.stop();
  });

  let turn = 0;
  /** A fresh message by a fan in the lobby (the writers take turns, under the send rate limit). */
  async function targetMessage(): Promise<string> {
    const writer = w.writers[turn++ % w.writers.length]!;
    const ack = await w.send(writer, w.lobby.id, `hello from a fan ${turn}`);
    assert.equal(ack.t, 'ack', JSON.stringify(ack));
    return (ack as AckFrame).mid;
  }

  const c = () => `/api/communities/${w.communityId}`;
  /** Each probe tries the power as `who` and answers 'ok' or the refusal code. */
  const PROBES: Record<Power, (who: TestUser) => Promise<string>> = {
    'room.enter': async (who) => outcome(await w.call(who, 'GET', `/api/rooms/${w.lobby.id}/messages`)),
    'room.enterMembers': async (who) =>
      outcome(await w.call(who, 'GET', `/api/rooms/${members.id}/messages`)),
    'message.send': async (who) => outcome(await w.send(who, w.lobby.id, 'matrix hello')),
    'message.sendMembersOnly': async (who) =>
      outcome(await w.send(who, membersOnly.id, 'members only hello')),
    'message.report': async (who) =>
      outcome(
        await w.call(who, 'POST', `/api/rooms/${w.lobby.id}/reports`, {
          mid: await targetMessage(),
          reason: 'test',
        }),
      ),
    'message.translate': async (who) => {
      const mid = await targetMessage();
      return outcome(
        await w.call(who, 'GET', `/api/rooms/${w.lobby.id}/messages/${mid}/translation?lang=en`),
      );
    },
    'mode.exempt': async (who) => {
      await w.send(who, slow.id, 'first');
      return outcome(await w.send(who, slow.id, 'second, at once'));
    },
    'filter.exempt': async (who) => outcome(await w.send(who, filtered.id, 'what the fuck')),
    'room.create': async (who) => outcome(await w.call(who, 'POST', `${c()}/rooms`, { name: 'probe room' })),
    'members.list': async (who) => outcome(await w.call(who, 'GET', `${c()}/members`)),
    'mode.set': async (who) =>
      outcome(await w.call(who, 'PUT', `/api/rooms/${w.lobby.id}/mode`, { uniqueChat: false })),
    'message.delete': async (who) => {
      const mid = await targetMessage();
      return outcome(await w.call(who, 'DELETE', `/api/rooms/${w.lobby.id}/messages/${mid}`));
    },
    'message.viewDeleted': async (who) => {
      const mid = await targetMessage();
      assert.equal(
        (await w.call(w.people.owner, 'DELETE', `/api/rooms/${w.lobby.id}/messages/${mid}`)).status,
        200,
      );
      const page = await w.call<{ messages: { id: string; deleted?: unknown }[] }>(
        who,
        'GET',
        `/api/rooms/${w.lobby.id}/messages?limit=200`,
      );
      if (page.status !== 200) return outcome(page);
      const seen = page.body.messages.find((m) => m.id === mid);
      return seen?.deleted !== undefined ? 'ok' : 'hidden';
    },
    'message.pin': async (who) => {
      const mid = await targetMessage();
      return outcome(await w.call(who, 'PUT', `/api/rooms/${w.lobby.id}/pin`, { mid }));
    },
    'user.timeout': async (who) => {
      const r = await w.call(who, 'POST', `${c()}/timeouts`, {
        userId: w.target.id,
        seconds: 5,
        reason: 'probe',
      });
      if (r.status === 201)
        assert.equal((await w.call(who, 'DELETE', `${c()}/timeouts/${w.target.id}`)).status, 204);
      return outcome(r);
    },
    'user.ban': async (who) => {
      const r = await w.call(who, 'POST', `${c()}/bans`, { userId: w.target.id, reason: 'probe' });
      if (r.status === 201)
        assert.equal((await w.call(who, 'DELETE', `${c()}/bans/${w.target.id}`)).status, 204);
      return outcome(r);
    },
    'reports.review': async (who) => outcome(await w.call(who, 'GET', `${c()}/reports`)),
    'audit.read': async (who) => outcome(await w.call(who, 'GET', `${c()}/audit`)),
    'filter.manage': async (who) => outcome(await w.call(who, 'GET', `${c()}/filter`)),
    'role.set': async (who) => {
      const r = await w.call(who, 'PUT', `${c()}/members/${w.target.id}`, { role: 'member' });
      await w.setRole(w.target, 'fan');
      return outcome(r);
    },
    'role.setOwner': async (who) => {
      const r = await w.call(who, 'PUT', `${c()}/members/${w.target.id}`, { role: 'owner' });
      await w.setRole(w.target, 'fan');
      return outcome(r);
    },
  };

  /** What a refused attempt must answer, per power (outsiders, not members at all, get forbidden). */
  const REFUSAL: Partial<Record<Power, string>> = {
    'message.sendMembersOnly': 'members_only',
    'mode.exempt': 'slow_mode',
    'filter.exempt': 'filtered',
    'message.viewDeleted': 'hidden',
  };

  for (const power of Object.keys(POWERS) as Power[]) {
    test(`${power}: ${POWERS[power].text}`, async () => {
      const cells: string[] = [];
      for (const actor of [...ROLES, 'outsider'] as ActorName[]) {
        const allowed = actor === 'outsider' ? false : can(actor, power);
        const got = await PROBES[power](w.people[actor]);
        const refusal = actor === 'outsider' ? 'forbidden' : (REFUSAL[power] ?? 'forbidden');
        cells.push(`${actor}:${got}`);
        assert.equal(got, allowed ? 'ok' : refusal, `${power} as ${actor}: ${cells.join(' ')}`);
      }
    });
  }
});
