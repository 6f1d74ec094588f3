/**
 * Lua scripts over a room's keys (meta hash + stream; see broker/redis-keys.ts). Each runs atomically, so every
 * node sees one order per room. Time is always an argument (the injected clock), never Redis TIME.
 *
 * Stream entry ids are `<offset>-0`: reads, trims and the archive cursor are plain id ranges. Entry field t holds
 * the append time for age trimming. A room is "gone" when its meta is missing, or when it sat idle (u) past its
 * ttl (t) with nothing left to archive: the next touch starts a new epoch, as the in-memory store does.
 * Unarchived entries are never trimmed and their keys never expire (the backlog bound caps them instead).
 */
import { RedisScript } from '../broker/redis-clients.ts';

const PRELUDE = `
local function meta_get(k)
  local v = redis.call('HMGET', k, 'e', 's', 'a', 'u', 't', 'm')
  if not v[1] then return false end
  return { e = v[1], s = tonumber(v[2]), a = tonumber(v[3]), u = tonumber(v[4]), t = tonumber(v[5]),
    m = tonumber(v[6]) }
end
local function is_live(m, now)
  return m and not (m.a >= m.s and now - m.u > m.t)
end
local function create(meta_key, stream_key, epoch, top, now, ttl, size)
  redis.call('DEL', meta_key, stream_key)
  redis.call('HSET', meta_key, 'e', epoch, 's', top, 'a', top, 'u', now, 't', ttl, 'm', size)
  return { e = epoch, s = top, a = top, u = now, t = ttl, m = size }
end
local function id_of(o) return string.format('%d-0', o) end
local function offset_of(id) return tonumber(string.match(id, '^(%d+)')) end
local function field(fields, name)
  for i = 1, #fields, 2 do if fields[i] == name then return fields[i + 1] end end
  return false
end
local function window_start(m) return m.s - math.max(m.m, m.s - m.a) + 1 end
local function expired(m, o, fields, now)
  return o <= m.a and tonumber(field(fields, 't')) < now - m.t
end
-- Fully archived rooms expire (real time) a margin after their ttl; rooms with a backlog never do.
local function keep_expiry(meta_key, stream_key, m, margin)
  if m.a >= m.s then
    redis.call('PEXPIRE', meta_key, m.t + margin)
    redis.call('PEXPIRE', stream_key, m.t + margin)
  else
    redis.call('PERSIST', meta_key)
    redis.call('PERSIST', stream_key)
  end
end
-- By size (approximate: reads enforce the exact window), then archived entries past their age, 16 at a time.
local function trim(stream_key, m, now)
  local first = window_start(m)
  if first > 1 then redis.call('XTRIM', stream_key, 'MINID', '~', id_of(first)) end
  local head = redis.call('XRANGE', stream_key, '-', '+', 'COUNT', 1)
  if #head == 0 or not expired(m, offset_of(head[1][1]), head[1][2], now) then return end
  local batch = redis.call('XRANGE', stream_key, '-', '+', 'COUNT', 16)
  local keep = offset_of(batch[#batch][1]) + 1
  for i = 2, #batch do
    local o = offset_of(batch[i][1])
    if not expired(m, o, batch[i][2], now) then keep = o break end
  end
  redis.call('XTRIM', stream_key, 'MINID', id_of(keep))
end
`;

/**
 * The one script of a send. KEYS: meta, stream, channel, cid, user bucket, room bucket. ARGV: now, fresh epoch,
 * message JSON (no pos), ttl, max size, max backlog (0: none), dedup ttl, message id, expiry margin, publish mode
 * ('p' PUBLISH, 's' SPUBLISH), user rate, user burst (0: no bucket), room rate, room burst (0: no bucket),
 * longest bucket idle (ms), bucket expiry margin.
 * In order: dedup -> rate limit (both buckets or none) -> epoch -> backlog bound -> take tokens -> append ->
 * trim -> dedup key -> expiry -> publish. Returns {'ok', epoch, offset, newly pending 0|1} |
 * {'dup', epoch, offset, mid, json|false} | {'rate', retry after ms} | {'full', epoch, backlog}.
 */
