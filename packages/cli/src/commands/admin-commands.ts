// `rampart teams|users|credentials|keys …`: the admin API from the command line. Tables for people, `--json`
// for scripts. Secrets appear once: the key created or rotated, printed by the command that made it.
import { parseArgs } from 'node:util';
import { adminClient, AdminRequestError } from './admin-client.js';

type Row = Record<string, unknown>;

const COMMON = {
  url: { type: 'string' },
  'admin-token': { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  team: { type: 'string' },
  user: { type: 'string' },
  email: { type: 'string' },
  provider: { type: 'string' },
  'api-key': { type: 'string' },
  'access-key-id': { type: 'string' },
  'secret-access-key': { type: 'string' },
  'session-token': { type: 'string' },
  models: { type: 'string' },
  providers: { type: 'string' },
  endpoints: { type: 'string' },
  'route-json': { type: 'string' },
  'expires-at': { type: 'string' },
  'grace-ms': { type: 'string' },
  rpm: { type: 'string' },
  tpm: { type: 'string' },
  tph: { type: 'string' },
  'usd-per-day': { type: 'string' },
  'usd-per-month': { type: 'string' },
  name: { type: 'string' },
} as const;

const COLUMNS: Record<string, string[]> = {
  teams: ['id', 'name', 'limits', 'created_at'],
  users: ['id', 'team_id', 'name', 'email', 'limits'],
  credentials: ['id', 'team_id', 'name', 'provider', 'created_at', 'rotated_at'],
  keys: ['id', 'prefix', 'user_id', 'name', 'status', 'scopes', 'expires_at', 'last_used_at'],
};

/** Usage text of the admin subcommands. */
export const ADMIN_USAGE = `  teams        list | create NAME | get ID | limits ID [limit flags]
  users        list [--team ID] | create --team ID NAME [--email E] | get ID | limits ID [limit flags]
  credentials  list [--team ID] | get ID | delete ID
               create --team ID --provider P NAME (--api-key K | --access-key-id A --secret-access-key S)
               update ID (--api-key K | …)
  keys         list [--team ID] [--user ID] | get ID | revoke ID | rotate ID [--grace-ms N]
               create --user ID NAME [--models a,b] [--providers a,b] [--endpoints a,b] [--route-json J]
               update ID [--name N] [--models …] [--providers …] [--endpoints …] [--route-json J|null]
  limit flags: --rpm N --tpm N --tph N --usd-per-day X --usd-per-month X
  every admin command: --url (RAMPART_URL, http://127.0.0.1:8787), --admin-token (RAMPART_ADMIN_TOKEN,
               else <data-dir>/admin-token), --json
`;

/** Runs `rampart <resource> <action> …`; returns the exit code. */
export async function runAdminCommand(
  resource: 'teams' | 'users' | 'credentials' | 'keys',
  argv: string[],
  env: Record<string, string | undefined>,
  out: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: COMMON, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`rampart ${resource}: ${(error as Error).message}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action = 'list', arg] = positionals;
  try {
    const client = await adminClient(
      { url: values.url, adminToken: values['admin-token'], dataDir: values['data-dir'] },
      env,
    );
    const result = await perform(resource, action, arg, values, client.request.bind(client));
    if (values.json) out(`${JSON.stringify(result, null, 2)}\n`);
    else out(render(resource, result));
    return 0;
  } catch (error) {
    process.stderr.write(`rampart ${resource} ${action}: ${(error as Error).message}\n`);
    return error instanceof AdminRequestError || error instanceof UsageError ? 1 : 2;
  }
}

class UsageError extends Error {}

type Values = Record<string, string | boolean | undefined>;
type Request = (method: string, path: string, body?: unknown) => Promise<unknown>;

async function perform(
  resource: string,
  action: string,
  arg: string | undefined,
  v: Values,
  request: Request,
) {
  const need = (what: string) => {
    if (arg === undefined) throw new UsageError(`${action} needs ${what}`);
    return arg;
  };
  const query = (pairs: Record<string, string | boolean | undefined>) => {
    const params = new URLSearchParams();
    for (const [k, value] of Object.entries(pairs)) if (typeof value === 'string') params.set(k, value);
    const text = params.toString();
    return text ? `?${text}` : '';
  };
  switch (`${resource} ${action}`) {
    case 'teams list':
      return request('GET', 'teams');
    case 'teams create':
      return request('POST', 'teams', { name: need('a NAME'), ...limitsBody(v) });
    case 'users list':
      return request('GET', `users${query({ team_id: v.team })}`);
    case 'users create':
      return request('POST', 'users', {
        team_id: v.team,
        name: need('a NAME'),
        ...(typeof v.email === 'string' ? { email: v.email } : {}),
        ...limitsBody(v),
      });
    case 'teams limits':
    case 'users limits':
      return request('PATCH', `${resource}/${need('an ID')}`, { limits: limitsBody(v).limits ?? {} });
    case 'credentials list':
      return request('GET', `credentials${query({ team_id: v.team })}`);
    case 'credentials create':
      return request('POST', 'credentials', {
        team_id: v.team,
        name: need('a NAME'),
        provider: v.provider,
        secrets: secretsBody(v),
      });
    case 'credentials update':
      return request('PATCH', `credentials/${need('an ID')}`, {
        secrets: secretsBody(v),
        ...(typeof v.provider === 'string' ? { provider: v.provider } : {}),
      });
    case 'credentials delete':
      return request('DELETE', `credentials/${need('an ID')}`);
    case 'keys list':
      return request('GET', `keys${query({ team_id: v.team, user_id: v.user })}`);
    case 'keys create':
      return request('POST', 'keys', { user_id: v.user, name: need('a NAME'), ...keyBody(v) });
    case 'keys update':
      return request('PATCH', `keys/${need('an ID')}`, {
        ...(typeof v.name === 'string' ? { name: v.name } : {}),
        ...keyBody(v),
      });
    case 'keys rotate':
      return request(
        'POST',
        `keys/${need('an ID')}/rotate`,
        typeof v['grace-ms'] === 'string' ? { grace_ms: Number(v['grace-ms']) } : {},
      );
    case 'keys revoke':
      return request('POST', `keys/${need('an ID')}/revoke`);
    default:
      if (action === 'get') return request('GET', `${resource}/${need('an ID')}`);
      throw new UsageError(`unknown action "${action}" (see rampart help)`);
  }
}

function limitsBody(v: Values): { limits?: Row } {
  const limits: Row = {};
  const int = (flag: string, field: string) => {
    if (typeof v[flag] === 'string') limits[field] = Number(v[flag]);
  };
  int('rpm', 'requests_per_minute');
  int('tpm', 'tokens_per_minute');
  int('tph', 'tokens_per_hour');
  if (typeof v['usd-per-day'] === 'string') limits.usd_per_day = v['usd-per-day'];
  if (typeof v['usd-per-month'] === 'string') limits.usd_per_month = v['usd-per-month'];
  return Object.keys(limits).length > 0 ? { limits } : {};
}

function secretsBody(v: Values): Row {
  const secrets: Row = {};
  if (typeof v['api-key'] === 'string') secrets.apiKey = v['api-key'];
  if (typeof v['access-key-id'] === 'string') secrets.accessKeyId = v['access-key-id'];
  if (typeof v['secret-access-key'] === 'string') secrets.secretAccessKey = v['secret-access-key'];
  if (typeof v['session-token'] === 'string') secrets.sessionToken = v['session-token'];
  return secrets;
}

function keyBody(v: Values): Row {
  const list = (flag: string) =>
    typeof v[flag] === 'string' ? v[flag].split(',').filter(Boolean) : undefined;
  const scopes: Row = {};
  for (const field of ['models', 'providers', 'endpoints']) {
    const values = list(field);
    if (values !== undefined) scopes[field] = values;
  }
  const body: Row = { ...limitsBody(v) };
  if (Object.keys(scopes).length > 0) body.scopes = scopes;
  if (typeof v['route-json'] === 'string') {
    try {
      body.route = JSON.parse(v['route-json']);
    } catch (error) {
      throw new UsageError(`--route-json is not JSON: ${(error as Error).message}`);
    }
  }
  if (typeof v['expires-at'] === 'string') body.expires_at = v['expires-at'];
  return body;
}

function render(resource: string, result: unknown): string {
  const value = result as Row;
  if (Array.isArray(value.data)) return table(COLUMNS[resource] ?? [], value.data as Row[]);
  if (typeof value.secret === 'string') {
    const key = value.key as Row;
    return [
      `key ${String(key.id)} (${String(key.name)}) for user ${String(key.user_id)}`,
      `secret (shown once, store it now): ${value.secret}`,
      ...(value.previous
        ? [
            `previous key ${String((value.previous as Row).id)} expires at ${String((value.previous as Row).expires_at)}`,
          ]
        : []),
      '',
    ].join('\n');
  }
  return `${Object.entries(value)
    .map(([k, v]) => `${k}: ${cell(v)}`)
    .join('\n')}\n`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'object') {
    const text = JSON.stringify(value);
    return text === '{}' ? '-' : text;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function table(columns: string[], rows: Row[]): string {
  const cells = rows.map((row) => columns.map((c) => cell(row[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((text, i) => text.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n')}\n`;
}
