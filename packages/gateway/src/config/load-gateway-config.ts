// Where the gateway's configuration comes from: a JSON file when given, otherwise provider credentials
// found in the environment. Secrets written as `env:NAME` are resolved here, once, at start-up.
import { readFile } from 'node:fs/promises';
import { DEFAULT_MODEL_CATALOG } from './default-model-catalog.js';
import { ConfigError, describeIssues } from './format-config-error.js';
import {
  gatewayConfigSchema,
  type GatewayConfig,
  type GatewayConfigInput,
  type ProviderConfig,
} from './gateway-config-schema.js';

/** Environment variables the gateway reads credentials from when there is no config file. */
export type Environment = Record<string, string | undefined>;

/** Validates a parsed config object, resolves env: secrets and merges the default model catalog. */
export function parseGatewayConfig(input: unknown, env: Environment, source: string): GatewayConfig {
  const parsed = gatewayConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(source, describeIssues(parsed.error.issues));
  const config = parsed.data;
  const problems: string[] = [];
  for (const [name, provider] of Object.entries(config.providers)) {
    config.providers[name] = resolveSecrets(provider, `providers.${name}`, env, problems);
  }
  for (const [alias, targets] of Object.entries(config.models)) {
    for (const providerName of Object.keys(targets)) {
      if (!(providerName in config.providers)) {
        problems.push(`models.${alias}.${providerName}: no provider named "${providerName}" is configured`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(source, problems);
  config.models = { ...defaultModelsFor(config.providers), ...config.models };
  return config;
}

/** Reads and validates a JSON config file. */
export async function loadGatewayConfigFile(path: string, env: Environment): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [`not valid JSON: ${(error as Error).message}`]);
  }
  return parseGatewayConfig(json, env, path);
}

/**
 * Builds a config from credentials in the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, AWS_* or
 * AWS_BEARER_TOKEN_BEDROCK). Returns undefined when there are none: the caller then simulates providers.
 */
export function configFromEnvironment(env: Environment): GatewayConfig | undefined {
  const providers: GatewayConfigInput['providers'] = {};
  if (env.OPENAI_API_KEY) {
    providers.openai = {
      type: 'openai',
      apiKey: 'env:OPENAI_API_KEY',
      ...(env.OPENAI_BASE_URL ? { baseUrl: env.OPENAI_BASE_URL } : {}),
    };
  }
  if (env.ANTHROPIC_API_KEY) {
    providers.anthropic = {
      type: 'anthropic',
      apiKey: 'env:ANTHROPIC_API_KEY',
      ...(env.ANTHROPIC_BASE_URL ? { baseUrl: env.ANTHROPIC_BASE_URL } : {}),
    };
  }
  const awsCredentials = env.AWS_BEARER_TOKEN_BEDROCK
    ? { apiKey: 'env:AWS_BEARER_TOKEN_BEDROCK' }
    : env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          accessKeyId: 'env:AWS_ACCESS_KEY_ID',
          secretAccessKey: 'env:AWS_SECRET_ACCESS_KEY',
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: 'env:AWS_SESSION_TOKEN' } : {}),
        }
      : undefined;
  if (awsCredentials) {
    const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
    providers.bedrock = { type: 'bedrock', api: 'invoke', region, ...awsCredentials };
    providers['bedrock-converse'] = { type: 'bedrock', api: 'converse', region, ...awsCredentials };
  }
  if (Object.keys(providers).length === 0) return undefined;
  return parseGatewayConfig({ providers }, env, 'the environment');
}

/** A config that sends every provider to a local simulator at `simulatorUrl`. */
export function simulatedConfig(simulatorUrl: string): GatewayConfig {
  const key = 'simulated-key';
  return parseGatewayConfig(
    {
      providers: {
        openai: { type: 'openai', baseUrl: `${simulatorUrl}/v1`, apiKey: key },
        anthropic: { type: 'anthropic', baseUrl: simulatorUrl, apiKey: key },
        bedrock: { type: 'bedrock', api: 'invoke', region: 'us-east-1', baseUrl: simulatorUrl, apiKey: key },
        'bedrock-converse': {
          type: 'bedrock',
          api: 'converse',
          region: 'us-east-1',
          baseUrl: simulatorUrl,
          apiKey: key,
        },
      },
    },
    {},
    'the simulated defaults',
  );
}

function defaultModelsFor(providers: GatewayConfig['providers']): GatewayConfig['models'] {
  const models: GatewayConfig['models'] = {};
  for (const [alias, targets] of Object.entries(DEFAULT_MODEL_CATALOG)) {
    const available = Object.entries(targets).filter(([providerName]) => providerName in providers);
    if (available.length > 0) models[alias] = Object.fromEntries(available);
  }
  return models;
}

const SECRET_FIELDS = ['apiKey', 'accessKeyId', 'secretAccessKey', 'sessionToken'] as const;

function resolveSecrets(
  provider: ProviderConfig,
  path: string,
  env: Environment,
  problems: string[],
): ProviderConfig {
  const resolved: Record<string, unknown> = { ...provider };
  for (const field of SECRET_FIELDS) {
    const value = resolved[field];
    if (typeof value !== 'string' || !value.startsWith('env:')) continue;
    const variable = value.slice('env:'.length);
    const fromEnv = env[variable];
    if (fromEnv === undefined || fromEnv === '')
      problems.push(`${path}.${field}: environment variable ${variable} is not set`);
    else resolved[field] = fromEnv;
  }
  return resolved as ProviderConfig;
}
