// Scripted responses: a queue of canned replies tests push, each optionally bound to a provider and/or model.
import type { ProviderName } from '../model/model-catalog.js';

/** Why generation stopped, in the simulator's neutral vocabulary (each wire maps it to its own). */
export type SimStopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence';

/** A tool call the simulated model makes. */
export interface ScriptedToolCall {
  name: string;
  input: Record<string, unknown>;
  /** Defaults to a provider-shaped generated id. */
  id?: string;
}

/** One canned reply; the first queued entry whose `match` fits a request is used, once. */
export interface ScriptedResponse {
  match?: { provider?: ProviderName; model?: string };
  text?: string;
  toolCalls?: ScriptedToolCall[];
  /** Defaults to tool_use when there are tool calls, else end_turn. */
  stopReason?: SimStopReason;
  /** Replace the computed usage numbers (uncached input, output, cache read, cache write). */
  usage?: {
    inputTokens?: number;
    outputTokens?: number;
    cacheReadTokens?: number;
    cacheWriteTokens?: number;
  };
}

/** FIFO of scripted responses. */
export class ScriptQueue {
  #queue: ScriptedResponse[] = [];

  /** Append responses to the queue. */
  push(...responses: ScriptedResponse[]): void {
    this.#queue.push(...responses);
  }

  /** Drop every queued response. */
  clear(): void {
    this.#queue = [];
  }

  /** Responses still waiting. */
  get pending(): readonly ScriptedResponse[] {
    return this.#queue;
  }

  /** Remove and return the first response matching this provider and model (requested or resolved id). */
  take(provider: ProviderName, modelIds: readonly string[]): ScriptedResponse | undefined {
    const index = this.#queue.findIndex(
      (r) =>
        (!r.match?.provider || r.match.provider === provider) &&
        (!r.match?.model || modelIds.includes(r.match.model)),
    );
    if (index < 0) return undefined;
    return this.#queue.splice(index, 1)[0];
  }
}
