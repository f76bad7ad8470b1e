// Which route serves an authenticated caller, and what of it the caller may reach. The route comes from the
// x-rampart-config header, else the key's own stored route, else the config file (or catalog) as for anyone.
// `virtual_key` targets resolve against the caller's team credentials. Then every leaf outside the key's provider
// and model scopes is cut from the tree: a key cannot reach an out-of-scope model by any route, header included.
import { InvalidRequestError, RampartError } from '@rampart/spec';
import {
  compileRoute,
  type CompiledRoute,
  type CredentialLookup,
  type RouteNode,
} from '../routing/compile-route.js';
import type { ModelResolver } from '../routing/resolve-model.js';
import { invalidRouteHeader, type RouteResolver } from '../routing/route-resolver.js';
import { parseRouteConfig, type RouteConfig } from '../routing/strategy-config-schema.js';
import type { GatewayTenancy } from './gateway-tenancy.js';
import type { Principal } from './principal.js';

const HEADER = 'x-rampart-config';
const MAX_CACHED = 1_000;

/** Resolves routes per caller, on top of the gateway's RouteResolver. */
export class TenancyRouteResolver {
  readonly #base: RouteResolver;
  readonly #models: ModelResolver;
  readonly #configured: Readonly<Record<string, RouteConfig>>;
  readonly #tenancy: GatewayTenancy | undefined;
  // Keyed by object identity: a principal or a credential lookup is replaced when what it stands for changes.
  readonly #byPrincipal = new WeakMap<Principal, Map<string, CompiledRoute>>();
  readonly #byCredentials = new WeakMap<CredentialLookup, Map<string, CompiledRoute>>();
  readonly #scoped = new WeakMap<Principal, WeakMap<CompiledRoute, CompiledRoute>>();
  readonly #allowedPairs = new WeakMap<Principal, ReadonlySet<string>>();

  constructor(
    base: RouteResolver,
    models: ModelResolver,
    configured: Readonly<Record<string, RouteConfig>>,
    tenancy: GatewayTenancy | undefined,
  ) {
    this.#base = base;
    this.#models = models;
    this.#configured = configured;
    this.#tenancy = tenancy;
  }

  /** The route for `model` (with the optional header) as `principal` may use it; anonymous callers get the base. */
  async resolve(
    model: string,
    header: string | undefined,
    principal: Principal | undefined,
  ): Promise<CompiledRoute> {
    if (principal === undefined) return this.#base.resolve(model, header);
    this.#checkRequestedModel(model, principal);
    const route = await this.#unscoped(model, header, principal);
    return this.#scope(route, model, principal);
  }

  /** Whether `principal` may ask for the model name `model` (for listings). */
  allowsModelName(model: string, principal: Principal | undefined): boolean {
    const models = principal?.scopes.models;
    if (models === undefined) return true;
    if (models.includes(model)) return true;
    const slash = model.indexOf('/');
    return slash > 0 && models.includes(model.slice(slash + 1));
  }

