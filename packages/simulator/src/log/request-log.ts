// The record of what the simulator received and how it answered, plus the counters behind `stats()`.
import type { ProviderName } from '../model/model-catalog.js';

/** How a request ended. */
export type RequestOutcome =
  | 'pending'
  | 'ok'
  | 'invalid_request'
  | 'auth_error'
  | 'not_found'
  | 'rate_limited'
  | 'fault:status'
  | 'fault:reset'
  | 'fault:cut-stream'
  | 'fault:stream-error'
  | 'fault:empty-stream'
  | 'fault:error-body-200'
  | 'client_closed';

/** One received provider request. */
export interface RecordedRequest {
  seq: number;
  provider: ProviderName;
  transport: 'http1' | 'http2';
  method: string;
  path: string;
  /** Lower-cased headers without credentials (authorization, x-api-key, security tokens, cookies). */
  headers: Record<string, string>;
  /** Parsed JSON body, or null when it was not JSON. */
  body: unknown;
  /** Clock time of arrival (epoch ms). */
  time: number;
  /** The request id the response carried (request-id / x-request-id / x-amzn-requestid). */
  requestId: string;
  model?: string;
  stream?: boolean;
  status?: number;
  outcome: RequestOutcome;
  /** Fault effect types applied to this request. */
  faults: string[];
}

/** Per-provider counters. */
export interface ProviderStats {
  requests: number;
  outcomes: Partial<Record<RequestOutcome, number>>;
  /** Most requests that arrived within one clock second. */
  peakRequestsPerSecond: number;
}

/** Counters over the simulator's life (or since the last reset). */
export interface SimulatorStats {
  requests: number;
  providers: Record<ProviderName, ProviderStats>;
}

const SECRET_HEADERS = new Set([
  'authorization',
  'x-api-key',
  'x-amz-security-token',
  'cookie',
  'proxy-authorization',
]);

/** Copy headers, dropping credentials. */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (value === undefined || SECRET_HEADERS.has(key) || key.startsWith(':')) continue;
    out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function emptyProviderStats(): ProviderStats {
  return { requests: 0, outcomes: {}, peakRequestsPerSecond: 0 };
}

/** Bounded log of requests (oldest dropped first) and unbounded counters. */
export class RequestLog {
  #entries: RecordedRequest[] = [];
  #seq = 0;
  #stats: SimulatorStats = RequestLog.#freshStats();
  #second = new Map<ProviderName, { second: number; count: number }>();
  readonly #max: number;

  constructor(maxEntries = 1000) {
    this.#max = maxEntries;
  }

  static #freshStats(): SimulatorStats {
    return {
      requests: 0,
      providers: {
        openai: emptyProviderStats(),
        anthropic: emptyProviderStats(),
        bedrock: emptyProviderStats(),
      },
    };
  }

  /** Recorded requests, oldest first. */
  get entries(): readonly RecordedRequest[] {
    return this.#entries;
  }

  /** Log a request on arrival; the returned entry is completed by `finish`. */
  start(entry: Omit<RecordedRequest, 'seq' | 'outcome' | 'faults'>): RecordedRequest {
    const recorded: RecordedRequest = { ...entry, seq: ++this.#seq, outcome: 'pending', faults: [] };
    if (this.#max > 0) {
      this.#entries.push(recorded);
      if (this.#entries.length > this.#max) this.#entries.splice(0, this.#entries.length - this.#max);
    }
    this.#stats.requests++;
    const stats = this.#stats.providers[entry.provider];
    stats.requests++;
    const second = Math.floor(entry.time / 1000);
    const window = this.#second.get(entry.provider);
    const count = window && window.second === second ? window.count + 1 : 1;
    this.#second.set(entry.provider, { second, count });
    stats.peakRequestsPerSecond = Math.max(stats.peakRequestsPerSecond, count);
    return recorded;
  }

  /** Record how a request ended; a later call corrects it (e.g. the client went away mid-stream). */
  finish(entry: RecordedRequest, status: number | undefined, outcome: RequestOutcome): void {
    if (entry.outcome === outcome) return;
    const outcomes = this.#stats.providers[entry.provider].outcomes;
    if (entry.outcome !== 'pending') outcomes[entry.outcome] = (outcomes[entry.outcome] ?? 1) - 1;
    entry.outcome = outcome;
    if (status !== undefined) entry.status = status;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }

  /** A deep copy of the counters. */
  stats(): SimulatorStats {
    return structuredClone(this.#stats);
  }

  /** Forget entries and counters. */
  clear(): void {
    this.#entries = [];
    this.#stats = RequestLog.#freshStats();
    this.#second.clear();
  }
}
