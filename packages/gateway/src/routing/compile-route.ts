// Turns a validated routing config into a tree the executor walks without further lookups: every leaf
// knows its provider, upstream model, breaker key and the retry / timeout / overrides it inherited.
import { InvalidRequestError } from '@rampart/spec';
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

/** What a node passes down to its children. */
export interface Inherited {
  retry: LeafRetry;
  requestTimeoutMs: number | undefined;
  overrides: ParamOverrides;
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
): CompiledRoute {
  const root = compileNode(config, '', ROOT_INHERITED, requestedModel, resolver, source);
  return { root, deadlineMs: config.deadline, firstTokenTimeoutMs: config.first_token_timeout };
}

function compileNode(
  node: StrategyNodeInput | TargetNodeConfig,
  path: string,
  parent: Inherited,
  requestedModel: string,
  resolver: ModelResolver,
  source: string,
): RouteNode {
  const inherited = inherit(parent, node);
  const weight = node.weight ?? 1;
  if ('provider' in node) {
    const model = node.model ?? requestedModel;
    const candidate = resolver.resolveOnProvider(node.provider, model);
    if (candidate === 'unknown-provider') {
      throw new InvalidRequestError(`No provider named "${node.provider}" is configured.`, {
        param: `${source}${path && `.${path}`}.provider`,
      });
    }
    return leafFor(candidate, path, weight, inherited);
  }
  const children = node.targets.map((child, i) =>
    compileNode(child, `${path ? `${path}.` : ''}targets[${i}]`, inherited, requestedModel, resolver, source),
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
  return { retry, requestTimeoutMs: node.request_timeout ?? parent.requestTimeoutMs, overrides };
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
    breakerKey: `${candidate.provider.name}|${candidate.upstreamModel}`,
    weight,
    retry: inherited.retry,
    requestTimeoutMs: inherited.requestTimeoutMs,
    overrides: inherited.overrides,
  };
}
