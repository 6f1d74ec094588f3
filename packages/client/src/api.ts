/**
 * HTTP API client over fetch. Keeps the token pair, refreshes the access token once when a call
 * fails with 401 `token_expired` (one refresh in flight at a time, shared by every caller), and
 * reports every failure as an ApiError with the server's stable code.
 */
import type {
  AuthResponse,
  CommunityView,
  MessagePage,
  RoomAccess,
  RoomKind,
  RoomView,
  UserView,
} from '@lightstick/protocol';
import { ApiError, ClientErrorCode } from './errors.ts';

/** The token pair as the SDK keeps it; `expiresAt` is milliseconds since the epoch (local clock). */
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
}

export interface MessagePageQuery {
  before?: number;
  after?: number;
  limit?: number;
}

/** An access token this close to expiry is refreshed before use rather than sent to fail. */
const EXPIRY_SKEW_MS = 1_000;

export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;
  private readonly onTokens: ((tokens: StoredTokens | null) => void) | undefined;
  private current: StoredTokens | null;
  private refreshing: Promise<StoredTokens> | null = null;

  constructor(opts: ApiClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.now = opts.now ?? Date.now;
    this.onTokens = opts.onTokens;
    this.current = opts.tokens ?? null;
  }

  get tokens(): StoredTokens | null {
    return this.current;
  }

  get signedIn(): boolean {
    return this.current !== null;
  }

  /** Adopts a pair obtained elsewhere (another browser tab refreshed it); does not call `onTokens`. */
  useTokens(tokens: StoredTokens | null): void {
    this.current = tokens;
  }

  // ---- auth ----
  register(input: { username: string; password: string; displayName?: string }): Promise<AuthResponse> {
    return this.signIn('/api/auth/register', input);
  }

  login(input: { username: string; password: string }): Promise<AuthResponse> {
    return this.signIn('/api/auth/login', input);
  }

  /** Revokes the refresh token on the server (best effort) and forgets the pair. */
  async logout(): Promise<void> {
    const refreshToken = this.current?.refreshToken;
    this.setTokens(null);
    if (!refreshToken) return;
    await this.call('POST', '/api/auth/logout', { body: { refreshToken }, auth: false }).catch(
      () => undefined,
    );
  }

  /**
   * A usable access token for the realtime connection: refreshed first when it is about to
   * expire, or always when `forceRefresh` (the server said it expired, or a re-auth is due).
   */
  async getAccessToken(opts: { forceRefresh?: boolean } = {}): Promise<string> {
    const t = this.current;
    if (!t) throw new ApiError(401, 'unauthenticated', 'Not signed in');
    if (!opts.forceRefresh && t.expiresAt - EXPIRY_SKEW_MS > this.now()) return t.accessToken;
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

  async listCommunities(): Promise<CommunityView[]> {
    return (await this.call<{ communities: CommunityView[] }>('GET', '/api/communities')).communities;
  }

  createCommunity(input: { slug: string; name: string; description?: string }): Promise<CommunityView> {
    return this.call('POST', '/api/communities', { body: input });
  }

  getCommunity(communityId: string): Promise<CommunityView> {
    return this.call('GET', `/api/communities/${enc(communityId)}`);
  }

  joinCommunity(communityId: string): Promise<CommunityView> {
    return this.call('POST', `/api/communities/${enc(communityId)}/join`, { body: {} });
  }

  async listRooms(communityId: string): Promise<RoomView[]> {
    return (await this.call<{ rooms: RoomView[] }>('GET', `/api/communities/${enc(communityId)}/rooms`))
      .rooms;
  }

  createRoom(
    communityId: string,
    input: { name: string; kind: RoomKind; access: RoomAccess },
  ): Promise<RoomView> {
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

  /**
   * Any API call. With `auth` (the default) it sends the access token and, on 401
   * `token_expired`, refreshes once and retries once.
   */
  async call<T>(method: string, path: string, opts: { body?: unknown; auth?: boolean } = {}): Promise<T> {
    const auth = opts.auth ?? true;
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
    if (!refreshToken) throw new ApiError(401, 'unauthenticated', 'Not signed in');
    try {
      const res = await this.once<AuthResponse>('POST', '/api/auth/refresh', { refreshToken }, false);
      const next = this.toStored(res);
      this.setTokens(next);
      return next;
    } catch (err) {
      // A refused refresh token (expired, reused, revoked) ends the session; a network error does not.
      if (err instanceof ApiError && err.status === 401) this.setTokens(null);
      throw err;
    }
  }

  private async once<T>(method: string, path: string, body: unknown, auth: boolean): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth && this.current) headers.authorization = `Bearer ${this.current.accessToken}`;
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
