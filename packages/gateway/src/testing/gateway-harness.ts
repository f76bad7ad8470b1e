// Test harness: a simulator and a gateway in front of it, both on ephemeral 127.0.0.1 ports, plus the
// official SDK clients pointed at the gateway. Used by the gateway's end-to-end tests.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startSimulator, type Simulator, type SimulatorOptions } from '@rampart/simulator';
import type { StateStore } from '@rampart/state';
import { simulatedConfig, parseGatewayConfig } from '../config/load-gateway-config.js';
import { createGateway, type Gateway } from '../create-gateway.js';
import type { GatewayConfig, GatewayConfigInput } from '../config/gateway-config-schema.js';
import { createLogger } from '../observability/logger.js';
import type { GatewayTenancy } from '../tenancy/gateway-tenancy.js';

/** A running simulator + gateway pair. */
export interface GatewayHarness {
  sim: Simulator;
  gateway: Gateway;
  url: string;
  openai: OpenAI;
  anthropic: Anthropic;
  close(): Promise<void>;
}

/** Starts a simulator and a gateway routed to it; `extra` adds routes or settings to the simulated config. */
export async function startGatewayHarness(
  options: {
    extra?: Partial<GatewayConfigInput>;
    state?: StateStore;
    sim?: SimulatorOptions;
    /** Virtual keys; without it auth is off (these tests are about routing), unless `extra.auth` says otherwise. */
    tenancy?: GatewayTenancy;
  } = {},
): Promise<GatewayHarness> {
  const sim = await startSimulator(options.sim ?? {});
  const base = simulatedConfig(sim.url);
  const auth = { required: options.tenancy !== undefined };
  const config: GatewayConfig = options.extra
    ? parseGatewayConfig({ providers: base.providers, auth, ...options.extra }, {}, 'test')
    : { ...base, auth };
  const gateway = createGateway({
    config,
    logger: createLogger({ level: 'silent' }),
    ...(options.state ? { state: options.state } : {}),
    ...(options.tenancy ? { tenancy: options.tenancy } : {}),
  });
  const url = await gateway.listen(0);
  return {
    sim,
    gateway,
    url,
    openai: new OpenAI({ baseURL: `${url}/v1`, apiKey: 'test', maxRetries: 0 }),
    anthropic: new Anthropic({ baseURL: url, apiKey: 'test', maxRetries: 0 }),
    async close() {
      await gateway.close();
      await sim.close();
    },
  };
}
