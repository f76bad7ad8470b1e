// Which parts of a tool result change from one rendering to the next without changing what it says: the
// timestamps, durations and request ids of the talk's cache-miss story. They are removed, the same way on every
// turn, so the same result is the same bytes every time it is re-sent in the history.

/** Operator-configurable volatility rules. */
export interface VolatileRules {
  /** JSON keys removed from the top level of a JSON tool result (case-insensitive). */
  topLevelKeys: readonly string[];
  /** JSON keys removed at any depth (case-insensitive): ids that never carry meaning anywhere. */
  anyDepthKeys: readonly string[];
  /** Regular expressions whose matches are removed from non-JSON tool result text. */
  textPatterns: readonly RegExp[];
}

/** Execution metadata, not data: when the tool ran and how long it took. */
export const DEFAULT_TOP_LEVEL_VOLATILE_KEYS: readonly string[] = [
  'timestamp',
  'execution_time_ms',
  'executionTimeMs',
  'duration_ms',
  'durationMs',
  'elapsed_ms',
  'elapsedMs',
  'latency_ms',
  'latencyMs',
  'took_ms',
  'tookMs',
  'fetched_at',
  'fetchedAt',
  'retrieved_at',
  'retrievedAt',
];

/** Correlation ids: unique per call by design. */
export const DEFAULT_ANY_DEPTH_VOLATILE_KEYS: readonly string[] = [
  'request_id',
  'requestId',
  'trace_id',
  'traceId',
  'span_id',
  'spanId',
];

/** The defaults: the talk's fields and their usual siblings; no text patterns (prose is left as written). */
export const DEFAULT_VOLATILE_RULES: VolatileRules = {
  topLevelKeys: DEFAULT_TOP_LEVEL_VOLATILE_KEYS,
  anyDepthKeys: DEFAULT_ANY_DEPTH_VOLATILE_KEYS,
  textPatterns: [],
};
