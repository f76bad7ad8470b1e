// The tenancy service: teams, users, team credentials and virtual keys over the store, plus the key directory and
// credential vault the request path uses. The admin API and the CLI's first start call it; other packages that
// need a key for a user (the agent runtime, sandboxes) call `tenancy.createKey(…)` in process.
import type { StateStore } from '@rampart/state';
import {
  StoreError,
  type CredentialRecord,
  type Store,
  type TeamRecord,
  type UserRecord,
  type VirtualKeyRecord,
} from '@rampart/store';
import type { GatewayConfig, ProviderConfig } from '../config/gateway-config-schema.js';
import { describeIssues } from '../config/format-config-error.js';
import { providerEntry, type ProviderEntry } from '../providers/create-provider-registry.js';
import type { CredentialLookup } from '../routing/compile-route.js';
import { parseRouteConfig, type RouteConfig } from '../routing/strategy-config-schema.js';
import type { GatewayTenancy } from './gateway-tenancy.js';
import type { KeyScopes, Limits, Principal } from './principal.js';
import { TenancyError } from './tenancy-errors.js';
import { hashKeySecret, keyPrefixOf, newId, newKeySecret } from './tenancy-ids.js';
import { KeyDirectory, principalOf } from './tenancy-key-directory.js';
import { openSealed, sealSecret } from './tenancy-seal.js';

/** A team's provider secrets: an API key, or AWS keys for a Bedrock provider. */
export interface CredentialSecrets {
  apiKey?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

/** A team as the API shows it. */
export type TeamView = TeamRecord & { limits: Limits };
/** A user as the API shows it. */
export type UserView = UserRecord & { limits: Limits };

/** A credential as the API shows it: never its secrets. */
export interface CredentialView {
  id: string;
  teamId: string;
  name: string;
  provider: string;
  createdAt: number;
  rotatedAt: number | null;
}

/** A virtual key as the API shows it: never its secret or hash. */
export interface KeyView {
  id: string;
  /** The secret's first characters, for recognising it. */
  prefix: string;
  teamId: string;
  userId: string;
  name: string;
  status: 'active' | 'expired' | 'revoked';
  scopes: KeyScopes;
  route: RouteConfig | null;
  limits: Limits;
  promptCache: boolean | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  successorId: string | null;
  lastUsedAt: number | null;
}

/** A key together with its secret, returned once at creation and rotation. */
export interface CreatedKey {
  key: KeyView;
  /** `rk_…`: shown once, stored only as a hash. */
  secret: string;
}

/** What creating a key takes. */
export interface NewKey {
  userId: string;
  name: string;
  scopes?: KeyScopes;
  /** The key's own routing config (validated here); absent = the config file's routes. */
  route?: unknown;
  limits?: Limits;
  promptCache?: boolean | null;
  expiresAt?: number | null;
}

/** What a key PATCH may change. */
export interface KeyChanges {
  name?: string;
  scopes?: KeyScopes;
  /** null removes the key's own route. */
  route?: unknown;
  limits?: Limits;
  promptCache?: boolean | null;
}

/** Options of createTenancy. */
export interface TenancyOptions {
  store: Store;
  /** The state store the gateway uses (Redis across replicas): carries key invalidations. */
  state: StateStore;
  /** 32-byte AES-256-GCM key sealing credentials (resolveMasterKey). */
  masterKey: Buffer;
  /** The gateway config: credentials name one of its providers, whose wire and base URL they use. */
  config: GatewayConfig;
  clock?: { now(): number };
  /** Default grace of a rotated key (default 24 h). */
  rotationGraceMs?: number;
  pollMs?: number;
  touchFlushMs?: number;
  onError?: (error: unknown, during: string) => void;
}

/** Tenancy over a store: the admin operations and what the gateway needs per request. */
export interface Tenancy extends GatewayTenancy {
  readonly directory: KeyDirectory;
  start(): Promise<void>;
  close(): Promise<void>;

  createTeam(input: { name: string; limits?: Limits }): Promise<TeamView>;
  listTeams(): Promise<TeamView[]>;
  getTeam(id: string): Promise<TeamView>;
  setTeamLimits(id: string, limits: Limits): Promise<TeamView>;

  createUser(input: {
    teamId: string;
    name: string;
    email?: string | null;
    limits?: Limits;
  }): Promise<UserView>;
  listUsers(filter?: { teamId?: string }): Promise<UserView[]>;
  getUser(id: string): Promise<UserView>;
  setUserLimits(id: string, limits: Limits): Promise<UserView>;

