// Tenancy views → the admin API's JSON (snake_case, ISO times). Secrets and hashes never appear here.
import type { CreatedKey, CredentialView, KeyView, TeamView, UserView } from '../tenancy/tenancy-service.js';
import { fromLimits } from './admin-schemas.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A team as JSON. */
export function teamJson(team: TeamView) {
  return { id: team.id, name: team.name, limits: fromLimits(team.limits), created_at: iso(team.createdAt) };
}

/** A user as JSON. */
export function userJson(user: UserView) {
  return {
    id: user.id,
    team_id: user.teamId,
    name: user.name,
    email: user.email,
    limits: fromLimits(user.limits),
    created_at: iso(user.createdAt),
  };
}

/** A credential as JSON: its name and provider only. */
export function credentialJson(credential: CredentialView) {
  return {
    id: credential.id,
    team_id: credential.teamId,
    name: credential.name,
    provider: credential.provider,
    created_at: iso(credential.createdAt),
    rotated_at: iso(credential.rotatedAt),
  };
}

/** A key as JSON: its prefix, never its secret. */
export function keyJson(key: KeyView) {
  return {
    id: key.id,
    prefix: key.prefix,
    team_id: key.teamId,
    user_id: key.userId,
    name: key.name,
    status: key.status,
    scopes: key.scopes,
    route: key.route,
    limits: fromLimits(key.limits),
    prompt_cache: key.promptCache,
    created_at: iso(key.createdAt),
    expires_at: iso(key.expiresAt),
    revoked_at: iso(key.revokedAt),
    successor_id: key.successorId,
    last_used_at: iso(key.lastUsedAt),
  };
}

/** A key with its one-time secret. */
export function createdKeyJson(created: CreatedKey) {
  return { key: keyJson(created.key), secret: created.secret };
}
