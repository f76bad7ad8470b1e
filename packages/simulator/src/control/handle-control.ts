// The /_sim/… HTTP control API: the same operations as the in-process API, for tests and benchmarks in
// other processes.
import type { CapacityLimit } from '../capacity/token-bucket.js';
import type { Clock } from '../core/clock.js';
import type { ActiveFaultRule, FaultRule } from '../faults/fault-rules.js';
import { faultRuleProblem } from '../faults/validate-fault-rule.js';
import { sendResponse } from '../http/send-response.js';
import type { SimExchange } from '../http/sim-exchange.js';
import { jsonResponse, type SimResponse } from '../http/sim-response.js';
import type { RecordedRequest, SimulatorStats } from '../log/request-log.js';
import type { ProviderName } from '../model/model-catalog.js';
import type { ScriptedResponse } from '../script/scripted-response.js';
import { scriptedResponseProblem } from '../script/validate-scripted-response.js';

/** The operations the control API drives (implemented by the Simulator handle). */
export interface SimulatorControl {
  faults: {
    /** Add a rule (validated; throws TypeError when malformed); returns its id. */
    add(rule: FaultRule): string;
    remove(id: string): boolean;
    clear(): void;
    list(): readonly ActiveFaultRule[];
  };
  script: {
    push(...responses: ScriptedResponse[]): void;
    clear(): void;
    readonly pending: readonly ScriptedResponse[];
  };
  /** Limit a provider's request rate (token bucket on the clock), or lift the limit with null. */
  setCapacity(provider: ProviderName, limit: CapacityLimit | null): void;
  /** Received provider requests, oldest first. */
  readonly requests: readonly RecordedRequest[];
  stats(): SimulatorStats;
  /** Clear faults, script, capacity limits, prompt cache, request log and stats; reseed the generators. */
  reset(): void;
}

const PROVIDERS: readonly string[] = ['openai', 'anthropic', 'bedrock'];
const bad = (message: string): SimResponse => jsonResponse(400, { error: message });

function parse(ex: SimExchange): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(ex.body.toString('utf8') || 'null') };
  } catch {
    return { ok: false };
  }
}

function capacityFrom(value: unknown): { provider: ProviderName; limit: CapacityLimit | null } | string {
  if (typeof value !== 'object' || value === null)
    return 'expected {provider, requestsPerSecond, burst} or {provider, limit: null}';
  const v = value as Record<string, unknown>;
  if (!PROVIDERS.includes(v.provider as string)) return 'provider: expected openai | anthropic | bedrock';
  const source = ('limit' in v ? v.limit : v) as Record<string, unknown> | null;
  if (source === null) return { provider: v.provider as ProviderName, limit: null };
  const { requestsPerSecond, burst } = source;
  if (typeof requestsPerSecond !== 'number' || requestsPerSecond < 0)
    return 'requestsPerSecond: expected a number >= 0';
  if (typeof burst !== 'number' || burst < 1) return 'burst: expected a number >= 1';
  return { provider: v.provider as ProviderName, limit: { requestsPerSecond, burst } };
}

function controlResponse(sim: SimulatorControl, ex: SimExchange): SimResponse {
  const path = ex.rawPath.replace(/\/+$/, '');
  const { method } = ex;
  const body = method === 'POST' ? parse(ex) : { ok: true as const, value: undefined };
  if (!body.ok) return bad('body is not valid JSON');

  if (path === '/_sim/health' && method === 'GET') return jsonResponse(200, { ok: true });
  if (path === '/_sim/faults') {
    if (method === 'GET') return jsonResponse(200, { rules: sim.faults.list() });
    if (method === 'DELETE') {
      sim.faults.clear();
      return jsonResponse(200, { cleared: true });
    }
    if (method === 'POST') {
      const rules = Array.isArray(body.value) ? body.value : [body.value];
      for (const [i, rule] of rules.entries()) {
        const problem = faultRuleProblem(rule);
        if (problem) return bad(`rules[${i}].${problem}`);
      }
      return jsonResponse(200, { ids: rules.map((r) => sim.faults.add(r as FaultRule)) });
    }
  }
  const faultId = /^\/_sim\/faults\/([^/]+)$/.exec(path)?.[1];
  if (faultId && method === 'DELETE') {
    return sim.faults.remove(decodeURIComponent(faultId))
      ? jsonResponse(200, { removed: true })
      : jsonResponse(404, { error: 'no such rule' });
  }
  if (path === '/_sim/script') {
    if (method === 'GET') return jsonResponse(200, { pending: sim.script.pending });
    if (method === 'DELETE') {
      sim.script.clear();
      return jsonResponse(200, { cleared: true });
    }
    if (method === 'POST') {
      const responses = Array.isArray(body.value) ? body.value : [body.value];
      for (const [i, r] of responses.entries()) {
        const problem = scriptedResponseProblem(r, `responses[${i}]`);
        if (problem) return bad(problem);
      }
      sim.script.push(...(responses as ScriptedResponse[]));
      return jsonResponse(200, { queued: sim.script.pending.length });
    }
  }
  if (path === '/_sim/capacity' && method === 'POST') {
    const parsed = capacityFrom(body.value);
    if (typeof parsed === 'string') return bad(parsed);
    sim.setCapacity(parsed.provider, parsed.limit);
    return jsonResponse(200, { provider: parsed.provider, limit: parsed.limit });
  }
  if (path === '/_sim/reset' && method === 'POST') {
    sim.reset();
    return jsonResponse(200, { reset: true });
  }
  if (path === '/_sim/requests' && method === 'GET') {
    const provider = ex.query.get('provider');
    const limit = Number(ex.query.get('limit') ?? 0);
    let requests = provider ? sim.requests.filter((r) => r.provider === provider) : [...sim.requests];
    if (limit > 0) requests = requests.slice(-limit);
    return jsonResponse(200, { requests });
  }
  if (path === '/_sim/stats' && method === 'GET') return jsonResponse(200, sim.stats());
  return jsonResponse(404, { error: `no control operation ${method} ${path}` });
}

/** Serve one control request. */
export async function handleControl(sim: SimulatorControl, ex: SimExchange, clock: Clock): Promise<void> {
  await sendResponse(ex, controlResponse(sim, ex), { clock });
}
