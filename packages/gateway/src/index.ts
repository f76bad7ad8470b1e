export { createGateway } from './create-gateway.js';
export type { Gateway, GatewayOptions } from './create-gateway.js';
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
export type { Logger } from './observability/logger.js';
export { createUpstreamTransport } from './transport/upstream-transport.js';
export type { UpstreamTransport, UpstreamHttpResponse } from './transport/upstream-transport.js';
