/**
 * A real HTTP app over a real SQLite store in a temp folder, listening on an ephemeral port.
 * Only what the HTTP face uses is built; the gateway seams are absent on purpose (a call would throw).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { AuthResponse } from '@lightstick/protocol';
import { openSqliteStore } from '../../src/storage/sqlite.ts';
import type { Store } from '../../src/storage/repositories.ts';
import { systemRuntime, type Runtime } from '../../src/runtime.ts';
import { REDACT_PATHS } from '../../src/observability/logger.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { MemoryRateLimiter } from '../../src/ratelimit/memory.ts';
import { TokenService } from '../../src/auth/tokens.ts';
import { AuthService, type AuthServiceDeps } from '../../src/auth/auth-service.ts';
import { CommunityService } from '../../src/chat/communities.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { buildModeration, type ModerationServices } from '../../src/app/moderation.ts';
import { loadConfig } from '../../src/config/load.ts';
import { MemoryModerationState } from '../../src/moderation/state/memory.ts';
import { MemoryTranslationCache } from '../../src/translation/cache/memory.ts';
import type { Services } from '../../src/services.ts';

export interface HttpFixture {
  baseUrl: string;
  app: FastifyInstance;
  store: Store;
  services: Services;
  tokens: TokenService;
  auth: AuthService;
  moderation: ModerationServices;
  /** Every log line written so far. */
  logs(): string;
  request<T = unknown>(method: string, path: string, opts?: RequestOptions): Promise<Answer<T>>;
  close(): Promise<void>;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}
export interface Answer<T> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export const PASSWORD = 'correct horse battery';

export async function startHttp(
  opts: {
    runtime?: Runtime;
    accessTtlSec?: number;
    webDir?: string;
    rules?: AuthServiceDeps['rules'];
    ready?: boolean;
  } = {},
): Promise<HttpFixture> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ls-http-'));
  const store = await openSqliteStore(path.join(dir, 'test.db'), { synchronous: 'NORMAL' });
  const runtime = opts.runtime ?? systemRuntime;
  let logText = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logText += chunk.toString();
      done();
    },
  });
  const logger = pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
  const metrics = createMetrics('test-node');
  const rateLimiter = new MemoryRateLimiter(runtime);
  const tokens = new TokenService({
    keys: store.signingKeys,
    runtime,
    accessTtlSec: opts.accessTtlSec ?? 900,
    keyRotationDays: 30,
    issuer: 'lightstick-test',
  });
  await tokens.init();
  const auth = new AuthService({
    store,
    tokens,
    rateLimiter,
    runtime,
    refreshTtlSec: 86_400,
    ...(opts.rules ? { rules: opts.rules } : {}),
  });
  const communities = new CommunityService({ store, runtime });
  const services = { runtime, logger, metrics, store, rateLimiter, tokens } as unknown as Services;
  const moderation = buildModeration({
    config: loadConfig({}),
    store,
    hotStore: store,
    runtime,
    logger,
    rateLimiter,
    // The HTTP fixture has no message log: approving a held message would throw (the in-process server has one).
    messageLog: { commit: () => Promise.reject(new Error('no message log in the HTTP fixture')) },
    history: undefined,
    state: new MemoryModerationState(),
    translationCache: new MemoryTranslationCache(),
  });
  const app = await createHttpApp({
    services,
    auth,
    tokens,
    communities,
    moderation,
    readiness: async () => ({ ready: opts.ready ?? true, checks: { database: await store.ping() } }),
    ...(opts.webDir !== undefined ? { webDir: opts.webDir } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    app,
    store,
    services,
    tokens,
    auth,
    moderation,
    logs: () => logText,
    request: (method, p, o) => request(baseUrl, method, p, o),
    async close() {
      await app.close();
      await rateLimiter.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function request<T>(
  baseUrl: string,
  method: string,
  p: string,
  o: RequestOptions = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined || o.raw !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(baseUrl + p, {
    method,
    headers,
    body: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
  });
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, body: body as T, text, headers: res.headers };
}

let n = 0;
export const uniq = (prefix = 'fan') => `${prefix}${process.pid % 1000}x${++n}`;

export async function register(
  f: HttpFixture,
  username = uniq(),
  displayName?: string,
): Promise<AuthResponse> {
  const res = await f.request<AuthResponse>('POST', '/api/auth/register', {
    body: { username, password: PASSWORD, ...(displayName !== undefined ? { displayName } : {}) },
  });
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${res.text}`);
  return res.body;
}

/** An admin account made directly in the store (the lead's first-start code does this in production). */
export async function admin(f: HttpFixture): Promise<AuthResponse> {
  const password = 'admin-password-1';
  await f.auth.ensureAdminAccount(password);
  const res = await f.request<AuthResponse>('POST', '/api/auth/login', {
    body: { username: 'admin', password },
  });
  if (res.status !== 200) throw new Error(`admin login: ${res.status} ${res.text}`);
  return res.body;
}

/** Asserts the documented error shape and returns the code. */
export function errorCode(res: Answer<unknown>): string {
  const body = res.body as { error?: { code?: unknown; message?: unknown } } | undefined;
  if (!body?.error || typeof body.error.code !== 'string' || typeof body.error.message !== 'string') {
    throw new Error(`not an error body: ${res.status} ${res.text}`);
  }
  return body.error.code;
}
