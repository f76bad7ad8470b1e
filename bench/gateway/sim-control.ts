// The simulator's /_sim/ control API, as the benchmark uses it from outside the simulator's process.
import { request } from 'node:http';

async function call(url: string, method: string, body?: unknown): Promise<unknown> {
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
          else resolve(text ? JSON.parse(text) : undefined);
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Per-provider request outcomes since the last reset. */
export interface SimulatorCounts {
  requests: number;
  outcomes: Record<string, number>;
}

/** Adds a fault rule. */
export async function addFault(simulatorUrl: string, rule: unknown): Promise<void> {
  await call(`${simulatorUrl}/_sim/faults`, 'POST', rule);
}

/** Clears faults, scripts, limits and counters. */
export async function resetSimulator(simulatorUrl: string): Promise<void> {
  await call(`${simulatorUrl}/_sim/reset`, 'POST', {});
}

/** The simulator's counters for one provider. */
export async function providerCounts(simulatorUrl: string, provider: string): Promise<SimulatorCounts> {
  const stats = (await call(`${simulatorUrl}/_sim/stats`, 'GET')) as {
    providers: Record<string, SimulatorCounts>;
  };
  return stats.providers[provider] ?? { requests: 0, outcomes: {} };
}
