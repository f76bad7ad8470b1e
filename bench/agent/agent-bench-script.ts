// The scripted agent every bench run plays: two tool steps and an answer, with a model "thinking" delay per step so
// that all runs are in flight together (instant models would finish faster than a client can open streams).
import type { ScriptedTurn } from '@rampart/agent';

/** Three steps: text + tool, text + tool, a five-chunk answer. */
export const BENCH_SCRIPT: ScriptedTurn[] = [
  {
    text: ['Looking ', 'at ', 'the data.'],
    toolCalls: [{ id: 'call_1', name: 'count', input: { label: 'load' } }],
  },
  { text: ['Computing.'], toolCalls: [{ id: 'call_2', name: 'count', input: { label: 'compute' } }] },
  { text: ['The ', 'answer ', 'is ', '42', '.'] },
];
