// Provisions one Redis ACL user per Rampart user, so a sandbox's credentials reach only that user's namespaces.
// Every operation is idempotent: provisioning twice converges to the same rules, deleting twice is a no-op.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  REDIS_ALLOWED_COMMANDS,
  REDIS_ALLOWED_SUBCOMMANDS,
  REDIS_DENIED_COMMANDS,
  redisAclRules,
  redisAclUsername,
} from './redis-acl-rules.js';

/** Credentials handed to a user's sandboxes (in their env, never logged). */
export interface RedisUserCredentials {
  username: string;
  password: string;
}

/** Creates, rotates and deletes per-user Redis ACL users. */
export interface RedisAclProvisioner {
  /** Ensures the ACL user of userId with exactly our rules; sets `password` or a newly generated one. */
  provision(userId: string, password?: string): Promise<RedisUserCredentials>;
  /** Sets a new password and disconnects clients still using the old one. */
  rotate(userId: string): Promise<RedisUserCredentials>;
  /** Deletes the ACL user and disconnects its clients; no-op when absent. */
  remove(userId: string): Promise<void>;
}

/** A provisioner over an admin connection (one allowed to run ACL SETUSER). */
export function createRedisAclProvisioner(redis: Redis): RedisAclProvisioner {
  let known: Promise<(command: string) => boolean> | undefined;
  // SETUSER fails on commands this server lacks (e.g. CLIENT SETINFO before 7.2), so ask the server once.
  const knownCommands = (): Promise<(command: string) => boolean> =>
    (known ??= (async () => {
      const names = [
        ...new Set([...REDIS_ALLOWED_COMMANDS, ...REDIS_ALLOWED_SUBCOMMANDS, ...REDIS_DENIED_COMMANDS]),
      ];
      const info = (await redis.call('COMMAND', 'INFO', ...names)) as unknown[];
      const present = new Set(names.filter((_, index) => info[index] !== null));
      return (command: string) => present.has(command);
    })());

  const disconnect = async (username: string): Promise<void> => {
    await redis.call('CLIENT', 'KILL', 'USER', username).catch(() => undefined);
  };

  const provision = async (userId: string, password?: string): Promise<RedisUserCredentials> => {
    const username = redisAclUsername(userId);
    const secret = password ?? randomBytes(32).toString('hex');
    const hash = createHash('sha256').update(secret).digest('hex');
    // Only the hash goes over the wire and into ACL LIST output.
    await redis.call('ACL', 'SETUSER', username, ...redisAclRules(userId, hash, await knownCommands()));
    return { username, password: secret };
  };

  return {
    provision,
    async rotate(userId) {
      const credentials = await provision(userId);
      await disconnect(credentials.username);
      return credentials;
    },
    async remove(userId) {
      const username = redisAclUsername(userId);
      await redis.call('ACL', 'DELUSER', username);
      await disconnect(username);
    },
  };
}
