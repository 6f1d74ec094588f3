/**
 * End to end, the moderator's timeout and ban buttons (issue 11 part 10) in real Chromium against the real
 * server: a moderator times a fan out from the fan's message in two clicks, the fan is told at once and their
 * next send is refused with the time left in words (Korean); the moderator ends the timeout from the panel's
 * bans tab. A moderator bans a fan in two clicks and the fan loses the room at once (the list and the message
 * box go, the reason in words, nothing more delivered, a reload keeps it so); unbanning from the panel gives
 * the room back without a reload. The moderator's tools appear when the owner makes them a moderator, live.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { PHONE, WebAppWorld } from '../support/web-app-world.ts';

describe('moderator timeout and ban in Chromium', () => {
  const world = new WebAppWorld();
  let mod: Page;
  let fan: Page;
  let fanId = '';
  /** Text of every chat message the fan's page received over its WebSocket. */
  const fanReceived: string[] = [];

  const userIdOf = (page: Page) =>
    page.evaluate(() => (JSON.parse(localStorage.getItem('lightstick.user')!) as { id: string }).id);
  const say = async (page: Page, text: string) => {
    await page.getByTestId('message-input').fill(text);
    await page.getByTestId('message-input').press('Enter');
  };
  const message = (page: Page, text: string) =>
    page.locator('[data-testid="message"]', {
      has: page.locator('[data-testid="message-text"]', { hasText: text }),
    });
  const joined = (page: Page) => page.locator('[data-testid="room-layout"][data-joined="true"]');

  before(async () => {
    await world.start();
    mod = await world.newPage({ locale: 'en-US' });
    fan = await world.newPage({ viewport: PHONE, locale: 'ko-KR' });
    fan.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        const f = JSON.parse(String(payload)) as { t?: string; msgs?: { text: string }[] };
        if (f.t === 'msgs') fanReceived.push(...(f.msgs ?? []).map((m) => m.text));
      }),
    );
    await world.signUp(mod, 'mina_mod');
    await world.openRoom(mod);
    await world.signUp(fan, 'jisoo_fan');
    await world.openRoom(fan);
    fanId = await userIdOf(fan);
    // The owner makes Mina a moderator: her open room shows the moderator's tools without a reload.
    assert.equal(await mod.getByTestId('fd-mod-panel').count(), 0);
    const modId = await userIdOf(mod);
    await world.owner.call('PUT', `/api/communities/${world.communityId}/members/${modId}`, {
      body: { role: 'moderator' },
    });
    await mod.getByTestId('fd-mod-panel').waitFor();
  });
  after(() => world.stop());

  test('a timeout in two clicks from the message: the fan is told at once, with the time left in words', async () => {
    await say(fan, '타임아웃 전 마지막 메시지');
    const line = message(mod, '타임아웃 전 마지막 메시지');
    await line.waitFor();
    let clicks = 0;
    await line.getByTestId('fd-actions-toggle').click();
    clicks++;
    await line.getByTestId('fd-action-timeout').click();
    clicks++;
    assert.ok(clicks <= 2);
    await line.getByTestId('fd-action-result').getByText('Done.').waitFor();

    // Told at once (the server's `timed_out` to the fan's connection), before the fan even tries.
    const sentence = /^채팅이 일시 제한됐어요: (10|9)분 후에 다시 보낼 수 있어요\.$/;
    const refusal = fan.getByTestId('fd-refusal');
    await refusal.waitFor();
    assert.match((await refusal.textContent()) ?? '', sentence);

    // The next send is refused, in words, and never reaches the room.
    await say(fan, '제한 중에 보낸 메시지');
    await fan.locator('[data-testid="composer-error"][data-code="timed_out"]').waitFor();
    assert.equal(await fan.getByTestId('composer-error').textContent(), '채팅이 일시 제한됐어요.');
    assert.match((await refusal.textContent()) ?? '', sentence);
    await world.shot(fan, 'room-timed-out-ko-phone');
    await say(mod, 'moderator still talking');
    await message(fan, 'moderator still talking').waitFor();
    assert.equal(await message(mod, '제한 중에 보낸 메시지').count(), 0);

    // The moderator ends the timeout from the panel's bans tab; the fan's next message goes through.
    await mod.getByTestId('fd-tab-sanctions').click();
    const entry = mod.locator(`[data-testid="fd-sanction"][data-kind="timeout"][data-user="${fanId}"]`);
    await entry.getByTestId('fd-lift').click();
    await mod.getByTestId('fd-sanction-result').getByText('jisoo_fan can take part again.').waitFor();
    await entry.waitFor({ state: 'detached' });
    await say(fan, '제한이 풀렸어요');
    await message(mod, '제한이 풀렸어요').waitFor();
    await refusal.waitFor({ state: 'detached' });
  });

  test('a ban in two clicks takes the room from the fan at once; unbanning from the panel gives it back', async () => {
    await say(fan, '차단 전 메시지');
    const line = message(mod, '차단 전 메시지');
    await line.waitFor();
    await line.getByTestId('fd-actions-toggle').click();
    await line.getByTestId('fd-action-ban').click();
    await line.getByTestId('fd-action-result').getByText('Done.').waitFor();

    // At once, without a reload: the reason in words, no messages, no message box.
    const gate = fan.locator('[data-testid="send-gate"][data-code="banned"]');
    await gate.getByText('이 커뮤니티에서 차단되었어요.').waitFor();
    assert.equal(await fan.getByTestId('message-scroller').count(), 0, 'the messages are gone');
    assert.equal(await fan.getByTestId('message-input').count(), 0, 'no message box');
    await world.shot(fan, 'room-banned-ko-phone');
    // Nothing more reaches the fan's connection.
    await say(mod, 'said while jisoo is banned');
    await message(mod, 'said while jisoo is banned').waitFor();
    await say(mod, 'and once more');
    await message(mod, 'and once more').waitFor();
    assert.ok(!fanReceived.includes('said while jisoo is banned'), 'not delivered to the banned fan');
    // As the server decides on a reload too: the archive is refused, the page says why.
    await fan.reload();
    await gate.getByText('이 커뮤니티에서 차단되었어요.').waitFor();
    assert.equal(await fan.getByTestId('message-scroller').count(), 0);

    // Unban from the panel: the room comes back on the fan's open page, and she can talk again.
    await mod.getByTestId('fd-tab-sanctions').click();
    await mod.getByRole('button', { name: 'Refresh' }).click();
    const entry = mod.locator(`[data-testid="fd-sanction"][data-kind="ban"][data-user="${fanId}"]`);
    await entry.getByTestId('fd-lift').click();
    await mod.getByTestId('fd-sanction-result').getByText('jisoo_fan can take part again.').waitFor();
    await joined(fan).waitFor();
    await message(fan, 'and once more').waitFor();
    await say(fan, '다시 왔어요');
    await message(mod, '다시 왔어요').waitFor();
  });
});
