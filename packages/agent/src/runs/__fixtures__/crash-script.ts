// Three steps, two tool calls: step 1 counts "a", step 2 counts "b", step 3 answers.
import type { ScriptedTurn } from '../../model/agent-scripted-model.js';

/** The crash tests' script. */
export const CRASH_SCRIPT: ScriptedTurn[] = [
  { text: 'First a.', toolCalls: [{ id: 'call_a', name: 'count', input: { label: 'a' } }] },
  { text: 'Then b.', toolCalls: [{ id: 'call_b', name: 'count', input: { label: 'b' } }] },
  { text: ['All ', 'counted.'] },
];
