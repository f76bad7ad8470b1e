// Standard Webhooks signing (standardwebhooks.com): the signature is HMAC-SHA256 over `id.timestamp.body` with the
// endpoint's secret, sent as `v1,<base64>`; receivers check it and reject stale timestamps, and use the id to
// drop duplicates (delivery is at least once).
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The secret's key bytes: `whsec_<base64>` is decoded as the standard says; any other string is its UTF-8. */
export function webhookKey(secret: string): Buffer {
  return secret.startsWith('whsec_')
    ? Buffer.from(secret.slice('whsec_'.length), 'base64')
    : Buffer.from(secret, 'utf8');
}

/** The `webhook-signature` header value for one delivery. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', webhookKey(secret))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** Checks a delivery's headers against the secret (what a receiver does); tolerance in seconds. */
export function verifyWebhook(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, headers.id, timestamp, body));
  // The header may carry several space-separated signatures (secret rotation).
  return headers.signature.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
