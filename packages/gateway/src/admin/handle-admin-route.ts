// The admin API under /admin/v1/ (docs/TENANCY.md): teams, users, credentials and keys. Every request needs the
// admin token (`Authorization: Bearer <token>`, compared in constant time) before anything else is read. Bodies
// are validated with zod; errors are `{ "error": { message, type, code, param } }` naming the exact field.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RampartError } from '@rampart/spec';
import type { z } from 'zod';
import { readJsonBody } from '../http/read-json-body.js';
import { sendJson } from '../http/send-json.js';
import type { Logger } from '../observability/logger.js';
import { presentedKey } from '../tenancy/authenticate-request.js';
import { TenancyError } from '../tenancy/tenancy-errors.js';
import { tokensMatch } from '../tenancy/tenancy-local-secrets.js';
import type { Tenancy } from '../tenancy/tenancy-service.js';
import {
  createCredentialSchema,
  createKeySchema,
  createTeamSchema,
  createUserSchema,
  patchCredentialSchema,
  patchKeySchema,
  patchLimitsSchema,
  rotateKeySchema,
  toLimits,
  toScopes,
} from './admin-schemas.js';
import { createdKeyJson, credentialJson, keyJson, teamJson, userJson } from './admin-wire.js';

/** A handler another part of the gateway mounts under /admin/v1 (e.g. usage), called after the token check. */
export type AdminExtraRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  context: { requestId: string; url: URL },
) => Promise<void>;

/** The admin API's dependencies. */
export interface AdminApi {
  /** The admin token (resolveAdminToken). */
  token: string;
  tenancy: Tenancy;
  /** More routes by `METHOD /admin/v1/path` (exact path), e.g. `'GET /admin/v1/usage'`. */
  extraRoutes?: Readonly<Record<string, AdminExtraRoute>>;
}

const MAX_BODY = 1024 * 1024;

/** The 401/400/404/409 of the admin API, in its error format. */
class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

/** Serves one /admin/v1/… request. Never throws. */
export async function handleAdminRoute(
  api: AdminApi | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  logger?: Logger,
): Promise<void> {
  const headers = { 'x-request-id': requestId };
  try {
    if (api === undefined)
      throw new AdminError(
        404,
        'not_found_error',
        'not_found',
        'The admin API is not enabled on this gateway.',
      );
    const presented = presentedKey(req.headers);
    if (presented === undefined || !tokensMatch(api.token, presented))
      throw new AdminError(
        401,
        'authentication_error',
        'unauthorized',
        presented === undefined
          ? 'Missing admin token: send Authorization: Bearer <admin token>.'
          : 'Invalid admin token.',
      );
    const url = new URL(req.url ?? '/', 'http://admin');
    const extra = api.extraRoutes?.[`${req.method} ${url.pathname}`];
    if (extra !== undefined) return await extra(req, res, { requestId, url });
    const { status, body } = await dispatch(api.tenancy, req, url);
    sendJson(res, status, body, headers);
  } catch (thrown) {
    if (!req.readableEnded) req.resume();
    const error = toAdminError(thrown);
    // Never the body: it may carry credential secrets.
    if (error.status >= 500) logger?.error({ err: thrown, requestId, url: req.url }, 'admin request failed');
    sendJson(
      res,
      error.status,
      { error: { message: error.message, type: error.type, code: error.code, param: error.param } },
      headers,
    );
  }
}

