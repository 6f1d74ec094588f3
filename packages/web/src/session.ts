/**
 * The signed-in session: the API client (tokens kept in localStorage, refreshed by ApiClient) and
 * one realtime connection shared by every view, started on sign-in and closed on sign-out.
 */
import { ApiClient, RealtimeClient, type StoredTokens } from '@lightstick/client';
import type { UserView } from '@lightstick/protocol';

const TOKENS_KEY = 'lightstick.tokens';
const USER_KEY = 'lightstick.user';

export class Session {
  readonly api: ApiClient;
  user: UserView | null;
  private rt: RealtimeClient | null = null;
  /** Called when the session ends on its own (refresh refused): the app shows the login view. */
  onSignedOut: () => void = () => undefined;

  constructor() {
    this.user = load<UserView>(USER_KEY);
    this.api = new ApiClient({
      baseUrl: '',
      tokens: load<StoredTokens>(TOKENS_KEY),
      onTokens: (tokens) => {
        save(TOKENS_KEY, tokens);
        if (!tokens && this.user) this.end();
      },
    });
    if (!this.api.signedIn) this.user = null;
    // Another tab that refreshed rotated the refresh token: use its pair rather than reuse the old one.
    window.addEventListener('storage', (e) => {
      if (e.key === TOKENS_KEY) this.api.useTokens(load<StoredTokens>(TOKENS_KEY));
    });
  }

  get signedIn(): boolean {
    return this.api.signedIn && this.user !== null;
  }

  async signIn(
    mode: 'login' | 'register',
    input: { username: string; password: string; displayName?: string },
  ) {
    const res = mode === 'login' ? await this.api.login(input) : await this.api.register(input);
    this.user = res.user;
    save(USER_KEY, res.user);
  }

  async signOut(): Promise<void> {
    this.closeRealtime();
    this.user = null;
    save(USER_KEY, null);
    await this.api.logout();
  }

  /** The shared realtime client, connected on first use. */
  realtime(): RealtimeClient {
    if (!this.rt) {
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      this.rt = new RealtimeClient({
        url: `${scheme}://${location.host}/ws`,
        getToken: (o) => this.api.getAccessToken(o),
      });
      this.rt.on('error', ({ error, fatal }) => {
        console.warn('realtime:', error.code, error.message);
        if (fatal && (error.code === 'auth_failed' || error.code === 'unauthenticated')) this.end();
      });
      this.onRealtime(this.rt);
      this.rt.connect();
    }
    return this.rt;
  }

  /** Hook for the shell (the connection indicator) to watch a new realtime client. */
  onRealtime: (rt: RealtimeClient) => void = () => undefined;

  private closeRealtime(): void {
    this.rt?.close();
    this.rt = null;
  }

  private end(): void {
    this.closeRealtime();
    this.user = null;
    save(USER_KEY, null);
    this.onSignedOut();
  }
}

function load<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function save(key: string, value: unknown): void {
  if (value === null) localStorage.removeItem(key);
  else localStorage.setItem(key, JSON.stringify(value));
}
