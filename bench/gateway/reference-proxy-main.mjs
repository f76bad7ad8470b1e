// The throughput ceiling of ANY Node gateway on this machine, for context beside the table: the least a proxy
// can do (node:http in, one undici pooled request out, the JSON body parsed and re-serialized both ways) with
// no routing, no resilience, no logging, no metering. Not a competitor: a yardstick. If it cannot reach a
// figure here, no Node gateway can.
// Usage: node bench/gateway/reference-proxy-main.mjs --upstream URL --port P
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Agent } from 'undici';

const { values } = parseArgs({ options: { upstream: { type: 'string' }, port: { type: 'string' } } });
const origin = new URL(values.upstream).origin;
const agent = new Agent({ connections: 256, keepAliveTimeout: 30_000 });

createServer(async (req, res) => {
  if (req.method === 'GET') return void res.end('ok');
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const upstream = await agent.request({
    origin,
    path: '/v1/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench-key' },
    body: JSON.stringify(body),
  });
  const text = JSON.stringify(await upstream.body.json());
  res.writeHead(upstream.statusCode, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}).listen(Number(values.port), '127.0.0.1');
