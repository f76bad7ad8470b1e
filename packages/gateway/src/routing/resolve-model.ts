// Which provider and upstream model serve a requested model name. Clients may ask for a catalog alias
// (`claude-sonnet-4-5`), pin a provider (`bedrock/claude-sonnet-4-5`), or name an upstream id directly.
import { InvalidRequestError } from '@rampart/spec';
import type { GatewayConfig } from '../config/gateway-config-schema.js';
import type { ProviderEntry, ProviderRegistry } from '../providers/create-provider-registry.js';

/** One way to serve a request: a provider and the model id it knows. */
export interface ModelCandidate {
  provider: ProviderEntry;
  upstreamModel: string;
}

/** Resolves model names against the catalog; built once, then answers in a map lookup. */
export class ModelResolver {
  private readonly byName = new Map<string, ModelCandidate[]>();

  constructor(
    config: GatewayConfig,
    private readonly registry: ProviderRegistry,
  ) {
    for (const [alias, targets] of Object.entries(config.models)) {
      const candidates: ModelCandidate[] = [];
      for (const [providerName, upstreamModel] of Object.entries(targets)) {
        const provider = registry.get(providerName);
        if (!provider) continue;
        const candidate = { provider, upstreamModel };
        candidates.push(candidate);
        this.add(`${providerName}/${alias}`, candidate);
        this.add(`${providerName}/${upstreamModel}`, candidate);
        this.add(upstreamModel, candidate);
      }
      for (const candidate of candidates) this.add(alias, candidate);
    }
  }

  /** Every candidate for a model name, in preference order; throws not_found for an unknown model. */
  resolve(model: string): ModelCandidate[] {
    const known = this.byName.get(model);
    if (known) return known;
    // `provider/anything`: pass an unlisted model id straight to a configured provider.
    const slash = model.indexOf('/');
    if (slash > 0) {
      const provider = this.registry.get(model.slice(0, slash));
      if (provider) return [{ provider, upstreamModel: model.slice(slash + 1) }];
    }
    throw new InvalidRequestError(
      `The model \`${model}\` does not exist or is not configured on this gateway.`,
      {
        code: 'not_found',
        param: 'model',
      },
    );
  }

  /**
   * The candidate for `model` on one named provider: a catalog alias or upstream id known for it, else
   * the model id passed through unchanged (providers know models the catalog does not).
   */
  resolveOnProvider(providerName: string, model: string): ModelCandidate | 'unknown-provider' {
    const known = this.byName.get(`${providerName}/${model}`)?.[0];
    if (known) return known;
    const provider = this.registry.get(providerName);
    return provider ? { provider, upstreamModel: model } : 'unknown-provider';
  }

  /** Model names clients may use, for GET /v1/models. */
  aliases(): string[] {
    return [...this.byName.keys()].filter((name) => !name.includes('/'));
  }

  private add(name: string, candidate: ModelCandidate): void {
    const list = this.byName.get(name);
    if (!list) this.byName.set(name, [candidate]);
    else if (!list.includes(candidate)) list.push(candidate);
  }
}
