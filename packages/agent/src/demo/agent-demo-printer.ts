// How the demo shows a run's event stream in a terminal: one line per event, content streamed inline.
import type { AgentEvent } from '../agent-events.js';
import type { InMemoryRun } from '../loop/agent-run-in-memory.js';

const COLORS = { dim: 2, bold: 1, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36 } as const;

/** Formats events; keeps track of whether a content line is open. */
export function createEventPrinter(color: boolean) {
  const paint = (name: keyof typeof COLORS, text: string): string =>
    color ? `\u001b[${COLORS[name]}m${text}\u001b[0m` : text;
  let inContent = false;
  const line = (text: string): string => {
    const prefix = inContent ? '\n' : '';
    inContent = false;
    return `${prefix}${text}\n`;
  };
  const indent = (text: string, max = 14): string => {
    const lines = text.split('\n');
    const shown =
      lines.length > max ? [...lines.slice(0, max), `… (${lines.length - max} more lines)`] : lines;
    return shown.map((l) => `      ${l}`).join('\n');
  };
  return {
    banner(lines: string[]): string {
      return `${paint('bold', '━'.repeat(100))}\n${lines.map((l) => paint('bold', l)).join('\n')}\n${paint('bold', '━'.repeat(100))}\n\n`;
    },
    user(text: string): string {
      return `${paint('cyan', 'user ▸')} ${text}\n\n`;
    },
    event(event: AgentEvent): string {
      const tag = paint('dim', `#${String(event.seq).padStart(2, '0')} ${event.type.padEnd(11)}`);
      switch (event.type) {
        case 'content': {
          const head = inContent ? '' : `${tag} ${paint('green', 'agent ▸')} `;
          inContent = true;
          return head + event.text;
        }
        case 'run_started':
          return line(`${tag} run ${event.runId.slice(0, 8)} on thread ${event.threadId}`);
        case 'status':
          return line(
            `${tag} ${event.status === 'generating' ? `generating (step ${event.step})` : `calling ${event.tool ?? 'a tool'}`}`,
          );
        case 'notice':
          return line(`${tag} ${paint('yellow', `⚠ ${event.code}: ${event.message}`)}`);
        case 'tool_call': {
          const input = event.input as { code?: unknown; description?: unknown };
          const code = typeof input.code === 'string' ? input.code : JSON.stringify(event.input);
          const what = typeof input.description === 'string' ? ` — ${input.description}` : '';
          return line(`${tag} ${paint('magenta', `${event.tool}${what}`)}\n${paint('dim', indent(code))}`);
        }
        case 'tool_result':
          return line(
            `${tag} ${event.isError ? paint('red', 'tool error') : paint('blue', 'output')}\n${indent(event.output)}`,
          );
        case 'usage': {
          const u = event.usage;
          const tokens = `${u.inputTokens ?? 0} in${u.cacheReadTokens ? ` + ${u.cacheReadTokens} cached` : ''} / ${u.outputTokens ?? 0} out`;
          return line(
            `${tag} step ${event.step} served by ${event.provider}/${event.model}: ${tokens} tokens, $${event.costUsd}`,
          );
        }
        case 'done':
          return line(
            `${tag} ${paint('green', `✔ done after ${event.steps} model steps, total cost $${event.totalCostUsd}`)}`,
          );
        case 'error':
          return line(`${tag} ${paint('red', `✖ ${event.code}: ${event.message}`)}`);
      }
    },
    summary(
      run: InMemoryRun,
      primaryFailures: number,
      backupCalls: number,
      primary: string,
      backup: string,
    ): string {
      const cost = run.events.find((e) => e.type === 'done');
      return (
        `\n${paint('bold', 'Summary')}\n` +
        `  outcome: ${run.outcome.status}\n` +
        `  ${primary} (primary): ${primaryFailures} requests, all failed with 503 (simulated outage)\n` +
        `  ${backup} (backup):  ${backupCalls} requests served\n` +
        `  events streamed: ${run.events.length}\n` +
        (cost?.type === 'done' ? `  run cost: $${cost.totalCostUsd} (simulated tokens at list prices)\n` : '')
      );
    },
  };
}
