// Request bodies of the admin API, validated with zod so every error names the exact field. The wire is
// snake_case like the routing config; the Tenancy service and the Principal use the camelCase shapes.
import { z } from 'zod';
import type { Endpoint, KeyScopes, Limits } from '../tenancy/principal.js';

const usd = z
  .string()
  .regex(/^\d+(\.\d{1,9})?$/, 'a USD amount as a decimal string, e.g. "5.00"')
  .describe('USD as an exact decimal string');

/** Limits at one level, as the admin API takes them. */
export const limitsSchema = z
  .object({
    requests_per_minute: z.int().positive().optional(),
    tokens_per_minute: z.int().positive().optional(),
    tokens_per_hour: z.int().positive().optional(),
    usd_per_day: usd.optional(),
    usd_per_month: usd.optional(),
  })
  .strict();

const ENDPOINTS = ['chat.completions', 'messages', 'models', 'usage'] as const satisfies readonly Endpoint[];

/** What a key may reach; an absent list allows everything of that kind. */
export const scopesSchema = z
  .object({
    providers: z.array(z.string().min(1)).optional(),
    models: z.array(z.string().min(1)).optional(),
    endpoints: z.array(z.enum(ENDPOINTS)).optional(),
  })
  .strict();

const name = z.string().min(1).max(200);
const id = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[0-9A-Za-z]+$`), `a ${prefix}_… id`);

export const createTeamSchema = z.object({ name, limits: limitsSchema.optional() }).strict();
export const patchLimitsSchema = z.object({ limits: limitsSchema }).strict();
export const createUserSchema = z
  .object({
    team_id: id('team'),
    name,
    email: z.email().nullable().optional(),
    limits: limitsSchema.optional(),
  })
  .strict();

const secretsSchema = z
  .object({
    apiKey: z.string().min(1).optional(),
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: z.string().min(1).optional(),
    sessionToken: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => Object.keys(s).length > 0, 'give apiKey, or accessKeyId and secretAccessKey');

export const createCredentialSchema = z
  .object({ team_id: id('team'), name, provider: z.string().min(1), secrets: secretsSchema })
  .strict();
export const patchCredentialSchema = z
  .object({ provider: z.string().min(1).optional(), secrets: secretsSchema })
  .strict();

const when = z.iso.datetime({ offset: true }).describe('An ISO 8601 time, e.g. 2027-01-01T00:00:00Z');

export const createKeySchema = z
  .object({
    user_id: id('user'),
    name,
    scopes: scopesSchema.optional(),
    route: z.unknown().optional(),
    limits: limitsSchema.optional(),
    prompt_cache: z.boolean().nullable().optional(),
    expires_at: when.nullable().optional(),
  })
  .strict();
export const patchKeySchema = z
  .object({
    name: name.optional(),
    scopes: scopesSchema.optional(),
    route: z.unknown().optional(),
    limits: limitsSchema.optional(),
    prompt_cache: z.boolean().nullable().optional(),
  })
  .strict();
export const rotateKeySchema = z
  .object({
    grace_ms: z
      .int()
      .min(0)
      .max(30 * 24 * 3_600_000)
      .optional(),
  })
  .strict();

/** Wire limits → the Principal's Limits. */
export function toLimits(wire: z.output<typeof limitsSchema>): Limits {
  return {
    ...(wire.requests_per_minute !== undefined ? { requestsPerMinute: wire.requests_per_minute } : {}),
    ...(wire.tokens_per_minute !== undefined ? { tokensPerMinute: wire.tokens_per_minute } : {}),
    ...(wire.tokens_per_hour !== undefined ? { tokensPerHour: wire.tokens_per_hour } : {}),
    ...(wire.usd_per_day !== undefined ? { usdPerDay: wire.usd_per_day } : {}),
    ...(wire.usd_per_month !== undefined ? { usdPerMonth: wire.usd_per_month } : {}),
  };
}

/** The Principal's Limits → wire limits. */
export function fromLimits(limits: Limits): Record<string, number | string> {
  const wire: Record<string, number | string> = {};
  if (limits.requestsPerMinute !== undefined) wire.requests_per_minute = limits.requestsPerMinute;
  if (limits.tokensPerMinute !== undefined) wire.tokens_per_minute = limits.tokensPerMinute;
  if (limits.tokensPerHour !== undefined) wire.tokens_per_hour = limits.tokensPerHour;
  if (limits.usdPerDay !== undefined) wire.usd_per_day = limits.usdPerDay;
  if (limits.usdPerMonth !== undefined) wire.usd_per_month = limits.usdPerMonth;
  return wire;
}

/** Wire scopes → KeyScopes (the same field names). */
export function toScopes(wire: z.output<typeof scopesSchema>): KeyScopes {
  return {
    ...(wire.providers !== undefined ? { providers: wire.providers } : {}),
    ...(wire.models !== undefined ? { models: wire.models } : {}),
    ...(wire.endpoints !== undefined ? { endpoints: wire.endpoints } : {}),
  };
}
