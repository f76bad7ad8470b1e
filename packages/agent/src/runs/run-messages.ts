// Between the thread's stored messages and the loop's canonical conversation.
import type { Message } from '@rampart/spec';
import type { MessageRecord, NewMessage } from '@rampart/store';
import { newRunsId } from './run-ids.js';

/** A stored message as the loop sees it. */
export function toSpecMessage(record: MessageRecord): Message {
  const content: unknown = JSON.parse(record.contentJson);
  return { role: record.role, content } as Message;
}

/**
 * The messages a run adds to its thread: what follows the run's own user message in the final conversation (the
 * loop may have pruned older history, never the tail). A trailing exchange the run did not finish (an assistant
 * turn whose tool calls have no answer yet, or tool results the model never answered) is left out, so the next
 * run starts from a conversation every provider accepts.
 */
export function newMessagesOfRun(
  conversation: readonly Message[],
  userContentJson: string,
  runId: string,
  fallbackText?: string,
): NewMessage[] {
  let start = -1;
  for (let i = conversation.length - 1; i >= 0; i--) {
    const m = conversation[i]!;
    if (m.role === 'user' && JSON.stringify(m.content) === userContentJson) {
      start = i + 1;
      break;
    }
  }
  let added = start < 0 ? [] : conversation.slice(start);
  while (added.length > 0) {
    const last = added[added.length - 1]!;
    if (last.role === 'assistant' && !last.content.some((p) => p.type === 'tool_call')) break;
    added = added.slice(0, -1);
  }
  if (added.length === 0 && fallbackText !== undefined && fallbackText !== '')
    added = [{ role: 'assistant', content: [{ type: 'text', text: fallbackText }] }];
  return added.map((m) => ({
    id: newRunsId('msg'),
    role: m.role,
    contentJson: JSON.stringify(m.content),
    runId,
  }));
}