export const SEND = new RedisScript(
  'lightstickSend',
  `${PRELUDE}
local now, fresh, d = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local ttl, size, max_backlog = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local margin, mode = tonumber(ARGV[9]), ARGV[10]
local longest, bucket_margin = tonumber(ARGV[15]), tonumber(ARGV[16])
local m = meta_get(KEYS[1])
local seen = redis.call('GET', KEYS[4])
local off, mid, ep, until_ms
if seen then off, mid, ep, until_ms = string.match(seen, '^(%d+)|([^|]*)|([^|]*)|(%d+)$') end
-- The key's PX is real time (cleanup); the window itself follows the injected clock.
if off and tonumber(until_ms) > now then
  local body = false
  if m and m.e == ep then
    local e = redis.call('XRANGE', KEYS[2], id_of(tonumber(off)), id_of(tonumber(off)))
    if #e == 1 then body = field(e[1][2], 'd') end
  end
  return { 'dup', ep, tonumber(off), mid, body }
end
local function fill_ms(missing, rate)
  if missing <= 0 then return 0 end
  if rate <= 0 then return longest end
  return math.ceil((missing / rate) * 1000)
end
-- Token buckets with the arithmetic of ratelimit/memory.ts, so both modes answer alike.
local buckets, wait = {}, 0
for i = 0, 1 do
  local key, rate, burst = KEYS[5 + i], tonumber(ARGV[11 + 2 * i]), tonumber(ARGV[12 + 2 * i])
  if burst > 0 then
    local tokens = burst
    local held = redis.call('HMGET', key, 'k', 'at')
    if held[1] then
      tokens = math.min(burst, tonumber(held[1]) + math.max(0, now - tonumber(held[2])) / 1000 * rate)
    end
    if tokens + 1e-9 < 1 then wait = math.max(wait, math.max(1, fill_ms(1 - tokens, rate))) end
    buckets[#buckets + 1] = { key, rate, burst, tokens }
  end
end
if wait > 0 then return { 'rate', wait } end
if not is_live(m, now) then m = create(KEYS[1], KEYS[2], fresh, 0, now, ttl, size) end
if max_backlog > 0 and m.s - m.a >= max_backlog then return { 'full', m.e, m.s - m.a } end
for _, b in ipairs(buckets) do
  local left = math.max(0, b[4] - 1)
  redis.call('HSET', b[1], 'k', string.format('%.17g', left), 'at', now)
  redis.call('PEXPIRE', b[1], math.min(fill_ms(b[3] - left, b[2]), longest) + bucket_margin)
end
local caught_up = m.a >= m.s
m.s = m.s + 1
-- Without a backlog bound nothing archives these streams: entries count as archived when nothing waits.
if max_backlog == 0 and caught_up then m.a = m.s end
m.u, m.t, m.m = now, ttl, size
redis.call('XADD', KEYS[2], id_of(m.s), 'o', m.s, 't', now, 'd', d)
redis.call('HSET', KEYS[1], 's', m.s, 'a', m.a, 'u', now, 't', ttl, 'm', size)
trim(KEYS[2], m, now)
local dedup_ttl = tonumber(ARGV[7])
redis.call('SET', KEYS[4], string.format('%d|%s|%s|%d', m.s, ARGV[8], m.e, now + dedup_ttl), 'PX', dedup_ttl)
keep_expiry(KEYS[1], KEYS[2], m, margin)
redis.call(mode == 's' and 'SPUBLISH' or 'PUBLISH', KEYS[3], string.format('%s:%d:%s', m.e, m.s, d))
return { 'ok', m.e, m.s, (max_backlog > 0 and caught_up) and 1 or 0 }
`,
);

