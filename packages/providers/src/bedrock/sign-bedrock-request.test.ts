import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { RampartError } from '@rampart/spec';
import { signBedrockRequest } from './sign-bedrock-request.js';

const NOW = new Date('2025-01-02T03:04:05Z');
const CREDENTIALS = {
  kind: 'aws-sigv4' as const,
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-1',
};
const URL_ =
  'https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse';
const BODY = '{"messages":[{"role":"user","content":[{"text":"hi"}]}]}';

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/**
 * SigV4 written from the AWS spec with node:crypto, independent of @smithy/signature-v4: the canonical URI of
 * a non-S3 service encodes each already-encoded path segment once more (`%3A` → `%253A`).
 */
function referenceSignature(url: URL, headers: Record<string, string>, body: string, region: string): string {
  const canonicalUri = url.pathname
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  const names = Object.keys(headers)
    .map((h) => h.toLowerCase())
    .filter((h) => h !== 'authorization')
    .sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const canonicalHeaders = names.map((h) => `${h}:${String(lower[h]).trim()}\n`).join('');
  const canonicalRequest = ['POST', canonicalUri, '', canonicalHeaders, names.join(';'), sha256(body)].join(
    '\n',
  );
  const date = '20250102';
  const scope = `${date}/${region}/bedrock/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', '20250102T030405Z', scope, sha256(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${CREDENTIALS.secretAccessKey}`, date);
  for (const part of [region, 'bedrock', 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

test('SigV4: well-formed Authorization, session token and body hash signed, signature matches the spec', async () => {
  const headers = await signBedrockRequest({
    url: URL_,
    headers: { 'content-type': 'application/json' },
    body: BODY,
    credentials: CREDENTIALS,
    region: 'us-east-1',
    now: NOW,
  });
  assert.equal(headers['x-amz-date'], '20250102T030405Z');
  assert.equal(headers['x-amz-security-token'], 'session-token-1');
  assert.equal(headers['x-amz-content-sha256'], sha256(BODY));
  assert.equal(headers['host'], 'bedrock-runtime.us-east-1.amazonaws.com');
  const match =
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20250102\/us-east-1\/bedrock\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      headers['authorization'] ?? '',
    );
  assert.ok(match, `malformed Authorization: ${headers['authorization']}`);
  assert.equal(match[1], 'content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token');
  assert.equal(match[2], referenceSignature(new URL(URL_), headers, BODY, 'us-east-1'));
});

test('SigV4 signs the host actually used (baseUrl override with a port) and the region from the target', async () => {
  const url = 'http://127.0.0.1:4566/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke';
  const headers = await signBedrockRequest({
    url,
    headers: { 'content-type': 'application/json' },
    body: '{}',
    credentials: {
      kind: 'aws-sigv4',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: CREDENTIALS.secretAccessKey,
    },
    region: 'eu-west-3',
    now: NOW,
  });
  assert.equal(headers['host'], '127.0.0.1:4566');
  assert.equal(headers['x-amz-security-token'], undefined);
  assert.match(
    headers['authorization'] ?? '',
    /Credential=AKIDEXAMPLE\/20250102\/eu-west-3\/bedrock\/aws4_request/,
  );
  const signature = /Signature=([0-9a-f]{64})$/.exec(headers['authorization'] ?? '')?.[1];
  assert.equal(signature, referenceSignature(new URL(url), headers, '{}', 'eu-west-3'));
});

test('SigV4 takes the region from the public endpoint when the target has none, and fails loudly otherwise', async () => {
  const headers = await signBedrockRequest({
    url: 'https://bedrock-runtime.ap-northeast-1.amazonaws.com/model/jp.anthropic.x%3A0/invoke',
    headers: {},
    body: '{}',
    credentials: CREDENTIALS,
    region: undefined,
    now: NOW,
  });
  assert.match(headers['authorization'] ?? '', /\/ap-northeast-1\/bedrock\/aws4_request/);
  await assert.rejects(
    signBedrockRequest({
      url: 'http://127.0.0.1:1/model/x/invoke',
      headers: {},
      body: '{}',
      credentials: CREDENTIALS,
      region: undefined,
      now: NOW,
    }),
    (error) => error instanceof RampartError && /region/.test(error.message),
  );
});

test('a Bedrock API key is a bearer token; no AWS headers are added', async () => {
  const headers = await signBedrockRequest({
    url: URL_,
    headers: { 'content-type': 'application/json' },
    body: BODY,
    credentials: { kind: 'api-key', apiKey: 'ABSKexample' },
    region: 'us-east-1',
    now: NOW,
  });
  assert.deepEqual(headers, { 'content-type': 'application/json', authorization: 'Bearer ABSKexample' });
});

test('credentials of kind none leave the request unauthenticated (simulators)', async () => {
  const headers = await signBedrockRequest({
    url: URL_,
    headers: { 'content-type': 'application/json' },
    body: BODY,
    credentials: { kind: 'none' },
    region: undefined,
    now: NOW,
  });
  assert.deepEqual(headers, { 'content-type': 'application/json' });
});
