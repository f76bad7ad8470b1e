// Did the client get a complete answer? Judged from what reached it, never from what the gateway says about
// itself. A non-streamed answer is complete when it is a 200 whose message is the whole expected text with a
// clean finish. A stream is complete only when it ends with its terminal event (a finish_reason chunk, then
// `data: [DONE]`) and its text is whole. A stream that ends with an in-band error event is an honest failure;
// one that just stops, or whose text is wrong, is the silent truncation the gateway promises never to do.
//
// Continuations: after a cut that followed content, the gateway announces `: rampart {"continuedOn":…}` and
// asks the next target to go on with the text so far as assistant prefill. The simulator ignores prefill and
// replies in full, so a whole answer there is: each segment before a continuation is a prefix of the
// expected text, and the last segment is the expected text itself.

/** How one request ended, from the client's side. */
export type AnswerVerdict =
  | { kind: 'complete'; continuations: number }
  /** A stream that ended with the protocol's own error event: a failure, but an honest one. */
  | { kind: 'explicit-error'; code: string }
  /** A non-200 answer (the gateway's error in the client's format). */
  | { kind: 'http-error'; status: number; code: string }
  /** The connection failed or the body could not be read. */
  | { kind: 'transport-error'; message: string }
  /** A stream that ended without its terminal event or error event. */
  | { kind: 'silent-truncation'; detail: string }
  /** A terminal event, but the text was not the answer. */
  | { kind: 'wrong-text'; detail: string };

/** True for the verdicts that count as a successful request. */
export function isComplete(verdict: AnswerVerdict): boolean {
  return verdict.kind === 'complete';
}

/** Judges a non-streamed `/v1/chat/completions` answer. */
export function checkCompletion(status: number, body: string, expectedText: string): AnswerVerdict {
  const json = parseJson(body);
  if (status !== 200) return { kind: 'http-error', status, code: errorCode(json) };
  const choice = (json as { choices?: Array<{ message?: { content?: unknown }; finish_reason?: unknown }> })
    ?.choices?.[0];
  const content = choice?.message?.content;
  if (typeof content !== 'string') return { kind: 'wrong-text', detail: 'no message content' };
  if (choice?.finish_reason !== 'stop')
    return { kind: 'wrong-text', detail: `finish_reason ${String(choice?.finish_reason)}` };
  if (content !== expectedText) return { kind: 'wrong-text', detail: `text ${JSON.stringify(content)}` };
  return { kind: 'complete', continuations: 0 };
}

/** Judges a streamed `/v1/chat/completions` answer from its raw SSE text. */
export function checkChatStream(status: number, sse: string, expectedText: string): AnswerVerdict {
  if (status !== 200) return { kind: 'http-error', status, code: errorCode(parseJson(sse)) };
  const segments: string[] = [''];
  let finishReason: string | undefined;
  let done = false;
  for (const block of sse.split('\n\n')) {
    for (const line of block.split('\n')) {
      if (line.startsWith(': rampart ')) {
        if (line.includes('"continuedOn"')) segments.push('');
        continue;
      }
      if (!line.startsWith('data: ')) continue;
      const data = line.slice(6);
      if (done) return { kind: 'wrong-text', detail: 'data after [DONE]' };
      if (data === '[DONE]') {
        done = true;
        continue;
      }
      const chunk = parseJson(data) as {
        error?: unknown;
        choices?: Array<{ delta?: { content?: unknown }; finish_reason?: unknown }>;
      } | null;
      if (chunk === null) return { kind: 'wrong-text', detail: `unparsable chunk ${data.slice(0, 80)}` };
      if (chunk.error !== undefined) return { kind: 'explicit-error', code: errorCode(chunk) };
      const choice = chunk.choices?.[0];
      if (typeof choice?.delta?.content === 'string') segments[segments.length - 1] += choice.delta.content;
      if (typeof choice?.finish_reason === 'string') finishReason = choice.finish_reason;
    }
  }
  if (!done) {
    const text = segments.join('');
    return { kind: 'silent-truncation', detail: `no [DONE] after ${text.length} chars` };
  }
  if (finishReason !== 'stop') return { kind: 'wrong-text', detail: `finish_reason ${String(finishReason)}` };
  const last = segments[segments.length - 1]!;
  const earlier = segments.slice(0, -1);
  if (last !== expectedText) return { kind: 'wrong-text', detail: `text ${JSON.stringify(segments)}` };
  const bad = earlier.find((segment) => !expectedText.startsWith(segment));
  if (bad !== undefined) return { kind: 'wrong-text', detail: `segment ${JSON.stringify(bad)} is no prefix` };
  return { kind: 'complete', continuations: earlier.length };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The error's code (or type) in OpenAI's error format, else `unknown`. */
function errorCode(json: unknown): string {
  const error = (json as { error?: { code?: unknown; type?: unknown } } | null)?.error;
  const code = error?.code ?? error?.type;
  return typeof code === 'string' ? code : 'unknown';
}
