/**
 * Holds one HTTP answer in the browser: the first request the page makes to `url` with `method` goes to the
 * server, and its answer is kept from the page until `release()`. The e2e tests of the answer-versus-frame races
 * (docs/web.md, "An answer can be older than a frame") use it to make an answer arrive after a frame every run,
 * the order a busy machine gives only now and then.
 */
import type { Page, Route } from 'playwright-core';

export interface HeldAnswer {
  /** Resolves once the server has answered (the answer is then held). */
  readonly read: Promise<void>;
  /** Lets the held answer through (again: nothing). */
  release(): void;
  /** Releases the answer and stops watching `url`. */
  stop(): Promise<void>;
}

export async function holdAnswer(page: Page, url: string, method: string): Promise<HeldAnswer> {
  let answered!: () => void;
  const read = new Promise<void>((r) => (answered = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let holding = true;
  const hold = async (route: Route) => {
    if (route.request().method() !== method || !holding) return route.continue();
    holding = false;
    const answer = await route.fetch();
    answered();
    await released;
    await route.fulfill({ response: answer });
  };
  await page.route(url, hold);
  return {
    read,
    release,
    async stop() {
      release();
      // Only this handler: another the test put on the same URL stays.
      await page.unroute(url, hold);
    },
  };
}
