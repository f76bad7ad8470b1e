// Turns one model call's canonical stream into the assistant turn it describes, handing text to the caller as
// it arrives. Tool-call arguments arrive as JSON fragments and are parsed only once their block ends.
import type { AssistantPart, StopReason, StreamEvent, Usage } from '@rampart/spec';

/** The assistant turn a stream produced. */
export interface AssembledTurn {
  content: AssistantPart[];
  stopReason: StopReason | undefined;
  usage: Usage | undefined;
}

type Block = { kind: 'text'; text: string } | { kind: 'tool'; id: string; name: string; json: string };

/** Consumes `events`; `onText` is awaited for each text delta, in order. Throws what the stream throws. */
export async function assembleStream(
  events: AsyncIterable<StreamEvent>,
  onText: (text: string) => Promise<void>,
): Promise<AssembledTurn> {
  const blocks = new Map<number, Block>();
  let stopReason: StopReason | undefined;
  let usage: Usage | undefined;
  for await (const event of events) {
    switch (event.type) {
      case 'start':
        if (event.usage) usage = event.usage;
        break;
      case 'text_start':
        blocks.set(event.index, { kind: 'text', text: '' });
        break;
      case 'text_delta': {
        const block = blocks.get(event.index);
        if (block?.kind === 'text') block.text += event.text;
        else blocks.set(event.index, { kind: 'text', text: event.text });
        if (event.text !== '') await onText(event.text);
        break;
      }
      case 'tool_call_start':
        blocks.set(event.index, { kind: 'tool', id: event.id, name: event.name, json: '' });
        break;
      case 'tool_call_delta': {
        const block = blocks.get(event.index);
        if (block?.kind === 'tool') block.json += event.json;
        break;
      }
      case 'block_end':
        break;
      case 'finish':
        stopReason = event.stopReason;
        usage = usage ? { ...usage, ...event.usage } : event.usage;
        break;
    }
  }
  const content: AssistantPart[] = [];
  for (const index of [...blocks.keys()].sort((a, b) => a - b)) {
    const block = blocks.get(index);
    if (block === undefined) continue;
    if (block.kind === 'text') {
      if (block.text !== '') content.push({ type: 'text', text: block.text });
    } else {
      content.push({ type: 'tool_call', id: block.id, name: block.name, input: parseArguments(block) });
    }
  }
  return { content, stopReason, usage };
}

// Arguments that do not parse stay the raw string: the tool runner answers the model that they were not a JSON
// object, which lets it correct itself instead of failing the run.
function parseArguments(block: { json: string }): unknown {
  if (block.json.trim() === '') return {};
  try {
    return JSON.parse(block.json) as unknown;
  } catch {
    return block.json;
  }
}
