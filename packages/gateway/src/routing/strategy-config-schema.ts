// The routing config exactly as users write it in the talk (and Portkey): `strategy.mode` fallback |
// loadbalance | single, `on_status_codes`, `targets` that nest, `weight`, `provider` + `model`, per-target
// `override_params`, `retry`, `request_timeout`; plus one overall `deadline` and a `first_token_timeout`.
import { z } from 'zod';

/** Statuses that move a fallback on, when a strategy does not say. */
export const DEFAULT_FALLBACK_STATUSES = [408, 429, 500, 502, 503, 504, 529];

const retrySchema = z
  .object({
    attempts: z.int().min(0).max(10).describe('Extra attempts on the same target (0 = none)'),
    on_status_codes: z.array(z.int().min(100).max(599)).optional().describe('Default: 429, 500–504, 529'),
    use_retry_after_header: z
      .boolean()
      .optional()
      .describe('Honour retry-after / retry-after-ms (default true)'),
  })
  .strict();

const overrideParamsSchema = z
  .object({
    max_tokens: z.int().positive().optional(),
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.int().positive().optional(),
    stop: z.array(z.string()).optional(),
  })
  .strict()
  .describe('Request parameters this target overrides');

const capacitySchema = z
  .object({
    requests_per_second: z.number().positive().describe('Sustained calls per second to the target'),
    burst: z.int().min(1).optional().describe('Calls allowed at once after a quiet spell (default 1)'),
  })
  .strict()
  .describe(
    "This gateway's pace for each target under it, shared by all replicas: calls beyond it go to a healthy alternative or wait their turn (within the deadline) instead of stampeding the target",
  );

const commonFields = {
  capacity: capacitySchema.optional(),
  weight: z.number().min(0).optional().describe('Share of traffic under a loadbalance parent'),
  retry: retrySchema.optional(),
  request_timeout: z.int().positive().optional().describe('Milliseconds for one attempt on a target'),
  override_params: overrideParamsSchema.optional(),
};

const targetFields = {
  provider: z.string().min(1).optional().describe('A configured provider name'),
  virtual_key: z
    .string()
    .min(1)
    .optional()
    .describe("Instead of provider: the name of one of the calling key's team's stored credentials"),
  model: z.string().min(1).optional().describe('Model alias or upstream id; defaults to the requested model'),
  ...commonFields,
};

// A target names exactly one upstream account: a configured provider, or a team credential by name.
function oneUpstream(
  target: { provider?: string | undefined; virtual_key?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if (target.provider === undefined && target.virtual_key === undefined)
    ctx.addIssue({ code: 'custom', message: 'a target needs provider or virtual_key', path: ['provider'] });
  else if (target.provider !== undefined && target.virtual_key !== undefined)
    ctx.addIssue({
      code: 'custom',
      message: 'give provider or virtual_key, not both',
      path: ['virtual_key'],
    });
}

/** A leaf: one provider (or team credential) × model. */
export const targetNodeSchema = z.object(targetFields).strict().superRefine(oneUpstream);

/** An inner node: a strategy over targets, which may themselves be strategies. */
export interface StrategyNodeInput {
  strategy: { mode: 'fallback' | 'loadbalance' | 'single'; on_status_codes?: number[] | undefined };
  targets: Array<StrategyNodeInput | z.input<typeof targetNodeSchema>>;
  weight?: number | undefined;
  retry?: z.input<typeof retrySchema> | undefined;
  request_timeout?: number | undefined;
  override_params?: z.input<typeof overrideParamsSchema> | undefined;
  capacity?: z.input<typeof capacitySchema> | undefined;
}

export const strategyNodeSchema: z.ZodType<StrategyNodeInput> = z.lazy(() =>
  z
    .object({
      strategy: z
        .object({
          mode: z.enum(['fallback', 'loadbalance', 'single']),
          on_status_codes: z.array(z.int().min(100).max(599)).optional(),
        })
        .strict(),
      targets: z.array(z.union([strategyNodeSchema, targetNodeSchema])).min(1),
      ...commonFields,
    })
    .strict(),
);

const requestLimits = {
  deadline: z
    .int()
    .positive()
    .optional()
    .describe('Milliseconds for the whole request, every retry and fallback included'),
  first_token_timeout: z
    .int()
    .positive()
    .optional()
    .describe('Milliseconds a stream may take to its first content'),
};

/** A routing config whose root is a strategy over targets. */
export const strategyRouteSchema = z
  .object({
    strategy: z
      .object({
        mode: z.enum(['fallback', 'loadbalance', 'single']),
        on_status_codes: z.array(z.int().min(100).max(599)).optional(),
      })
      .strict(),
    targets: z.array(z.union([strategyNodeSchema, targetNodeSchema])).min(1),
    ...commonFields,
    ...requestLimits,
  })
  .strict();

/** A routing config that is a single target. */
export const targetRouteSchema = z
  .object({ ...targetFields, ...requestLimits })
  .strict()
  .superRefine(oneUpstream);

/** A whole routing config: a strategy tree (or a single target) plus request-wide time limits. */
export const routeConfigSchema = z.union([strategyRouteSchema, targetRouteSchema]);

/**
 * Validates a routing config. Chooses the schema by shape first, so an error names the real path
 * (`strategy.mode`) rather than a union's "invalid input" at the root.
 */
export function parseRouteConfig(input: unknown): z.ZodSafeParseResult<RouteConfig> {
  const isStrategy =
    typeof input === 'object' && input !== null && ('strategy' in input || 'targets' in input);
  return isStrategy ? strategyRouteSchema.safeParse(input) : targetRouteSchema.safeParse(input);
}

export type RetryConfig = z.input<typeof retrySchema>;
export type TargetNodeConfig = z.output<typeof targetNodeSchema>;
export type RouteConfigInput = z.input<typeof routeConfigSchema>;
export type RouteConfig = z.output<typeof routeConfigSchema>;
