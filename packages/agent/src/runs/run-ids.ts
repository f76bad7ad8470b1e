// Ids of threads, messages and runs: a prefix and 20 random base62 characters (the tenancy ids' shape).
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A fresh id such as `run_4Fh…`. */
export function newRunsId(prefix: 'thread' | 'msg' | 'run' | 'claim'): string {
  // 248 is the largest multiple of 62 below 256: rejecting bytes above it keeps the characters uniform.
  let out = '';
  while (out.length < 20) {
    for (const byte of randomBytes(32)) {
      if (byte < 248 && out.length < 20) out += ALPHABET[byte % 62];
    }
  }
  return `${prefix}_${out}`;
}
