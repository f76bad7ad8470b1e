// Every script reads "now" from the Redis server (TIME), never from the calling replica: the replicas' clocks
// drift apart, and a cool-down, lease or window judged by each caller's own clock would let a fast clock probe
// early or steal a lease that is still live. One clock for all makes the transitions agree.
// Redis 7 replicates scripts by their effects, so calling TIME before writing is allowed.

/** Lua: `now_ms()` → the Redis server's time in epoch milliseconds. */
export const LUA_NOW_MS = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;
