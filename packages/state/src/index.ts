export type {
  StateStore,
  StateClock,
  RateItem,
  RateOptions,
  RateResult,
  TokenBucketOptions,
  TokenBucketResult,
  ReserveOptions,
  ReserveItem,
  SettleItem,
  ReservationResult,
  TopicMessage,
} from './state-store.js';
export type {
  BreakerState,
  BreakerSnapshot,
  BreakerThresholds,
  BreakerRecordInput,
  BreakerAcquireResult,
} from './breaker-state.js';
export { breakerStateChanged } from './breaker-state.js';
export { InProcessStateStore } from './in-process-state-store.js';
export type { InProcessStateStoreOptions } from './in-process-state-store.js';
export { RedisStateStore } from './redis-state-store.js';
export type { RedisStateStoreOptions } from './redis-state-store.js';
