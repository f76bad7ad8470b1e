export type { Clock, Random } from './clock.js';
export { systemClock } from './clock.js';
export type { Backoff, ExponentialBackoffOptions } from './backoff.js';
export { exponentialBackoff } from './backoff.js';
export type { DeadlineOptions } from './deadline.js';
export { Deadline } from './deadline.js';
export type { FirstTokenWatch } from './first-token-watch.js';
export { watchFirstToken } from './first-token-watch.js';
export type { Policy, PolicyContext, ExecuteOptions } from './policy.js';
export { wrap, resolveContext, raceAbort } from './policy.js';
export type { RetryOptions, RetryDecision, RetryEvent, GiveUpEvent, GiveUpReason } from './retry-policy.js';
export { RetryPolicy, isRetryableError } from './retry-policy.js';
export { TimeoutPolicy } from './timeout-policy.js';
export type { BulkheadOptions } from './bulkhead.js';
export { Bulkhead } from './bulkhead.js';
export type {
  CircuitBreakerOptions,
  BreakerPermit,
  BreakerAdmission,
  CallVerdict,
} from './circuit-breaker.js';
export { CircuitBreaker, defaultCallVerdict } from './circuit-breaker.js';
export type { TargetCooldownsOptions } from './target-cooldowns.js';
export { TargetCooldowns, COOLDOWN_TOPIC } from './target-cooldowns.js';
export type { RateGuardOptions } from './rate-guard.js';
export { RateGuard } from './rate-guard.js';
export type { CircuitBreakerDefaults } from './circuit-breaker-registry.js';
export { CircuitBreakerRegistry } from './circuit-breaker-registry.js';
export type { Listen } from './emitter.js';
export {
  DeadlineExceededError,
  AttemptTimeoutError,
  FirstTokenTimeoutError,
  BrokenCircuitError,
  BulkheadRejectedError,
  TargetThrottledError,
} from './resilience-errors.js';
export type { BreakerState, BreakerSnapshot } from '@rampart/state';
