import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import {
  connect,
  createServer as createTcpServer,
  type AddressInfo,
  type Server as TcpServer,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startEgressProxy, type EgressAuditRecord, type EgressProxy } from './egress-proxy.js';

let dir: string;
let gateway: Server;
let echo: TcpServer;
let proxy: EgressProxy;
let gatewayPort: number;
let echoPort: number;
let other: Server;
let otherPort: number;
const audit: EgressAuditRecord[] = [];
const onAudit = new Set<() => void>();
const record = (entry: EgressAuditRecord): void => {
  audit.push(entry);
  for (const listener of [...onAudit]) listener();
};

/**
 * The first audit record matching, as soon as it is written: records are written when an exchange ends (a tunnel
 * when it closes), which on a busy host can come after the client saw its last byte. Bounded, never a fixed sleep.
 */
function audited(
  match: (entry: EgressAuditRecord) => boolean,
  withinMs = 10_000,
): Promise<EgressAuditRecord> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      onAudit.delete(check);
      reject(new Error('no matching audit record was written'));
    }, withinMs);
    const check = (): void => {
      const found = audit.find(match);
      if (found === undefined) return;
      clearTimeout(timer);
      onAudit.delete(check);
      resolve(found);
    };
    onAudit.add(check);
    check();
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rampart-egress-'));
  gateway = createServer((req, res) =>
    res.end(
      `gateway saw ${req.method} ${req.url} host=${req.headers.host} thread=${String(req.headers['x-rampart-thread-id'])} sandbox=${String(req.headers['x-rampart-sandbox-id'])}`,
    ),
  );
  gateway.listen(0, '127.0.0.1');
  await once(gateway, 'listening');
  gatewayPort = (gateway.address() as AddressInfo).port;
  other = createServer((req, res) => res.end(JSON.stringify(req.headers)));
  other.listen(0, '127.0.0.1');
  await once(other, 'listening');
  otherPort = (other.address() as AddressInfo).port;
  echo = createTcpServer((socket) => socket.pipe(socket));
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  echoPort = (echo.address() as AddressInfo).port;
  proxy = await startEgressProxy({
    socketPath: join(dir, 'egress.sock'),
    identity: { sandboxId: 'sb1', threadId: 't1', userId: 'u1' },
    allow: [`127.0.0.1:${echoPort}`, `127.0.0.1:${otherPort}`],
    aliases: { 'gateway.rampart.internal': { host: '127.0.0.1', port: gatewayPort } },
    audit: record,
  });
});

after(async () => {
  await proxy.close();
  gateway.close();
  other.close();
  echo.close();
  await rm(dir, { recursive: true, force: true });
});

function viaProxy(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  socketPath = proxy.socketPath,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connectVia(authority: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxy.socketPath);
    let data = '';
    let pinged = false;
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (!data.startsWith('HTTP/1.1 200') || !data.includes('\r\n\r\n')) return;
      if (!pinged) {
        pinged = true;
        socket.write('ping');
      } else if (data.endsWith('ping')) {
        socket.end();
        resolve(data);
      }
    });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  });
}

test('plain HTTP to an alias is forwarded and audited', async () => {
  const response = await viaProxy('GET', 'http://gateway.rampart.internal/v1/models?x=1');
  assert.equal(response.status, 200);
  assert.match(response.body, /^gateway saw GET \/v1\/models\?x=1/);
  const entry = await audited((r) => r.host === 'gateway.rampart.internal');
  assert.equal(entry.allowed, true);
  assert.equal(entry.status, 200);
  assert.equal(entry.sandboxId, 'sb1');
  assert.ok(entry.bytesIn > 0);
});

test('a host not on the allowlist gets 403 and a denied audit record', async () => {
  const response = await viaProxy('GET', 'http://example.com/');
  assert.equal(response.status, 403);
  const entry = await audited((r) => r.host === 'example.com' && r.threadId === 't1');
  assert.deepEqual([entry.allowed, entry.status, entry.userId], [false, 403, 'u1']);
});

test('CONNECT tunnels to an allowlisted host:port and refuses others', async () => {
  const tunnelled = await connectVia(`127.0.0.1:${echoPort}`);
  assert.match(tunnelled, /^HTTP\/1\.1 200 Connection Established\r\n\r\nping$/);
  const refused = await connectVia(`127.0.0.1:${gatewayPort}`);
  assert.match(refused, /^HTTP\/1\.1 403 Forbidden/);
  // Tunnels are audited when they close, so match by port rather than by arrival.
  const allowed = await audited((r) => r.method === 'CONNECT' && r.port === echoPort);
  const denied = await audited((r) => r.method === 'CONNECT' && r.port === gatewayPort);
  assert.deepEqual([allowed.allowed, allowed.status, allowed.bytesOut], [true, 200, 4]);
  assert.deepEqual([denied.allowed, denied.status], [false, 403]);
});

test('the gateway learns the thread from the proxy, never from the sandbox', async () => {
  const forged = { 'x-rampart-thread-id': 'someone-else', 'X-Rampart-Sandbox-Id': 'forged' };
  const response = await viaProxy('GET', 'http://gateway.rampart.internal/v1/models', forged);
  assert.match(response.body, / thread=t1 sandbox=sb1$/);
  // Hosts other than the aliases get neither the sandbox's copies nor ours.
  const elsewhere = await viaProxy('GET', `http://127.0.0.1:${otherPort}/`, forged);
  const seen = JSON.parse(elsewhere.body) as Record<string, string>;
  assert.equal(elsewhere.status, 200);
  assert.equal(seen['x-rampart-thread-id'], undefined);
  assert.equal(seen['x-rampart-sandbox-id'], undefined);
});

test('an unbound proxy refuses everything; assign() rebinds identity and allowlist', async () => {
  const warm = await startEgressProxy({
    socketPath: join(dir, 'warm.sock'),
    identity: undefined,
    allow: [],
    aliases: { 'gateway.rampart.internal': { host: '127.0.0.1', port: gatewayPort } },
    audit: record,
  });
  try {
    const before = await viaProxy('GET', 'http://gateway.rampart.internal/unbound', {}, warm.socketPath);
    assert.equal(before.status, 403);
    const refusedUnbound = await audited((r) => r.host === 'gateway.rampart.internal' && r.threadId === '');
    assert.deepEqual(
      [refusedUnbound.allowed, refusedUnbound.reason],
      [false, 'sandbox not bound to a thread'],
    );
    warm.assign({ sandboxId: 'sb2', threadId: 't2', userId: 'u2', tenantId: 'team2' }, []);
    const after = await viaProxy('GET', 'http://gateway.rampart.internal/', {}, warm.socketPath);
    assert.equal(after.status, 200);
    assert.match(after.body, /thread=t2 sandbox=sb2$/);
    const refused = await viaProxy('GET', 'http://example.com/', {}, warm.socketPath);
    assert.equal(refused.status, 403);
    const ofT2 = await Promise.all([
      audited((r) => r.threadId === 't2' && r.host === 'gateway.rampart.internal'),
      audited((r) => r.threadId === 't2' && r.host === 'example.com'),
    ]);
    assert.deepEqual(
      ofT2.map((r) => [r.sandboxId, r.tenantId, r.allowed]),
      [
        ['sb2', 'team2', true],
        ['sb2', 'team2', false],
      ],
    );
  } finally {
    await warm.close();
  }
});

test('origin-form requests are not proxied', async () => {
  const response = await viaProxy('GET', '/etc/passwd');
  assert.equal(response.status, 400);
});
