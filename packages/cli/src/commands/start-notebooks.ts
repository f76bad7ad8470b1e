// The notebook service inside `rampart start`: one sandboxed Python kernel per thread behind an MCP
// endpoint (notebook_run_cell). Each sandbox's network is its own egress proxy socket: every request is audited
// with its thread and user, and allowed only to the gateway plus its tenant's allowlist. The sandbox reaches the
// gateway with a virtual key minted for its thread (when tenancy provides one), never a provider key.
// Without bubblewrap it does not start, and says exactly why, rather than running code unisolated.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createBubblewrapDriver,
  createEgressHub,
  createSandboxManager,
  startNotebookHttpServer,
  tenantEgressPolicy,
  type MintGatewayKey,
  type SandboxManager,
  type TenantAllowlists,
} from '@rampart/sandbox';
import { TenancyError, type Tenancy } from '@rampart/gateway';
import { openStore, type Store } from '@rampart/store';

/** A running notebook service. */
export interface NotebookService {
  url: string;
  /** The sandbox manager, for agents in this process (their notebook tool, in-process MCP). */
  manager: SandboxManager;
  close(): Promise<void>;
}

/** Where the service keeps its data and how sandboxes reach the gateway. */
export interface NotebookServiceOptions {
  dataDir: string;
  host: string;
  port: number;
  gatewayUrl: string;
  /**
   * Hosts sandboxes may reach besides the gateway, per tenant (team). Default: $RAMPART_NOTEBOOK_EGRESS as JSON
   * `{"default": ["api.example.com"], "tenants": {"team_…": ["*.example.org"]}}`, else the gateway only.
   */
  egress?: TenantAllowlists;
  /** The store `rampart start` opened (users → teams for the egress policy); default: SQLite in dataDir. */
  store?: Store;
  /** Tenancy, to mint each thread's virtual key (tenancyKeyMinter); without it sandboxes get no key. */
  tenancy?: Pick<Tenancy, 'createKey' | 'revokeKey' | 'listKeys'>;
  /** Overrides how thread keys are minted. */
  mintGatewayKey?: MintGatewayKey;
  /** Pre-started sandboxes for new threads (default 1). */
  warmPoolSize?: number;
  log: (event: string, fields: Record<string, unknown>) => void;
}

/** The name sandboxes use for the gateway; the egress proxy maps it to the real address. */
const GATEWAY_ALIAS = 'gateway.rampart.internal';

/** Starts the notebook service, or returns why it cannot run on this machine. */
export async function startNotebooks(
  options: NotebookServiceOptions,
): Promise<NotebookService | { unavailable: string }> {
  // Sized work dirs need loop mounts, i.e. root; otherwise the work dir is a plain directory.
  const driver = createBubblewrapDriver({ workDirLimit: process.getuid?.() === 0 ? 'image' : 'none' });
  try {
    await driver.checkAvailable();
  } catch (error) {
    return { unavailable: (error as Error).message };
  }
  // Invalid allowlists fail here, before anything is opened.
  const lists = options.egress ?? egressFromEnvironment(process.env.RAMPART_NOTEBOOK_EGRESS);
  tenantEgressPolicy(lists, () => undefined);
  await mkdir(join(options.dataDir, 'work'), { recursive: true });
  const ownStore = options.store === undefined;
  const store = options.store ?? (await openStore({ url: join(options.dataDir, 'rampart.db') }));
  // Keys are named after the thread and this manager instance, so a later start can tell a dead manager's keys.
  const instanceId = `mgr-${randomBytes(8).toString('hex')}`;
  const mintGatewayKey =
    options.mintGatewayKey ??
    (options.tenancy === undefined ? undefined : tenancyKeyMinter(options.tenancy, options.log, instanceId));
  // The tenant is the user's team as the store knows it; unknown users get the default list.
  const policy = tenantEgressPolicy(lists, async (userId) => (await store.users.get(userId))?.teamId);
  const gateway = new URL(options.gatewayUrl);
  const gatewayPort = Number(gateway.port) || 80;
  const egress = createEgressHub({
    socketDir: await egressSocketDir(options.dataDir),
    aliases: { [GATEWAY_ALIAS]: { host: gateway.hostname, port: gatewayPort } },
    policy,
    audit: (record) => options.log('egress', { ...record }),
  });
  const manager = createSandboxManager({
    instanceId,
    store,
    driver,
    workRoot: join(options.dataDir, 'work'),
    egress,
    gatewayUrl: `http://${GATEWAY_ALIAS}:${gatewayPort}`,
    ...(mintGatewayKey === undefined ? {} : { mintGatewayKey }),
    warmPoolSize: options.warmPoolSize ?? 1,
    log: options.log,
  });
  await manager.start();
  if (options.tenancy !== undefined && options.mintGatewayKey === undefined)
    await revokeOrphanKeys(options.tenancy, store, options.log);
  const http = await startNotebookHttpServer({ manager, host: options.host, port: options.port });
  return {
    url: `${http.url}/mcp`,
    manager,
    async close() {
      await http.close();
      await manager.close();
      await egress.close();
      if (ownStore) await store.close();
    },
  };
}

