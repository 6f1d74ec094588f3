/**
 * HTTP API client over fetch. Keeps the token pair, refreshes the access token once when a call
 * fails with 401 `token_expired` (one refresh in flight at a time, shared by every caller), and
 * reports every failure as an ApiError with the server's stable code. In a browser, cookie mode keeps
 * the refresh token out of script altogether: only the server's HttpOnly cookie holds it.
 */
import type {
  AuthResponse,
  CommunitiesQuery,
  CommunityList,
  CommunityView,
  CreateCommunityBody,
  CreateLiveBody,
  CreateRoomBody,
  LiveList,
  LiveView,
  LoginBody,
  MessagePage,
  MessagePageQuery,
  PlaybackView,
  ProvidersView,
  RegisterBody,
  RoomList,
  RoomView,
  UserView,
} from '@lightstick/protocol';
import { ApiError, ClientErrorCode } from './errors.ts';

/**
 * The token pair as the SDK keeps it; `expiresAt` is milliseconds since the epoch (local clock). In cookie
 * mode `refreshToken` is empty: the browser's HttpOnly cookie holds it.
 */
export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

export interface ApiClientOptions {
  /** Origin of the API, e.g. 'http://127.0.0.1:8080'; '' for the page's own origin. */
  baseUrl: string;
  /** Tokens saved from an earlier session. */
  tokens?: StoredTokens | null;
  /** Called with the new pair after sign-in or refresh, and with null after sign-out or a failed refresh. */
  onTokens?: (tokens: StoredTokens | null) => void;
  fetch?: typeof fetch;
  now?: () => number;
  /**
   * Browsers on the server's own origin: keep the refresh token in the server's HttpOnly `ls_refresh` cookie,
   * never in script. Sign-in, refresh and logout send `X-Lightstick-CSRF: 1` (so the answers carry no refresh
   * token), the access token lives in memory only, and after a page load the first call (or `refresh()`)
   * restores the sign-in from the cookie. Nothing is worth storing then: `onTokens` only tells of changes.
   */
  refreshCookie?: boolean;
}

/** Cursors and size of one archive page (`GET /api/rooms/:id/messages`). */
export type { MessagePageQuery };

/** An access token this close to expiry is refreshed before use rather than sent to fail. */
const EXPIRY_SKEW_MS = 1_000;
/** The Web Lock that lets one tab of a browser refresh at a time (see `exclusive`). */
const REFRESH_LOCK = 'lightstick-refresh';

