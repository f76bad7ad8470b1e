// The CLI's side of the admin API: where the gateway is (--url / RAMPART_URL), the admin token (--admin-token /
// RAMPART_ADMIN_TOKEN, else <data-dir>/admin-token), and one JSON request.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** A connection to one gateway's admin API. */
export interface AdminClient {
  request(method: string, path: string, body?: unknown): Promise<unknown>;
}

/** An admin API error answer, with the gateway's message. */
export class AdminRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Resolves the URL and token, reading the token file when neither flag nor environment gives one. */
export async function adminClient(
  options: { url?: string | undefined; adminToken?: string | undefined; dataDir?: string | undefined },
  env: Record<string, string | undefined>,
): Promise<AdminClient> {
  const base = (options.url ?? env.RAMPART_URL ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
  let token = options.adminToken ?? env.RAMPART_ADMIN_TOKEN;
  if (token === undefined || token === '') {
    const file = join(resolve(options.dataDir ?? env.RAMPART_DATA_DIR ?? '.rampart'), 'admin-token');
    try {
      token = (await readFile(file, 'utf8')).trim();
    } catch {
      throw new AdminRequestError(
        0,
        `no admin token: pass --admin-token, set RAMPART_ADMIN_TOKEN, or run where ${file} exists`,
      );
    }
  }
  return {
    async request(method, path, body) {
      let response: Response;
      try {
        response = await fetch(`${base}/admin/v1/${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
      } catch (error) {
        throw new AdminRequestError(0, `cannot reach ${base}: ${(error as Error).message}`);
      }
      const json: unknown = await response.json().catch(() => ({}));
      if (!response.ok) {
        const message = (json as { error?: { message?: string } }).error?.message ?? response.statusText;
        throw new AdminRequestError(response.status, `${response.status}: ${message}`);
      }
      return json;
    },
  };
}
