// Ids and key secrets (docs/TENANCY.md): `team_…`, `user_…`, `key_…`, `cred_…` are a prefix + 20 random base62
// characters; a key's secret is `rk_` + 40 (238 bits). The store keeps only the hex SHA-256 of the whole secret:
// a fast hash is right for secrets this random, there is nothing to brute-force.
import { hash, randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Characters of a key secret's display prefix (`rk_` + 7). */
export const KEY_PREFIX_LENGTH = 10;

/** `length` uniformly random base62 characters (rejection sampling: no modulo bias). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 62 * 4 = 248: bytes at or above it would favour the first characters.
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** A new id such as `key_3fZ…` (20 random base62 characters after the prefix). */
export function newId(prefix: 'team' | 'user' | 'key' | 'cred'): string {
  return `${prefix}_${randomBase62(20)}`;
}

/** A new virtual key secret: `rk_` + 40 random base62 characters. */
export function newKeySecret(): string {
  return `rk_${randomBase62(40)}`;
}

/** The hex SHA-256 the store keeps for a secret (every request hashes its key: the one-shot form, ~4× cheaper). */
export function hashKeySecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** The part of a secret listings may show. */
export function keyPrefixOf(secret: string): string {
  return secret.slice(0, KEY_PREFIX_LENGTH);
}
