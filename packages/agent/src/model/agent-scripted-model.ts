// A ModelClient for tests, after openai-agents-js's scriptedModel: it plays back queued turns (text in chunks,
// tool calls, errors before or in the middle of a stream) and records every call it receives.
import { RampartError, UpstreamError, type ChatRequest, type StreamEvent, type Usage } from '@rampart/spec';
import type { ModelAttempt, ModelCall, ModelCallOptions, ModelClient } from '../loop/agent-run-types.js';

/** One scripted model turn. Calls consume turns in order. */
export interface ScriptedTurn {
  /** Text, streamed in the given chunks (a string is one chunk). */
  text?: string | string[];
  toolCalls?: Array<{ name: string; input: unknown; id?: string }>;
  /** The call fails before any event with this error (e.g. an overload or a budget refusal). */
  error?: Error;
  /** A streamed call fails after this many events with `cut.error`; a non-streamed call is not affected. */
  cut?: { afterEvents: number; error: Error };
  /** Which provider/model served; default `scripted`/`scripted-1`. */
  provider?: string;
  model?: string;
  /** What the gateway tried before the serving target (the served attempt is added). */
  failedAttempts?: ModelAttempt[];
  usage?: Usage;
  /** Cost of the call in nano-USD; default priced at $3/M input and $15/M output tokens. */
  costNanos?: bigint;
}

/** What the scripted model received. */
export interface RecordedModelCall {
  request: ChatRequest;
  options: Omit<ModelCallOptions, 'signal'>;
}

/** A 529 overload as a provider reports it. */
export function overloadedError(responseStarted = false): UpstreamError {
  return new UpstreamError('overloaded', 'Overloaded', {
    provider: 'scripted',
    upstreamStatus: 529,
    upstreamType: 'overloaded_error',
    responseStarted,
  });
}

/** Plays back scripted turns and records calls. */
export class ScriptedModel implements ModelClient {
  readonly calls: RecordedModelCall[] = [];
  readonly #turns: ScriptedTurn[];
  #ids = 0;

  constructor(turns: ScriptedTurn[] = []) {
    this.#turns = [...turns];
  }

  /** Queues more turns. */
  push(...turns: ScriptedTurn[]): void {
    this.#turns.push(...turns);
  }

  /** Turns not played yet. */
  get remaining(): number {
    return this.#turns.length;
  }

  call(request: ChatRequest, options: ModelCallOptions): Promise<ModelCall> {
    const { signal, ...recorded } = options;
    this.calls.push({ request: structuredClone(request), options: recorded });
    const turn = this.#turns.shift();
    if (turn === undefined) {
      return Promise.reject(
        new RampartError('internal', `scripted model: no turn left for call ${this.calls.length}`),
      );
    }
    if (turn.error) return Promise.reject(turn.error);
    const provider = turn.provider ?? 'scripted';
    const model = turn.model ?? 'scripted-1';
    const usage = turn.usage ?? estimateUsage(request, turn);
    const costNanos =
      turn.costNanos ?? BigInt(usage.inputTokens ?? 0) * 3000n + BigInt(usage.outputTokens ?? 0) * 15000n;
    const events = this.#events(turn, usage, model);
    const cut = options.stream ? turn.cut : undefined;
    return Promise.resolve({
      provider,
      model,
      attempts: [...(turn.failedAttempts ?? []), { provider, model, outcome: 'served' }],
      events: play(events, cut, signal),
      summary: () => ({ usage, costNanos: costNanos.toString() }),
    });
  }

  #events(turn: ScriptedTurn, usage: Usage, model: string): StreamEvent[] {
    const events: StreamEvent[] = [{ type: 'start', id: `msg_${++this.#ids}`, model }];
    let index = 0;
    const chunks = turn.text === undefined ? [] : typeof turn.text === 'string' ? [turn.text] : turn.text;
    if (chunks.length > 0) {
      events.push({ type: 'text_start', index });
      for (const text of chunks) events.push({ type: 'text_delta', index, text });
      events.push({ type: 'block_end', index });
      index += 1;
    }
    for (const call of turn.toolCalls ?? []) {
      const id = call.id ?? `call_${this.#ids}_${index}`;
      events.push({ type: 'tool_call_start', index, id, name: call.name });
      events.push({ type: 'tool_call_delta', index, json: JSON.stringify(call.input) });
      events.push({ type: 'block_end', index });
      index += 1;
    }
    events.push({
      type: 'finish',
      stopReason: (turn.toolCalls?.length ?? 0) > 0 ? 'tool_use' : 'end_turn',
      usage,
    });
    return events;
  }
}

async function* play(
  events: StreamEvent[],
  cut: ScriptedTurn['cut'],
  signal: AbortSignal,
): AsyncGenerator<StreamEvent> {
  for (const [i, event] of events.entries()) {
    if (cut !== undefined && i >= cut.afterEvents) throw cut.error;
    signal.throwIfAborted();
    // A real stream yields to the event loop between chunks; so does this one, so interleavings are realistic.
    await Promise.resolve();
    yield event;
  }
}

function estimateUsage(request: ChatRequest, turn: ScriptedTurn): Usage {
  const inputChars = JSON.stringify(request.messages).length + JSON.stringify(request.tools ?? []).length;
  const text = typeof turn.text === 'string' ? turn.text : (turn.text ?? []).join('');
  const outputChars = text.length + JSON.stringify(turn.toolCalls ?? []).length;
  return { inputTokens: Math.ceil(inputChars / 4), outputTokens: Math.max(1, Math.ceil(outputChars / 4)) };
}
