// Leases and compare-and-swap on plain string keys. Only the owner may renew or release a lease; the TTL frees
// it if the owner crashes.

/** KEYS: lease. ARGV: owner, ttlMs. 1 when `owner` holds the lease afterwards. */
export const LEASE_ACQUIRE_LUA = `
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** KEYS: lease. ARGV: owner, ttlMs. 1 when renewed. */
export const LEASE_RENEW_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** KEYS: lease. ARGV: owner. 1 when released. */
export const LEASE_RELEASE_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

/**
 * KEYS: key. ARGV: hasExpected (0|1), expected, hasNext (0|1), next, ttlMs (0 = no expiry).
 * 1 when the swap happened.
 */
export const COMPARE_AND_SET_LUA = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
if ARGV[3] == '0' then
  redis.call('DEL', KEYS[1])
elseif tonumber(ARGV[5]) > 0 then
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
else
  redis.call('SET', KEYS[1], ARGV[4])
end
return 1
`;
