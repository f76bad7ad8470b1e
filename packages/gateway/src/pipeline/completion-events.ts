// A whole (non-streamed) answer replayed as canonical stream events, so callers that read streams (gateway.chat,
// the agent loop over HTTP) have one way to read any call.
import type { ChatResponse, StreamEvent } from '@rampart/spec';

/** The events a stream of `response` would have carried. */
export async function* completionEvents(response: ChatResponse): AsyncGenerator<StreamEvent> {
  yield { type: 'start', id: response.id, model: response.model };
  for (const [index, part] of response.content.entries()) {
    if (part.type === 'text') {
      yield { type: 'text_start', index };
      yield { type: 'text_delta', index, text: part.text };
    } else {
      yield { type: 'tool_call_start', index, id: part.id, name: part.name };
      yield { type: 'tool_call_delta', index, json: JSON.stringify(part.input) };
    }
    yield { type: 'block_end', index };
  }
  yield {
    type: 'finish',
    stopReason: response.stopReason,
    ...(response.stopSequence === undefined ? {} : { stopSequence: response.stopSequence }),
    usage: response.usage,
  };
}
