// The tenancy tables as Kysely sees them (migration 0002-tenancy): teams, users, sealed provider credentials,
// virtual keys. JSON columns are TEXT; times are epoch ms. Kept apart from store-schema.ts so the owners of other
// tables and this one do not edit the same lines.
import type { ColumnType } from 'kysely';

type Millis = ColumnType<number | string, number, number>;
type NullableMillis = ColumnType<number | string | null, number | null | undefined, number | null>;
type JsonText = ColumnType<string, string | undefined, string>;

/** A team: owns users, keys and credentials. */
export interface TeamsTable {
  id: string;
  name: string;
  limits_json: JsonText;
  created_at: Millis;
}

/** A user of a team. */
export interface UsersTable {
  id: string;
  team_id: string;
  name: string;
  email: string | null;
  limits_json: JsonText;
  created_at: Millis;
}

/** A team's provider credential, sealed (AES-256-GCM) by the gateway before it gets here. */
export interface CredentialsTable {
  id: string;
  team_id: string;
  name: string;
  provider: string;
  sealed: string;
  created_at: Millis;
  rotated_at: NullableMillis;
}

/** A virtual key: only its hash and a display prefix are stored. */
export interface VirtualKeysTable {
  id: string;
  key_hash: string;
  key_prefix: string;
  team_id: string;
  user_id: string;
  name: string;
  scopes_json: JsonText;
  route_json: string | null;
  limits_json: JsonText;
  /** 0/1, or null for the gateway's default. */
  prompt_cache: number | null;
  created_at: Millis;
  expires_at: NullableMillis;
  revoked_at: NullableMillis;
  successor_id: string | null;
  last_used_at: NullableMillis;
}

/** The tenancy tables. */
export interface TenancyTables {
  teams: TeamsTable;
  users: UsersTable;
  credentials: CredentialsTable;
  virtual_keys: VirtualKeysTable;
}
