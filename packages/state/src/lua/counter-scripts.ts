// Counters, windowed rate counters and token buckets, each one atomic script on one key. Numbers that may be
// fractional go back as strings: Redis turns a Lua number reply into an integer, truncating it.
import { LUA_NOW_MS } from './redis-time.js';

/** KEYS: counter. ARGV: amount, ttlMs. The TTL is set when the counter is created, not pushed back later. */
export const COUNTER_ADD_LUA = `
local value = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value
`;

/**
 * KEYS: hash of window index → count. ARGV: windowMs, amount, limit (-1 = none), mode (fixed|sliding).
 * Returns [allowed 0|1, count, retryAfterMs]. Only the current and previous windows are kept.
 */
export const RATE_ADD_LUA = `${LUA_NOW_MS}
local window, amount, limit, mode = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local now = now_ms()
local index = math.floor(now / window)
local elapsed = now - index * window
local current = tonumber(redis.call('HGET', KEYS[1], tostring(index)) or '0')
local previous = 0
if mode == 'sliding' then previous = tonumber(redis.call('HGET', KEYS[1], tostring(index - 1)) or '0') end
local estimate = previous * ((window - elapsed) / window) + current
if limit >= 0 and estimate + amount > limit then
  local retry = window - elapsed
  if current + amount <= limit and previous > 0 then
    retry = math.max(1, math.ceil(window * (1 - (limit - current - amount) / previous) - elapsed))
  end
  return { 0, tostring(estimate), tostring(retry) }
end
if amount ~= 0 then
  redis.call('HINCRBYFLOAT', KEYS[1], tostring(index), amount)
  for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
    if field ~= tostring(index) and field ~= tostring(index - 1) then redis.call('HDEL', KEYS[1], field) end
  end
  redis.call('PEXPIRE', KEYS[1], window * 2)
end
return { 1, tostring(estimate + amount), '0' }
`;

/**
 * KEYS: bucket hash (tokens, at). ARGV: capacity, refillPerSecond, amount.
 * Returns [allowed 0|1, tokens, retryAfterMs (-1 = never: more than capacity)].
 */
export const TOKEN_BUCKET_LUA = `${LUA_NOW_MS}
local capacity, rate, amount = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local now = now_ms()
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = capacity
if stored[1] then
  tokens = math.min(capacity, tonumber(stored[1]) + math.max(0, now - tonumber(stored[2])) * rate / 1000)
end
local allowed, retry = 0, 0
if amount <= tokens then
  allowed = 1
  tokens = tokens - amount
elseif amount > capacity then
  retry = -1
else
  retry = math.ceil((amount - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
-- A full bucket is the same as no bucket, so the key may vanish once it would have refilled.
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) * 1000 / rate) + 1000)
return { allowed, tostring(tokens), tostring(retry) }
`;
