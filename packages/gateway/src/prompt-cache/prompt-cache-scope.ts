// The prompt cache's per-request scope: the request's `x-rampart-cache` switch over the virtual key's own
// switch over the config default, and the caller's label in metrics (the key id, or the hashed inbound credential
// when auth is off), turned into a function that gives each upstream call its cache hooks. Passed explicitly down
// to the call (AsyncLocalStorage would tax every promise on the request path under Node 20's async hooks).
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ModelCandidate } from '../routing/resolve-model.js';
import type { Principal } from '../tenancy/principal.js';
import type { CallCache, PromptCacheService } from './prompt-cache-service.js';

/** Cache hooks for one upstream call of a request, or undefined when caching is off for it. */
export type CacheForCall = (candidate: ModelCandidate) => CallCache | undefined;

/** `x-rampart-cache: on|off` as a switch; anything else leaves the decision to the key and config. */
export function parseCacheSwitch(value: string | string[] | undefined): boolean | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim().toLowerCase();
  return text === 'on' ? true : text === 'off' ? false : undefined;
}

/** A stable, non-reversible label for the inbound credential (`anonymous` when there is none). */
export function hashInboundKey(headers: IncomingHttpHeaders): string {
  const bearer = headers.authorization?.replace(/^bearer\s+/i, '');
  const raw = headers['x-api-key'] ?? bearer;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key) return 'anonymous';
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** The cache hooks of one request's upstream calls (HTTP headers, or none for in-process calls). */
export function promptCacheScope(
  service: PromptCacheService,
  headers: IncomingHttpHeaders,
  principal: Pick<Principal, 'keyId' | 'promptCache'> | undefined,
): CacheForCall {
  const enabled = service.enabledFor(parseCacheSwitch(headers['x-rampart-cache']), principal?.promptCache);
  const key = principal ? principal.keyId : hashInboundKey(headers);
  return ({ provider, upstreamModel }) =>
    service.forCall(
      { providerType: provider.type, providerName: provider.name, model: upstreamModel },
      key,
      enabled,
    );
}