const KEY_PREFIX = 'notebook:';

/**
 * The sockets live in the data dir unless its path is too long for unix socket names (107 bytes with the file
 * name): then in a fresh private directory of our own under the temp dir (mkdtemp: never one someone else made).
 */
async function egressSocketDir(dataDir: string): Promise<string> {
  const preferred = join(dataDir, 'egress');
  if (Buffer.byteLength(preferred) <= 80) return preferred;
  return mkdtemp(join(tmpdir(), 'rampart-egress-'));
}

/**
 * Revokes the thread keys of managers that are gone (killed before they could revoke them): a key named
 * `notebook:<thread>@<manager>` whose manager has no live registration. Keys of live managers (other replicas)
 * are left alone.
 */
export async function revokeOrphanKeys(
  tenancy: Pick<Tenancy, 'revokeKey' | 'listKeys'>,
  store: Store,
  log: (event: string, fields: Record<string, unknown>) => void,
): Promise<number> {
  const alive = new Map<string, boolean>();
  const isAlive = async (managerId: string): Promise<boolean> => {
    const known = alive.get(managerId);
    if (known !== undefined) return known;
    const record = await store.sandboxManagers.get(managerId);
    const live =
      record !== undefined &&
      record.leaseExpiresAt >= Date.now() &&
      (record.hostname !== hostname() || processExists(record.pid));
    alive.set(managerId, live);
    return live;
  };
  let revoked = 0;
  for (const key of await tenancy.listKeys()) {
    if (key.revokedAt !== null || !key.name.startsWith(KEY_PREFIX)) continue;
    const managerId = key.name.slice(key.name.lastIndexOf('@') + 1);
    if (!key.name.includes('@') || (await isAlive(managerId))) continue;
    await tenancy.revokeKey(key.id);
    revoked++;
  }
  if (revoked > 0) log('gateway_keys_reaped', { revoked });
  return revoked;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sandbox key scopes: model calls only (no usage reading, nothing administrative). */
const SANDBOX_KEY_SCOPES = { endpoints: ['chat.completions', 'messages', 'models'] as const };

/**
 * Mints each thread's key through the in-process tenancy API: a key of the thread's user (so the user's and team's
 * limits and budgets apply), named after the thread, limited to model calls, revoked when the sandbox stops. A user
 * tenancy does not know (no user header on the MCP call) gets no key: the sandbox still runs, the gateway answers
 * 401, and the log says why.
 */
export function tenancyKeyMinter(
  tenancy: Pick<Tenancy, 'createKey' | 'revokeKey'>,
  log: (event: string, fields: Record<string, unknown>) => void,
  managerId: string,
): MintGatewayKey {
  return async (userId, threadId) => {
    let created;
    try {
      created = await tenancy.createKey({
        userId,
        name: `${KEY_PREFIX}${threadId}@${managerId}`,
        scopes: { endpoints: [...SANDBOX_KEY_SCOPES.endpoints] },
      });
    } catch (error) {
      if (error instanceof TenancyError && error.code === 'not_found') {
        log('gateway_key_unavailable', { threadId, userId, reason: error.message });
        return undefined;
      }
      throw error;
    }
    const id = created.key.id;
    return {
      key: created.secret,
      revoke: async () => {
        await tenancy.revokeKey(id);
      },
    };
  };
}

function egressFromEnvironment(raw: string | undefined): TenantAllowlists {
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new Error(`RAMPART_NOTEBOOK_EGRESS is not JSON: ${(error as Error).message}`);
  }
  const isList = (value: unknown): value is string[] =>
    Array.isArray(value) && value.every((entry) => typeof entry === 'string');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('RAMPART_NOTEBOOK_EGRESS: expected {"default": [...], "tenants": {...}}');
  const { default: fallback, tenants } = parsed as Record<string, unknown>;
  if (fallback !== undefined && !isList(fallback))
    throw new Error('RAMPART_NOTEBOOK_EGRESS.default: expected a list of hosts');
  if (tenants !== undefined && (typeof tenants !== 'object' || tenants === null || Array.isArray(tenants)))
    throw new Error('RAMPART_NOTEBOOK_EGRESS.tenants: expected an object of lists');
  for (const [tenant, list] of Object.entries((tenants ?? {}) as Record<string, unknown>)) {
    if (!isList(list)) throw new Error(`RAMPART_NOTEBOOK_EGRESS.tenants.${tenant}: expected a list of hosts`);
  }
  return {
    ...(fallback === undefined ? {} : { default: fallback }),
    ...(tenants === undefined ? {} : { tenants: tenants as Record<string, string[]> }),
  };
}
