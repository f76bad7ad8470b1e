// The refusal a caller gets when one of its limits or budgets would be exceeded: a 429 that names the limit,
// the level it is set at, its window and when it resets, plus the headers clients back off by.
import { RampartError } from '@rampart/spec';

/** Which limit refused. */
export interface LimitRefusal {
  kind: 'rate' | 'budget';
  level: 'key' | 'user' | 'team';
  /** e.g. `requests per minute`, `budget of $5.00 per day`. */
  description: string;
  /** When the limit admits this request again (epoch ms). */
  resetAt: number;
  retryAfterMs: number;
  /** `x-ratelimit-*` headers (rate limits only). */
  headers: Record<string, string>;
}

/** A request refused by a Rampart limit or budget (429). */
export class LimitExceededError extends RampartError {
  override readonly name: string = 'LimitExceededError';
  readonly refusal: LimitRefusal;
  /** Headers to add to the refusal (x-ratelimit-*). */
  readonly headers: Record<string, string>;

  constructor(refusal: LimitRefusal, message: string) {
    super(refusal.kind === 'rate' ? 'rate_limit_exceeded' : 'budget_exceeded', message, {
      retryAfterMs: Math.max(0, refusal.retryAfterMs),
    });
    this.refusal = refusal;
    this.headers = refusal.headers;
  }
}