export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;
  private readonly onTokens: ((tokens: StoredTokens | null) => void) | undefined;
  private readonly cookie: boolean;
  private current: StoredTokens | null;
  private refreshing: Promise<StoredTokens> | null = null;

  constructor(opts: ApiClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.now = opts.now ?? Date.now;
    this.onTokens = opts.onTokens;
    this.current = opts.tokens ?? null;
    this.cookie = opts.refreshCookie ?? false;
  }

  get tokens(): StoredTokens | null {
    return this.current;
  }

  /** In cookie mode false after a page load until a call or `refresh()` restored the sign-in. */
  get signedIn(): boolean {
    return this.current !== null;
  }

  /** Adopts a pair obtained elsewhere (another browser tab refreshed it); does not call `onTokens`. */
  useTokens(tokens: StoredTokens | null): void {
    this.current = tokens;
  }

  // ---- auth ----
  register(input: RegisterBody): Promise<AuthResponse> {
    return this.signIn('/api/auth/register', input);
  }

  login(input: LoginBody): Promise<AuthResponse> {
    return this.signIn('/api/auth/login', input);
  }

  /** Ends the sign-in on the server (best effort; in cookie mode also clears the cookie), forgets the pair. */
  async logout(): Promise<void> {
    const refreshToken = this.current?.refreshToken;
    this.setTokens(null);
    if (!refreshToken && !this.cookie) return;
    await this.call('POST', '/api/auth/logout', {
      body: refreshToken ? { refreshToken } : {},
      auth: false,
    }).catch(() => undefined);
  }

  /**
   * A usable access token for the realtime connection: refreshed first when it is about to
   * expire, or always when `forceRefresh` (the server said it expired, or a re-auth is due).
   */
  async getAccessToken(opts: { forceRefresh?: boolean } = {}): Promise<string> {
    const t = this.current;
    if (!t && !this.cookie) throw new ApiError(401, 'unauthenticated', 'Not signed in');
    if (t && !opts.forceRefresh && t.expiresAt - EXPIRY_SKEW_MS > this.now()) return t.accessToken;
    return (await this.refresh()).accessToken;
  }

  /** Trades the refresh token for a new pair. Concurrent callers share one request. */
  refresh(): Promise<StoredTokens> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  // ---- resources ----
  me(): Promise<UserView> {
    return this.call('GET', '/api/me');
  }

  /** The first page of communities (by slug), each with its member and on-air live counts. */
  async listCommunities(): Promise<CommunityView[]> {
    return (await this.findCommunities()).communities;
  }

  /** A page of communities: `q` finds them by name or slug (any letter case); pass `next` as `after`. */
  findCommunities(query: CommunitiesQuery = {}): Promise<CommunityList> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) qs.set(k, String(v));
    const tail = qs.size > 0 ? `?${qs.toString()}` : '';
    return this.call('GET', `/api/communities${tail}`);
  }

  createCommunity(input: CreateCommunityBody): Promise<CommunityView> {
    return this.call('POST', '/api/communities', { body: input });
  }

  getCommunity(communityId: string): Promise<CommunityView> {
    return this.call('GET', `/api/communities/${enc(communityId)}`);
  }

  joinCommunity(communityId: string): Promise<CommunityView> {
    return this.call('POST', `/api/communities/${enc(communityId)}/join`, { body: {} });
  }

  async listRooms(communityId: string): Promise<RoomView[]> {
    return (await this.call<RoomList>('GET', `/api/communities/${enc(communityId)}/rooms`)).rooms;
  }

  /** `kind` is `live` and `access` is `public` unless given. */
  createRoom(communityId: string, input: CreateRoomBody): Promise<RoomView> {
    return this.call('POST', `/api/communities/${enc(communityId)}/rooms`, { body: input });
  }

  getRoom(roomId: string): Promise<RoomView> {
    return this.call('GET', `/api/rooms/${enc(roomId)}`);
  }

  /** One page of a room's archive; without a cursor, the newest page. */
  messages(roomId: string, query: MessagePageQuery = {}): Promise<MessagePage> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) qs.set(k, String(v));
    const suffix = qs.size > 0 ? `?${qs}` : '';
    return this.call('GET', `/api/rooms/${enc(roomId)}/messages${suffix}`);
  }

  // ---- lives (docs/video.md) ----
  providers(): Promise<ProvidersView> {
    return this.call('GET', '/api/providers');
  }

  /** Staff only; the answer holds `ingest` (URL and stream key: show it, never log it). */
  createLive(communityId: string, input: CreateLiveBody): Promise<LiveView> {
    return this.call('POST', `/api/communities/${enc(communityId)}/lives`, { body: input });
  }

  async listLives(communityId: string, limit?: number): Promise<LiveView[]> {
    const suffix = limit === undefined ? '' : `?limit=${limit}`;
    return (await this.call<LiveList>('GET', `/api/communities/${enc(communityId)}/lives${suffix}`)).lives;
  }

  getLive(liveId: string): Promise<LiveView> {
    return this.call('GET', `/api/lives/${enc(liveId)}`);
  }

  rotateLiveKey(liveId: string): Promise<LiveView> {
    return this.call('POST', `/api/lives/${enc(liveId)}/key`, { body: {} });
  }

  endLive(liveId: string): Promise<LiveView> {
    return this.call('POST', `/api/lives/${enc(liveId)}/end`, { body: {} });
  }

  /** A playback URL for this user, valid until `expiresAt`: ask again before then. */
  playback(liveId: string): Promise<PlaybackView> {
    return this.call('GET', `/api/lives/${enc(liveId)}/playback`);
  }

  /**
   * Any API call. With `auth` (the default) it sends the access token and, on 401
   * `token_expired`, refreshes once and retries once. In cookie mode without an access token yet (a page
   * load), it refreshes first.
   */
  async call<T>(method: string, path: string, opts: { body?: unknown; auth?: boolean } = {}): Promise<T> {
    const auth = opts.auth ?? true;
    if (auth && this.cookie && !this.current) await this.refresh();
    const used = this.current?.accessToken;
    try {
      return await this.once<T>(method, path, opts.body, auth);
    } catch (err) {
      if (!auth || !(err instanceof ApiError) || err.code !== 'token_expired' || !this.current) throw err;
      // Another caller may have refreshed while this request was out: then just retry.
      if (this.current.accessToken === used) await this.refresh();
      return this.once<T>(method, path, opts.body, auth);
    }
  }

  // ---- internals ----
  private async signIn(path: string, body: unknown): Promise<AuthResponse> {
    const res = await this.call<AuthResponse>('POST', path, { body, auth: false });
    this.setTokens(this.toStored(res));
    return res;
  }

  private async doRefresh(): Promise<StoredTokens> {
    const refreshToken = this.current?.refreshToken;
    if (!refreshToken && !this.cookie) throw new ApiError(401, 'unauthenticated', 'Not signed in');
    try {
      const body = refreshToken ? { refreshToken } : {};
      const res = await this.exclusive(() =>
        this.once<AuthResponse>('POST', '/api/auth/refresh', body, false),
      );
      const next = this.toStored(res);
      this.setTokens(next);
      return next;
    } catch (err) {
      // A refused refresh token (expired, reused, revoked; in cookie mode also no cookie, 400) ends the
      // session; a network error does not.
      if (err instanceof ApiError && (err.status === 401 || (this.cookie && err.status === 400)))
        this.setTokens(null);
      throw err;
    }
  }

  /**
   * Cookie mode: every tab of a browser shares the one cookie, and two refreshes with one token revoke the
   * sign-in as stolen (a reused token). A Web Lock lets one tab refresh at a time, and the next one sends the
   * cookie the first one received. Outside cookie mode, or without Web Locks, the call runs as is.
   */
  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const locks = this.cookie ? globalThis.navigator?.locks : undefined;
    return locks ? await locks.request(REFRESH_LOCK, fn) : fn();
  }

  private async once<T>(method: string, path: string, body: unknown, auth: boolean): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth && this.current) headers.authorization = `Bearer ${this.current.accessToken}`;
    // The CSRF header a cookie refresh needs; on sign-in it asks for an answer without the refresh token.
    if (this.cookie && path.startsWith('/api/auth/')) headers['x-lightstick-csrf'] = '1';
    let res: Response;
    try {
      res = await this.fetchFn(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new ApiError(0, ClientErrorCode.Network, `Network error: ${(err as Error).message}`);
    }
    const text = await res.text();
    const data: unknown = text ? safeJson(text) : undefined;
    if (res.ok) return data as T;
    const e = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText, e?.details);
  }

  private toStored(res: AuthResponse): StoredTokens {
    return {
      accessToken: res.accessToken,
      refreshToken: res.refreshToken,
      expiresAt: this.now() + res.expiresIn * 1000,
    };
  }

  private setTokens(tokens: StoredTokens | null): void {
    this.current = tokens;
    this.onTokens?.(tokens);
  }
}

const enc = encodeURIComponent;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
