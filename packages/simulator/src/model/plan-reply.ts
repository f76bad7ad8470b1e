// Decides what the simulated model says: a scripted response when one is queued, otherwise a deterministic
// reply derived from the conversation, then cut by stop sequences and max_tokens like a real model.
import { canonicalJson, countTokens } from '../prompt/token-count.js';
import type { ScriptedResponse, SimStopReason } from '../script/scripted-response.js';

/** What the model produces, provider-neutral. */
export type ReplyBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; name: string; input: Record<string, unknown>; id?: string };

/** The planned reply. */
export interface Reply {
  blocks: ReplyBlock[];
  stopReason: SimStopReason;
  stopSequence: string | null;
  outputTokens: number;
  usageOverride?: ScriptedResponse['usage'];
}

/** The parts of a request that shape the reply. */
export interface TurnInput {
  /** Text of the last user turn (text blocks joined by newlines). */
  lastUserText: string;
  /** Set when the last user turn carried tool results: their text, joined. */
  lastToolResultText?: string;
  tools: ReadonlyArray<{ name: string; schema: unknown }>;
  toolChoice: { type: 'auto' | 'any' | 'tool' | 'none'; name?: string };
  maxTokens?: number;
  stopSequences: readonly string[];
}

const SNIPPET_LIMIT = 300;

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty message)';
  const chars = [...flat];
  return chars.length > SNIPPET_LIMIT ? `${chars.slice(0, SNIPPET_LIMIT).join('')}…` : flat;
}

/** The default reply to a user message: tests can compute it. */
export function simulatedReplyText(lastUserText: string): string {
  return `Simulated reply to: ${snippet(lastUserText)}`;
}

/** The default reply after tool results. */
export function simulatedToolResultReplyText(toolResultText: string): string {
  return `Tool result received: ${snippet(toolResultText)}`;
}

/** Output tokens for reply blocks: text by the token rule, a tool call by its name plus canonical input. */
export function countReplyTokens(blocks: readonly ReplyBlock[]): number {
  let sum = 0;
  for (const b of blocks)
    sum += b.type === 'text' ? countTokens(b.text) : countTokens(b.name + canonicalJson(b.input));
  return sum;
}

function sampleValue(schema: unknown, text: string): unknown {
  const s = (typeof schema === 'object' && schema !== null ? schema : {}) as Record<string, unknown>;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return sampleInput(s, text);
    default:
      return [...text].slice(0, 100).join('');
  }
}

/** Fill a tool input from its JSON schema: every required property gets a plausible value. */
function sampleInput(schema: unknown, text: string): Record<string, unknown> {
  const s = (typeof schema === 'object' && schema !== null ? schema : {}) as Record<string, unknown>;
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  const required = Array.isArray(s.required) ? (s.required as string[]) : [];
  const input: Record<string, unknown> = {};
  for (const name of required) input[name] = sampleValue(properties[name], text);
  return input;
}

function defaultBlocks(input: TurnInput): ReplyBlock[] {
  const { toolChoice, tools } = input;
  const forced =
    toolChoice.type === 'tool'
      ? tools.find((t) => t.name === toolChoice.name)
      : toolChoice.type === 'any'
        ? tools[0]
        : undefined;
  // With tool_choice auto, a user message naming a declared tool gets that tool called: a predictable way to
  // see a tool round trip without scripting.
  const mentioned =
    toolChoice.type === 'auto' && input.lastToolResultText === undefined
      ? tools.find((t) => input.lastUserText.includes(t.name))
      : undefined;
  const tool = forced ?? mentioned;
  if (tool)
    return [
      { type: 'tool_use', name: tool.name, input: sampleInput(tool.schema, snippet(input.lastUserText)) },
    ];
  const text =
    input.lastToolResultText !== undefined
      ? simulatedToolResultReplyText(input.lastToolResultText)
      : simulatedReplyText(input.lastUserText);
  return [{ type: 'text', text }];
}

/** Plan the reply for one request. */
export function planReply(input: TurnInput, scripted: ScriptedResponse | undefined): Reply {
  let blocks: ReplyBlock[];
  let stopReason: SimStopReason;
  if (scripted) {
    blocks = [];
    if (scripted.text !== undefined) blocks.push({ type: 'text', text: scripted.text });
    for (const call of scripted.toolCalls ?? []) {
      blocks.push({
        type: 'tool_use',
        name: call.name,
        input: call.input,
        ...(call.id ? { id: call.id } : {}),
      });
    }
    stopReason = scripted.stopReason ?? (scripted.toolCalls?.length ? 'tool_use' : 'end_turn');
  } else {
    blocks = defaultBlocks(input);
    stopReason = blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
  }

  let stopSequence: string | null = null;
  const first = blocks[0];
  if (first?.type === 'text' && !scripted?.stopReason) {
    const hits = input.stopSequences
      .map((seq) => ({ seq, at: first.text.indexOf(seq) }))
      .filter((h) => h.seq !== '' && h.at >= 0)
      .sort((a, b) => a.at - b.at);
    if (hits[0]) {
      blocks = [{ type: 'text', text: first.text.slice(0, hits[0].at) }];
      stopReason = 'stop_sequence';
      stopSequence = hits[0].seq;
    }
  }

  if (input.maxTokens !== undefined && countReplyTokens(blocks) > input.maxTokens) {
    const kept: ReplyBlock[] = [];
    let budget = input.maxTokens;
    for (const b of blocks) {
      if (b.type !== 'text' || budget <= 0) break;
      const text = [...b.text].slice(0, budget * 4).join('');
      kept.push({ type: 'text', text });
      budget -= countTokens(text);
    }
    blocks = kept;
    stopReason = 'max_tokens';
    stopSequence = null;
  }

  const reply: Reply = { blocks, stopReason, stopSequence, outputTokens: countReplyTokens(blocks) };
  if (scripted?.usage) {
    reply.usageOverride = scripted.usage;
    if (scripted.usage.outputTokens !== undefined) reply.outputTokens = scripted.usage.outputTokens;
  }
  return reply;
}
