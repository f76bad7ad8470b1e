// Bedrock authentication: SigV4 (signing service `bedrock`, verified for real when credentials are configured)
// or a Bedrock API key sent as `Authorization: Bearer`.
import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { BedrockCredentials } from '../core/sim-state.js';
import type { SimExchange } from '../http/sim-exchange.js';
import type { AuthResult } from '../turn/turn-types.js';
import { bedrockError } from './bedrock-errors.js';

const SIGV4 =
  /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/i;

function denied(type: string, message: string): AuthResult {
  return { ok: false, response: bedrockError(403, message, type) };
}

/** 20260101T000000Z → Date. */
function parseAmzDate(value: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

async function expectedSignature(
  ex: SimExchange,
  credentials: BedrockCredentials,
  region: string,
  signedHeaders: string[],
  date: Date,
): Promise<string | undefined> {
  const signer = new SignatureV4({
    credentials,
    region,
    service: 'bedrock',
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) headers[name] = ex.headers[name] ?? '';
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of ex.query) {
    const prev = query[k];
    query[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
  }
  const host = ex.headers.host ?? '';
  const signed = await signer.sign(
    {
      method: ex.method,
      protocol: 'http:',
      hostname: host.replace(/:\d+$/, ''),
      path: ex.rawPath,
      query,
      headers,
      body: ex.body,
    },
    { signingDate: date },
  );
  const authorization = signed.headers.authorization ?? signed.headers.Authorization;
  return /Signature=([0-9a-f]+)/.exec(authorization ?? '')?.[1];
}

/** Authenticate a Bedrock runtime request; the account is the access key id or the API key. */
export async function authenticateBedrock(
  ex: SimExchange,
  credentials: BedrockCredentials | undefined,
): Promise<AuthResult> {
  const authorization = ex.headers.authorization;
  if (!authorization) return denied('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
  if (bearer) return { ok: true, account: `apikey:${bearer}` };
  const m = SIGV4.exec(authorization.trim());
  if (!m) {
    return denied(
      'IncompleteSignatureException',
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.",
    );
  }
  const [accessKeyId, , region, service] = m[1]!.split('/');
  if (service !== 'bedrock')
    return denied('InvalidSignatureException', "Credential should be scoped to correct service: 'bedrock'. ");
  if (credentials) {
    if (accessKeyId !== credentials.accessKeyId)
      return denied('UnrecognizedClientException', 'The security token included in the request is invalid.');
    const date = parseAmzDate(ex.headers['x-amz-date']);
    const expected =
      date && (await expectedSignature(ex, credentials, region ?? '', m[2]!.toLowerCase().split(';'), date));
    const given = Buffer.from(m[3]!.toLowerCase());
    if (!expected || expected.length !== given.length || !timingSafeEqual(Buffer.from(expected), given)) {
      return denied(
        'InvalidSignatureException',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      );
    }
  }
  return { ok: true, account: `aws:${accessKeyId ?? ''}` };
}
