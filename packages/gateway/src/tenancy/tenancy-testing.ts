// Test helper: a simulator, a store, a tenancy and a gateway with auth on and the admin API, on ephemeral ports.
import { randomBytes } from 'node:crypto';
import { startSimulator, type Simulator } from '@rampart/simulator';
import { InProcessStateStore, type StateStore } from '@rampart/state';
import { openStore, type Store } from '@rampart/store';
import { testSqliteUrl, type TestStoreUrl } from '@rampart/store/testing';
import type { GatewayConfig } from '../config/gateway-config-schema.js';
import { simulatedConfig } from '../config/load-gateway-config.js';
import { createGateway, type Gateway } from '../create-gateway.js';
import { createLogger } from '../observability/logger.js';
import { createUpstreamTransport, type UpstreamTransport } from '../transport/upstream-transport.js';
import { createTenancy, type Tenancy } from './tenancy-service.js';

/** A gateway with keys, over a fresh SQLite store. */
export interface TenancyHarness {
  sim: Simulator;
  store: Store;
  storeUrl: TestStoreUrl;
  tenancy: Tenancy;
  gateway: Gateway;
  url: string;
  adminToken: string;
  /** The tenancy's clock: tests move it to expire keys. */
  clock: { now(): number; advance(ms: number): void };
  /** Credentials each upstream call carried, in order (the simulator itself records none). */
  upstreamKeys: string[];
  /** Calls the admin API; returns status and JSON. */
  admin(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary admin JSON
  Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

/** Starts everything; `configure` may change the gateway config (routes, etc.). */
export async function startTenancyHarness(
  options: { configure?: (config: GatewayConfig) => GatewayConfig; state?: StateStore } = {},
): Promise<TenancyHarness> {
  const sim = await startSimulator();
  const storeUrl = testSqliteUrl();
  const store = await openStore({ url: storeUrl.url });
  const base: GatewayConfig = { ...simulatedConfig(sim.url), auth: { required: true } };
  const config = options.configure ? options.configure(base) : base;
  let now = Date.now();
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const state = options.state ?? new InProcessStateStore();
  const tenancy = createTenancy({ store, state, masterKey: randomBytes(32), config, clock, pollMs: 50 });
  await tenancy.start();
  const upstreamKeys: string[] = [];
  const real = createUpstreamTransport();
  const transport: UpstreamTransport = {
    send(request, sendOptions) {
      upstreamKeys.push(request.headers['x-api-key'] ?? request.headers.authorization ?? '');
      return real.send(request, sendOptions);
    },
    close: () => real.close(),
  };
  const adminToken = `rat_test_${randomBytes(8).toString('hex')}`;
  const gateway = createGateway({
    config,
    logger: createLogger({ level: 'silent' }),
    tenancy,
    admin: { token: adminToken, tenancy },
    transport,
    state,
  });
  const url = await gateway.listen(0);
  return {
    sim,
    store,
    storeUrl,
    tenancy,
    gateway,
    url,
    adminToken,
    clock,
    upstreamKeys,
    async admin(method, path, body, token = adminToken) {
      const response = await fetch(`${url}/admin/v1/${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, json: await response.json() };
    },
    async close() {
      await gateway.close();
      await tenancy.close();
      if (!options.state) await state.close();
      await store.close();
      await storeUrl.cleanup();
      await sim.close();
    },
  };
}
