// The gateway under test, alone in its own process: `createGateway` on a config file, so the load generator
// (the benchmark's main process) never shares an event loop with it. Logging defaults to `warn` because the
// benchmark reads outcomes from the responses and /metrics; 100,000 info lines would measure pino, not routing.
// Usage: node --import tsx bench/chaos/chaos-gateway-main.ts --config FILE --port P [--log-level L]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createGateway, createLogger, parseGatewayConfig } from '@rampart/gateway';

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    port: { type: 'string' },
    'log-level': { type: 'string' },
  },
  strict: true,
});
if (values.config === undefined) throw new Error('--config FILE is required');
const port = Number(values.port ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  throw new Error(`--port must be a port number, got ${values.port}`);

const config = parseGatewayConfig(JSON.parse(readFileSync(values.config, 'utf8')), {}, values.config);
const gateway = createGateway({ config, logger: createLogger({ level: values['log-level'] ?? 'warn' }) });
const url = await gateway.listen(port, '127.0.0.1');
process.stdout.write(`gateway listening on ${url}\n`);
const stop = () => void gateway.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
