// Relays a routed stream to the client as its protocol's SSE, and keeps the promise that a stream never
// ends silently: if the upstream fails after content was sent, the answer continues on the next target with
// the partial text as prefill (when no tool call was in flight); otherwise it ends with the protocol's own
// error event. The stream opens with a comment line naming the target and what was tried.
import type { ServerResponse } from 'node:http';
import { toRampartError, type ChatRequest, type RampartError } from '@rampart/spec';
import type { InboundStreamEncoder } from '@rampart/providers';
import type { RouteLeaf } from '../routing/compile-route.js';
import type { RouteAttempt } from '../routing/route-attempt.js';
import type { Served } from '../routing/route-executor.js';
import type { PrimedStream } from './open-primed-stream.js';
import { StreamProgress } from './stream-continuation.js';

/** What the relay needs besides the first served stream. */
export interface RelayContext {
  request: ChatRequest;
  attempts: RouteAttempt[];
  encoder: InboundStreamEncoder;
  res: ServerResponse;
  headers: Record<string, string>;
  requestId: string;
  /** Whether the request may still be served (deadline not passed, client still there). */
  isLive(): boolean;
  /** Runs the route again for a continuation, never on the excluded leaves. */
  continueElsewhere(request: ChatRequest, exclude: ReadonlySet<RouteLeaf>): Promise<Served<PrimedStream>>;
}

/** Streams `served` to the client, continuing elsewhere on a mid-stream failure where that is safe. */
export async function relayRoutedStream(served: Served<PrimedStream>, context: RelayContext): Promise<void> {
  const { res, encoder } = context;
  res.writeHead(200, {
    ...context.headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  await write(
    res,
    `: rampart ${JSON.stringify({ target: describe(served.leaf), attempts: context.attempts })}\n\n`,
  );
  const progress = new StreamProgress();
  const failed = new Set<RouteLeaf>();
  let current = served;
  for (;;) {
    const error = await pump(current.value, progress, encoder, res);
    if (error === undefined || !context.isLive()) break;
    void current.breaker.recordFailure(current.permit);
    context.attempts.push({
      ...attemptOf(current.leaf),
      outcome: 'failed',
      reason: error.code,
      status: error.status,
      durationMs: 0,
    });
    failed.add(current.leaf);
    let finalError: RampartError = error;
    if (!progress.sawToolCall && error.retryable) {
      // Always from the client's own request: `progress` holds every piece of text sent so far.
      const continuation = progress.continueFrom(context.request);
      try {
        current = await context.continueElsewhere(continuation, failed);
        await write(
          res,
          `: rampart ${JSON.stringify({ continuedOn: describe(current.leaf), after: error.code })}\n\n`,
        );
        continue;
      } catch (thrown) {
        finalError = toRampartError(thrown);
      }
    }
    if (!res.writableEnded && !res.destroyed) await write(res, encoder.error(finalError, context.requestId));
    break;
  }
  res.end();
}

/** Writes one attempt's events; returns the failure that stopped it, or undefined when it finished. */
async function pump(
  stream: PrimedStream,
  progress: StreamProgress,
  encoder: InboundStreamEncoder,
  res: ServerResponse,
): Promise<RampartError | undefined> {
  try {
    for (const event of stream.head) await emit(event);
    for (;;) {
      const next = await stream.rest.next();
      if (next.done) return undefined;
      await emit(next.value);
    }
  } catch (error) {
    return toRampartError(error);
  }

  async function emit(event: Parameters<StreamProgress['accept']>[0]): Promise<void> {
    const translated = progress.accept(event);
    if (translated === undefined) return;
    const text = encoder.event(translated);
    if (text !== '') await write(res, text);
  }
}

function write(res: ServerResponse, text: string): Promise<void> | void {
  if (res.destroyed || res.writableEnded) return;
  if (res.write(text)) return;
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

function describe(leaf: RouteLeaf): { provider: string; model: string; path: string } {
  return { provider: leaf.candidate.provider.name, model: leaf.candidate.upstreamModel, path: leaf.path };
}

function attemptOf(leaf: RouteLeaf): Pick<RouteAttempt, 'path' | 'provider' | 'model'> {
  return { path: leaf.path, provider: leaf.candidate.provider.name, model: leaf.candidate.upstreamModel };
}
