/**
 * The world of the fan web app's Chromium tests (web-app, web-busy, web-refresh-cookie): a Lightstick server
 * reached through a TCP proxy the test can silence, Chromium, an owner with a community and its room, SDK
 * fans that send into it, and the page helpers (sign up, open the room, screenshots to docs/screenshots/).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { ApiClient, RealtimeClient } from '@lightstick/client';
import { REPO_ROOT, spawnLightstick, tempDir, type Spawned } from './harness.ts';
import { ensureWebBuilt } from './web-build.ts';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
];
export const SHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
export const PASSWORD = 'correct horse battery';
/** Messages the server keeps hot per room in these tests: a gap past it makes the client reload. */
export const HISTORY = 100;

/** A TCP proxy that can go silent: connections stay open and nothing is forwarded (a dead network path). */
export class SilentProxy {
  private server = net.createServer((client) => this.accept(client));
  private silent = false;
  private readonly pairs = new Set<{ dead: boolean; a: net.Socket; b: net.Socket }>();
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  constructor(private readonly target: number) {}
  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  private accept(client: net.Socket): void {
    const upstream = net.connect(this.target, '127.0.0.1');
    const pair = { dead: this.silent, a: client, b: upstream };
    this.sockets.add(client).add(upstream);
    this.pairs.add(pair);
    client.on('data', (d) => pair.dead || upstream.write(d));
    upstream.on('data', (d) => pair.dead || client.write(d));
    const end = () => {
      this.pairs.delete(pair);
      if (!pair.dead) {
        client.destroy();
        upstream.destroy();
      }
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  }
  /** Every open connection goes quiet for good, and new ones too until `restore`. */
  cut(): void {
    this.silent = true;
    for (const p of this.pairs) p.dead = true;
  }
  /** The path comes back: connections that went quiet are reset (as a NAT or a new network does), new ones flow. */
  restore(): void {
    this.silent = false;
    for (const p of this.pairs) {
      if (!p.dead) continue;
      p.a.destroy();
      p.b.destroy();
      this.pairs.delete(p);
    }
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.server.close(); // not awaited: a connection the browser still holds must not keep the test open
  }
}

export class WebAppWorld {
  dataDir = '';
  server!: Spawned;
  proxy!: SilentProxy;
  browser!: Browser;
  base = '';
  owner!: ApiClient;
  communityId = '';
  roomId = '';
  private readonly clients: RealtimeClient[] = [];
  private readonly accounts = new Map<string, Promise<ApiClient>>();

  async start(): Promise<void> {
    assert.ok(existsSync(CHROMIUM), `Chromium is needed at ${CHROMIUM}`);
    ensureWebBuilt();
    this.dataDir = await tempDir('lightstick-web-app-');
    this.server = await spawnLightstick({
      dataDir: this.dataDir,
      env: { LIGHTSTICK_SEND_RATE_FAN: 'off', LIGHTSTICK_HISTORY_SIZE: String(HISTORY) },
    });
    this.proxy = new SilentProxy(this.server.port);
    await this.proxy.listen();
    this.base = `http://127.0.0.1:${this.proxy.port}`;
    this.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    await mkdir(SHOTS, { recursive: true });
    this.owner = new ApiClient({ baseUrl: this.server.baseUrl });
    await this.owner.register({ username: 'owner_webapp', password: PASSWORD, displayName: 'Owner' });
    const c = await this.owner.createCommunity({ slug: 'busy-fans', name: 'Busy Fans 팬' });
    this.communityId = c.id;
    this.roomId = (await this.owner.listRooms(c.id))[0]!.id;
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.close();
    await this.browser?.close();
    await this.proxy?.close();
    await this.server?.stop();
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  /** A fan connection that sends through the SDK, joined to the room; `name` is the account (made once). */
  async seeder(name: string): Promise<RealtimeClient> {
    let made = this.accounts.get(name);
    if (!made) {
      const client = new ApiClient({ baseUrl: this.server.baseUrl });
      made = client
        .register({ username: name, password: PASSWORD })
        .then(() => client.joinCommunity(this.communityId))
        .then(() => client);
      this.accounts.set(name, made);
    }
    const api = await made;
    const rt = new RealtimeClient({
      url: this.server.wsUrl,
      WebSocket,
      getToken: (o) => api.getAccessToken(o),
    });
    rt.on('error', () => undefined);
    rt.connect();
    await rt.join(this.roomId);
    this.clients.push(rt);
    return rt;
  }

  async newPage(opts: { viewport?: typeof PHONE; locale?: string } = {}): Promise<Page> {
    const ctx: BrowserContext = await this.browser.newContext({
      viewport: opts.viewport ?? DESKTOP,
      locale: opts.locale ?? 'en-US',
    });
    const page = await ctx.newPage();
    page.setDefaultTimeout(30_000);
    return page;
  }

  async signUp(page: Page, username: string): Promise<void> {
    await page.goto(`${this.base}/signup`);
    await page.getByTestId('username').fill(username);
    await page.getByTestId('password').fill(PASSWORD);
    await page.getByTestId('submit').click();
    await page.getByTestId('community-list').waitFor();
  }

  async openRoom(page: Page): Promise<void> {
    await page.goto(`${this.base}/r/${this.roomId}`);
    const gate = page.getByTestId('gate-join');
    await Promise.race([
      gate.waitFor(),
      page.locator('[data-testid="room-layout"][data-joined="true"]').waitFor(),
    ]);
    if (await gate.isVisible()) await gate.click();
    await page.locator('[data-testid="room-layout"][data-joined="true"]').waitFor();
  }

  shot(page: Page, name: string): Promise<Buffer> {
    return page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  }
}
