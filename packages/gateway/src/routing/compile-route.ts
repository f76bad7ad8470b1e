// Turns a validated routing config into a tree the executor walks without further lookups: every leaf
// knows its provider, upstream model, breaker key and the retry / timeout / overrides it inherited.
import { InvalidRequestError } from '@rampart/spec';
import type { ProviderEntry } from '../providers/create-provider-registry.js';
import type { ModelCandidate, ModelResolver } from './resolve-model.js';
import {
  DEFAULT_FALLBACK_STATUSES,
  type RouteConfig,
  type StrategyNodeInput,
  type TargetNodeConfig,
} from './strategy-config-schema.js';

/** Retry settings of one leaf after inheritance and defaults. */
export interface LeafRetry {
  attempts: number;
  onStatusCodes: ReadonlySet<number>;
  useRetryAfter: boolean;
}

/** The pace this gateway keeps for a target (config `capacity`), shared by all replicas. */
export interface TargetCapacity {
  requestsPerSecond: number;
  burst: number;
}

/** Parameters a target overrides on the request. */
export interface ParamOverrides {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
}

/** One provider × model to try. */
export interface RouteLeaf {
  kind: 'target';
  /** Where it sits in the config, e.g. `targets[1].targets[0]`: names it in headers and logs. */
  path: string;
  candidate: ModelCandidate;
  /** Identity of the upstream for breakers and metrics: provider × model × credential. */
  breakerKey: string;
  weight: number;
  retry: LeafRetry;
  requestTimeoutMs: number | undefined;
  overrides: ParamOverrides;
  capacity?: TargetCapacity | undefined;
}

/** A strategy over children. */
export interface RouteBranch {
  kind: 'fallback' | 'loadbalance';
  path: string;
  weight: number;
  /** Statuses that move a fallback on to its next child. */
  onStatusCodes: ReadonlySet<number>;
  children: RouteNode[];
}

/** A node of the compiled tree. */
export type RouteNode = RouteLeaf | RouteBranch;

/** A compiled route with its request-wide limits. */
export interface CompiledRoute {
  root: RouteNode;
  deadlineMs: number | undefined;
  firstTokenTimeoutMs: number | undefined;
}

/** The calling team's credentials as ready-to-call provider entries, by name (for `virtual_key` targets). */
export type CredentialLookup = (name: string) => ProviderEntry | undefined;

/** What a node passes down to its children. */
export interface Inherited {
  retry: LeafRetry;
  requestTimeoutMs: number | undefined;
  overrides: ParamOverrides;
  capacity?: TargetCapacity | undefined;
}

const DEFAULT_RETRY: LeafRetry = {
  attempts: 0,
  onStatusCodes: new Set([429, 500, 502, 503, 504, 529]),
  useRetryAfter: true,
};

/** What the root of every route starts from. */
export const ROOT_INHERITED: Inherited = { retry: DEFAULT_RETRY, requestTimeoutMs: undefined, overrides: {} };

/**
 * Compiles `config` for a request that asked for `requestedModel`. Problems (unknown provider, unknown
 * model for that provider) are InvalidRequestErrors whose `param` is `${source}.targets[1].provider`.
 */
export function compileRoute(
  config: RouteConfig,
  requestedModel: string,
  resolver: ModelResolver,
  source: string,
  credentials?: CredentialLookup,
): CompiledRoute {
  const root = compileNode(config, '', ROOT_INHERITED, requestedModel, resolver, source, credentials);
  return { root, deadlineMs: config.deadline, firstTokenTimeoutMs: config.first_token_timeout };
}

