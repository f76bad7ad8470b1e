// Relays a chat run's stream to the client as its protocol's SSE, and keeps the promise that a stream never
// ends silently while the client is there: a failure the run could not heal by continuing elsewhere ends it
// with the protocol's own error event. The stream opens with a comment line naming the target and what was
// tried, and each continuation adds one naming where it went on.
import type { ServerResponse } from 'node:http';
import { toRampartError } from '@rampart/spec';
import type { InboundStreamEncoder } from '@rampart/providers';
import type { ChatRun, StreamEnding } from '../pipeline/chat-run.js';
import type { PrimedStream } from '../pipeline/open-primed-stream.js';
import type { RouteLeaf } from '../routing/compile-route.js';
import type { Served } from '../routing/route-executor.js';

// Past the deadline or with the client gone there is nobody to send an error event to; after a failed
// continuation the client hears the continuation's own error (gateway.chat differs: see StreamEnding).
const HTTP_ENDING: StreamEnding = { quietWhenDead: true, keepCutWhenNothingElseFailed: false };

/** Streams `first` and whatever continues it to the client as SSE, then ends the response. */
export async function relayChatStream(
  chat: ChatRun,
  first: Served<PrimedStream>,
  encoder: InboundStreamEncoder,
  res: ServerResponse,
  headers: Record<string, string>,
  requestId: string,
): Promise<void> {
  res.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  await write(
    res,
    `: rampart ${JSON.stringify({ target: describe(first.leaf), attempts: chat.attempts })}\n\n`,
  );
  try {
    for await (const item of chat.events(first, HTTP_ENDING)) {
      const text =
        item.type === 'continued'
          ? `: rampart ${JSON.stringify({ continuedOn: describe(item.leaf), after: item.after.code })}\n\n`
          : encoder.event(item);
      if (text !== '') await write(res, text);
    }
  } catch (error) {
    if (!res.writableEnded && !res.destroyed)
      await write(res, encoder.error(toRampartError(error), requestId));
  }
  res.end();
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
