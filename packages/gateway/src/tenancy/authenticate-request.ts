// Authentication at the edge of every inbound route: find the presented key (`Authorization: Bearer rk_…` as
// OpenAI clients send it, `x-api-key: rk_…` as Anthropic clients do), resolve it to a principal, check the endpoint
// scope. Failures are RampartErrors (401 authentication_failed, 403 permission_denied) the route encodes in the
// client's own format.
import type { IncomingHttpHeaders } from 'node:http';
import { RampartError } from '@rampart/spec';
import type { GatewayTenancy } from './gateway-tenancy.js';
import type { Endpoint, Principal } from './principal.js';

/** Resolves the caller of one request. */
export interface RequestAuthenticator {
  /** The caller's principal; undefined when auth is off and no virtual key was presented. */
  authenticate(headers: IncomingHttpHeaders, endpoint: Endpoint): Promise<Principal | undefined>;
}

/** The virtual key a request presents, if any. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1] !== undefined) return match[1];
  }
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.trim() !== '') return apiKey.trim();
  return undefined;
}

/**
 * The gateway's authenticator. With `required` off, requests without a virtual key run anonymously (a key that is
 * presented is still checked, so usage stays attributed); other bearer values (an SDK's placeholder) are ignored.
 */
export function createRequestAuthenticator(
  tenancy: GatewayTenancy | undefined,
  required: boolean,
): RequestAuthenticator {
  return {
    async authenticate(headers, endpoint) {
      const secret = presentedKey(headers);
      if (secret === undefined || !secret.startsWith('rk_')) {
        if (!required) return undefined;
        throw new RampartError(
          'authentication_failed',
          secret === undefined
            ? 'Missing API key: send a Rampart virtual key as `Authorization: Bearer rk_…` or `x-api-key: rk_…`.'
            : 'Invalid API key: Rampart virtual keys start with rk_.',
        );
      }
      if (tenancy === undefined) {
        if (!required) return undefined;
        throw new RampartError('authentication_failed', 'Invalid API key.');
      }
      const principal = await tenancy.authenticate(secret);
      const endpoints = principal.scopes.endpoints;
      if (endpoints !== undefined && !endpoints.includes(endpoint))
        throw new RampartError('permission_denied', `This key may not use the ${endpoint} endpoint.`);
      return principal;
    },
  };
}
