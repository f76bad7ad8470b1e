// Writes planned breakpoints into a request. Copy-on-write: only the touched blocks (and the arrays holding
// them) are new objects, every other byte the adapter encodes is the client's (or the canonicalizer's) own.
import type { ChatRequest, Message } from '@rampart/spec';
import type { PlannedBreakpoint } from './prompt-cache-planner.js';
import type { PromptPositions } from './prompt-cache-positions.js';

/** `request` with a cacheControl marker at each planned position. */
export function applyBreakpoints(
  request: ChatRequest,
  layout: PromptPositions,
  planned: readonly PlannedBreakpoint[],
): ChatRequest {
  if (planned.length === 0) return request;
  const tools = request.tools ? [...request.tools] : undefined;
  const system = request.system ? [...request.system] : undefined;
  const messages: Message[] = [...request.messages];
  const copied = new Set<number>();
  for (const { position, ttl } of planned) {
    const at = layout.positions[position];
    if (!at) continue;
    const cacheControl = { type: 'ephemeral' as const, ttl };
    if (at.kind === 'tool' && tools?.[at.index]) tools[at.index] = { ...tools[at.index]!, cacheControl };
    else if (at.kind === 'system' && system?.[at.index])
      system[at.index] = { ...system[at.index]!, cacheControl };
    else if (at.message !== undefined) {
      const message = messages[at.message];
      if (!message) continue;
      if (!copied.has(at.message)) {
        messages[at.message] = { ...message, content: [...message.content] } as Message;
        copied.add(at.message);
      }
      const content = messages[at.message]!.content as Array<Message['content'][number]>;
      const part = content[at.index];
      if (part) content[at.index] = { ...part, cacheControl };
    }
  }
  return {
    ...request,
    ...(tools ? { tools } : {}),
    ...(system ? { system } : {}),
    messages,
  };
}
