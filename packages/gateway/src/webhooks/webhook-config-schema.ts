// The `webhooks` section of the gateway config: where usage events are POSTed and the secret each is signed with.
import { z } from 'zod';

/** Events a webhook endpoint can subscribe to. */
export const WEBHOOK_EVENTS = ['usage.recorded'] as const;

/** One endpoint. */
export const webhookEndpointSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }).describe('Where events are POSTed'),
    secret: z
      .string()
      .min(1)
      .describe(
        'Signing secret (Standard Webhooks: whsec_<base64> or any string), or env:NAME to read it from the environment',
      ),
    events: z
      .array(z.enum(WEBHOOK_EVENTS))
      .min(1)
      .default(['usage.recorded'])
      .describe('Events sent to this endpoint'),
  })
  .strict();

/** All endpoints. */
export const webhooksConfigSchema = z
  .array(webhookEndpointSchema)
  .default([])
  .describe(
    'Usage webhooks: signed (Standard Webhooks), retried with backoff, at least once with an idempotency key',
  );

/** One endpoint after defaults. */
export type WebhookEndpointConfig = z.output<typeof webhookEndpointSchema>;

/** Endpoints with `env:NAME` secrets read from `env`; throws naming the endpoint when a variable is unset. */
export function resolveWebhookSecrets(
  endpoints: readonly WebhookEndpointConfig[],
  env: Record<string, string | undefined>,
): WebhookEndpointConfig[] {
  return endpoints.map((endpoint, i) => {
    if (!endpoint.secret.startsWith('env:')) return endpoint;
    const name = endpoint.secret.slice('env:'.length);
    const value = env[name];
    if (value === undefined || value === '')
      throw new Error(`webhooks[${i}].secret: environment variable ${name} is not set`);
    return { ...endpoint, secret: value };
  });
}
