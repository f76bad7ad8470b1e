// Who is calling, as authentication hands it to the rest of a request: the key, its user and team, what the key
// may reach, its own routing config and the limits at each level. See docs/TENANCY.md.
import type { RouteConfig } from '../routing/strategy-config-schema.js';

/** The inbound endpoints a key's scope can allow. */
export type Endpoint = 'chat.completions' | 'messages' | 'models' | 'usage';

/** What a key may reach; an absent list allows everything of that kind. */
export interface KeyScopes {
  /** Configured provider names (or credential names of `virtual_key` targets). */
  providers?: readonly string[];
  /** Requested model names, and upstream model ids. */
  models?: readonly string[];
  endpoints?: readonly Endpoint[];
}

/** Rate limits and budgets at one level (key, user or team); an absent field is no limit. */
export interface Limits {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  tokensPerHour?: number;
  /** USD as an exact decimal string, e.g. "5.00". */
  usdPerDay?: string;
  usdPerMonth?: string;
}

/** An authenticated caller. */
export interface Principal {
  keyId: string;
  userId: string;
  teamId: string;
  scopes: KeyScopes;
  /** The key's own strategy tree, validated when it was stored. */
  route?: RouteConfig;
  /** Per-key switch of the prompt-cache planner; undefined = the gateway's default. */
  promptCache?: boolean;
  limits: { key: Limits; user: Limits; team: Limits };
}
