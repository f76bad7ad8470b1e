// Checks fault rules arriving over the control endpoint or the API, so a malformed rule is refused loudly.
import { isObject } from '../core/is-object.js';
import type { FaultRule } from './fault-rules.js';

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isMs = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function effectProblem(e: unknown): string | undefined {
  if (!isObject(e)) return 'effect: expected an object';
  switch (e.type) {
    case 'status':
      if (typeof e.status !== 'number' || e.status < 400 || e.status > 599)
        return 'effect.status: expected 400..599';
      for (const k of ['errorType', 'message', 'code'] as const) {
        if (e[k] !== undefined && typeof e[k] !== 'string') return `effect.${k}: expected a string`;
      }
      if (e.retryAfterSeconds !== undefined && !isMs(e.retryAfterSeconds))
        return 'effect.retryAfterSeconds: expected >= 0';
      if (e.retryAfterMs !== undefined && !isMs(e.retryAfterMs)) return 'effect.retryAfterMs: expected >= 0';
      if (e.shouldRetry !== undefined && typeof e.shouldRetry !== 'boolean')
        return 'effect.shouldRetry: expected a boolean';
      return undefined;
    case 'latency':
    case 'slow-first-byte':
      return isMs(e.ms) ? undefined : 'effect.ms: expected a number >= 0';
    case 'reset':
    case 'empty-stream':
      return undefined;
    case 'cut-stream':
      if (!isCount(e.afterEvents)) return 'effect.afterEvents: expected an integer >= 0';
      if (e.mode !== undefined && e.mode !== 'destroy' && e.mode !== 'end')
        return "effect.mode: expected 'destroy' or 'end'";
      return undefined;
    case 'stream-error':
      if (!isCount(e.afterEvents)) return 'effect.afterEvents: expected an integer >= 0';
      return undefined;
    case 'error-body-200':
      return undefined;
    default:
      return 'effect.type: expected status | latency | slow-first-byte | reset | cut-stream | stream-error | empty-stream | error-body-200';
  }
}

/** Return an error message for an invalid rule, or undefined when it is valid. */
export function faultRuleProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'rule: expected an object';
  if (value.id !== undefined && typeof value.id !== 'string') return 'id: expected a string';
  if (value.match !== undefined) {
    if (!isObject(value.match)) return 'match: expected an object';
    const { provider, model, path } = value.match;
    if (provider !== undefined && !['openai', 'anthropic', 'bedrock'].includes(provider as string))
      return 'match.provider: expected openai | anthropic | bedrock';
    if (model !== undefined && typeof model !== 'string') return 'match.model: expected a string';
    if (path !== undefined && typeof path !== 'string') return 'match.path: expected a string';
  }
  const problem = effectProblem(value.effect);
  if (problem) return problem;
  if (value.when !== undefined) {
    if (!isObject(value.when)) return 'when: expected an object';
    const { times, probability, fromMs, untilMs, everyNth } = value.when;
    if (times !== undefined && !isCount(times)) return 'when.times: expected an integer >= 0';
    if (probability !== undefined && (typeof probability !== 'number' || probability < 0 || probability > 1))
      return 'when.probability: expected 0..1';
    if (fromMs !== undefined && !isMs(fromMs)) return 'when.fromMs: expected >= 0';
    if (untilMs !== undefined && !isMs(untilMs)) return 'when.untilMs: expected >= 0';
    if (everyNth !== undefined && (!isCount(everyNth) || everyNth === 0))
      return 'when.everyNth: expected an integer >= 1';
  }
  return undefined;
}

/** Narrowing wrapper over `faultRuleProblem`. */
export function isFaultRule(value: unknown): value is FaultRule {
  return faultRuleProblem(value) === undefined;
}
