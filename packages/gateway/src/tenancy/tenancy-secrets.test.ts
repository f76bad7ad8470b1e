import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TenancyError } from './tenancy-errors.js';
import { hashKeySecret, newId, newKeySecret } from './tenancy-ids.js';
import { parseMasterKey, resolveAdminToken, resolveMasterKey, tokensMatch } from './tenancy-local-secrets.js';
import { openSealed, sealSecret } from './tenancy-seal.js';

test('ids and secrets have the documented shapes; the hash is hex SHA-256 of the whole secret', () => {
  assert.match(newId('key'), /^key_[0-9A-Za-z]{20}$/);
  const secret = newKeySecret();
  assert.match(secret, /^rk_[0-9A-Za-z]{40}$/);
  assert.notEqual(newKeySecret(), secret);
  assert.equal(hashKeySecret('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.match(hashKeySecret(secret), /^[0-9a-f]{64}$/);
});

test('sealing: opens with the same key and id only; tampering is detected; no plaintext in the sealed form', () => {
  const key = randomBytes(32);
  const sealed = sealSecret(key, 'cred_1', '{"apiKey":"sk-secret"}');
  assert.match(sealed, /^v1:[A-Za-z0-9+/=]+$/);
  assert.ok(!sealed.includes('sk-secret'));
  assert.notEqual(sealSecret(key, 'cred_1', '{"apiKey":"sk-secret"}'), sealed, 'a fresh IV every time');
  assert.equal(openSealed(key, 'cred_1', sealed), '{"apiKey":"sk-secret"}');
  const unreadable = (e: unknown) => e instanceof TenancyError && e.code === 'credential_unreadable';
  assert.throws(() => openSealed(randomBytes(32), 'cred_1', sealed), unreadable);
  assert.throws(() => openSealed(key, 'cred_2', sealed), unreadable, 'the id is authenticated');
  const raw = Buffer.from(sealed.slice(3), 'base64');
  raw[raw.length - 1]! ^= 1;
  assert.throws(() => openSealed(key, 'cred_1', `v1:${raw.toString('base64')}`), unreadable);
});

test('master key and admin token: env first, else generated once into the data dir with mode 0600', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-secrets-'));
  try {
    const first = await resolveMasterKey({}, dir);
    assert.equal(first.source, 'generated');
    assert.equal(first.value.length, 32);
    assert.equal(statSync(join(dir, 'master.key')).mode & 0o777, 0o600);
    const again = await resolveMasterKey({}, dir);
    assert.equal(again.source, 'file');
    assert.deepEqual(again.value, first.value);
    const hex = randomBytes(32).toString('hex');
    assert.deepEqual(
      (await resolveMasterKey({ RAMPART_MASTER_KEY: hex }, dir)).value,
      Buffer.from(hex, 'hex'),
    );
    assert.throws(() => parseMasterKey('c2hvcnQ=', 'RAMPART_MASTER_KEY'), /32 bytes/);

    const token = await resolveAdminToken({}, dir);
    assert.equal(token.source, 'generated');
    assert.equal(statSync(join(dir, 'admin-token')).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(dir, 'admin-token'), 'utf8').trim(), token.value);
    assert.equal((await resolveAdminToken({}, dir)).value, token.value);
    assert.equal((await resolveAdminToken({ RAMPART_ADMIN_TOKEN: 'from-env' }, dir)).value, 'from-env');
    // Concurrent first starts agree on one token.
    const other = mkdtempSync(join(tmpdir(), 'rampart-secrets-'));
    const both = await Promise.all([resolveAdminToken({}, other), resolveAdminToken({}, other)]);
    assert.equal(both[0].value, both[1].value);
    rmSync(other, { recursive: true, force: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('token comparison', () => {
  assert.equal(tokensMatch('abc', 'abc'), true);
  assert.equal(tokensMatch('abc', 'abd'), false);
  assert.equal(tokensMatch('abc', 'abcd'), false);
  assert.equal(tokensMatch('abc', ''), false);
});
