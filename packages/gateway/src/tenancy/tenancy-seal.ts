// Provider credentials at rest: AES-256-GCM under the master key, with the credential id as additional
// authenticated data so a sealed blob copied onto another credential's row does not open. Sealed form:
// `v1:` + base64(iv ‖ tag ‖ ciphertext). Plaintext exists only in memory, in the gateway.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { TenancyError } from './tenancy-errors.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Seals `plaintext` for the credential `id`. */
export function sealSecret(masterKey: Buffer, id: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(Buffer.from(id, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')}`;
}

/** Opens what sealSecret sealed for `id`; throws `credential_unreadable` on a wrong key, id or tampering. */
export function openSealed(masterKey: Buffer, id: string, sealed: string): string {
  if (!sealed.startsWith('v1:'))
    throw new TenancyError('credential_unreadable', `credential ${id}: unknown sealed format`);
  const raw = Buffer.from(sealed.slice(3), 'base64');
  if (raw.length < IV_BYTES + TAG_BYTES)
    throw new TenancyError('credential_unreadable', `credential ${id}: sealed value too short`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', masterKey, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(id, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch (error) {
    throw new TenancyError(
      'credential_unreadable',
      `credential ${id} does not open with this master key (RAMPART_MASTER_KEY changed?)`,
      { cause: error },
    );
  }
}
