// GET /health says what it actually checked: that each configured upstream accepts a TCP connection
// (not that it answers well: that is the breakers' job), with how long the check took.
import { connect } from 'node:net';
import type { ServerResponse } from 'node:http';
import type { ProviderRegistry } from '../providers/create-provider-registry.js';
import { sendJson } from './send-json.js';

interface ProviderCheck {
  ok: boolean;
  checked: 'tcp-connect';
  target: string;
  latencyMs: number;
  error?: string;
}

const CACHE_MS = 2_000;

/** Health checks with a short cache so a load balancer polling /health cannot load upstreams. */
export function createHealthRoute(
  registry: ProviderRegistry,
  extra: () => Record<string, unknown> = () => ({}),
) {
  let cached: { at: number; body: Record<string, unknown>; ok: boolean } | undefined;
  let inFlight: Promise<{ body: Record<string, unknown>; ok: boolean }> | undefined;

  async function check(): Promise<{ body: Record<string, unknown>; ok: boolean }> {
    const entries = await Promise.all(
      [...registry.values()].map(
        async (provider) => [provider.name, await checkTcp(provider.baseUrl)] as const,
      ),
    );
    const providers = Object.fromEntries(entries);
    const ok = entries.length > 0 && entries.some(([, result]) => result.ok);
    return {
      ok,
      body: {
        status: ok ? (entries.every(([, r]) => r.ok) ? 'ok' : 'degraded') : 'down',
        checkedAt: new Date().toISOString(),
        checks: { providers, ...extra() },
      },
    };
  }

  return async function handleHealthRoute(res: ServerResponse, requestId: string): Promise<void> {
    if (!cached || Date.now() - cached.at > CACHE_MS) {
      inFlight ??= check().finally(() => (inFlight = undefined));
      const result = await inFlight;
      cached = { at: Date.now(), ...result };
    }
    sendJson(res, cached.ok ? 200 : 503, cached.body, {
      'x-request-id': requestId,
      'cache-control': 'no-store',
    });
  };
}

function checkTcp(baseUrl: string, timeoutMs = 1_000): Promise<ProviderCheck> {
  const url = new URL(baseUrl);
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const target = `${url.hostname}:${port}`;
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port, timeout: timeoutMs });
    const finish = (error?: string) => {
      socket.destroy();
      const latencyMs = Math.round((performance.now() - startedAt) * 100) / 100;
      resolve({
        ok: error === undefined,
        checked: 'tcp-connect',
        target,
        latencyMs,
        ...(error ? { error } : {}),
      });
    };
    socket.once('connect', () => finish());
    socket.once('timeout', () => finish(`no connection within ${timeoutMs} ms`));
    socket.once('error', (error) => finish(error.message));
  });
}
