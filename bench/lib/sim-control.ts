// The simulator's /_sim/ control API as the benchmarks use it from their own process: faults with their
// fired counters, capacity limits and the per-provider stats (peak requests per second) the report cites.
import { request } from 'node:http';

async function call<T>(url: string, method: string, body?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      { method, agent: false, headers: payload ? { 'content-type': 'application/json' } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${url}: ${res.statusCode} ${text}`));
          else resolve((text ? JSON.parse(text) : undefined) as T);
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A rule as the simulator lists it, with how often it matched and fired. */
export interface ListedRule {
  id: string;
  matched: number;
  fired: number;
}

/** Per-provider figures since the last reset. */
export interface ProviderStats {
  requests: number;
  outcomes: Record<string, number>;
  peakRequestsPerSecond: number;
}

/** Control of one simulator process. */
export function simControl(simulatorUrl: string) {
  const base = `${simulatorUrl}/_sim`;
  return {
    /** Clears faults, scripts, limits and counters. */
    reset: () => call<void>(`${base}/reset`, 'POST', {}),
    addFaults: (rules: readonly unknown[]) => call<{ ids: string[] }>(`${base}/faults`, 'POST', rules),
    clearFaults: () => call<void>(`${base}/faults`, 'DELETE'),
    listFaults: async () => (await call<{ rules: ListedRule[] }>(`${base}/faults`, 'GET')).rules,
    setCapacity: (provider: string, requestsPerSecond: number, burst: number) =>
      call<void>(`${base}/capacity`, 'POST', { provider, requestsPerSecond, burst }),
    stats: async () =>
      (await call<{ providers: Record<string, ProviderStats> }>(`${base}/stats`, 'GET')).providers,
  };
}

/** The handle simControl returns. */
export type SimControl = ReturnType<typeof simControl>;
