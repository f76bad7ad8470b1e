// Request builders for the prompt-cache tests: sizes in words (≈ 1.3 cl100k tokens each for this vocabulary).
import type { ChatRequest, Message, ToolDefinition } from '@rampart/spec';

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];

/** Deterministic prose of `n` words. */
export function prose(n: number, seed = 0): string {
  return Array.from({ length: n }, (_, i) => WORDS[(i * 7 + seed) % WORDS.length]).join(' ');
}

/** `count` tools, each with a description of `words` words. */
export function tools(count: number, words: number): ToolDefinition[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `tool_${i}`,
    description: prose(words, i),
    inputSchema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
  }));
}

/** A tool result as a client that re-renders it every turn would send it (fresh timestamp and duration). */
export function renderedToolResult(turn: number, sentAt: number): string {
  return JSON.stringify({
    timestamp: new Date(Date.UTC(2026, 10, 28, 0, 0, sentAt)).toISOString(),
    result: `Found ${turn} results: ${prose(60, turn)}`,
    tool: 'web_search',
    execution_time_ms: 1000 + ((sentAt * 37) % 500),
  });
}

/** An agent conversation after `turns` tool round trips, rendered at time `sentAt`. */
export function agentConversation(turns: number, sentAt: number, parallel = 1): ChatRequest {
  const messages: Message[] = [{ role: 'user', content: [{ type: 'text', text: `Research this: ${prose(40)}` }] }];
  for (let t = 0; t < turns; t++) {
    const calls = Array.from({ length: parallel }, (_, c) => ({
      type: 'tool_call' as const,
      id: `call_${t}_${c}`,
      name: 'tool_0',
      input: { q: `query ${t}.${c}` },
    }));
    messages.push({ role: 'assistant', content: [{ type: 'text', text: `Step ${t}.` }, ...calls] });
    messages.push({
      role: 'user',
      content: calls.map((call) => ({
        type: 'tool_result' as const,
        toolCallId: call.id,
        content: [{ type: 'text' as const, text: renderedToolResult(t, sentAt) }],
      })),
    });
  }
  return {
    model: 'claude-sonnet-4-5',
    system: [{ type: 'text', text: prose(600) }],
    tools: tools(8, 150),
    messages,
    maxTokens: 256,
    stream: false,
  };
}
