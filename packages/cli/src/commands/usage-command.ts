// `rampart usage …`: usage and cost from the ledger through the admin API (GET /admin/v1/usage), grouped by one
// dimension; a table for people, --json for scripts.
import { parseArgs } from 'node:util';
import { adminClient, AdminRequestError } from './admin-client.js';

/** Usage text of the usage command. */
export const USAGE_COMMAND_USAGE = `  usage        [--group-by user|thread|key|team|model|day|status] [--from DATE] [--to DATE]
               [--team ID] [--user ID] [--key ID] [--thread ID] [--model M]  (default: by day, last 30 days)
`;

interface UsageGroupJson {
  group: string | null;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: string;
}

interface UsageJson {
  group_by: string;
  from: string;
  to: string;
  data: UsageGroupJson[];
  total: Omit<UsageGroupJson, 'group'>;
}

/** Runs `rampart usage …`; returns the exit code. */
export async function runUsageCommand(
  argv: string[],
  env: Record<string, string | undefined>,
  out: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        'admin-token': { type: 'string' },
        'data-dir': { type: 'string' },
        json: { type: 'boolean' },
        'group-by': { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        team: { type: 'string' },
        user: { type: 'string' },
        key: { type: 'string' },
        thread: { type: 'string' },
        model: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`rampart usage: ${(error as Error).message}\n`);
    return 2;
  }
  const params = new URLSearchParams();
  const pairs: Array<[string, string | undefined]> = [
    ['group_by', values['group-by']],
    ['from', values.from],
    ['to', values.to],
    ['team_id', values.team],
    ['user_id', values.user],
    ['key_id', values.key],
    ['thread_id', values.thread],
    ['model', values.model],
  ];
  for (const [name, value] of pairs) if (value !== undefined) params.set(name, value);
  try {
    const client = await adminClient(
      { url: values.url, adminToken: values['admin-token'], dataDir: values['data-dir'] },
      env,
    );
    const result = (await client.request('GET', `usage?${params.toString()}`)) as UsageJson;
    out(values.json ? `${JSON.stringify(result, null, 2)}\n` : renderUsage(result));
    return 0;
  } catch (error) {
    process.stderr.write(`rampart usage: ${(error as Error).message}\n`);
    return error instanceof AdminRequestError ? 1 : 2;
  }
}

/** The usage answer as an aligned table with a total line. */
export function renderUsage(result: UsageJson): string {
  const head = [result.group_by, 'requests', 'input', 'output', 'cache read', 'cache write', 'cost (USD)'];
  const row = (label: string, g: Omit<UsageGroupJson, 'group'>) => [
    label,
    String(g.requests),
    String(g.input_tokens),
    String(g.output_tokens),
    String(g.cache_read_tokens),
    String(g.cache_write_tokens),
    g.cost_usd,
  ];
  const rows = [head, ...result.data.map((g) => row(g.group ?? '(none)', g)), row('total', result.total)];
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return `usage ${result.from} → ${result.to}\n${rows.map(line).join('\n')}\n`;
}
