// Turns configured providers into adapters plus the endpoint and credentials to call them with.
import {
  createAnthropicAdapter,
  createBedrockConverseAdapter,
  createBedrockInvokeAdapter,
  createOpenAIAdapter,
  type ProviderAdapter,
  type ProviderCredentials,
} from '@rampart/providers';
import type { GatewayConfig, ProviderConfig } from '../config/gateway-config-schema.js';

/** One configured upstream account, ready to call. */
export interface ProviderEntry {
  /** The name it has in the config, e.g. `anthropic` or `bedrock-eu`. */
  name: string;
  type: ProviderConfig['type'];
  adapter: ProviderAdapter;
  baseUrl: string;
  credentials: ProviderCredentials;
  region?: string;
  /** Set when the entry carries a team's stored credential (a `virtual_key` target) instead of the config's. */
  credential?: { teamId: string; name: string };
}

/** Providers by configured name. */
export type ProviderRegistry = ReadonlyMap<string, ProviderEntry>;

/** Builds the registry once at start-up. */
export function createProviderRegistry(config: GatewayConfig): ProviderRegistry {
  const registry = new Map<string, ProviderEntry>();
  for (const [name, provider] of Object.entries(config.providers))
    registry.set(name, providerEntry(name, provider));
  return registry;
}

/** The entry of one configured provider (also used with a team credential's secrets swapped in). */
export function providerEntry(name: string, provider: ProviderConfig): ProviderEntry {
  switch (provider.type) {
    case 'openai':
      return {
        name,
        type: provider.type,
        adapter: createOpenAIAdapter({ provider: 'openai' }),
        baseUrl: trim(provider.baseUrl),
        credentials: apiKey(provider.apiKey),
      };
    case 'openai-compatible':
      return {
        name,
        type: provider.type,
        // Any provider name but `openai` selects the adapter's lenient dialect for compatible servers.
        adapter: createOpenAIAdapter({ provider: name === 'openai' ? 'openai-compatible' : name }),
        baseUrl: trim(provider.baseUrl),
        credentials: provider.apiKey ? apiKey(provider.apiKey) : { kind: 'none' },
      };
    case 'anthropic':
      return {
        name,
        type: provider.type,
        adapter: createAnthropicAdapter({ provider: name }),
        baseUrl: trim(provider.baseUrl),
        credentials: apiKey(provider.apiKey),
      };
    case 'bedrock': {
      const adapter =
        provider.api === 'invoke' ? createBedrockInvokeAdapter() : createBedrockConverseAdapter();
      const credentials: ProviderCredentials = provider.apiKey
        ? apiKey(provider.apiKey)
        : {
            kind: 'aws-sigv4',
            accessKeyId: provider.accessKeyId ?? '',
            secretAccessKey: provider.secretAccessKey ?? '',
            ...(provider.sessionToken ? { sessionToken: provider.sessionToken } : {}),
          };
      const baseUrl = trim(provider.baseUrl ?? `https://bedrock-runtime.${provider.region}.amazonaws.com`);
      return { name, type: provider.type, adapter, baseUrl, credentials, region: provider.region };
    }
  }
}

function apiKey(key: string): ProviderCredentials {
  return { kind: 'api-key', apiKey: key };
}

function trim(url: string): string {
  return url.replace(/\/+$/, '');
}