  #checkRequestedModel(model: string, principal: Principal): void {
    if (!this.allowsModelName(model, principal))
      throw new RampartError('permission_denied', `This key may not use the model \`${model}\`.`, {
        param: 'model',
      });
  }

  async #unscoped(model: string, header: string | undefined, principal: Principal): Promise<CompiledRoute> {
    if (header !== undefined && header !== '') {
      // Headers without team credentials compile (and cache) exactly as for anyone.
      if (!header.includes('virtual_key')) return this.#base.resolve(model, header);
      const credentials = await this.#credentials(principal);
      return this.#cached(this.#byCredentials, credentials, `h\n${model}\n${header}`, () =>
        compileRoute(parseHeader(header), model, this.#models, HEADER, credentials),
      );
    }
    if (principal.route !== undefined) {
      const own = principal.route;
      const credentials = hasVirtualKey(own) ? await this.#credentials(principal) : undefined;
      return this.#cached(this.#byPrincipal, principal, model, () =>
        compileRoute(own, model, this.#models, 'key.route', credentials),
      );
    }
    const configured = this.#configured[model];
    if (configured !== undefined && hasVirtualKey(configured)) {
      const credentials = await this.#credentials(principal);
      return this.#cached(this.#byCredentials, credentials, `c\n${model}`, () =>
        compileRoute(configured, model, this.#models, `routes.${model}`, credentials),
      );
    }
    return this.#base.resolve(model, undefined);
  }

  async #credentials(principal: Principal): Promise<CredentialLookup> {
    if (this.#tenancy === undefined) return () => undefined;
    return this.#tenancy.credentials(principal.teamId);
  }

  #cached<K extends object>(
    caches: WeakMap<K, Map<string, CompiledRoute>>,
    owner: K,
    key: string,
    compile: () => CompiledRoute,
  ): CompiledRoute {
    let cache = caches.get(owner);
    if (cache === undefined) caches.set(owner, (cache = new Map()));
    let route = cache.get(key);
    if (route === undefined) {
      route = compile();
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(key, route);
    }
    return route;
  }

  #scope(route: CompiledRoute, model: string, principal: Principal): CompiledRoute {
    const { providers, models } = principal.scopes;
    if (providers === undefined && models === undefined) return route;
    let byRoute = this.#scoped.get(principal);
    if (byRoute === undefined) this.#scoped.set(principal, (byRoute = new WeakMap()));
    let scoped = byRoute.get(route);
    if (scoped === undefined) {
      const root = this.#prune(route.root, principal);
      if (root === undefined)
        throw new RampartError(
          'permission_denied',
          `No target of the route for \`${model}\` is within this key's allowed providers and models.`,
          { param: 'model' },
        );
      scoped = { ...route, root };
      byRoute.set(route, scoped);
    }
    return scoped;
  }

  #prune(node: RouteNode, principal: Principal): RouteNode | undefined {
    if (node.kind === 'target') return this.#leafAllowed(node, principal) ? node : undefined;
    const children = node.children
      .map((child) => this.#prune(child, principal))
      .filter((child): child is RouteNode => child !== undefined);
    if (children.length === 0) return undefined;
    return children.length === node.children.length ? node : { ...node, children };
  }

  #leafAllowed(leaf: Extract<RouteNode, { kind: 'target' }>, principal: Principal): boolean {
    const { providers, models } = principal.scopes;
    const entry = leaf.candidate.provider;
    if (
      providers !== undefined &&
      !providers.includes(entry.name) &&
      !(entry.credential !== undefined && providers.includes(entry.credential.name))
    )
      return false;
    if (models === undefined || models.includes(leaf.candidate.upstreamModel)) return true;
    return this.#pairsOf(principal, models).has(`${entry.name}|${leaf.candidate.upstreamModel}`);
  }

  // Every provider × upstream id the allowed model names resolve to, so an allowed alias allows its targets.
  #pairsOf(principal: Principal, models: readonly string[]): ReadonlySet<string> {
    let pairs = this.#allowedPairs.get(principal);
    if (pairs === undefined) {
      const set = new Set<string>();
      for (const name of models) {
        try {
          for (const c of this.#models.resolve(name)) set.add(`${c.provider.name}|${c.upstreamModel}`);
        } catch {
          // A scope may name a model this gateway does not serve: it allows nothing more.
        }
      }
      this.#allowedPairs.set(principal, (pairs = set));
    }
    return pairs;
  }
}

function parseHeader(header: string): RouteConfig {
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
  return parsed.data;
}

/** Whether a routing config names any `virtual_key` target. */
export function hasVirtualKey(config: unknown): boolean {
  if (typeof config !== 'object' || config === null) return false;
  if ('virtual_key' in config && config.virtual_key !== undefined) return true;
  return 'targets' in config && Array.isArray(config.targets) && config.targets.some(hasVirtualKey);
}
