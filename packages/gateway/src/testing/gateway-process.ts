// A gateway in its own process, for tests of what replicas share. Reads its config from RAMPART_TEST_CONFIG
// (JSON) and shares breaker state through Redis under RAMPART_TEST_REDIS_PREFIX; prints its URL on stdout.
import { RedisStateStore } from '@rampart/state';
import { parseGatewayConfig } from '../config/load-gateway-config.js';
import { createGateway } from '../create-gateway.js';
import { createLogger } from '../observability/logger.js';

const config = parseGatewayConfig(
  JSON.parse(process.env.RAMPART_TEST_CONFIG ?? '{}'),
  {},
  'RAMPART_TEST_CONFIG',
);
const state = new RedisStateStore({
  url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  prefix: process.env.RAMPART_TEST_REDIS_PREFIX ?? 'rampart-test:',
});
const gateway = createGateway({ config, state, logger: createLogger({ level: 'silent' }) });
const url = await gateway.listen(0);
process.stdout.write(`${url}\n`);
process.once('SIGTERM', () => {
  void gateway
    .close()
    .then(() => state.close())
    .then(() => process.exit(0));
});
