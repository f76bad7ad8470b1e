// A tool host for durable-run tests: one tool, `count`, that records each execution (its `label` input) by
// appending a line to a file, so executions are counted across worker processes, including killed ones.
import { appendFileSync } from 'node:fs';
import type { ToolHost } from '../loop/agent-run-types.js';

/** A ToolHost whose `count` tool appends `label` to `file` (or only counts in memory without a file). */
export function countingTools(file?: string): ToolHost & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return {
    counts,
    async listTools() {
      return [
        {
          name: 'count',
          description: 'Counts an execution.',
          inputSchema: { type: 'object', properties: { label: { type: 'string' } }, required: ['label'] },
        },
      ];
    },
    async callTool(name, input) {
      const raw = (input as { label?: unknown } | null)?.label;
      const label = typeof raw === 'string' ? raw : JSON.stringify(raw);
      if (name !== 'count')
        return { content: [{ type: 'text', text: `no tool ${name}` }], isError: true, notices: [] };
      counts.set(label, (counts.get(label) ?? 0) + 1);
      if (file !== undefined) appendFileSync(file, `${label}\n`);
      return { content: [{ type: 'text', text: `counted ${label}` }], isError: false, notices: [] };
    },
  };
}