async function dispatch(
  tenancy: Tenancy,
  req: IncomingMessage,
  url: URL,
): Promise<{ status: number; body: unknown }> {
  const method = req.method ?? 'GET';
  const parts = url.pathname.replace(/\/+$/, '').split('/').slice(3); // ['', 'admin', 'v1', …]
  const [collection, id, action] = parts;
  const query = (name: string) => url.searchParams.get(name) ?? undefined;
  const ok = (body: unknown, status = 200) => ({ status, body });
  const route = `${method} ${collection ?? ''}${id !== undefined ? '/:id' : ''}${action !== undefined ? `/${action}` : ''}`;

  switch (route) {
    case 'POST teams': {
      const body = await parse(req, createTeamSchema);
      const team = await tenancy.createTeam({ name: body.name, limits: toLimits(body.limits ?? {}) });
      return ok(teamJson(team), 201);
    }
    case 'GET teams':
      return ok({ data: (await tenancy.listTeams()).map(teamJson) });
    case 'GET teams/:id':
      return ok(teamJson(await tenancy.getTeam(id!)));
    case 'PATCH teams/:id': {
      const body = await parse(req, patchLimitsSchema);
      return ok(teamJson(await tenancy.setTeamLimits(id!, toLimits(body.limits))));
    }

    case 'POST users': {
      const body = await parse(req, createUserSchema);
      const user = await tenancy.createUser({
        teamId: body.team_id,
        name: body.name,
        email: body.email ?? null,
        limits: toLimits(body.limits ?? {}),
      });
      return ok(userJson(user), 201);
    }
    case 'GET users': {
      const teamId = query('team_id');
      return ok({ data: (await tenancy.listUsers(teamId ? { teamId } : {})).map(userJson) });
    }
    case 'GET users/:id':
      return ok(userJson(await tenancy.getUser(id!)));
    case 'PATCH users/:id': {
      const body = await parse(req, patchLimitsSchema);
      return ok(userJson(await tenancy.setUserLimits(id!, toLimits(body.limits))));
    }

    case 'POST credentials': {
      const body = await parse(req, createCredentialSchema);
      const credential = await tenancy.createCredential({
        teamId: body.team_id,
        name: body.name,
        provider: body.provider,
        secrets: definedOnly(body.secrets),
      });
      return ok(credentialJson(credential), 201);
    }
    case 'GET credentials': {
      const teamId = query('team_id');
      return ok({ data: (await tenancy.listCredentials(teamId ? { teamId } : {})).map(credentialJson) });
    }
    case 'GET credentials/:id':
      return ok(credentialJson(await tenancy.getCredential(id!)));
    case 'PATCH credentials/:id': {
      const body = await parse(req, patchCredentialSchema);
      const credential = await tenancy.updateCredential(id!, {
        secrets: definedOnly(body.secrets),
        ...(body.provider !== undefined ? { provider: body.provider } : {}),
      });
      return ok(credentialJson(credential));
    }
    case 'DELETE credentials/:id':
      await tenancy.deleteCredential(id!);
      return ok({ id, deleted: true });

    case 'POST keys': {
      const body = await parse(req, createKeySchema);
      const created = await tenancy.createKey({
        userId: body.user_id,
        name: body.name,
        ...(body.scopes !== undefined ? { scopes: toScopes(body.scopes) } : {}),
        ...(body.route !== undefined && body.route !== null ? { route: body.route } : {}),
        limits: toLimits(body.limits ?? {}),
        promptCache: body.prompt_cache ?? null,
        expiresAt: body.expires_at ? Date.parse(body.expires_at) : null,
      });
      return ok(createdKeyJson(created), 201);
    }
    case 'GET keys': {
      const teamId = query('team_id');
      const userId = query('user_id');
      const keys = await tenancy.listKeys({
        ...(teamId ? { teamId } : {}),
        ...(userId ? { userId } : {}),
      });
      return ok({ data: keys.map(keyJson) });
    }
    case 'GET keys/:id':
      return ok(keyJson(await tenancy.getKey(id!)));
    case 'PATCH keys/:id': {
      const body = await parse(req, patchKeySchema);
      const key = await tenancy.updateKey(id!, {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.scopes !== undefined ? { scopes: toScopes(body.scopes) } : {}),
        ...(body.route !== undefined ? { route: body.route } : {}),
        ...(body.limits !== undefined ? { limits: toLimits(body.limits) } : {}),
        ...(body.prompt_cache !== undefined ? { promptCache: body.prompt_cache } : {}),
      });
      return ok(keyJson(key));
    }
    case 'POST keys/:id/rotate': {
      const body = await parse(req, rotateKeySchema, true);
      const rotated = await tenancy.rotateKey(
        id!,
        body.grace_ms !== undefined ? { graceMs: body.grace_ms } : {},
      );
      return ok({ ...createdKeyJson(rotated), previous: keyJson(rotated.previous) });
    }
    case 'POST keys/:id/revoke':
      return ok(keyJson(await tenancy.revokeKey(id!)));
    default:
      throw new AdminError(
        404,
        'not_found_error',
        'not_found',
        `No admin route for ${method} ${url.pathname}.`,
      );
  }
}

// Reads and validates a body; `optional` lets an empty body stand for {}.
async function parse<S extends z.ZodType>(
  req: IncomingMessage,
  schema: S,
  optional = false,
): Promise<z.output<S>> {
  const empty = req.headers['content-length'] === '0' || req.headers['content-length'] === undefined;
  let body: unknown;
  if (optional && empty && req.headers['transfer-encoding'] === undefined) {
    req.resume();
    body = {};
  } else {
    body = await readJsonBody(req, MAX_BODY);
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
  const field = path === undefined || path === '' ? null : path;
  throw new AdminError(
    400,
    'invalid_request_error',
    'invalid_request',
    `${field ?? 'body'}: ${issue?.message ?? 'invalid'}`,
    field,
  );
}

function definedOnly<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

function toAdminError(thrown: unknown): AdminError {
  if (thrown instanceof AdminError) return thrown;
  if (thrown instanceof TenancyError) {
    switch (thrown.code) {
      case 'not_found':
        return new AdminError(404, 'not_found_error', 'not_found', thrown.message, thrown.field ?? null);
      case 'conflict':
        return new AdminError(409, 'conflict_error', 'conflict', thrown.message, thrown.field ?? null);
      case 'invalid':
        return new AdminError(
          400,
          'invalid_request_error',
          'invalid_request',
          thrown.field !== undefined && !thrown.message.startsWith(thrown.field)
            ? `${thrown.field}: ${thrown.message}`
            : thrown.message,
          thrown.field ?? null,
        );
      default:
        break;
    }
  }
  if (thrown instanceof RampartError && thrown.status < 500)
    return new AdminError(
      thrown.status,
      'invalid_request_error',
      thrown.code,
      thrown.message,
      thrown.param ?? null,
    );
  // Internal: say nothing more than the request id header carries; the log says the rest.
  return new AdminError(500, 'server_error', 'internal', 'Internal error.');
}
