/**
 * Instants as text (ISO 8601 for log lines, RFC 9110's IMF-fixdate for the HTTP `Date` header) from the `getUTC*`
 * fields, not from `Date#toISOString` or `Date#toUTCString`. On Node 20 (V8 11.3) the first call of either maps
 * about 0.9 MB of ICU's time-zone data into the process, though both print UTC (V8 works out the local zone's name
 * on the way and drops it); the `getUTC*` fields are V8's own arithmetic. A bare `node` holds 40.6 MB, 41.5 after
 * one `toISOString`, 40.7 after reading the fields. An idle gateway made both calls: pino's `isoTime` on its first
 * log line and Node's `Date` header on the first `/readyz`, and an idle gateway may hold at most 60 MB (issue 6,
 * docs/benchmarks.md "Stop 44"). Written here because the date libraries format through the same two methods
 * or through `Intl`, which maps more of ICU.
 */
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** `22:41:07`: the time of day both forms print. */
const clock = (d: Date) =>
  `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;

/** `2026-12-06T22:41:07.123Z`, as `toISOString` prints it for years 0 to 9999 (a log line's time). */
export function isoUtc(ms: number): string {
  const d = new Date(ms);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${clock(d)}.${pad(d.getUTCMilliseconds(), 3)}Z`
  );
}

/** `Sun, 06 Dec 2026 22:41:07 GMT`, as `toUTCString` prints it for years 0 to 9999 (the HTTP `Date` header). */
export function httpDate(ms: number): string {
  const d = new Date(ms);
  return (
    `${DAYS[d.getUTCDay()]!}, ${pad(d.getUTCDate(), 2)} ${MONTHS[d.getUTCMonth()]!} ${pad(d.getUTCFullYear(), 4)} ` +
    `${clock(d)} GMT`
  );
}

let dateSecond = Number.NaN;
let dateText = '';

/** The `Date` header for now, made once a second as Node makes its own. */
export function httpDateNow(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = httpDate(now);
  }
  return dateText;
}
