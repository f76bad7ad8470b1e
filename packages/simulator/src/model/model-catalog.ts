// The models each simulated provider knows, as data: ids, aliases, output limits and the minimum cacheable prefix.

/** The three simulated upstreams. */
export type ProviderName = 'openai' | 'anthropic' | 'bedrock';

/** One model a simulated provider serves. */
export interface SimModel {
  provider: ProviderName;
  /** Canonical id (what `/v1/models` lists; Bedrock: the foundation-model id without profile prefix). */
  id: string;
  /** Other ids accepted in requests (dated snapshots, `-latest`, short names). */
  aliases?: readonly string[];
  /** The `model` value responses carry (OpenAI answers with the dated snapshot; Bedrock with the Claude name). */
  responseModel?: string;
  displayName?: string;
  /** Unix seconds (OpenAI `created`, Anthropic `created_at`). */
  created: number;
  maxOutputTokens: number;
  /** Shorter prefixes are silently not cached. */
  minCacheTokens: number;
  /** Reasoning models (gpt-5, o-series) refuse `max_tokens` and non-default sampling. */
  reasoning?: boolean;
}

const CLAUDE: ReadonlyArray<{
  id: string;
  aliases: string[];
  bedrock: string;
  name: string;
  created: string;
  maxOut: number;
  minCache: number;
}> = [
  {
    id: 'claude-opus-4-6',
    aliases: [],
    bedrock: 'anthropic.claude-opus-4-6-v1',
    name: 'Claude Opus 4.6',
    created: '2026-02-05',
    maxOut: 128000,
    minCache: 4096,
  },
  {
    id: 'claude-sonnet-4-6',
    aliases: [],
    bedrock: 'anthropic.claude-sonnet-4-6',
    name: 'Claude Sonnet 4.6',
    created: '2026-02-17',
    maxOut: 64000,
    minCache: 2048,
  },
  {
    id: 'claude-opus-4-5-20251101',
    aliases: ['claude-opus-4-5'],
    bedrock: 'anthropic.claude-opus-4-5-20251101-v1:0',
    name: 'Claude Opus 4.5',
    created: '2025-11-24',
    maxOut: 64000,
    minCache: 4096,
  },
  {
    id: 'claude-haiku-4-5-20251001',
    aliases: ['claude-haiku-4-5'],
    bedrock: 'anthropic.claude-haiku-4-5-20251001-v1:0',
    name: 'Claude Haiku 4.5',
    created: '2025-10-15',
    maxOut: 64000,
    minCache: 4096,
  },
  {
    id: 'claude-sonnet-4-5-20250929',
    aliases: ['claude-sonnet-4-5'],
    bedrock: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
    name: 'Claude Sonnet 4.5',
    created: '2025-09-29',
    maxOut: 64000,
    minCache: 1024,
  },
  {
    id: 'claude-opus-4-1-20250805',
    aliases: ['claude-opus-4-1'],
    bedrock: 'anthropic.claude-opus-4-1-20250805-v1:0',
    name: 'Claude Opus 4.1',
    created: '2025-08-05',
    maxOut: 32000,
    minCache: 1024,
  },
  {
    id: 'claude-opus-4-20250514',
    aliases: ['claude-opus-4-0'],
    bedrock: 'anthropic.claude-opus-4-20250514-v1:0',
    name: 'Claude Opus 4',
    created: '2025-05-22',
    maxOut: 32000,
    minCache: 1024,
  },
  {
    id: 'claude-sonnet-4-20250514',
    aliases: ['claude-sonnet-4-0'],
    bedrock: 'anthropic.claude-sonnet-4-20250514-v1:0',
    name: 'Claude Sonnet 4',
    created: '2025-05-22',
    maxOut: 64000,
    minCache: 1024,
  },
  {
    id: 'claude-3-7-sonnet-20250219',
    aliases: ['claude-3-7-sonnet-latest'],
    bedrock: 'anthropic.claude-3-7-sonnet-20250219-v1:0',
    name: 'Claude Sonnet 3.7',
    created: '2025-02-24',
    maxOut: 64000,
    minCache: 1024,
  },
  {
    id: 'claude-3-5-haiku-20241022',
    aliases: ['claude-3-5-haiku-latest'],
    bedrock: 'anthropic.claude-3-5-haiku-20241022-v1:0',
    name: 'Claude Haiku 3.5',
    created: '2024-10-22',
    maxOut: 8192,
    minCache: 2048,
  },
];

