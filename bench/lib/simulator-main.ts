// A provider simulator alone in its own process, for benchmarks that must not share an event loop between
// the upstream and the system under test. Usage: node --import tsx bench/lib/simulator-main.ts --port P
// The simulator adds no latency unless a fault rule asks for it (set over its /_sim/ control API).
import { parseArgs } from 'node:util';
import { startSimulator } from '@rampart/simulator';

const { values } = parseArgs({
  options: { port: { type: 'string' }, host: { type: 'string' } },
  strict: true,
});
const port = Number(values.port ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  throw new Error(`--port must be a port number, got ${values.port}`);

const simulator = await startSimulator({ host: values.host ?? '127.0.0.1', port });
process.stdout.write(`simulator listening on ${simulator.url}\n`);
const stop = () => void simulator.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
