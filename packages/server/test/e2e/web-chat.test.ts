/**
 * End to end: the real `lightstick serve` as a child process and the built web app in Chromium.
 * Two fans sign up, meet in a community room and chat live; HTML in a message stays text; the
 * server restarts under them and both pages recover by themselves without losing or doubling a message.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { ApiClient, RealtimeClient } from '@lightstick/client';
import { REPO_ROOT, spawnLightstick, tempDir, type Spawned } from '../support/harness.ts';
import { ensureWebBuilt } from '../support/web-build.ts';
import { grantCreator } from '../support/api.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SCREENSHOT = path.join(REPO_ROOT, '.tmp', 'e2e-room.png');
const XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">';

describe('web app in Chromium against the real server', () => {
  let dataDir: string;
  let server: Spawned | undefined;
  let browser: Browser;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `Chromium is needed at ${CHROMIUM} (apt install chromium)`);
    if (!existsSync(path.join(REPO_ROOT, 'packages/web/dist/index.html'))) {
      ensureWebBuilt();
    }
    dataDir = await tempDir('lightstick-e2e-');
    server = await spawnLightstick({ dataDir });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function signUp(page: Page, username: string, displayName: string): Promise<void> {
    await page.goto(`${server!.baseUrl}/#/login`);
    await page.getByTestId('auth-toggle').click();
    await page.getByTestId('username').fill(username);
    await page.getByTestId('password').fill('correct horse battery');
    await page.getByTestId('display-name').fill(displayName);
    await page.getByTestId('submit').click();
    await page.getByTestId('community-list').waitFor();
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
  }

  const state = (page: Page) => page.getByTestId('connection-state').getAttribute('data-state');
  const messageTexts = (page: Page) =>
    page.locator('[data-testid="message"] [data-testid="message-text"]').allTextContents();
  const messageIds = (page: Page) =>
    page.locator('[data-testid="message"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));

  async function say(page: Page, text: string): Promise<void> {
    await page.getByTestId('message-input').fill(text);
    await page.getByTestId('message-input').press('Enter');
  }

  async function sees(page: Page, text: string): Promise<void> {
    await page.locator('[data-testid="message-text"]', { hasText: text }).first().waitFor();
  }

  async function openRoom(page: Page): Promise<void> {
    await page.getByTestId('room-link').first().click();
    await page.locator('[data-testid="room-layout"][data-joined="true"]').waitFor();
  }

  test('sign up, chat live, keep HTML as text, and recover from a restart', async () => {
    const a = await (await browser.newContext()).newPage();
    const b = await (await browser.newContext()).newPage();
    for (const p of [a, b]) p.setDefaultTimeout(30_000);

    await signUp(a, 'alice_e2e', 'Alice ✨');
    await signUp(b, 'minji_e2e', '김민지');

    // A starts a community; B finds it in the list and joins.
    await a.getByTestId('community-name').fill('Bunnies 토끼');
    await a.getByTestId('community-slug').fill('bunnies-e2e');
    await a.getByTestId('create-community').click();
    await a.getByTestId('room-link').first().waitFor();
    await b.reload();
    const item = b.locator('[data-testid="community-item"][data-slug="bunnies-e2e"]');
    await item.getByTestId('join-community').click();
    await b.getByTestId('room-link').first().waitFor();

    await openRoom(a);
    await openRoom(b);

    await say(a, '안녕하세요 from Alice 💜');
    await sees(b, '안녕하세요 from Alice 💜');
    await say(b, 'こんにちは from 민지 🎉');
    await sees(a, 'こんにちは from 민지 🎉');
    const authors = await a.locator('[data-testid="message-author"]').allTextContents();
    assert.deepEqual(authors, ['Alice ✨', '김민지']);
    // The owner's message is highlighted with a role badge; the fan's is not.
    assert.equal(await b.locator('[data-testid="message"]').first().getAttribute('data-highlighted'), 'true');
    assert.equal(await b.locator('[data-testid="message"]').first().getAttribute('data-role'), 'owner');
    assert.equal(await b.locator('[data-testid="message"]').nth(1).getAttribute('data-highlighted'), null);

    await say(a, XSS);
    for (const p of [a, b]) {
      // Each page's own copy: the sender's comes back with the room's frame, which can trail the other page's
      // (the check read the sender's last message before its own arrived, once in CI).
      await sees(p, 'window.__xss=1');
      const shown = await p.locator('[data-testid="message-text"]').last().textContent();
      assert.equal(shown, XSS, 'the markup is shown as characters');
      assert.equal(
        await p.locator('[data-testid="message-list"] img, [data-testid="message-list"] script').count(),
        0,
      );
      assert.equal(await p.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    }

    // Restart: SIGTERM drains, then the same command comes back on the same port and data folder.
    const { port } = server!;
    await server!.stop();
    server = undefined;
    for (const p of [a, b])
      await p.locator('[data-testid="connection-state"]:not([data-state="open"])').waitFor();
    server = await spawnLightstick({ dataDir, port });
    for (const p of [a, b]) await p.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
    assert.equal(await state(a), 'open');

    await say(a, 'after the restart 🔁');
    await sees(b, 'after the restart 🔁');
    await say(b, '다시 만나서 반가워요');
    await sees(a, '다시 만나서 반가워요');

    const expected = [
      '안녕하세요 from Alice 💜',
      'こんにちは from 민지 🎉',
      XSS,
      'after the restart 🔁',
      '다시 만나서 반가워요',
    ];
    for (const p of [a, b]) {
      assert.deepEqual(await messageTexts(p), expected, 'every message once, in order');
      const ids = await messageIds(p);
      assert.equal(new Set(ids).size, ids.length, 'no message shown twice');
      assert.equal(await p.getByTestId('pending-message').count(), 0, 'nothing left pending');
    }

    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await a.screenshot({ path: SCREENSHOT });
  });

  test('scrolling to the top loads older pages from the archive, each message once', async () => {
    // A seeder fills a room through the SDK; the reader opens it in the browser.
    const api = new ApiClient({ baseUrl: server!.baseUrl });
    const seeder = await api.register({
      username: 'seeder_e2e',
      password: 'correct horse battery',
      displayName: 'Seeder',
    });
    // 120 messages at once: the owner of a community a creator made sends at the staff rate.
    await grantCreator(server!.baseUrl, seeder.user.id);
    const c = await api.createCommunity({ slug: 'history-e2e', name: 'History' });
    const room = (await api.listRooms(c.id))[0]!;
    const rt = new RealtimeClient({ url: server!.wsUrl, WebSocket, getToken: (o) => api.getAccessToken(o) });
    rt.connect();
    await rt.join(room.id);
    const sent = Array.from({ length: 120 }, (_, i) => `old message ${i + 1}`);
    for (const text of sent) await rt.send(room.id, text);
    rt.close();

    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(30_000);
    await signUp(page, 'reader_e2e', 'Reader');
    await page
      .locator('[data-testid="community-item"][data-slug="history-e2e"]')
      .getByTestId('join-community')
      .click();
    await openRoom(page);
    await sees(page, 'old message 120');
    const items = page.locator('[data-testid="message"]');
    assert.ok((await items.count()) < sent.length, 'the first view is one page, not the whole room');
    for (let i = 0; i < 10 && (await items.count()) < sent.length; i++) {
      const before = await items.count();
      await page.getByTestId('message-scroller').evaluate((el) => (el.scrollTop = 0));
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid="message"]').length > n,
        before,
      );
    }
    assert.deepEqual(await messageTexts(page), sent);
    const ids = await messageIds(page);
    assert.equal(new Set(ids).size, sent.length);
  });
});
