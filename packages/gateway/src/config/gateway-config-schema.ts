// The gateway's configuration as users write it (rampart.config.json), validated with zod so errors name
// the exact path. The JSON Schema editors use is generated from this (docs/rampart.config.schema.json).
import { z } from 'zod';
import { routeConfigSchema } from '../routing/strategy-config-schema.js';
import { pricingConfigSchema } from '../pricing/pricing-config-schema.js';
import { webhooksConfigSchema } from '../webhooks/webhook-config-schema.js';
import { promptCacheConfigSchema } from '../prompt-cache/prompt-cache-config-schema.js';

/** A secret: a literal, or `env:NAME` to read it from the environment at start-up (preferred). */
const secret = z.string().min(1).describe('A literal secret, or env:NAME to read it from the environment');

const url = z.url({ protocol: /^https?$/ });

const openaiProvider = z
  .object({
    type: z.literal('openai'),
    baseUrl: url.default('https://api.openai.com/v1'),
    apiKey: secret,
  })
  .strict();

const openaiCompatibleProvider = z
  .object({
    type: z.literal('openai-compatible'),
    baseUrl: url.describe('Base URL including /v1, e.g. http://127.0.0.1:11434/v1 for Ollama'),
    apiKey: secret.optional(),
  })
  .strict();

const anthropicProvider = z
  .object({
    type: z.literal('anthropic'),
    baseUrl: url.default('https://api.anthropic.com'),
    apiKey: secret,
  })
  .strict();

const bedrockProvider = z
  .object({
    type: z.literal('bedrock'),
    api: z.enum(['converse', 'invoke']).default('converse').describe('Converse API or InvokeModel'),
    region: z.string().min(1).default('us-east-1'),
    baseUrl: url.optional().describe('Defaults to https://bedrock-runtime.{region}.amazonaws.com'),
    accessKeyId: secret.optional(),
    secretAccessKey: secret.optional(),
    sessionToken: secret.optional(),
    apiKey: secret.optional().describe('A Bedrock API key, sent as Authorization: Bearer'),
  })
  .strict()
  .refine((p) => p.apiKey !== undefined || (p.accessKeyId !== undefined && p.secretAccessKey !== undefined), {
    message: 'a Bedrock provider needs apiKey, or accessKeyId and secretAccessKey',
  });

/** One upstream account the gateway may call. */
export const providerConfigSchema = z.discriminatedUnion('type', [
  openaiProvider,
  openaiCompatibleProvider,
  anthropicProvider,
  bedrockProvider,
]);

/**
 * A model clients may ask for, mapped to the id each provider knows it by, in order of preference:
 * `{ "anthropic": "claude-sonnet-4-5-20250929", "bedrock": "us.anthropic.claude-sonnet-4-5-20250929-v1:0" }`.
 */
const modelTargets = z.record(z.string().min(1), z.string().min(1));

/** The whole gateway configuration. */
export const gatewayConfigSchema = z
  .object({
    $schema: z.string().optional(),
    server: z
      .object({
        maxBodyBytes: z
          .int()
          .positive()
          .default(20 * 1024 * 1024)
          .describe('Largest request body accepted; larger ones get 413'),
      })
      .strict()
      .default({ maxBodyBytes: 20 * 1024 * 1024 }),
    providers: z.record(
      z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
      providerConfigSchema,
    ),
    models: z.record(z.string().min(1), modelTargets).default({}),
    routes: z
      .record(z.string().min(1), routeConfigSchema)
      .default({})
      .describe(
        'Routing config (strategy tree) per requested model; x-rampart-config overrides it per request',
      ),
    breaker: z
      .object({
        consecutive_failures: z
          .int()
          .min(0)
          .optional()
          .describe('Open after this many failures in a row (default 10)'),
        failure_rate: z
          .number()
          .min(0)
          .max(1)
          .optional()
          .describe('Open at this failure share (default 0.5)…'),
        minimum_calls: z.int().min(1).optional().describe('…over at least this many calls (default 20)'),
        window_ms: z.int().positive().optional().describe('Rolling window (default 30000)'),
        open_ms: z.int().positive().optional().describe('Cool-down before one probe (default 30000)'),
      })
      .strict()
      .default({})
      .describe('Circuit breaker per provider × model; shared across replicas when REDIS_URL is set'),
    prompt_cache: promptCacheConfigSchema
      .prefault({})
      .describe('Prompt-cache breakpoints and canonical tool results (Anthropic and Bedrock targets)'),
    pricing: pricingConfigSchema.prefault({}).describe('Price overrides (USD per million tokens) by model'),
    webhooks: webhooksConfigSchema,
    ledger: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe(
            'Record every request that reaches an upstream in the usage ledger (off only for benchmarks)',
          ),
      })
      .strict()
      .prefault({})
      .describe('The usage ledger (docs/TENANCY.md)'),
    auth: z
      .object({
        required: z
          .boolean()
          .default(true)
          .describe('Refuse requests without a valid virtual key (rk_…); off only for routing tests'),
      })
      .strict()
      .prefault({})
      .describe('Authentication of callers by virtual key (see docs/TENANCY.md)'),
  })
  .strict();

/** Gateway configuration as written (secrets may still be env: references). */
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
/** Gateway configuration after validation and defaults. */
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
/** One provider's configuration after validation. */
export type ProviderConfig = z.output<typeof providerConfigSchema>;
