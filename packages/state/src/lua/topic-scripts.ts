// Change notification: a version counter per topic plus pub/sub. Pub/sub is fire-and-forget (a replica that
// is reconnecting misses messages), so the version lets a replica notice it missed something by polling one
// cheap GET, and bumping it in the same script as the publish keeps the two consistent.

/** KEYS: version counter. ARGV: channel, message. Publishes "<version>\n<message>"; returns the version. */
export const TOPIC_PUBLISH_LUA = `
local version = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], version .. '\\n' .. ARGV[2])
return version
`;
