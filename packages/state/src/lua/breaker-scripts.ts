// The breaker state machine of ../breaker-state.ts, in Lua, so each transition is one atomic step across all
// replicas. One hash per breaker: kind, since, untl (open until), powner/puntil (probe lease), cons
// (consecutive failures), bms/bcount (window shape) and one field per window bucket `b:<index>` = "<s> <f>".
// A transition publishes "<key>\n<snapshot json>" so other replicas refresh their cached view at once.
// Numbers go back as JSON (cjson prints 14 significant digits: epoch ms fit until the year 2286).
import { LUA_NOW_MS } from './redis-time.js';

const COMMON = `${LUA_NOW_MS}
local function load(key, now)
  local raw = redis.call('HGETALL', key)
  local r = { kind = 'closed', since = now, untl = 0, powner = '', puntil = 0, cons = 0, bms = 1, bcount = 1, buckets = {} }
  for i = 1, #raw, 2 do
    local f, v = raw[i], raw[i + 1]
    if string.sub(f, 1, 2) == 'b:' then
      local s, fl = string.match(v, '(%d+) (%d+)')
      r.buckets[tonumber(string.sub(f, 3))] = { s = tonumber(s), f = tonumber(fl) }
    elseif f == 'kind' or f == 'powner' then
      r[f] = v
    else
      r[f] = tonumber(v)
    end
  end
  return r
end

local function advance(r, now)
  if r.kind == 'open' and now >= r.untl then
    r.kind = 'half-open'
    r.since = r.untl
    r.powner = ''
  end
  if r.kind == 'half-open' and r.powner ~= '' and now >= r.puntil then
    r.powner = ''
  end
end

local function window(r, now)
  local current = math.floor(now / r.bms)
  local s, f = 0, 0
  for index, counts in pairs(r.buckets) do
    if index <= current - r.bcount then
      r.buckets[index] = nil
    else
      s = s + counts.s
      f = f + counts.f
    end
  end
  return s, f
end

local function snapshot(r, now)
  advance(r, now)
  local s, f = window(r, now)
  local state = { kind = r.kind, since = r.since }
  if r.kind == 'open' then state['until'] = r.untl end
  if r.kind == 'half-open' and r.powner ~= '' then state.probe = { owner = r.powner, ['until'] = r.puntil } end
  return { state = state, consecutiveFailures = r.cons, successes = s, failures = f, at = now }
end

local function signature(r)
  return r.kind .. '|' .. r.since .. '|' .. r.untl .. '|' .. r.powner
end

local function save(key, r, now, window_ms)
  redis.call('DEL', key)
  local fields = { 'kind', r.kind, 'since', r.since, 'untl', r.untl, 'powner', r.powner, 'puntil', r.puntil,
    'cons', r.cons, 'bms', r.bms, 'bcount', r.bcount }
  for index, counts in pairs(r.buckets) do
    fields[#fields + 1] = 'b:' .. index
    fields[#fields + 1] = counts.s .. ' ' .. counts.f
  end
  redis.call('HSET', key, unpack(fields))
  -- A closed breaker with an empty window is the same as none, so it may vanish; an open one must outlive
  -- its cool-down and probe by a wide margin (a day) so a dead target is not retried at full rate.
  local ttl
  if r.kind == 'closed' then
    ttl = math.max(2 * window_ms, 1000)
  else
    ttl = math.max(r.untl, r.puntil) - now + 86400000
  end
  redis.call('PEXPIRE', key, math.max(ttl, 1000))
end

local function finish(key, r, now, before, channel, name, window_ms)
  local snap = snapshot(r, now)
  local json = cjson.encode(snap)
  save(key, r, now, window_ms)
  if signature(r) ~= before then
    redis.call('PUBLISH', channel, name .. '\\n' .. json)
  end
  return json
end
`;

/** KEYS: hash. ARGV: (none). Returns the snapshot JSON; writes nothing. */
export const BREAKER_READ_LUA = `${COMMON}
local now = now_ms()
return cjson.encode(snapshot(load(KEYS[1], now), now))
`;

/**
 * KEYS: hash. ARGV: channel, name, outcome (success|failure|release), owner ('' = not the probe),
 * consecutiveFailures, failureRate, minimumCalls, windowMs, buckets, openMs. Returns the snapshot JSON.
 */
export const BREAKER_RECORD_LUA = `${COMMON}
local key, channel, name, outcome, owner = KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local max_cons, rate, min_calls = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local window_ms, bucket_count, open_ms = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local now = now_ms()
local r = load(key, now)
advance(r, now)
local before = signature(r)

local function reset(kind)
  r.kind = kind
  r.since = now
  r.powner = ''
  r.cons = 0
  r.buckets = {}
  if kind == 'open' then r.untl = now + open_ms end
end

if r.kind == 'half-open' then
  if owner ~= '' and owner == r.powner then
    if outcome == 'success' then reset('closed')
    elseif outcome == 'failure' then reset('open')
    else r.powner = '' end
  end
elseif r.kind == 'closed' and outcome ~= 'release' then
  local bms = math.max(1, math.floor(window_ms / bucket_count))
  if bms ~= r.bms or bucket_count ~= r.bcount then
    r.buckets = {}
    r.bms = bms
    r.bcount = bucket_count
  end
  local index = math.floor(now / bms)
  local bucket = r.buckets[index] or { s = 0, f = 0 }
  r.buckets[index] = bucket
  if outcome == 'success' then
    bucket.s = bucket.s + 1
    r.cons = 0
  else
    bucket.f = bucket.f + 1
    r.cons = r.cons + 1
  end
  local s, f = window(r, now)
  if outcome == 'failure' then
    local in_a_row = max_cons > 0 and r.cons >= max_cons
    local too_high = rate > 0 and s + f >= min_calls and f >= rate * (s + f)
    if in_a_row or too_high then reset('open') end
  end
end
return finish(key, r, now, before, channel, name, window_ms)
`;

/** KEYS: hash. ARGV: channel, name, owner, leaseMs. Returns [granted 0|1, snapshot JSON]. */
export const BREAKER_ACQUIRE_LUA = `${COMMON}
local key, channel, name, owner, lease_ms = KEYS[1], ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local now = now_ms()
local r = load(key, now)
advance(r, now)
local before = signature(r)
local granted = 0
if r.kind == 'half-open' and (r.powner == '' or r.powner == owner) then
  r.powner = owner
  r.puntil = now + lease_ms
  granted = 1
end
if granted == 0 and before == signature(r) then
  -- Nothing changed: skip the write, this is the common "someone else holds the probe" answer.
  return { 0, cjson.encode(snapshot(r, now)) }
end
return { granted, finish(key, r, now, before, channel, name, r.bms * r.bcount) }
`;

/** KEYS: hash. ARGV: channel, name, kind, since, until, probeOwner ('' = none), probeUntil, consecutive. */
export const BREAKER_RESTORE_LUA = `${COMMON}
local key, channel, name = KEYS[1], ARGV[1], ARGV[2]
local now = now_ms()
local old = load(KEYS[1], now)
advance(old, now)
local before = signature(old)
local r = { kind = ARGV[3], since = tonumber(ARGV[4]), untl = tonumber(ARGV[5]), powner = ARGV[6],
  puntil = tonumber(ARGV[7]), cons = tonumber(ARGV[8]), bms = 1, bcount = 1, buckets = {} }
return finish(key, r, now, before, channel, name, 1000)
`;
