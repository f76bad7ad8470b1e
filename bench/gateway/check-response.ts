// What counts as a correct answer. A gateway that answers fast with an error (or an empty stream) must not
// be measured as fast: every scenario checks its responses with these before trusting any timing.
import type { RequestTiming } from '../lib/time-http-request.js';

function snippet(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').slice(0, 160);
}

/** Undefined when `timing` is a 200 OpenAI chat completion with text; otherwise what is wrong. */
export function chatCompletionProblem(timing: RequestTiming, modelPrefix?: string): string | undefined {
  if (timing.status !== 200) return `status ${timing.status}: ${snippet(timing.body)}`;
  let parsed: { model?: unknown; choices?: { message?: { content?: unknown } }[] };
  try {
    parsed = JSON.parse(timing.body ?? '') as typeof parsed;
  } catch {
    return `200 with a body that is not JSON: ${snippet(timing.body)}`;
  }
  const content = parsed.choices?.[0]?.message?.content;
  if (typeof content !== 'string' || content.length === 0)
    return `200 without choices[0].message.content: ${snippet(timing.body)}`;
  if (
    modelPrefix !== undefined &&
    !(typeof parsed.model === 'string' && parsed.model.startsWith(modelPrefix))
  ) {
    return `answered by model ${String(parsed.model)}, expected ${modelPrefix}…`;
  }
  return undefined;
}

/** Undefined when `timing` is a 200 OpenAI SSE stream with content and a [DONE]; otherwise what is wrong. */
export function chatStreamProblem(timing: RequestTiming): string | undefined {
  if (timing.status !== 200) return `status ${timing.status}: ${snippet(timing.body)}`;
  const type = String(timing.headers['content-type'] ?? '');
  if (!type.startsWith('text/event-stream')) return `content-type ${type}, expected text/event-stream`;
  const body = timing.body ?? '';
  if (!/"content":"[^"]+/.test(body)) return `stream without any content delta: ${snippet(body)}`;
  if (!body.includes('data: [DONE]')) return `stream without data: [DONE]: ${snippet(body.slice(-200))}`;
  return undefined;
}
