// CLI: run the simulator as a process.
//   node --import tsx packages/simulator/src/main.ts --port 4010 [--http2-port 4011] [--host 127.0.0.1] [--seed 1]
// Bedrock SigV4 is verified when SIM_BEDROCK_ACCESS_KEY_ID and SIM_BEDROCK_SECRET_ACCESS_KEY are set.
import { parseArgs } from 'node:util';
import { startSimulator } from './start-simulator.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '4010' },
    'http2-port': { type: 'string' },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log('usage: main.ts [--host 127.0.0.1] [--port 4010] [--http2-port PORT] [--seed 1]');
  process.exit(0);
}

const port = Number(values.port);
const accessKeyId = process.env.SIM_BEDROCK_ACCESS_KEY_ID;
const secretAccessKey = process.env.SIM_BEDROCK_SECRET_ACCESS_KEY;
const sim = await startSimulator({
  host: values.host,
  port,
  http2Port: values['http2-port'] !== undefined ? Number(values['http2-port']) : port === 0 ? 0 : port + 1,
  seed: Number(values.seed),
  ...(accessKeyId && secretAccessKey ? { bedrockCredentials: { accessKeyId, secretAccessKey } } : {}),
});

console.log(
  `simulated providers (OpenAI, Anthropic, Bedrock) on ${sim.url} (HTTP/1.1) and ${sim.http2Url} (h2c)`,
);
console.log(`  OpenAI:    new OpenAI({ baseURL: '${sim.url}/v1', apiKey: 'any' })`);
console.log(`  Anthropic: new Anthropic({ baseURL: '${sim.url}', apiKey: 'any' })`);
console.log(
  `  Bedrock:   new BedrockRuntimeClient({ endpoint: '${sim.http2Url}', region: 'us-east-1', credentials })`,
);
console.log(`  control:   ${sim.url}/_sim/{faults,script,capacity,reset,requests,stats}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sim.close().then(() => process.exit(0));
  });
}