const OPENAI: ReadonlyArray<{
  id: string;
  snapshot: string;
  created: number;
  maxOut: number;
  reasoning?: boolean;
}> = [
  { id: 'gpt-4o', snapshot: 'gpt-4o-2024-08-06', created: 1715367049, maxOut: 16384 },
  { id: 'gpt-4o-mini', snapshot: 'gpt-4o-mini-2024-07-18', created: 1721172741, maxOut: 16384 },
  { id: 'gpt-4.1', snapshot: 'gpt-4.1-2025-04-14', created: 1744316542, maxOut: 32768 },
  { id: 'gpt-4.1-mini', snapshot: 'gpt-4.1-mini-2025-04-14', created: 1744318173, maxOut: 32768 },
  { id: 'gpt-4.1-nano', snapshot: 'gpt-4.1-nano-2025-04-14', created: 1744321707, maxOut: 32768 },
  { id: 'gpt-5', snapshot: 'gpt-5-2025-08-07', created: 1754425777, maxOut: 128000, reasoning: true },
  {
    id: 'gpt-5-mini',
    snapshot: 'gpt-5-mini-2025-08-07',
    created: 1754425867,
    maxOut: 128000,
    reasoning: true,
  },
  {
    id: 'gpt-5-nano',
    snapshot: 'gpt-5-nano-2025-08-07',
    created: 1754426384,
    maxOut: 128000,
    reasoning: true,
  },
];

/** The built-in catalog: OpenAI GPT models, Claude on Anthropic, Claude on Bedrock. */
export function defaultModels(): SimModel[] {
  const models: SimModel[] = [];
  for (const m of OPENAI) {
    models.push({
      provider: 'openai',
      id: m.id,
      aliases: [m.snapshot],
      responseModel: m.snapshot,
      created: m.created,
      maxOutputTokens: m.maxOut,
      minCacheTokens: 1024,
      ...(m.reasoning ? { reasoning: true } : {}),
    });
  }
  for (const c of CLAUDE) {
    const created = Date.parse(`${c.created}T00:00:00Z`) / 1000;
    const common = { displayName: c.name, created, maxOutputTokens: c.maxOut, minCacheTokens: c.minCache };
    models.push({ provider: 'anthropic', id: c.id, aliases: c.aliases, responseModel: c.id, ...common });
    models.push({ provider: 'bedrock', id: c.bedrock, responseModel: c.id, ...common });
  }
  return models;
}

/** Bedrock cross-region inference profile prefixes (`us.anthropic.…`, `global.anthropic.…`). */
export const BEDROCK_PROFILE_PREFIXES = [
  'us-gov.',
  'us.',
  'eu.',
  'apac.',
  'au.',
  'jp.',
  'ca.',
  'global.',
] as const;

/** Looks model ids up per provider, resolving aliases, Bedrock profile prefixes and ARNs. */
export class ModelCatalog {
  readonly #byKey = new Map<string, SimModel>();
  readonly #models: SimModel[];

  constructor(models: readonly SimModel[]) {
    this.#models = [...models];
    for (const m of models) {
      for (const id of [m.id, ...(m.aliases ?? [])]) this.#byKey.set(`${m.provider}\u0000${id}`, m);
    }
  }

  /** All models of one provider, in catalog order. */
  list(provider: ProviderName): SimModel[] {
    return this.#models.filter((m) => m.provider === provider);
  }

  /** Resolve a requested id, or undefined when the provider does not serve it. */
  find(provider: ProviderName, requested: string): SimModel | undefined {
    if (provider !== 'bedrock') return this.#byKey.get(`${provider}\u0000${requested}`);
    // arn:aws:bedrock:us-east-1:123:inference-profile/us.anthropic.claude-… or …::foundation-model/anthropic.claude-…
    let id = requested.startsWith('arn:') ? requested.slice(requested.lastIndexOf('/') + 1) : requested;
    const prefix = BEDROCK_PROFILE_PREFIXES.find((p) => id.startsWith(p));
    if (prefix) id = id.slice(prefix.length);
    return this.#byKey.get(`bedrock\u0000${id}`);
  }
}