  createCredential(input: {
    teamId: string;
    name: string;
    provider: string;
    secrets: CredentialSecrets;
  }): Promise<CredentialView>;
  listCredentials(filter?: { teamId?: string }): Promise<CredentialView[]>;
  getCredential(id: string): Promise<CredentialView>;
  /** Replaces a credential's secrets (and optionally its provider). */
  updateCredential(
    id: string,
    input: { secrets: CredentialSecrets; provider?: string },
  ): Promise<CredentialView>;
  deleteCredential(id: string): Promise<void>;

  /** Mints a virtual key for a user; the secret is in the result and nowhere else. */
  createKey(input: NewKey): Promise<CreatedKey>;
  listKeys(filter?: { teamId?: string; userId?: string }): Promise<KeyView[]>;
  getKey(id: string): Promise<KeyView>;
  /** A successor with the same user, scopes, route, limits; the old key stays valid for `graceMs` (default 24 h). */
  rotateKey(id: string, options?: { graceMs?: number }): Promise<CreatedKey & { previous: KeyView }>;
  /** Refused on every replica within a second. */
  revokeKey(id: string): Promise<KeyView>;
  updateKey(id: string, changes: KeyChanges): Promise<KeyView>;

  /** The principal a key id stands for right now (for in-process callers that hold an id, not a secret). */
  principalOfKey(id: string): Promise<Principal>;
}

const SECRET_FIELDS = ['apiKey', 'accessKeyId', 'secretAccessKey', 'sessionToken'] as const;

/** Creates the store-backed tenancy; call start() before serving and close() after. */
export function createTenancy(options: TenancyOptions): Tenancy {
  const { store, masterKey, config } = options;
  const clock = options.clock ?? { now: () => Date.now() };
  const directory = new KeyDirectory({
    store,
    state: options.state,
    clock,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.touchFlushMs !== undefined ? { touchFlushMs: options.touchFlushMs } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
  const vaults = new Map<string, Promise<CredentialLookup>>();
  // Credentials change rarely; any key-topic message that could concern them drops the team's (or every) vault.
  directory.onInvalidate((message) => {
    if (message.startsWith('credentials:')) vaults.delete(message.slice('credentials:'.length));
    else if (message === '*' || !/^(key|user|team):/.test(message)) vaults.clear();
  });

  const team = async (id: string, field = 'team_id') => {
    const found = await store.teams.get(id);
    if (found === undefined) throw new TenancyError('not_found', `no team ${id}`, { field });
    return found;
  };
  const user = async (id: string, field = 'user_id') => {
    const found = await store.users.get(id);
    if (found === undefined) throw new TenancyError('not_found', `no user ${id}`, { field });
    return found;
  };
  const keyRecord = async (id: string) => {
    const found = await store.virtualKeys.get(id);
    if (found === undefined) throw new TenancyError('not_found', `no key ${id}`, { field: 'id' });
    return found;
  };
  const credentialRecord = async (id: string) => {
    const found = await store.credentials.get(id);
    if (found === undefined) throw new TenancyError('not_found', `no credential ${id}`, { field: 'id' });
    return found;
  };

  const keyView = (key: VirtualKeyRecord): KeyView => ({
    id: key.id,
    prefix: key.keyPrefix,
    teamId: key.teamId,
    userId: key.userId,
    name: key.name,
    status:
      key.revokedAt !== null
        ? 'revoked'
        : key.expiresAt !== null && clock.now() >= key.expiresAt
          ? 'expired'
          : 'active',
    scopes: key.scopes,
    route: key.route ?? null,
    limits: key.limits,
    promptCache: key.promptCache,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    revokedAt: key.revokedAt,
    successorId: key.successorId,
    lastUsedAt: key.lastUsedAt,
  });

  const checkProvider = (provider: string, secrets: CredentialSecrets): ProviderConfig => {
    const configured = config.providers[provider];
    if (configured === undefined)
      throw new TenancyError(
        'invalid',
        `no provider named "${provider}" is configured (configured: ${Object.keys(config.providers).join(', ')})`,
        { field: 'provider' },
      );
    if (configured.type === 'bedrock') {
      if (
        secrets.apiKey === undefined &&
        (secrets.accessKeyId === undefined || secrets.secretAccessKey === undefined)
      )
        throw new TenancyError(
          'invalid',
          'a Bedrock credential needs apiKey, or accessKeyId and secretAccessKey',
          {
            field: 'secrets',
          },
        );
    } else if (secrets.apiKey === undefined && configured.type !== 'openai-compatible') {
      throw new TenancyError('invalid', `a ${configured.type} credential needs apiKey`, {
        field: 'secrets.apiKey',
      });
    }
    return configured;
  };

  const seal = (id: string, secrets: CredentialSecrets) =>
    sealSecret(masterKey, id, JSON.stringify(pickSecrets(secrets)));

  // Opens every credential of a team once and builds its provider entries; reused until a change is published.
  const vault = (teamId: string): Promise<CredentialLookup> => {
    let loading = vaults.get(teamId);
    if (loading === undefined) {
      loading = (async () => {
        const entries = new Map<string, ProviderEntry>();
        for (const credential of await store.credentials.list({ teamId })) {
          const configured = config.providers[credential.provider];
          if (configured === undefined) continue;
          const secrets = JSON.parse(
            openSealed(masterKey, credential.id, credential.sealed),
          ) as CredentialSecrets;
          entries.set(credential.name, {
            ...providerEntry(credential.provider, withSecrets(configured, secrets)),
            credential: { teamId, name: credential.name },
          });
        }
        const lookup: CredentialLookup = (name) => entries.get(name);
        return lookup;
      })();
      loading.catch(() => vaults.delete(teamId));
      vaults.set(teamId, loading);
    }
    return loading;
  };

  const mint = (key: { userId: string; teamId: string; name: string } & Omit<NewKey, 'userId' | 'name'>) => {
    const secret = newKeySecret();
    const now = clock.now();
    return {
      secret,
      row: {
        id: newId('key'),
        keyHash: hashKeySecret(secret),
        keyPrefix: keyPrefixOf(secret),
        teamId: key.teamId,
        userId: key.userId,
        name: key.name,
        scopes: { ...(key.scopes ?? {}) } as Record<string, unknown>,
        route: key.route === undefined || key.route === null ? null : validRoute(key.route),
        limits: { ...(key.limits ?? {}) } as Record<string, unknown>,
        promptCache: key.promptCache ?? null,
        expiresAt: key.expiresAt ?? null,
        now,
      },
    };
  };

  return {
    directory,
    start: () => directory.start(),
    close: () => directory.close(),
    authenticate: (secret) => directory.authenticate(secret),
    credentials: (teamId) => vault(teamId),

    async createTeam(input) {
      return conflicts(() =>
        store.teams.create({
          id: newId('team'),
          name: input.name,
          limits: { ...input.limits },
          now: clock.now(),
        }),
      );
    },
    listTeams: () => store.teams.list(),
    getTeam: (id) => team(id, 'id'),
    async setTeamLimits(id, limits) {
      const updated = await store.teams.setLimits(id, { ...limits });
      if (updated === undefined) throw new TenancyError('not_found', `no team ${id}`, { field: 'id' });
      await directory.publish(`team:${id}`);
      return updated;
    },

    async createUser(input) {
      await team(input.teamId);
      return conflicts(() =>
        store.users.create({
          id: newId('user'),
          teamId: input.teamId,
          name: input.name,
          email: input.email ?? null,
          limits: { ...input.limits },
          now: clock.now(),
        }),
      );
    },
    listUsers: (filter) => store.users.list(filter),
    getUser: (id) => user(id, 'id'),
    async setUserLimits(id, limits) {
      const updated = await store.users.setLimits(id, { ...limits });
      if (updated === undefined) throw new TenancyError('not_found', `no user ${id}`, { field: 'id' });
      await directory.publish(`user:${id}`);
      return updated;
    },

    async createCredential(input) {
      await team(input.teamId);
      checkProvider(input.provider, input.secrets);
      const id = newId('cred');
      const created = await conflicts(() =>
        store.credentials.create({
          id,
          teamId: input.teamId,
          name: input.name,
          provider: input.provider,
          sealed: seal(id, input.secrets),
          now: clock.now(),
        }),
      );
      await directory.publish(`credentials:${input.teamId}`);
      return credentialView(created);
    },
    async listCredentials(filter) {
      return (await store.credentials.list(filter)).map(credentialView);
    },
    getCredential: async (id) => credentialView(await credentialRecord(id)),
    async updateCredential(id, input) {
      const existing = await credentialRecord(id);
      checkProvider(input.provider ?? existing.provider, input.secrets);
      const updated = await store.credentials.replace(
        id,
        {
          sealed: seal(id, input.secrets),
          ...(input.provider !== undefined ? { provider: input.provider } : {}),
        },
        clock.now(),
      );
      if (updated === undefined) throw new TenancyError('not_found', `no credential ${id}`, { field: 'id' });
      await directory.publish(`credentials:${existing.teamId}`);
      return credentialView(updated);
    },
    async deleteCredential(id) {
      const existing = await credentialRecord(id);
      await store.credentials.delete(id);
      await directory.publish(`credentials:${existing.teamId}`);
    },

    async createKey(input) {
      const owner = await user(input.userId);
      const { secret, row } = mint({ ...input, teamId: owner.teamId });
      const created = await store.virtualKeys.create(row);
      return { key: keyView(created), secret };
    },
    async listKeys(filter) {
      return (await store.virtualKeys.list(filter)).map(keyView);
    },
    getKey: async (id) => keyView(await keyRecord(id)),
    async rotateKey(id, rotateOptions = {}) {
      const old = await keyRecord(id);
      if (old.revokedAt !== null) throw new TenancyError('conflict', `key ${id} is revoked`, { field: 'id' });
      if (old.successorId !== null)
        throw new TenancyError(
          'conflict',
          `key ${id} was already rotated; rotate its successor ${old.successorId}`,
          {
            field: 'id',
          },
        );
      const { secret, row } = mint({
        userId: old.userId,
        teamId: old.teamId,
        name: old.name,
        scopes: old.scopes,
        route: old.route,
        limits: old.limits,
        promptCache: old.promptCache,
        expiresAt: old.expiresAt,
      });
      const grace = rotateOptions.graceMs ?? options.rotationGraceMs ?? 24 * 3_600_000;
      const rotated = await store.virtualKeys.rotate(id, row, clock.now() + grace);
      if (rotated === undefined)
        throw new TenancyError('conflict', `key ${id} was rotated or revoked concurrently`, { field: 'id' });
      await directory.publish(`key:${id}`);
      return { key: keyView(rotated.successor), secret, previous: keyView(rotated.old) };
    },
    async revokeKey(id) {
      const revoked = await store.virtualKeys.revoke(id, clock.now());
      if (revoked === undefined) throw new TenancyError('not_found', `no key ${id}`, { field: 'id' });
      await directory.publish(`key:${id}`);
      return keyView(revoked);
    },
    async updateKey(id, changes) {
      const updated = await store.virtualKeys.update(id, {
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.scopes !== undefined ? { scopes: { ...changes.scopes } } : {}),
        ...(changes.route !== undefined
          ? { route: changes.route === null ? null : validRoute(changes.route) }
          : {}),
        ...(changes.limits !== undefined ? { limits: { ...changes.limits } } : {}),
        ...(changes.promptCache !== undefined ? { promptCache: changes.promptCache } : {}),
      });
      if (updated === undefined) throw new TenancyError('not_found', `no key ${id}`, { field: 'id' });
      await directory.publish(`key:${id}`);
      return keyView(updated);
    },
    async principalOfKey(id) {
      const key = await keyRecord(id);
      return principalOf(key, await user(key.userId), await team(key.teamId));
    },
  };
}

function credentialView(record: CredentialRecord): CredentialView {
  return {
    id: record.id,
    teamId: record.teamId,
    name: record.name,
    provider: record.provider,
    createdAt: record.createdAt,
    rotatedAt: record.rotatedAt,
  };
}

function pickSecrets(secrets: CredentialSecrets): CredentialSecrets {
  const picked: CredentialSecrets = {};
  for (const field of SECRET_FIELDS) if (secrets[field] !== undefined) picked[field] = secrets[field];
  return picked;
}

// The configured provider with the team's secrets in place of the operator's (none of the operator's kept).
function withSecrets(provider: ProviderConfig, secrets: CredentialSecrets): ProviderConfig {
  const copy: Record<string, unknown> = { ...provider };
  for (const field of SECRET_FIELDS) delete copy[field];
  return { ...copy, ...pickSecrets(secrets) } as ProviderConfig;
}

function validRoute(route: unknown): RouteConfig {
  const parsed = parseRouteConfig(route);
  if (parsed.success) return parsed.data;
  const [first] = describeIssues(parsed.error.issues);
  const path = first?.split(':', 1)[0] ?? '';
  throw new TenancyError('invalid', `route.${first ?? 'invalid'}`, {
    field: path === '(root)' ? 'route' : `route.${path}`,
  });
}

async function conflicts<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StoreError && error.code === 'store_conflict')
      throw new TenancyError('conflict', error.message, { field: 'name', cause: error });
    throw error;
  }
}
