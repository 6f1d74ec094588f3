/**
 * The signed-in session: the API client in cookie mode (the refresh token only in the server's HttpOnly
 * cookie, the access token only in memory) and one realtime connection shared by every screen, started on
 * sign-in and closed on sign-out. Its state is in signals, so the header and screens follow it without
 * wiring: `user`, `rt` (the current RealtimeClient; a new one after "retry now"), and `conn` (the connection
 * as the fan should see it).
 */
import { ApiClient, RealtimeClient, type ConnectionState } from '@lightstick/client';
import type { UserView } from '@lightstick/protocol';
import { signal } from '@preact/signals';
import { patientFetch } from '../net/patient-fetch.ts';
import { PingingSocket } from '../net/pinging-socket.ts';

const USER_KEY = 'lightstick.user';
/** The longest wait between reconnect attempts: a fan never waits long for a server that is back. */
const RECONNECT_CAP_MS = 5_000;

export type ConnView = ConnectionState | 'offline';

export class Session {
  readonly api: ApiClient;
  readonly user = signal<UserView | null>(null);
  readonly rt = signal<RealtimeClient | null>(null);
  readonly conn = signal<ConnView>('closed');
  /** Bumped each time the connection comes back after a drop (screens show "caught up" then). */
  readonly resumed = signal(0);
  private wasDown = false;

  constructor() {
    this.api = new ApiClient({
      baseUrl: '',
      fetch: patientFetch,
      refreshCookie: true,
      onTokens: (tokens) => !tokens && this.user.value && this.end(),
    });
    // Only the user (no secret) outlives a page load: the screens show at once while the cookie restores the
    // sign-in, or end it when it no longer works.
    this.user.value = load<UserView>(USER_KEY);
    if (this.user.value) this.api.refresh().catch(() => undefined);
    window.addEventListener('offline', () => this.rt.value && (this.conn.value = 'offline'));
    window.addEventListener('online', () => this.rt.value && this.setConn(this.rt.value.state));
  }

  async signIn(
    mode: 'login' | 'register',
    input: { username: string; password: string; displayName?: string },
  ): Promise<void> {
    const res = mode === 'login' ? await this.api.login(input) : await this.api.register(input);
    save(USER_KEY, res.user);
    this.user.value = res.user;
  }

  async signOut(): Promise<void> {
    this.closeRealtime();
    save(USER_KEY, null);
    this.user.value = null;
    await this.api.logout();
  }

  /** The shared realtime client, connected on first use. */
  realtime(): RealtimeClient {
    const current = this.rt.value;
    if (current) return current;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const rt = new RealtimeClient({
      url: `${scheme}://${location.host}/ws`,
      WebSocket: PingingSocket,
      backoff: { capMs: RECONNECT_CAP_MS },
      getToken: (o) => this.api.getAccessToken(o),
    });
    rt.on('error', ({ error, fatal }) => {
      console.warn('realtime:', error.code, error.message);
      if (fatal && (error.code === 'auth_failed' || error.code === 'unauthenticated')) this.end();
    });
    rt.on('state', (s) => rt === this.rt.value && this.setConn(s));
    this.rt.value = rt;
    rt.connect();
    this.setConn(rt.state);
    return rt;
  }

  /**
   * "Retry now": the SDK waits out its backoff on its own, so a new client connects at once instead. Screens
   * watching `rt` join again from the position they hold; sends still pending on the old client fail with
   * `client_closed` and stay visible for the fan to send again.
   */
  retryNow(): void {
    if (!this.rt.value || this.rt.value.state === 'open') return;
    this.closeRealtime();
    this.wasDown = true;
    this.realtime();
  }

  private setConn(s: ConnectionState): void {
    if (s === 'reconnecting') this.wasDown = true;
    if (s === 'open' && this.wasDown) {
      this.wasDown = false;
      this.resumed.value++;
    }
    this.conn.value = s !== 'open' && !navigator.onLine ? 'offline' : s;
  }

  private closeRealtime(): void {
    const rt = this.rt.value;
    this.rt.value = null;
    rt?.close();
    this.conn.value = 'closed';
  }

  private end(): void {
    this.closeRealtime();
    save(USER_KEY, null);
    this.user.value = null;
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

export const session = new Session();
