// The prompt cache's per-request scope: which gateway's service, the request's `x-rampart-cache` switch and
// the hashed inbound credential. Carried in AsyncLocalStorage so the routing layers between the HTTP edge and
// the upstream call need not thread it through; when virtual keys land, their auth step opens the scope with
// the key's own switch.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ModelCandidate } from '../routing/resolve-model.js';
import type { CallCache, PromptCacheService } from './prompt-cache-service.js';

interface Scope {
  service: PromptCacheService;
  requestSwitch: boolean | undefined;
  key: string;
}

const storage = new AsyncLocalStorage<Scope>();

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

/** Runs `fn` (one inbound request) inside a prompt-cache scope. */
export function withPromptCacheScope<T>(
  service: PromptCacheService,
  headers: IncomingHttpHeaders,
  fn: () => T,
): T {
  return storage.run(
    { service, requestSwitch: parseCacheSwitch(headers['x-rampart-cache']), key: hashInboundKey(headers) },
    fn,
  );
}

/** Cache hooks for a call to `candidate`, or undefined outside a scope (then requests pass untouched). */
export function promptCacheForCall(candidate: ModelCandidate): CallCache | undefined {
  const scope = storage.getStore();
  if (!scope) return undefined;
  const { provider, upstreamModel } = candidate;
  return scope.service.forCall(
    { providerType: provider.type, providerName: provider.name, model: upstreamModel },
    scope.key,
    scope.service.enabledFor(scope.requestSwitch),
  );
}
