// The two secrets an operator must hold: the master key that seals provider credentials and the admin token
// of /admin/v1. From the environment when set (scale-out: every replica gets the same), else generated once
// into the data dir with mode 0600 (embedded), and reused on every later start.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TenancyError } from './tenancy-errors.js';
import { randomBase62 } from './tenancy-ids.js';

/** A secret and where it came from. */
export interface LocalSecret<T> {
  value: T;
  source: 'env' | 'file' | 'generated';
  /** The file it was read from or written to (file / generated). */
  path?: string;
}

/** Parses a master key given as 32 bytes in base64 or hex. */
export function parseMasterKey(text: string, from: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32)
    throw new TenancyError(
      'master_key_invalid',
      `${from} must be 32 bytes, base64 or hex (openssl rand -base64 32); got ${key.length} bytes`,
    );
  return key;
}

/** RAMPART_MASTER_KEY, else `<dataDir>/master.key` (generated when absent). */
export async function resolveMasterKey(
  env: Record<string, string | undefined>,
  dataDir: string,
): Promise<LocalSecret<Buffer>> {
  const fromEnv = env.RAMPART_MASTER_KEY;
  if (fromEnv !== undefined && fromEnv !== '')
    return { value: parseMasterKey(fromEnv, 'RAMPART_MASTER_KEY'), source: 'env' };
  const path = join(dataDir, 'master.key');
  const existing = await readSecretFile(path);
  if (existing !== undefined) return { value: parseMasterKey(existing, path), source: 'file', path };
  const won = await writeSecretFile(path, `${randomBytes(32).toString('base64')}\n`);
  const written = (await readSecretFile(path)) ?? '';
  return { value: parseMasterKey(written, path), source: won ? 'generated' : 'file', path };
}

/** RAMPART_ADMIN_TOKEN, else `<dataDir>/admin-token` (generated when absent). */
export async function resolveAdminToken(
  env: Record<string, string | undefined>,
  dataDir: string,
): Promise<LocalSecret<string>> {
  const fromEnv = env.RAMPART_ADMIN_TOKEN;
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv.trim(), source: 'env' };
  const path = join(dataDir, 'admin-token');
  const existing = await readSecretFile(path);
  if (existing !== undefined && existing.trim() !== '')
    return { value: existing.trim(), source: 'file', path };
  const won = await writeSecretFile(path, `rat_${randomBase62(40)}\n`);
  const written = ((await readSecretFile(path)) ?? '').trim();
  return { value: written, source: won ? 'generated' : 'file', path };
}

/** Constant-time comparison of a presented token with the expected one (digests, so lengths leak nothing). */
export function tokensMatch(expected: string, presented: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

async function readSecretFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

// `wx`: two processes starting at once on one data dir cannot both write; the loser reads the winner's.
async function writeSecretFile(path: string, content: string): Promise<boolean> {
  try {
    await writeFile(path, content, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  }
  await chmod(path, 0o600); // the umask may have narrowed the mode, never widened it; make it exact.
  return true;
}
