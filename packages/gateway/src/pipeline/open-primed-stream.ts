// Opens a stream and holds it until its first content (text, a tool call, or the finish), within the
// time-to-first-token limit. Until then nothing has reached the client, so any failure (an error status,
// an in-band error, a cut, an empty stream, a TTFT timeout) can still fall back invisibly.
import { RampartError, UpstreamError, type StreamEvent, type ChatRequest } from '@rampart/spec';
import { FirstTokenTimeoutError, type Clock } from '@rampart/resilience';
import type { CallCache } from '../prompt-cache/prompt-cache-service.js';
import type { RouteLeaf } from '../routing/compile-route.js';
import type { UpstreamTransport } from '../transport/upstream-transport.js';
import { streamOnce } from './call-upstream.js';

// A shared reason: abort() without one builds a DOMException with a stack trace each time.
const TIMER_STOPPED = new Error('first-token timer stopped');

/** A stream whose first content has arrived: `head` holds the events so far, `rest` the remainder. */
export interface PrimedStream {
  head: StreamEvent[];
  rest: AsyncIterator<StreamEvent>;
}

/** True for the events that show the model is really answering. */
export function isContentEvent(event: StreamEvent): boolean {
  return (
    (event.type === 'text_delta' && event.text !== '') ||
    event.type === 'tool_call_start' ||
    event.type === 'finish'
  );
}

/** Opens `request` on `leaf` and waits for its first content, at most `firstTokenTimeoutMs`. */
export async function openPrimedStream(
  transport: UpstreamTransport,
  leaf: RouteLeaf,
  request: ChatRequest,
  signal: AbortSignal,
  firstTokenTimeoutMs: number | undefined,
  clock: Clock,
  cache?: CallCache,
): Promise<PrimedStream> {
  const ttft = new AbortController();
  const stopTimer = new AbortController();
  const streamSignal = firstTokenTimeoutMs === undefined ? signal : AbortSignal.any([signal, ttft.signal]);
  if (firstTokenTimeoutMs !== undefined) {
    clock.sleep(firstTokenTimeoutMs, AbortSignal.any([stopTimer.signal, signal])).then(
      () => ttft.abort(new FirstTokenTimeoutError(firstTokenTimeoutMs)),
      () => undefined,
    );
  }
  try {
    const events = await streamOnce(transport, request, leaf.candidate, streamSignal, cache);
    const rest = events[Symbol.asyncIterator]();
    const head: StreamEvent[] = [];
    for (;;) {
      const next = await untilAborted(rest.next(), streamSignal);
      if (next.done) break;
      // Some wires (Bedrock Converse) do not name the model in their stream: it is the one we called.
      head.push(
        next.value.type === 'start' && next.value.model === ''
          ? { ...next.value, model: leaf.candidate.upstreamModel }
          : next.value,
      );
      if (isContentEvent(next.value)) break;
    }
    return { head, rest };
  } catch (error) {
    if (ttft.signal.aborted) throw ttft.signal.reason;
    // Adapters judge "started" by their own wire (e.g. a block began); while the stream is held here nothing
    // has reached the client, so the failure is still safe to fall back from.
    throw notStarted(error);
  } finally {
    stopTimer.abort(TIMER_STOPPED);
  }
}

function notStarted(error: unknown): unknown {
  if (!(error instanceof RampartError) || !error.responseStarted) return error;
  const options = {
    status: error.status,
    retryable: error.retryable,
    responseStarted: false,
    cause: error.cause,
  };
  const withRetryAfter =
    error.retryAfterMs === undefined ? options : { ...options, retryAfterMs: error.retryAfterMs };
  if (error instanceof UpstreamError) {
    return new UpstreamError(error.code, error.message, {
      ...withRetryAfter,
      provider: error.provider,
      ...(error.upstreamStatus === undefined ? {} : { upstreamStatus: error.upstreamStatus }),
      ...(error.upstreamType === undefined ? {} : { upstreamType: error.upstreamType }),
      ...(error.upstreamRequestId === undefined ? {} : { upstreamRequestId: error.upstreamRequestId }),
    });
  }
  return new RampartError(error.code, error.message, withRetryAfter);
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