/**
 * KEYS: meta, stream. ARGV: now, fresh epoch, since epoch ('' : none), since offset, limit, default ttl,
 * default max size, expiry margin. Returns {epoch, top, 0} when not recoverable, else {epoch, top, 1, live until,
 * size, ttl, json...}: the room's last update plus its ttl (runtime ms, the earliest time it may start over with
 * a new epoch), its retained size and ttl, then the missed messages (none with no since).
 */
export const READ = new RedisScript(
  'lightstickRead',
  `${PRELUDE}
local now = tonumber(ARGV[1])
local m = meta_get(KEYS[1])
if not is_live(m, now) then
  m = create(KEYS[1], KEYS[2], ARGV[2], 0, now, tonumber(ARGV[6]), tonumber(ARGV[7]))
  keep_expiry(KEYS[1], KEYS[2], m, tonumber(ARGV[8]))
end
-- With the top: when the room starts over if nothing is sent, its size and ttl (broker/room-tops.ts).
local out = { m.e, m.s, 1, m.u + m.t, m.m, m.t }
if ARGV[3] == '' then return out end
local since, limit = tonumber(ARGV[4]), tonumber(ARGV[5])
local missing = m.s - since
if ARGV[3] ~= m.e or since < 0 or since ~= math.floor(since) or missing < 0 or missing > limit then
  return { m.e, m.s, 0 }
end
if missing == 0 then return out end
local first = since + 1
if first < window_start(m) then return { m.e, m.s, 0 } end
local entries = redis.call('XRANGE', KEYS[2], id_of(first), '+', 'COUNT', missing)
-- missing entries with increasing offsets from first, none past top: exactly first..top, no hole.
if #entries ~= missing or offset_of(entries[1][1]) ~= first then return { m.e, m.s, 0 } end
if expired(m, first, entries[1][2], now) then return { m.e, m.s, 0 } end
for i = 1, #entries do out[#out + 1] = field(entries[i][2], 'd') end
return out
`,
);

/**
 * KEYS: meta, stream. ARGV: epoch, offset, now, expiry margin. Moves the archived cursor forward (never back,
 * never past top; another epoch is ignored). Returns the room's remaining backlog, -1 when the room is unknown.
 */
export const MARK_ARCHIVED = new RedisScript(
  'lightstickMarkArchived',
  `${PRELUDE}
local now = tonumber(ARGV[3])
local m = meta_get(KEYS[1])
if not m then return -1 end
if m.e ~= ARGV[1] then return m.s - m.a end
local upto = math.min(math.floor(tonumber(ARGV[2]) or 0), m.s)
if upto > m.a then
  m.a = upto
  redis.call('HSET', KEYS[1], 'a', upto)
end
trim(KEYS[2], m, now)
keep_expiry(KEYS[1], KEYS[2], m, tonumber(ARGV[4]))
return m.s - m.a
`,
);

/**
 * KEYS: meta, stream. ARGV: limit. The oldest unarchived entries: {epoch, offset, json, offset, json, ...}.
 * Entries lost from the stream alone (its key deleted, meta kept) are skipped by moving the cursor past them,
 * so a room cannot wedge the archiver.
 */
export const UNARCHIVED = new RedisScript(
  'lightstickUnarchived',
  `${PRELUDE}
local m = meta_get(KEYS[1])
if not m or m.a >= m.s then return {} end
local entries = redis.call('XRANGE', KEYS[2], id_of(m.a + 1), '+', 'COUNT', tonumber(ARGV[1]))
if #entries == 0 then
  redis.call('HSET', KEYS[1], 'a', m.s)
  return {}
end
local first = offset_of(entries[1][1])
if first > m.a + 1 then redis.call('HSET', KEYS[1], 'a', first - 1) end
local out = { m.e }
for i = 1, #entries do
  out[#out + 1] = offset_of(entries[i][1])
  out[#out + 1] = field(entries[i][2], 'd')
end
return out
`,
);
