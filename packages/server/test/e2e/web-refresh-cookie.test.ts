/**
 * End to end, in real Chromium (issue 8): the web app keeps its refresh token only in the server's HttpOnly
 * cookie. After sign-up no script-readable place holds it (storage, document.cookie, answers); a reload keeps
 * the fan signed in through a refresh by cookie with the CSRF header; a refresh without the header is refused;
 * two tabs refreshing at the same moment do not revoke their shared sign-in as a reused token; logout clears
 * the cookie and a reload shows the signed-out screen.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page, Route } from 'playwright-core';
import { WebAppWorld } from '../support/web-app-world.ts';

const REFRESH = '**/api/auth/refresh';

describe('web app: the refresh token in an HttpOnly cookie (issue 8)', () => {
  const world = new WebAppWorld();
  let page: Page;

  before(async () => {
    await world.start();
    page = await world.newPage();
    await world.signUp(page, 'cookie_fan');
  });
  after(() => world.stop());

  const refreshCookie = async () => (await page.context().cookies()).find((c) => c.name === 'ls_refresh');

  /** Everything a script on the page can read: both storages and document.cookie. */
  const readable = (p: Page) =>
    p.evaluate(() =>
      // Inline (no named helper): tsx would wrap one in a `__name` call the page does not know.
      [localStorage, sessionStorage]
        .flatMap((s) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`))
        .concat(document.cookie)
        .join('\n'),
    );

  test('after sign-up the refresh token is only in the HttpOnly cookie', async () => {
    const cookie = await refreshCookie();
    assert.ok(cookie, 'the server set ls_refresh');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.path, '/api/auth');
    assert.ok(cookie.value.length > 20);
    const seen = await readable(page);
    assert.ok(!seen.includes(cookie.value), 'no storage and no document.cookie holds the refresh token');
    assert.ok(!seen.includes('ls_refresh'), 'document.cookie does not show the cookie');
    assert.doesNotMatch(seen, /eyJ[\w-]+\.eyJ/, 'the access token is kept in memory only');
  });

  test('a reload keeps the fan signed in: a refresh by cookie with the CSRF header', async () => {
    const before = (await refreshCookie())!.value;
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/auth/refresh'));
    await page.reload();
    const res = await refreshed;
    assert.equal(res.status(), 200);
    assert.equal(await res.request().headerValue('x-lightstick-csrf'), '1');
    assert.equal(((await res.json()) as { refreshToken: string }).refreshToken, '', 'no token in the answer');
    await page.getByTestId('community-list').waitFor();
    await page.getByTestId('me').waitFor();
    const after = (await refreshCookie())!.value;
    assert.notEqual(after, before, 'the cookie rotated');
    assert.ok(!(await readable(page)).includes(after));
    // The realtime connection authenticated with the refreshed access token.
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
  });

  test('a refresh by cookie without the CSRF header is refused', async () => {
    const answer = await page.evaluate(async () => {
      const res = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return { status: res.status, body: (await res.json()) as { error: { code: string } } };
    });
    assert.equal(answer.status, 403, 'refused for the missing header (no cookie would be 400)');
    assert.equal(answer.body.error.code, 'forbidden');
    // Still signed in: the refused request spent nothing.
    await page.reload();
    await page.getByTestId('community-list').waitFor();
  });

  test('two tabs refreshing at the same moment both stay signed in', async () => {
    const second = await page.context().newPage();
    second.setDefaultTimeout(30_000);
    // Each tab's refresh is held until both are out (or 3 s passed), then both go at once: without one
    // refresh at a time across tabs, both would send the same cookie and the second would revoke the sign-in.
    const held: Route[] = [];
    let release: () => void = () => undefined;
    const bothOut = new Promise<void>((resolve) => (release = resolve));
    const hold = async (route: Route) => {
      held.push(route);
      if (held.length >= 2) release();
      await Promise.race([bothOut, new Promise((r) => setTimeout(r, 3_000))]);
      await route.continue();
    };
    await page.route(REFRESH, hold);
    await second.route(REFRESH, hold);
    const answers = [page, second].map((p) =>
      p.waitForResponse((r) => r.url().endsWith('/api/auth/refresh'), { timeout: 30_000 }),
    );
    await Promise.all([page.reload(), second.goto(`${world.base}/`)]);
    const statuses = await Promise.all(answers.map(async (a) => (await a).status()));
    assert.deepEqual(statuses, [200, 200], 'both refreshes succeeded, none was taken for a reused token');
    await page.unroute(REFRESH, hold);
    await second.unroute(REFRESH, hold);
    // The sign-in is alive: a further reload refreshes again.
    await second.reload();
    await second.getByTestId('community-list').waitFor();
    await second.close();
  });

  test('logout clears the cookie; a reload shows the signed-out screen', async () => {
    await page.getByTestId('sign-out').click();
    await page.waitForURL(/\/login$/);
    assert.equal(await refreshCookie(), undefined, 'the cookie is gone');
    await page.goto(`${world.base}/`);
    await page.getByTestId('welcome-signup').waitFor();
    await page.reload();
    await page.getByTestId('welcome-signup').waitFor();
    assert.equal(await page.getByTestId('me').count(), 0);
    await page.goto(`${world.base}/c/${world.communityId}`);
    await page.waitForURL(/\/login\?next=/);
  });
});
