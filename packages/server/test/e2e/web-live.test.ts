/**
 * End to end: the live pages of the web app in real Chromium against a real Lightstick (embedded, local
 * provider) with a real ffmpeg publishing a test pattern over RTMP. The creator page creates a live, shows
 * its ingest URL and stream key (copied through the clipboard), follows its state from the `live` frames,
 * rotates the key (the shown key changes, the old publish stops) and ends it. The watch page plays the live
 * through hls.js (the video's currentTime advances, also past the first playback grant's expiry, so the
 * refresh works), shows the viewer count and the chat beside the video (under it on a phone), and a
 * members-only live shows a non-member the lock with its reason. The community page lists lives live
 * first, then scheduled, then past; the communities list marks the community LIVE with its count of lives on
 * air while the live runs, and not once it ended. Saves docs/screenshots/watch-page.png, creator-page.png and
 * communities-live-desktop.png.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { AuthResponse, CommunityView, LiveView } from '@lightstick/protocol';
import { REPO_ROOT, startLightstick, type InProcess } from '../support/harness.ts';
import { createCommunity, http, joinCommunity, registerUser } from '../support/api.ts';
import { eventually, publish, untilState, type Publisher } from '../support/live-support.ts';
import { ensureWebBuilt } from '../support/web-build.ts';
import { signInContext } from '../support/web-sign-in.ts';
import { axeClean } from '../support/axe.ts';
import { holdAnswer } from '../support/held-answer.ts';

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
const SCREENSHOT = path.join(REPO_ROOT, 'docs/screenshots/watch-page.png');
/** The shortest playback grant the server allows: the watch page must refresh it while playing. */
const PLAYBACK_TTL_SEC = 30;
const DESKTOP = { width: 1280, height: 760 };
const PHONE = { width: 390, height: 844 };
const figures: Record<string, string | number> = {};

