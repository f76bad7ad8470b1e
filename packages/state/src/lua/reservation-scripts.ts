// Budget reservations, exact across replicas. KEYS[1] is a hash: `used` (settled), `reserved` (held by live
// reservations) and `h:<id>` → amount; KEYS[2] a sorted set of reservation ids scored by expiry time, so
// lapsed holds (a crashed holder) are found in O(log n) and their amounts given back before every decision.
import { LUA_NOW_MS } from './redis-time.js';

/**
 * ARGV: op (reserve|settle|release), id, amount (reserve: to hold; settle: actual), limit, ttlMs, keepMs (0 = the
 * keys never expire; else both are kept that long after a reserve or settle: a periodic budget's rest of period
 * plus a margin, so past periods' counters leave Redis by themselves).
 * Returns [ok 0|1, used, reserved] with numbers as strings.
 */
export const RESERVATION_LUA = `${LUA_NOW_MS}
local hash, expiry = KEYS[1], KEYS[2]
local op, id, amount, limit, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local keep = tonumber(ARGV[6] or '0')
local now = now_ms()

local function kept()
  if keep > 0 then
    redis.call('PEXPIRE', hash, keep)
    redis.call('PEXPIRE', expiry, keep)
  end
end

for _, lapsed in ipairs(redis.call('ZRANGEBYSCORE', expiry, '-inf', now)) do
  local held = redis.call('HGET', hash, 'h:' .. lapsed)
  if held then
    redis.call('HINCRBYFLOAT', hash, 'reserved', -tonumber(held))
    redis.call('HDEL', hash, 'h:' .. lapsed)
  end
end
redis.call('ZREMRANGEBYSCORE', expiry, '-inf', now)

local function figures(ok)
  local f = redis.call('HMGET', hash, 'used', 'reserved')
  return { ok, f[1] or '0', f[2] or '0' }
end

local held = redis.call('HGET', hash, 'h:' .. id)
if op == 'reserve' then
  -- A retried reserve with the same id must not hold twice.
  if held then return figures(1) end
  local f = redis.call('HMGET', hash, 'used', 'reserved')
  if tonumber(f[1] or '0') + tonumber(f[2] or '0') + amount > limit then return figures(0) end
  redis.call('HSET', hash, 'h:' .. id, tostring(amount))
  redis.call('HINCRBYFLOAT', hash, 'reserved', amount)
  redis.call('ZADD', expiry, now + ttl, id)
  kept()
  return figures(1)
end

if held then
  redis.call('HINCRBYFLOAT', hash, 'reserved', -tonumber(held))
  redis.call('HDEL', hash, 'h:' .. id)
  redis.call('ZREM', expiry, id)
end
if op == 'settle' then
  -- The spend happened whether or not the hold lapsed meanwhile, so it is always recorded.
  redis.call('HINCRBYFLOAT', hash, 'used', amount)
  kept()
end
if held then return figures(1) end
return figures(0)
`;
