// Which route serves a request: the `x-rampart-config` header if sent, else the config file's route for the
// model, else a fallback over every provider the catalog lists for the model (never trust one provider).
// Compiled routes are cached: the hot path is a map lookup.
import { InvalidRequestError } from '@rampart/spec';
import type { z } from 'zod';
import { describeIssues } from '../config/format-config-error.js';
import {
  ROOT_INHERITED,
  compileRoute,
  leafFor,
  type CompiledRoute,
  type RouteNode,
} from './compile-route.js';
import type { ModelResolver } from './resolve-model.js';
import { DEFAULT_FALLBACK_STATUSES, parseRouteConfig, type RouteConfig } from './strategy-config-schema.js';

const HEADER = 'x-rampart-config';
const MAX_CACHED_HEADERS = 1_000;

/** Resolves and caches routes. */
export class RouteResolver {
  readonly #models: ModelResolver;
  readonly #configured: Readonly<Record<string, RouteConfig>>;
  readonly #byModel = new Map<string, CompiledRoute>();
  readonly #byHeader = new Map<string, CompiledRoute>();

  constructor(models: ModelResolver, configuredRoutes: Readonly<Record<string, RouteConfig>>) {
    this.#models = models;
    this.#configured = configuredRoutes;
  }

  /** The route for a request for `model`, optionally carrying a routing config in its header. */
  resolve(model: string, header: string | undefined): CompiledRoute {
    if (header !== undefined && header !== '') return this.#fromHeader(model, header);
    let route = this.#byModel.get(model);
    if (!route) {
      const configured = this.#configured[model];
      route = configured
        ? compileRoute(configured, model, this.#models, `routes.${model}`)
        : this.#catalogRoute(model);
      this.#byModel.set(model, route);
    }
    return route;
  }

  #fromHeader(model: string, header: string): CompiledRoute {
    const cacheKey = `${model}\n${header}`;
    const cached = this.#byHeader.get(cacheKey);
    if (cached) return cached;
    let json: unknown;
    try {
      json = JSON.parse(header);
    } catch (error) {
      throw new InvalidRequestError(`The ${HEADER} header is not valid JSON: ${(error as Error).message}`, {
        param: HEADER,
      });
    }
    const parsed = parseRouteConfig(json);
    if (!parsed.success) throw invalidRouteHeader(parsed.error);
    const route = compileRoute(parsed.data, model, this.#models, HEADER);
    if (this.#byHeader.size >= MAX_CACHED_HEADERS) this.#byHeader.clear();
    this.#byHeader.set(cacheKey, route);
    return route;
  }

  #catalogRoute(model: string): CompiledRoute {
    const candidates = this.#models.resolve(model);
    const leaves = candidates.map((candidate, i) =>
      leafFor(candidate, candidates.length > 1 ? `catalog[${i}]` : '', 1, ROOT_INHERITED),
    );
    const root: RouteNode =
      leaves.length === 1
        ? leaves[0]!
        : {
            kind: 'fallback',
            path: '',
            weight: 1,
            onStatusCodes: new Set(DEFAULT_FALLBACK_STATUSES),
            children: leaves,
          };
    return { root, deadlineMs: undefined, firstTokenTimeoutMs: undefined };
  }
}

/** The 400 for an x-rampart-config header that fails validation, naming the first problem's path. */
export function invalidRouteHeader(error: z.ZodError): InvalidRequestError {
  const [first, ...more] = describeIssues(error.issues);
  const path = first?.split(':', 1)[0] ?? '';
  return new InvalidRequestError(
    `Invalid ${HEADER}: ${HEADER}.${first ?? 'invalid'}${more.length > 0 ? ` (and ${more.length} more problems)` : ''}`,
    { param: `${HEADER}.${path}` },
  );
}