describe('live pages in Chromium against a real local live', () => {
  let app: InProcess;
  let base: string;
  let browser: Browser;
  let owner: AuthResponse;
  let member: AuthResponse;
  let outsider: AuthResponse;
  let community: CommunityView;
  const publishers: Publisher[] = [];
  const contexts: BrowserContext[] = [];

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `Chromium is needed at ${CHROMIUM} (apt install chromium)`);
    // Always build: the live pages are new, an old dist/ would not have them.
    ensureWebBuilt();
    app = await startLightstick({
      env: {
        LIGHTSTICK_RTMP_PORT: '0',
        LIGHTSTICK_RTMP_HOST: '127.0.0.1',
        LIGHTSTICK_LIVE_GRACE_MS: '120000',
        LIGHTSTICK_MEDIA_HEARTBEAT_MS: '200',
        LIGHTSTICK_LIVE_RECONCILE_MS: '500',
        LIGHTSTICK_PLAYBACK_TTL_SEC: String(PLAYBACK_TTL_SEC),
      },
    });
    base = app.baseUrl;
    owner = await registerUser(base, undefined, 'Artist 🎤');
    member = await registerUser(base, undefined, '민지');
    outsider = await registerUser(base, undefined, 'Yuki');
    community = (await createCommunity(base, owner.accessToken)).community;
    await joinCommunity(base, member.accessToken, community.id);
    await joinCommunity(base, outsider.accessToken, community.id);
    const role = await http(base, 'PUT', `/api/communities/${community.id}/members/${member.user.id}`, {
      token: owner.accessToken,
      body: { role: 'member' },
    });
    assert.equal(role.status, 200);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  });

  after(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await app?.stop();
    console.log(`# measured: ${JSON.stringify(figures)}`);
  });

  /** A page signed in as `auth`'s user (a sign-in of its own, its cookie set before the app loads). */
  async function signedIn(auth: AuthResponse, viewport = DESKTOP): Promise<Page> {
    const ctx = await browser.newContext({ locale: 'en-US', viewport });
    contexts.push(ctx);
    await signInContext(ctx, base, auth.user.name, 'correct horse battery');
    const page = await ctx.newPage();
    page.setDefaultTimeout(60_000);
    page.on('pageerror', (err) => console.log(`# page error (${auth.user.name}): ${err.message}`));
    // What the page says about failures (a failed request, the player), for a run that fails.
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning')
        console.log(`# console ${m.type()} (${auth.user.name}): ${m.text()}`);
    });
    return page;
  }

  const videoTime = (page: Page) =>
    page.getByTestId('live-video').evaluate((v) => (v as HTMLVideoElement).currentTime);

  /** Waits until the page's video played past `seconds`. */
  const playedPast = (page: Page, seconds: number, timeout = 60_000) =>
    page.waitForFunction(
      (s) => {
        const v = document.querySelector<HTMLVideoElement>('[data-testid="live-video"]');
        return v !== null && v.currentTime > s;
      },
      seconds,
      { timeout },
    );

  async function say(page: Page, text: string): Promise<void> {
    await page.getByTestId('message-input').fill(text);
    await page.getByTestId('message-input').press('Enter');
  }

  const sees = (page: Page, text: string) =>
    page.locator('[data-testid="message-text"]', { hasText: text }).first().waitFor();

  async function createLiveApi(body: Record<string, unknown>): Promise<LiveView> {
    const r = await http<LiveView>(base, 'POST', `/api/communities/${community.id}/lives`, {
      token: owner.accessToken,
      body,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  }

  test(
    'creator page runs a live; the watch page plays it beside its chat',
    { timeout: 280_000 },
    async () => {
      // Lives of every kind for the list: one past, one scheduled (created first, so order is not by age).
      const past = await createLiveApi({ title: 'Yesterday’s live' });
      assert.equal(
        (await http(base, 'POST', `/api/lives/${past.id}/end`, { token: owner.accessToken, body: {} }))
          .status,
        200,
      );
      await createLiveApi({
        title: 'Comeback showcase',
        scheduledAt: new Date(Date.now() + 86_400_000).toISOString(),
      });

      // ---- the creator page: create, see ingest and key, copy the key ----
      const studio = await signedIn(owner);
      await studio.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
      await studio.goto(`${base}/studio/${community.id}`);
      await studio.getByTestId('live-title-input').fill('Fan meeting 팬미팅 🎉');
      await studio.getByTestId('create-live').click();
      await studio.getByTestId('stream-key').waitFor();
      const ingestUrl = await studio.getByTestId('ingest-url').inputValue();
      const key1 = await studio.getByTestId('stream-key').inputValue();
      assert.match(ingestUrl, /^rtmp:\/\/127\.0\.0\.1:\d+\/live$/);
      assert.ok(key1.length >= 16, 'a stream key is shown');
      assert.equal(
        await studio.getByTestId('stream-key').getAttribute('type'),
        'password',
        'masked at first',
      );
      await studio.getByTestId('copy-stream-key').click();
      assert.equal(await studio.evaluate(() => navigator.clipboard.readText()), key1, 'copy puts the key');
      await studio.getByTestId('copy-ingest-url').click();
      assert.equal(await studio.evaluate(() => navigator.clipboard.readText()), ingestUrl);
      const liveId = (await studio.getByTestId('live-control').getAttribute('data-live'))!;
      await studio.screenshot({ path: path.join(REPO_ROOT, 'docs/screenshots/creator-page.png') });
      await axeClean(studio, 'creator page (desktop)');
      assert.ok(studio.url().endsWith(`/studio/${community.id}/${liveId}`), studio.url());
      assert.equal(await studio.getByTestId('live-state').textContent(), 'Scheduled');

      // ---- going live: the creator page follows the `live` frame ----
      const t0 = Date.now();
      const first = publish(`${ingestUrl}/${key1}`);
      publishers.push(first);
      await studio.locator('[data-testid="live-state"][data-state="live"]').waitFor();
      figures.publishToCreatorLiveMs = Date.now() - t0;
      assert.equal(await studio.getByTestId('live-state').textContent(), 'Live now');

      // ---- the communities list marks the community LIVE with its lives on air, beside its members ----
      const fan = await signedIn(member);
      await fan.goto(`${base}/`);
      const listed = fan.locator(`[data-testid="community-item"][data-id="${community.id}"]`);
      await listed.locator('[data-testid="community-live"][data-count="1"]').waitFor();
      assert.equal(
        await listed.locator('[data-testid="community-live"] [aria-hidden="true"]').textContent(),
        'LIVE 1',
      );
      assert.equal(
        await listed.locator('[data-testid="community-live"] .sr-only').textContent(),
        '1 live on air now',
      );
      assert.equal(await listed.getByTestId('community-members').textContent(), '3 members');
      await fan.screenshot({ path: path.join(REPO_ROOT, 'docs/screenshots/communities-live-desktop.png') });
      // The LIVE mark keeps its contrast in both themes.
      await axeClean(fan, 'communities with a live, light');
      await fan.emulateMedia({ colorScheme: 'dark' });
      await axeClean(fan, 'communities with a live, dark');
      await fan.emulateMedia({ colorScheme: 'light' });

      // ---- the community page lists: live now, then scheduled, then past ----
      const grantTimes: number[] = []; // when the watch page received each playback grant
      const media: { url: string; status: number }[] = []; // every playlist and segment answer
      fan.on('response', (r) => {
        if (/\/api\/lives\/[^/]+\/playback$/.test(r.url()) && r.status() === 200) grantTimes.push(Date.now());
        if (r.url().includes('/media/hls/')) media.push({ url: r.url(), status: r.status() });
      });
      await fan.goto(`${base}/c/${community.id}`);
      await fan.locator('[data-testid="live-item"][data-state="live"]').waitFor();
      const order = await fan
        .getByTestId('live-item')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
      assert.deepEqual(order, ['live', 'scheduled', 'ended']);

      // ---- the watch page plays the live, chat beside it ----
      const tWatch = Date.now();
      await fan.locator(`[data-testid="live-item"][data-id="${liveId}"] [data-testid="live-link"]`).click();
      await fan.locator('[data-testid="watch-page"][data-state="live"]').waitFor();
      await playedPast(fan, 0.5);
      const tPlaying = Date.now();
      figures.watchOpenToPlayingMs = tPlaying - tWatch;
      // The first grant came before the video played: it expired PLAYBACK_TTL_SEC after tPlaying at the latest.
      const firstSrc = await fan.getByTestId('live-video').getAttribute('data-src');
      const firstGrants = Number(await fan.getByTestId('watch-page').getAttribute('data-grants'));
      const a = await videoTime(fan);
      await playedPast(fan, a + 2);
      const engine = await fan.getByTestId('live-video').evaluate((v) => (v as HTMLVideoElement).src);
      assert.match(engine, /^blob:/, 'hls.js plays it through Media Source Extensions');
      assert.equal(await fan.getByTestId('live-state').textContent(), 'Live now');

      const other = await signedIn(outsider); // a fan without membership: a public live is for everyone
      await other.goto(`${base}/w/${liveId}`);
      await playedPast(other, 0.5);
      for (const p of [fan, other])
        await p.locator('[data-testid="room-layout"][data-joined="true"]').waitFor();
      await say(fan, '언니 최고! 💜');
      await sees(other, '언니 최고! 💜');
      await say(other, 'こんにちは from Yuki 🌸');
      await sees(fan, 'こんにちは from Yuki 🌸');
      // Viewer count from the room's stats frames: the two watchers and the creator page.
      await fan.locator('[data-testid="live-viewers"][data-viewers="3"]').waitFor();
      assert.equal(await fan.getByTestId('live-viewers').textContent(), '3 watching');

      // Desktop: the chat is beside the video.
      const video = (await fan.getByTestId('live-video').boundingBox())!;
      const chat = (await fan.getByTestId('watch-chat').boundingBox())!;
      assert.ok(
        chat.x >= video.x + video.width - 1,
        `chat beside the video: ${JSON.stringify({ video, chat })}`,
      );
      assert.ok(chat.y < video.y + video.height, 'side by side, not under');
      await fan.screenshot({ path: SCREENSHOT });
      await axeClean(fan, 'watch page, live (desktop)');

      // Phone: the chat is under the video.
      const phone = await signedIn(outsider, PHONE);
      await phone.goto(`${base}/w/${liveId}`);
      await playedPast(phone, 0.5);
      const pv = (await phone.getByTestId('live-video').boundingBox())!;
      const pc = (await phone.getByTestId('watch-chat').boundingBox())!;
      assert.ok(
        pc.y >= pv.y + pv.height - 1,
        `chat under the video on a phone: ${JSON.stringify({ pv, pc })}`,
      );
      await axeClean(phone, 'watch page, live (phone)');
      await phone.context().close();

      // The playback grant lasts 30 s: the page asks for a new one before it expires and plays on past it
      // without a restart (the player's requests move to the new URL).
      await fan
        .locator(`[data-testid="watch-page"]:not([data-grants="${firstGrants}"])`)
        .waitFor({ timeout: PLAYBACK_TTL_SEC * 1000 });
      await eventually(() => (grantTimes.length >= 2 ? true : undefined), 'the renewal answered');
      figures.grantRenewedAfterMs = grantTimes[1]! - grantTimes[0]!;
      // Renewed by its timer (a fifth of 30 s before expiry), not after a failure.
      assert.ok(figures.grantRenewedAfterMs >= 20_000, `renewed after ${figures.grantRenewedAfterMs} ms`);
      assert.ok(figures.grantRenewedAfterMs < PLAYBACK_TTL_SEC * 1000, 'before the grant expired');
      await new Promise((r) =>
        setTimeout(r, Math.max(0, tPlaying + PLAYBACK_TTL_SEC * 1000 + 2000 - Date.now())),
      );
      const b = await videoTime(fan);
      await playedPast(fan, b + 2, 30_000);
      assert.notEqual(await fan.getByTestId('live-video').getAttribute('data-src'), firstSrc, 'switched URL');
      // Seamless: no request was refused (none went out with the expired grant), and the player's requests
      // moved to the new grant's folder without reloading the stream.
      assert.deepEqual(
        media.filter((m) => m.status !== 200),
        [],
        'every playlist and segment request was served',
      );
      const newFolder = (await fan.getByTestId('live-video').getAttribute('data-src'))!.replace(/[^/]*$/, '');
      assert.ok(
        media.some((m) => m.url.startsWith(newFolder) && /\.ts(\?|$)/.test(m.url)),
        'segments come with the new grant',
      );
      figures.mediaRequestsServed = media.length;
      figures.playedAfterFirstGrantExpiredSec = Number((await videoTime(fan)).toFixed(1));

      // ---- rotating the key: the shown key changes, the old publish stops, watchers see "reconnecting" ----
      // The rotate answer is read before the rotation kicks the publisher, so the kick's `reconnecting` frame
      // can reach the studio first. Held here until it has, every time: the page must keep the newer state and
      // still show the new key from the older answer (regression/studio-stuck-on-live-after-key-rotation).
      const rotateAnswer = await holdAnswer(studio, '**/api/lives/*/key', 'POST');
      await studio.getByTestId('rotate-key').click();
      await eventually(
        () => (first.proc.exitCode !== null || first.proc.signalCode !== null ? true : undefined),
        'old publish stopped',
      );
      try {
        await studio.locator('[data-testid="live-state"][data-state="reconnecting"]').waitFor();
      } finally {
        rotateAnswer.release();
      }
      await studio.waitForFunction(
        (old) => document.querySelector<HTMLInputElement>('[data-testid="stream-key"]')?.value !== old,
        key1,
      );
      await rotateAnswer.stop();
      const key2 = await studio.getByTestId('stream-key').inputValue();
      assert.notEqual(key2, key1);
      assert.ok(key2.length >= 16);
      assert.equal(
        await studio.getByTestId('live-state').getAttribute('data-state'),
        'reconnecting',
        'the older answer did not put "live" back',
      );
      await fan.locator('[data-testid="live-state"][data-state="reconnecting"]').waitFor();
      assert.equal(await fan.getByTestId('live-state').textContent(), 'Reconnecting…');
      assert.equal(await studio.getByTestId('live-state').textContent(), 'Reconnecting…');

      // The new key goes live again and the watcher plays on.
      const second = publish(`${ingestUrl}/${key2}`);
      publishers.push(second);
      await studio.locator('[data-testid="live-state"][data-state="live"]').waitFor();
      await fan.locator('[data-testid="live-state"][data-state="live"]').waitFor();
      const c = await videoTime(fan);
      await playedPast(fan, c + 1, 45_000);

      // ---- ending the live: a confirming second click; both pages say so ----
      await studio.getByTestId('end-live').click();
      assert.equal(await studio.getByTestId('end-live').textContent(), 'Really end the live?');
      await studio.getByTestId('end-live').click();
      await studio.locator('[data-testid="live-state"][data-state="ended"]').waitFor();
      assert.equal(await studio.getByTestId('live-state').textContent(), 'Ended');
      assert.equal(await studio.getByTestId('stream-key').count(), 0, 'no key once ended');
      await fan.locator('[data-testid="live-state"][data-state="ended"]').waitFor();
      assert.equal(await fan.getByTestId('live-state').textContent(), 'Ended');
      assert.equal(await fan.getByTestId('live-video').count(), 0, 'the player is gone');
      assert.equal(await fan.getByTestId('live-poster').textContent(), 'This live has ended.');
      await untilState(base, owner.accessToken, liveId, 'ended');
      await second.stop();
      // Ended: the communities list drops the LIVE mark.
      await fan.goto(`${base}/`);
      await listed.locator('[data-testid="community-members"][data-count="3"]').waitFor();
      assert.equal(await listed.getByTestId('community-live').count(), 0, 'no LIVE mark once ended');
    },
  );

  test('a members-only live shows a non-member the lock with its reason', { timeout: 120_000 }, async () => {
    const live = await createLiveApi({ title: 'Members only 🔒', access: 'members' });
    const page = await signedIn(outsider);
    await page.goto(`${base}/w/${live.id}`);
    const lock = page.getByTestId('live-lock');
    await lock.waitFor();
    assert.equal(await lock.getAttribute('data-reason'), 'members');
    assert.equal(
      await page.getByTestId('live-lock-reason').textContent(),
      'This live is for members of the community only.',
    );
    assert.equal(await page.getByTestId('live-video').count(), 0);
    await axeClean(page, 'watch page, locked');
    // A member of the same community is not locked out (the live has not started: it says so).
    const m = await signedIn(member);
    await m.goto(`${base}/w/${live.id}`);
    await m.locator('[data-testid="watch-page"][data-grants="1"]').waitFor();
    assert.equal(await m.getByTestId('live-lock').count(), 0);
    assert.equal(await m.getByTestId('live-state').textContent(), 'Scheduled');
    assert.equal(await m.getByTestId('live-poster').textContent(), 'The live has not started yet.');
  });
});
