// The Redis ACL of one user's sandboxes: their own key and channel namespaces, a whitelist of data commands, and
// nothing else. We start from `-@all` and add, rather than subtract from `+@all`, so a command added in a future
// Redis version is denied until someone decides otherwise. Key-space-wide commands (KEYS, SCAN, PUBSUB CHANNELS,
// RANDOMKEY) are left out on purpose: ACL key patterns do not filter what they return, so they would leak other
// users' key names.

/** Commands a sandbox user may run, grouped as the Redis docs group them. */
export const REDIS_ALLOWED_COMMANDS: readonly string[] = [
  // strings
  'get',
  'set',
  'setnx',
  'setex',
  'psetex',
  'mget',
  'mset',
  'msetnx',
  'getset',
  'getdel',
  'getex',
  'append',
  'strlen',
  'incr',
  'incrby',
  'incrbyfloat',
  'decr',
  'decrby',
  'getrange',
  'setrange',
  // keys (per key, so key patterns apply)
  'del',
  'unlink',
  'exists',
  'expire',
  'pexpire',
  'expireat',
  'pexpireat',
  'ttl',
  'pttl',
  'persist',
  'type',
  'rename',
  'renamenx',
  'copy',
  // hashes
  'hget',
  'hset',
  'hsetnx',
  'hmget',
  'hmset',
  'hdel',
  'hexists',
  'hgetall',
  'hincrby',
  'hincrbyfloat',
  'hkeys',
  'hvals',
  'hlen',
  'hscan',
  'hstrlen',
  'hrandfield',
  // lists
  'lpush',
  'rpush',
  'lpushx',
  'rpushx',
  'lpop',
  'rpop',
  'llen',
  'lrange',
  'lindex',
  'lset',
  'lrem',
  'ltrim',
  'linsert',
  'lpos',
  'lmove',
  'blmove',
  'blpop',
  'brpop',
  'rpoplpush',
  'brpoplpush',
  // sets
  'sadd',
  'srem',
  'smembers',
  'sismember',
  'smismember',
  'scard',
  'spop',
  'srandmember',
  'smove',
  'sinter',
  'sunion',
  'sdiff',
  'sinterstore',
  'sunionstore',
  'sdiffstore',
  'sscan',
  'sintercard',
  // sorted sets
  'zadd',
  'zrem',
  'zscore',
  'zmscore',
  'zincrby',
  'zcard',
  'zcount',
  'zlexcount',
  'zrange',
  'zrangebyscore',
  'zrangebylex',
  'zrevrange',
  'zrevrangebyscore',
  'zrank',
  'zrevrank',
  'zremrangebyrank',
  'zremrangebyscore',
  'zpopmin',
  'zpopmax',
  'bzpopmin',
  'bzpopmax',
  'zrangestore',
  'zscan',
  // streams (basics and consumer groups)
  'xadd',
  'xread',
  'xrange',
  'xrevrange',
  'xlen',
  'xdel',
  'xtrim',
  'xgroup',
  'xreadgroup',
  'xack',
  'xpending',
  'xclaim',
  'xautoclaim',
  'xinfo',
  // pub/sub (channel patterns apply)
  'publish',
  'subscribe',
  'unsubscribe',
  'psubscribe',
  'punsubscribe',
  // connection and transactions
  'ping',
  'echo',
  'hello',
  'auth',
  'quit',
  'reset',
  'multi',
  'exec',
  'discard',
  'watch',
  'unwatch',
];

/** Subcommands allowed of otherwise denied commands (client libraries name their connections). */
export const REDIS_ALLOWED_SUBCOMMANDS: readonly string[] = [
  'client|setname',
  'client|getname',
  'client|id',
  'client|setinfo',
];

/**
 * Denied explicitly on top of the whitelist, so the intent survives someone widening the whitelist with a category.
 * (EVAL/SCRIPT: a script runs with the caller's ACL in Redis 7 but can burn the server's single thread.)
 */
export const REDIS_DENIED_COMMANDS: readonly string[] = [
  'flushall',
  'flushdb',
  'keys',
  'scan',
  'randomkey',
  'config',
  'debug',
  'shutdown',
  'acl',
  'module',
  'eval',
  'evalsha',
  'script',
  'function',
  'fcall',
  'migrate',
  'restore',
  'dump',
  'object',
  'sort',
  'select',
  'swapdb',
  'move',
  'monitor',
  'sync',
  'psync',
  'replicaof',
  'slaveof',
  'save',
  'bgsave',
  'bgrewriteaof',
  'pubsub',
  'client|kill',
  'client|list',
  'client|pause',
  'client|no-evict',
  'info',
  'cluster',
  'latency',
  'memory',
  'slowlog',
  'wait',
  'failover',
];

const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The ACL username of userId; throws on ids that would be unsafe inside a glob pattern. */
export function redisAclUsername(userId: string): string {
  // `*`, `?`, `[` or `:` in an id would widen `user:{id}:*` to other users' keys.
  if (!USER_ID.test(userId)) throw new Error(`user id not usable in a Redis ACL: ${JSON.stringify(userId)}`);
  return `rampart-u-${userId}`;
}

/** The key (and channel) namespaces of userId. */
export function redisUserPatterns(userId: string): string[] {
  redisAclUsername(userId);
  return [`user:${userId}:*`, `queue:${userId}:*`, `data:${userId}:*`];
}

/**
 * ACL SETUSER rules that make the user exactly what we want whatever it was before (`reset` first), which is what
 * makes provisioning idempotent. `known` filters out commands this server does not have: SETUSER rejects them.
 */
export function redisAclRules(
  userId: string,
  passwordSha256: string,
  known: (command: string) => boolean,
): string[] {
  const patterns = redisUserPatterns(userId);
  const allowed = [...REDIS_ALLOWED_COMMANDS, ...REDIS_ALLOWED_SUBCOMMANDS].filter(known);
  const denied = REDIS_DENIED_COMMANDS.filter(known);
  return [
    'reset',
    'on',
    `#${passwordSha256}`,
    ...patterns.map((pattern) => `~${pattern}`),
    'resetchannels',
    ...patterns.map((pattern) => `&${pattern}`),
    '-@all',
    ...allowed.map((command) => `+${command}`),
    ...denied.map((command) => `-${command}`),
  ];
}
