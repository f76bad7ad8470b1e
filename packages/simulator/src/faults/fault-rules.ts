// Programmable faults: rules that match requests and decide, by count, schedule or seeded chance, which
// misbehaviour each request gets.
import type { Clock } from '../core/clock.js';
import type { Random } from '../core/seeded-random.js';
import type { ProviderName } from '../model/model-catalog.js';

/** What goes wrong. Error vocabularies (`errorType`) are the provider's own; each has a default. */
export type FaultEffect =
  | {
      type: 'status';
      status: number;
      /** Anthropic error.type, OpenAI error.type, Bedrock x-amzn-errortype (defaults follow the status). */
      errorType?: string;
      message?: string;
      /** OpenAI error.code, e.g. rate_limit_exceeded or insufficient_quota. */
      code?: string;
      retryAfterSeconds?: number;
      retryAfterMs?: number;
      /** Sends x-should-retry (honoured by the OpenAI and Anthropic SDKs). */
      shouldRetry?: boolean;
    }
  /** Delay before the response headers. */
  | { type: 'latency'; ms: number }
  /** Headers go out at once; the first body byte waits. */
  | { type: 'slow-first-byte'; ms: number }
  /** The connection (HTTP/2: the stream) is destroyed before any response. */
  | { type: 'reset' }
  /** Streaming responses stop after N events: socket destroyed (default) or the body ended cleanly. */
  | { type: 'cut-stream'; afterEvents: number; mode?: 'destroy' | 'end' }
  /** After N events, the provider's in-band error event, then the end of the stream. */
  | { type: 'stream-error'; afterEvents: number; errorType?: string; message?: string }
  /** 200 with stream headers and no events (OpenAI: only `data: [DONE]`). */
  | { type: 'empty-stream' }
  /** HTTP 200 whose body is the provider's error JSON. */
  | { type: 'error-body-200'; errorType?: string; message?: string };

/** When a matching rule fires. All given conditions must hold. */
export interface FaultWhen {
  /** Fire at most this many times. */
  times?: number;
  /** Chance to fire, from the simulator's seeded generator. */
  probability?: number;
  /** Window on the simulator clock, in ms since the rule was added: [fromMs, untilMs). */
  fromMs?: number;
  untilMs?: number;
  /** Fire on every Nth matching request (N, 2N, …). */
  everyNth?: number;
}

/** A fault rule: which requests, what happens, when. */
export interface FaultRule {
  id?: string;
  /** `path` matches when the request path contains it. `model` matches the requested or resolved id. */
  match?: { provider?: ProviderName; model?: string; path?: string };
  effect: FaultEffect;
  when?: FaultWhen;
}

/** A rule as stored, with its counters. */
export interface ActiveFaultRule extends FaultRule {
  id: string;
  addedAt: number;
  matched: number;
  fired: number;
}

/** What the pipeline needs to know about a request to pick faults. */
export interface FaultSubject {
  provider: ProviderName;
  modelIds: readonly string[];
  path: string;
}

/** The effects chosen for one request, grouped by the stage that applies them. */
export interface ChosenFaults {
  latencyMs: number;
  firstByteDelayMs: number;
  /** Ends the request before a normal response: status, reset or error-body-200. */
  terminal?: Extract<FaultEffect, { type: 'status' | 'reset' | 'error-body-200' }>;
  /** Changes a streamed body. */
  stream?: Extract<FaultEffect, { type: 'cut-stream' | 'stream-error' | 'empty-stream' }>;
  /** Types of every effect that fired, for the request log. */
  fired: string[];
}

/** The rule set of one simulator. */
export class FaultRules {
  #rules: ActiveFaultRule[] = [];
  #nextId = 1;
  readonly #clock: Clock;
  readonly #random: Random;

  constructor(clock: Clock, random: Random) {
    this.#clock = clock;
    this.#random = random;
  }

  /** Add a rule; returns its id. */
  add(rule: FaultRule): string {
    const id = rule.id ?? `fault-${this.#nextId++}`;
    this.#rules.push({ ...rule, id, addedAt: this.#clock.now(), matched: 0, fired: 0 });
    return id;
  }

  /** Remove one rule by id. */
  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((r) => r.id !== id);
    return this.#rules.length !== before;
  }

  /** Remove every rule. */
  clear(): void {
    this.#rules = [];
  }

  /** The rules with their counters. */
  list(): readonly ActiveFaultRule[] {
    return this.#rules;
  }

  #fires(rule: ActiveFaultRule): boolean {
    const when = rule.when ?? {};
    const elapsed = this.#clock.now() - rule.addedAt;
    if (when.fromMs !== undefined && elapsed < when.fromMs) return false;
    if (when.untilMs !== undefined && elapsed >= when.untilMs) return false;
    rule.matched++;
    if (when.everyNth !== undefined && rule.matched % when.everyNth !== 0) return false;
    if (when.times !== undefined && rule.fired >= when.times) return false;
    if (when.probability !== undefined && !(this.#random() < when.probability)) return false;
    rule.fired++;
    return true;
  }

  /** Evaluate every rule against one request (counting it) and group the effects that fire. */
  choose(subject: FaultSubject): ChosenFaults {
    const chosen: ChosenFaults = { latencyMs: 0, firstByteDelayMs: 0, fired: [] };
    for (const rule of this.#rules) {
      const m = rule.match ?? {};
      if (m.provider && m.provider !== subject.provider) continue;
      if (m.model && !subject.modelIds.includes(m.model)) continue;
      if (m.path && !subject.path.includes(m.path)) continue;
      if (!this.#fires(rule)) continue;
      const effect = rule.effect;
      switch (effect.type) {
        case 'latency':
          chosen.latencyMs += effect.ms;
          break;
        case 'slow-first-byte':
          chosen.firstByteDelayMs += effect.ms;
          break;
        case 'status':
        case 'reset':
        case 'error-body-200':
          if (chosen.terminal) continue;
          chosen.terminal = effect;
          break;
        case 'cut-stream':
        case 'stream-error':
        case 'empty-stream':
          if (chosen.stream) continue;
          chosen.stream = effect;
          break;
      }
      chosen.fired.push(effect.type);
    }
    return chosen;
  }
}
