// The gateway configs the scenarios run on, written as a user would write rampart.config.json: providers
// pointing at the simulator, and a route per model. Kept as data so the report can print exactly what ran.
import type { SimTarget } from './chaos-fault-mix.js';

/** The talk's four levels: A = anthropic, B = bedrock, X = claude-sonnet-4-5, Y = claude-sonnet-4. */
export const FOUR_LEVEL_TARGETS: readonly SimTarget[] = [
  { label: 'A/X', provider: 'anthropic', upstreamModel: 'claude-sonnet-4-5-20250929' },
  { label: 'B/X', provider: 'bedrock', upstreamModel: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
  { label: 'A/Y', provider: 'anthropic', upstreamModel: 'claude-sonnet-4-20250514' },
  { label: 'B/Y', provider: 'bedrock', upstreamModel: 'us.anthropic.claude-sonnet-4-20250514-v1:0' },
];

/** The model clients ask for in scenario (a); its route is the four-level fallback. */
export const FALLBACK_MODEL = 'claude-sonnet-4-5';
/** The model clients ask for in scenario (b); its route is primary → capacity-limited backup. */
export const CASCADE_MODEL = 'claude-sonnet-4-5';

/** Providers on the simulator (Bedrock by API key: SigV4 signing would measure crypto, not routing). */
export function simulatedProviders(simulatorUrl: string) {
  return {
    anthropic: { type: 'anthropic', baseUrl: simulatorUrl, apiKey: 'chaos-key' },
    bedrock: {
      type: 'bedrock',
      api: 'invoke',
      region: 'us-east-1',
      baseUrl: simulatorUrl,
      apiKey: 'chaos-key',
    },
  };
}

/** Breaker settings as the config file takes them (omitted fields keep the gateway's defaults). */
export interface BreakerSettings {
  consecutive_failures?: number;
  failure_rate?: number;
  minimum_calls?: number;
  window_ms?: number;
  open_ms?: number;
}

/** Scenario (a): the talk's fallback, with retries only where no other level is left (the last one). */
export function fourLevelRoute(lastLevelRetries: number) {
  return {
    strategy: { mode: 'fallback', on_status_codes: [429, 500, 502, 503, 504, 529] },
    targets: [
      { provider: 'anthropic', model: 'claude-sonnet-4-5' },
      { provider: 'bedrock', model: 'claude-sonnet-4-5' },
      { provider: 'anthropic', model: 'claude-sonnet-4' },
      {
        provider: 'bedrock',
        model: 'claude-sonnet-4',
        ...(lastLevelRetries > 0 ? { retry: { attempts: lastLevelRetries } } : {}),
      },
    ],
    request_timeout: 5_000,
    first_token_timeout: 5_000,
    deadline: 20_000,
  };
}

/**
 * Scenario (b): anthropic first, bedrock (capacity-limited) as the backup that must not be stampeded. The
 * backup's `capacity` is its quota as its owner knows it (Bedrock publishes requests-per-minute quotas per
 * model and account), so the gateway paces every client's calls to it through one shared bucket.
 */
export function cascadeRoute(
  backupRetries: number,
  deadlineMs: number,
  backupCapacity?: { requests_per_second: number; burst: number },
) {
  return {
    strategy: { mode: 'fallback', on_status_codes: [429, 500, 502, 503, 504, 529] },
    targets: [
      { provider: 'anthropic', model: 'claude-sonnet-4-5' },
      {
        provider: 'bedrock',
        model: 'claude-sonnet-4-5',
        ...(backupCapacity ? { capacity: backupCapacity } : {}),
        ...(backupRetries > 0
          ? { retry: { attempts: backupRetries, on_status_codes: [429, 503, 529] } }
          : {}),
      },
    ],
    request_timeout: 5_000,
    deadline: deadlineMs,
  };
}

/** A whole gateway config with one route. */
export function gatewayConfig(simulatorUrl: string, model: string, route: unknown, breaker: BreakerSettings) {
  return {
    providers: simulatedProviders(simulatorUrl),
    routes: { [model]: route },
    breaker,
    auth: { required: false },
  };
}
