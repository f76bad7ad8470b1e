// A gateway process with the ledger on, for the limits/ledger acceptance tests: config from RAMPART_TEST_CONFIG,
// state in Redis under RAMPART_TEST_REDIS_PREFIX, the store at DATABASE_URL, and callers from
// RAMPART_TEST_PRINCIPALS (JSON: key secret suffix → Principal; `rk_<suffix>` authenticates as it). Ledger timings
// from RAMPART_TEST_LEDGER (JSON, UsageMeteringOptions subset). Prints its URL on stdout.
import { RampartError } from '@rampart/spec';
import { RedisStateStore } from '@rampart/state';
import { openStore } from '@rampart/store';
import { parseGatewayConfig } from '../config/load-gateway-config.js';
import { createGateway } from '../create-gateway.js';
import { createLogger } from '../observability/logger.js';
import type { GatewayTenancy } from '../tenancy/gateway-tenancy.js';
import type { Principal } from '../tenancy/principal.js';

const config = parseGatewayConfig(
  JSON.parse(process.env.RAMPART_TEST_CONFIG ?? '{}'),
  process.env,
  'RAMPART_TEST_CONFIG',
);
const principals = JSON.parse(process.env.RAMPART_TEST_PRINCIPALS ?? '{}') as Record<string, Principal>;
const tenancy: GatewayTenancy = {
  async authenticate(secret) {
    const principal = principals[secret.slice('rk_'.length)];
    if (!principal) throw new RampartError('authentication_failed', 'Invalid API key.');
    return principal;
  },
  async credentials() {
    return () => undefined;
  },
};
const state = new RedisStateStore({
  url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  prefix: process.env.RAMPART_TEST_REDIS_PREFIX ?? 'rampart-test:',
});
const store = await openStore({ url: process.env.DATABASE_URL ?? 'sqlite::memory:' });
const gateway = createGateway({
  config,
  state,
  store,
  tenancy,
  logger: createLogger({ level: process.env.RAMPART_TEST_LOG_LEVEL ?? 'silent' }),
  ledger: JSON.parse(process.env.RAMPART_TEST_LEDGER ?? '{}') as Record<string, number>,
});
const url = await gateway.listen(0);
process.stdout.write(`${url}\n`);
process.once('SIGTERM', () => {
  void gateway
    .close()
    .then(() => Promise.all([state.close(), store.close()]))
    .then(() => process.exit(0));
});
