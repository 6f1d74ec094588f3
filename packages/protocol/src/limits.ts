/**
 * Protocol limits: documented in docs/protocol.md, enforced by the gateway, announced in `hello`. Plain values
 * with no TypeBox schema in this file: the web app's chat screen imports them, and a limit kept beside a schema
 * would bring the whole TypeBox runtime into its budgeted bundle (about 13 KB gzipped).
 */
export const Limits = {
  /** Largest WebSocket frame the server reads; larger closes with 1009. */
  maxFrameBytes: 16 * 1024,
  /** Longest chat message, in characters a person sees (grapheme clusters). */
  maxMessageChars: 500,
  /** Longest chat message in UTF-8 bytes, whatever its grapheme count. */
  maxMessageBytes: 4000,
  /** Rooms one connection may be joined to at once. */
  maxRoomsPerConnection: 50,
  /** Longest client message id (`cid`). */
  maxClientIdChars: 64,
  /** Time after open to send `auth`. */
  authTimeoutMs: 10_000,
  /** Server `ping` period; the client answers `pong`. */
  heartbeatMs: 25_000,
  /** Nothing received for this long closes with 4008. */
  idleTimeoutMs: 60_000,
  /** Fan chatter to a socket with more than this buffered is thinned, with a `skipped` count. */
  softBufferBytes: 256 * 1024,
  /** A socket with more than this buffered is closed with 4010. */
  hardBufferBytes: 4 * 1024 * 1024,
  /** Messages a resume may return before the client is told to reload. */
  maxResumeMessages: 1000,
} as const;

/** Account field limits, in characters a person sees. */
export const AccountLimits = {
  usernameMinChars: 2,
  usernameMaxChars: 24,
  displayNameMaxChars: 32,
  passwordMinChars: 8,
  passwordMaxChars: 256,
} as const;

/** Page sizes of the HTTP listings: the archive (paged by `seq`) and the other lists (paged by `after`). */
export const PageLimits = {
  archiveDefault: 50,
  archiveMax: 200,
  listDefault: 50,
  listMax: 100,
} as const;

/** Longest `q` of the HTTP listings' searches (communities, members), in code points as JSON Schema counts. */
export const SearchLimits = {
  queryMaxChars: 64,
} as const;

/** Fandom limits (docs/protocol.md), enforced by the gateway. */
export const FandomLimits = {
  /** Taps one `heart` op may carry (a client batches a burst of taps into one op). */
  heartsPerOp: 50,
  /** Taps a person counts per second on one gateway (token bucket rate); taps above it are dropped silently. */
  heartsPerSecond: 10,
  /** The heart bucket's burst. */
  heartBurst: 30,
  /** How long an artist's message stays in the spotlight. */
  spotlightMs: 30_000,
} as const;

/** Room moderation: documented in docs/moderation.md; the server enforces them. */
export const ModerationLimits = {
  slowMinSeconds: 3,
  slowMaxSeconds: 120,
  fanDelayMaxMs: 10_000,
  timeoutMinSeconds: 1,
  /** Two weeks. */
  timeoutMaxSeconds: 14 * 24 * 3600,
  reasonMaxChars: 300,
  noteMaxChars: 500,
  filterTermsMax: 500,
  filterTermMaxChars: 50,
  filterAllowMax: 200,
} as const;

/** Lives: a title's length and the list's page. */
export const LiveLimits = { titleMaxChars: 60, listMax: 100, listDefault: 50 } as const;
