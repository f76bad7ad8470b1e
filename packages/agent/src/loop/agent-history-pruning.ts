// History pruning from the talk's appendix: keep the first N and the last M messages, summarize the middle through
// the model. A tool call and its result are never separated: the cut points move until neither side holds half of
// a pair, because a provider rejects a tool result whose call is gone (and a call without its result).
import type { Message, TextPart } from '@rampart/spec';
import type { HistoryPruningConfig } from './agent-run-types.js';

/** Where to cut: head = messages[0, headEnd), middle = [headEnd, tailStart), tail = [tailStart, length). */
export interface PruningPlan {
  headEnd: number;
  tailStart: number;
}

/** The cut points, or undefined when there is nothing (worth) summarizing. */
export function planPruning(
  messages: readonly Message[],
  config: HistoryPruningConfig,
): PruningPlan | undefined {
  if (messages.length <= config.above) return undefined;
  let headEnd = Math.min(config.keepFirst, messages.length);
  let tailStart = Math.max(messages.length - config.keepLast, headEnd);
  // The head must not end on calls whose results are cut off: take the results into the head.
  while (headEnd < tailStart && hasToolCalls(messages[headEnd - 1])) headEnd += 1;
  // The tail must not start with results whose calls are cut off: take the calls into the tail.
  while (tailStart > headEnd && hasToolResults(messages[tailStart])) tailStart -= 1;
  if (tailStart - headEnd < 2) return undefined;
  return { headEnd, tailStart };
}

/** The pruned conversation: head, the summary, tail, with user/assistant turns still alternating. */
export function applyPruning(messages: readonly Message[], plan: PruningPlan, summary: string): Message[] {
  const head = messages.slice(0, plan.headEnd);
  const tail = messages.slice(plan.tailStart);
  const note: TextPart = {
    type: 'text',
    text: `[Summary of ${plan.tailStart - plan.headEnd} earlier messages, condensed to save context]\n${summary}`,
  };
  const last = head[head.length - 1];
  const first = tail[0];
  // Some wires (Bedrock Converse) refuse two user turns in a row, so the note joins a neighbouring user turn.
  if (last?.role === 'user' && first?.role === 'user')
    return [
      ...head.slice(0, -1),
      { role: 'user', content: [...last.content, note, ...first.content] },
      ...tail.slice(1),
    ];
  if (last?.role === 'user')
    return [...head.slice(0, -1), { role: 'user', content: [...last.content, note] }, ...tail];
  if (first?.role === 'user')
    return [...head, { role: 'user', content: [note, ...first.content] }, ...tail.slice(1)];
  return [...head, { role: 'user', content: [note] }, ...tail];
}

/** The middle as plain text for the summarizing call (tool calls and results spelled out, images named). */
export function transcriptOf(messages: readonly Message[]): string {
  const lines: string[] = [];
  for (const message of messages) {
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
          lines.push(`${message.role}: ${part.text}`);
          break;
        case 'image':
          lines.push(`${message.role}: [image]`);
          break;
        case 'tool_call':
          lines.push(`assistant called ${part.name}(${JSON.stringify(part.input)})`);
          break;
        case 'tool_result':
          lines.push(
            `tool result${part.isError ? ' (error)' : ''}: ${part.content
              .map((c) => (c.type === 'text' ? c.text : '[image]'))
              .join('\n')}`,
          );
          break;
      }
    }
  }
  return lines.join('\n');
}

/** The instruction of the summarizing call. */
export const SUMMARY_INSTRUCTION =
  'Summarize this part of an agent conversation for the agent itself to continue from. Keep facts, numbers, ' +
  'decisions, what each tool call found, and open questions. Be concise; no preamble.';

function hasToolCalls(message: Message | undefined): boolean {
  return message?.role === 'assistant' && message.content.some((p) => p.type === 'tool_call');
}

function hasToolResults(message: Message | undefined): boolean {
  return message?.role === 'user' && message.content.some((p) => p.type === 'tool_result');
}
