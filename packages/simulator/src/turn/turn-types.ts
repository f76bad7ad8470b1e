// The contract between the shared request pipeline and each provider endpoint.
import type { CapacityLimit, TakeResult } from '../capacity/token-bucket.js';
import type { FaultEffect } from '../faults/fault-rules.js';
import type { StreamFaultWire } from '../http/send-response.js';
import type { SimExchange } from '../http/sim-exchange.js';
import type { SimResponse } from '../http/sim-response.js';
import type { RequestOutcome } from '../log/request-log.js';
import type { SimModel, ProviderName } from '../model/model-catalog.js';
import type { Reply, TurnInput } from '../model/plan-reply.js';
import type { PromptBlock } from '../prompt/prompt-block.js';

/** Token usage of one turn, provider-neutral; each wire renders it its own way. */
export interface TurnUsage {
  /** Prompt tokens neither read from nor written to the cache. */
  inputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  outputTokens: number;
}

/** A validated request, ready to answer. */
export interface PreparedTurn {
  model: SimModel;
  requestedModel: string;
  stream: boolean;
  /** Prompt in cache order (tools → system → messages). */
  blocks: PromptBlock[];
  input: TurnInput;
}

/** Result of validating a request. */
export type PrepareResult =
  { ok: true; turn: PreparedTurn } | { ok: false; response: SimResponse; outcome: RequestOutcome };

/** A provider's error formats, bound to one request. */
export interface ProviderWire extends StreamFaultWire {
  /** Headers every response carries (request ids). */
  baseHeaders(): Record<string, string>;
  statusError(effect: Extract<FaultEffect, { type: 'status' }>): SimResponse;
  errorBody200(effect: Extract<FaultEffect, { type: 'error-body-200' }>): SimResponse;
  invalidJson(): SimResponse;
  rateLimited(take: TakeResult, limit: CapacityLimit, model: string): SimResponse;
  /** Rate-limit headers for successful responses (from the capacity bucket when one is set). */
  rateLimitHeaders(take: TakeResult | undefined, limit: CapacityLimit | undefined): Record<string, string>;
}

/** One provider operation plugged into the shared pipeline. */
export interface TurnEndpoint {
  provider: ProviderName;
  requestId: string;
  wire: ProviderWire;
  cacheMode: 'breakpoints' | 'automatic';
  /** Model id for the request log before validation (body field or path). */
  modelHint(json: unknown): string | undefined;
  authenticate(ex: SimExchange): AuthResult | Promise<AuthResult>;
  prepare(json: unknown, ex: SimExchange): PrepareResult;
  render(turn: PreparedTurn, reply: Reply, usage: TurnUsage, startedAt: number): SimResponse;
}

/** Who is calling (scopes the prompt cache), or the provider's auth error. */
export type AuthResult = { ok: true; account: string } | { ok: false; response: SimResponse };
