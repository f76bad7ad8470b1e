// The conversations the cache bench replays, sized in the simulator's tokens (ceil(characters / 4) per block).
// Tool results are rendered by the client at send time, as in the talk's war story: every request re-sends
// every earlier result with a fresh timestamp, duration and request id, so raw prefixes never repeat.

/** A tool call the scripted model makes. */
export interface BenchToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** One tool's output: stable data plus the client's volatile envelope, rendered at send time. */
export interface BenchToolOutput {
  callId: string;
  tool: string;
  data: string;
}

/** One request/response step: what the user side adds, then what the model answers. */
export interface BenchTurn {
  /** Plain user text (the first turn), or tool outputs answering the previous reply's calls. */
  userText?: string;
  toolOutputs?: BenchToolOutput[];
  reply: { text: string; toolCalls: BenchToolCall[] };
}

/** A whole conversation to replay. */
export interface BenchScenario {
  id: string;
  title: string;
  /** Gateway model name (pins the upstream). */
  model: string;
  /** The simulator provider that serves it (for scripted replies). */
  simProvider: 'anthropic' | 'bedrock';
  system: string;
  tools: Array<{ name: string; description: string; input_schema: Record<string, unknown> }>;
  turns: BenchTurn[];
}

const VOCABULARY =
  'cache prefix token model request gateway provider latency budget tenant agent sandbox notebook kernel result query index vector schema field record batch stream event window limit'.split(
    ' ',
  );

/** Deterministic filler of about `chars` characters (seeded, so every run sends the same bytes). */
export function filler(chars: number, seed: number): string {
  const words: string[] = [];
  let length = 0;
  let state = seed * 2654435761 + 1;
  while (length < chars) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const word = VOCABULARY[state % VOCABULARY.length]!;
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ').slice(0, chars);
}

function tools(count: number, descriptionChars: number) {
  return Array.from({ length: count }, (_, i) => ({
    name: `tool_${i}`,
    description: filler(descriptionChars, 1000 + i),
    input_schema: {
      type: 'object',
      properties: { query: { type: 'string', description: 'What to look up' }, limit: { type: 'integer' } },
      required: ['query'],
    },
  }));
}

/**
 * (a) The talk's 100-message conversation: tools ≈ 15K tokens, system ≈ 3K, a first user message of ≈ 7K (so
 * request 1 ≈ 25K, as in the talk), then 49 tool round trips adding ≈ 3K each; the final reply makes message 100.
 */
export function talkConversation(): BenchScenario {
  const turns: BenchTurn[] = [];
  for (let t = 0; t < 50; t++) {
    const last = t === 49;
    turns.push({
      ...(t === 0
        ? { userText: `Please analyse this incident report.\n\n${filler(28_000, 7)}` }
        : { toolOutputs: [{ callId: `toolu_a${t - 1}`, tool: 'tool_3', data: filler(11_400, t) }] }),
      reply: {
        text: last ? 'Here is the summary you asked for.' : `Step ${t}: checking the next source.`,
        toolCalls: last
          ? []
          : [{ id: `toolu_a${t}`, name: 'tool_3', input: { query: `source ${t}`, limit: 10 } }],
      },
    });
  }
  return {
    id: 'talk-100-messages',
    title: "(a) the talk's 100-message conversation",
    model: 'anthropic/claude-sonnet-4-5',
    simProvider: 'anthropic',
    system: filler(12_000, 3),
    tools: tools(20, 2_860),
    turns,
  };
}

/**
 * (b) A 20-turn agent session on Bedrock Converse: 10 tools ≈ 4K tokens, system ≈ 1.5K, 1–3 parallel calls per
 * turn and one fan-out of 12 (whose 24 new blocks put the previous write beyond the 20-block lookback).
 */
export function agentSession(): BenchScenario {
  const turns: BenchTurn[] = [];
  let previous: BenchToolCall[] = [];
  for (let t = 0; t < 20; t++) {
    const last = t === 19;
    const fanOut = t === 8 ? 12 : 1 + (t % 3);
    const calls: BenchToolCall[] = last
      ? []
      : Array.from({ length: fanOut }, (_, c) => ({
          id: `tooluse_b${t}_${c}`,
          name: `tool_${(t + c) % 10}`,
          input: { query: `question ${t}.${c}`, limit: 5 },
        }));
    turns.push({
      ...(t === 0
        ? { userText: `Find out why the nightly build got slower this week. ${filler(1_200, 11)}` }
        : {
            toolOutputs: previous.map((call, c) => ({
              callId: call.id,
              tool: call.name,
              data: filler(1_200 + ((t * 7 + c * 13) % 5) * 900, 100 * t + c),
            })),
          }),
      reply: {
        text: last ? 'The slowdown comes from the cache key change.' : `Turn ${t}: looking further.`,
        toolCalls: calls,
      },
    });
    previous = calls;
  }
  return {
    id: 'agent-20-turns',
    title: '(b) a 20-turn agent session (Bedrock Converse)',
    model: 'bedrock-converse/claude-sonnet-4-5',
    simProvider: 'bedrock',
    system: filler(6_000, 5),
    tools: tools(10, 1_500),
    turns,
  };
}