function compileNode(
  node: StrategyNodeInput | TargetNodeConfig,
  path: string,
  parent: Inherited,
  requestedModel: string,
  resolver: ModelResolver,
  source: string,
  credentials: CredentialLookup | undefined,
): RouteNode {
  const inherited = inherit(parent, node);
  const weight = node.weight ?? 1;
  if (!('strategy' in node)) {
    const model = node.model ?? requestedModel;
    if (node.virtual_key !== undefined)
      return leafFor(
        credentialCandidate(node.virtual_key, model, path, resolver, source, credentials),
        path,
        weight,
        inherited,
      );
    const candidate = resolver.resolveOnProvider(node.provider ?? '', model);
    if (candidate === 'unknown-provider') {
      throw new InvalidRequestError(`No provider named "${node.provider ?? ''}" is configured.`, {
        param: `${source}${path && `.${path}`}.provider`,
      });
    }
    return leafFor(candidate, path, weight, inherited);
  }
  const children = node.targets.map((child, i) =>
    compileNode(
      child,
      `${path ? `${path}.` : ''}targets[${i}]`,
      inherited,
      requestedModel,
      resolver,
      source,
      credentials,
    ),
  );
  if (node.strategy.mode === 'single') {
    // `single` means: use the first target. Keep its weight so a parent loadbalance still sees it.
    const [first] = children;
    if (!first)
      throw new InvalidRequestError('A strategy needs at least one target.', {
        param: `${source}.${path}targets`,
      });
    return first;
  }
  return {
    kind: node.strategy.mode,
    path,
    weight,
    onStatusCodes: new Set(node.strategy.on_status_codes ?? DEFAULT_FALLBACK_STATUSES),
    children,
  };
}

// A `virtual_key` target: the credential's configured provider resolves the model (catalog aliases work the same),
// the credential's own entry carries its secrets.
function credentialCandidate(
  name: string,
  model: string,
  path: string,
  resolver: ModelResolver,
  source: string,
  credentials: CredentialLookup | undefined,
): ModelCandidate {
  const param = `${source}${path && `.${path}`}.virtual_key`;
  if (credentials === undefined)
    throw new InvalidRequestError('virtual_key targets need a request authenticated by a virtual key.', {
      param,
    });
  const entry = credentials(name);
  if (entry === undefined)
    throw new InvalidRequestError(`No credential named "${name}" belongs to this key's team.`, { param });
  const base = resolver.resolveOnProvider(entry.name, model);
  if (base === 'unknown-provider')
    throw new InvalidRequestError(
      `Credential "${name}" names provider "${entry.name}", which is not configured.`,
      { param },
    );
  return { provider: entry, upstreamModel: base.upstreamModel };
}

function inherit(parent: Inherited, node: StrategyNodeInput | TargetNodeConfig): Inherited {
  const retry = node.retry
    ? {
        attempts: node.retry.attempts,
        onStatusCodes: node.retry.on_status_codes
          ? new Set(node.retry.on_status_codes)
          : parent.retry.onStatusCodes,
        useRetryAfter: node.retry.use_retry_after_header ?? parent.retry.useRetryAfter,
      }
    : parent.retry;
  const o = node.override_params;
  const overrides: ParamOverrides = o
    ? {
        ...parent.overrides,
        ...(o.max_tokens !== undefined ? { maxTokens: o.max_tokens } : {}),
        ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
        ...(o.top_p !== undefined ? { topP: o.top_p } : {}),
        ...(o.top_k !== undefined ? { topK: o.top_k } : {}),
        ...(o.stop !== undefined ? { stop: o.stop } : {}),
      }
    : parent.overrides;
  const capacity = node.capacity
    ? { requestsPerSecond: node.capacity.requests_per_second, burst: node.capacity.burst ?? 1 }
    : parent.capacity;
  return { retry, requestTimeoutMs: node.request_timeout ?? parent.requestTimeoutMs, overrides, capacity };
}

/** A leaf for one candidate. */
export function leafFor(
  candidate: ModelCandidate,
  path: string,
  weight: number,
  inherited: Inherited,
): RouteLeaf {
  return {
    kind: 'target',
    path,
    candidate,
    // A team credential is its own upstream account: its failures must not open the operator's breaker.
    breakerKey: `${candidate.provider.name}|${candidate.upstreamModel}${
      candidate.provider.credential
        ? `|vk:${candidate.provider.credential.teamId}/${candidate.provider.credential.name}`
        : ''
    }`,
    weight,
    retry: inherited.retry,
    requestTimeoutMs: inherited.requestTimeoutMs,
    overrides: inherited.overrides,
    capacity: inherited.capacity,
  };
}
