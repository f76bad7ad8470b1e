export { createGateway } from './create-gateway.js';
export type { Gateway, GatewayOptions } from './create-gateway.js';
export type { InProcessChat, InProcessChatOptions, InProcessChatResult } from './pipeline/in-process-chat.js';
export { completionEvents } from './pipeline/completion-events.js';
export type { RouteAttempt } from './routing/route-attempt.js';
export type { ExtraRoute, ExtraRouteContext } from './http/extra-routes.js';
export { gatewayConfigSchema, providerConfigSchema } from './config/gateway-config-schema.js';
export type { GatewayConfig, GatewayConfigInput, ProviderConfig } from './config/gateway-config-schema.js';
export { ConfigError } from './config/format-config-error.js';
export {
  parseGatewayConfig,
  loadGatewayConfigFile,
  configFromEnvironment,
  simulatedConfig,
} from './config/load-gateway-config.js';
export type { Environment } from './config/load-gateway-config.js';
export { DEFAULT_MODEL_CATALOG } from './config/default-model-catalog.js';
export { createLogger } from './observability/logger.js';
export { createTenancy } from './tenancy/tenancy-service.js';
export type {
  CreatedKey,
  CredentialSecrets,
  CredentialView,
  KeyChanges,
  KeyView,
  NewKey,
  Tenancy,
  TenancyOptions,
  TeamView,
  UserView,
} from './tenancy/tenancy-service.js';
export { bootstrapTenancy } from './tenancy/tenancy-bootstrap.js';
export { KeyDirectory, KEYS_TOPIC } from './tenancy/tenancy-key-directory.js';
export { TenancyError } from './tenancy/tenancy-errors.js';
export type { TenancyErrorCode } from './tenancy/tenancy-errors.js';
export { resolveAdminToken, resolveMasterKey } from './tenancy/tenancy-local-secrets.js';
export type { LocalSecret } from './tenancy/tenancy-local-secrets.js';
export type { GatewayTenancy } from './tenancy/gateway-tenancy.js';
export type { Endpoint, KeyScopes, Limits, Principal } from './tenancy/principal.js';
export type { AdminApi, AdminExtraRoute } from './admin/handle-admin-route.js';
export type { Logger } from './observability/logger.js';
export { createUpstreamTransport } from './transport/upstream-transport.js';
export type { UpstreamTransport, UpstreamHttpResponse } from './transport/upstream-transport.js';
export { costOf, createPriceBook, formatNanosUsd, usdPerMillionToNanos } from './pricing/price-book.js';
export type { Cost, CostBreakdown, PriceBook } from './pricing/price-book.js';
export type { ModelPriceUsd } from './pricing/price-table.js';
export { normalizeModelId } from './pricing/pricing-model-id.js';
export { preparePromptCache } from './prompt-cache/prompt-cache-prepare.js';
export type { CacheTarget, PrepareOptions, PreparedRequest } from './prompt-cache/prompt-cache-prepare.js';
export {
  addTally,
  cacheableTokens,
  emptyTally,
  hitRate,
  savedNanos,
  tallyOf,
} from './prompt-cache/prompt-cache-stats.js';
export type { CacheTally } from './prompt-cache/prompt-cache-stats.js';
export { minimumCacheableTokens } from './prompt-cache/prompt-cache-minimums.js';
export { prepareRules } from './prompt-cache/prompt-cache-canonicalize.js';
export { DEFAULT_VOLATILE_RULES } from './prompt-cache/prompt-cache-volatile-rules.js';
export type { VolatileRules } from './prompt-cache/prompt-cache-volatile-rules.js';
export { UsageMetering } from './ledger/usage-metering.js';
export type { UsageMeteringOptions } from './ledger/usage-metering.js';
export { LimitExceededError } from './limits/limit-exceeded-error.js';
export type { LimitRefusal } from './limits/limit-exceeded-error.js';
export { signWebhook, verifyWebhook } from './webhooks/sign-webhook.js';
export type { WebhookEndpointConfig } from './webhooks/webhook-config-schema.js';
