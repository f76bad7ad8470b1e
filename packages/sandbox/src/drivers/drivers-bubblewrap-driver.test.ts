// Real IPython kernels under bubblewrap: behaviour, then the hostile suite. Two sandboxes (two users, two threads)
// run side by side; every attack runs in A, and B plus the host must stay healthy.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import type { CellResult, RunningSandbox, SandboxSpec } from '../sandbox-driver.js';
import { startEgressProxy, type EgressAuditRecord, type EgressProxy } from '../egress/egress-proxy.js';
import { createRedisAclProvisioner, type RedisAclProvisioner } from '../redis-acl/redis-acl-provisioner.js';
import { createBubblewrapDriver } from './drivers-bubblewrap-driver.js';
import { workDirImagePath } from './drivers-work-dir-image.js';

const limits = { memoryMb: 384, cpuPercent: 100, maxProcesses: 48, workDirMb: 32 };
const driver = createBubblewrapDriver({
  runtimeDir: '/tmp/rampart-sandbox-tests',
  interruptGraceMs: 1500,
  tcpForwards: [{ localPort: 6379, host: '127.0.0.1', port: 6379 }],
});
const run = (sandbox: RunningSandbox, code: string, timeoutMs = 20_000): Promise<CellResult> =>
  sandbox.kernel.execute(code, { timeoutMs });
const stdout = (result: CellResult): string =>
  result.outputs
    .filter((o) => o.kind === 'stream')
    .map((o) => o.data['text/plain'])
    .join('');

let root: string;
let gateway: Server;
let admin: Redis;
let acl: RedisAclProvisioner;
const audit: EgressAuditRecord[] = [];
const onAudit = new Set<() => void>();

/** Resolves once an audit record matching is written (tunnels are audited when they close); bounded. */
function audited(match: (entry: EgressAuditRecord) => boolean, withinMs = 20_000): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(false), withinMs);
    const check = (): void => {
      if (audit.some(match)) finish(true);
    };
    const finish = (found: boolean): void => {
      clearTimeout(timer);
      onAudit.delete(check);
      resolve(found);
    };
    onAudit.add(check);
    check();
  });
}
const proxies: EgressProxy[] = [];
const users = { a: `sbx${randomUUID().slice(0, 8)}`, b: `sbx${randomUUID().slice(0, 8)}` };
let a: RunningSandbox;
let b: RunningSandbox;
let specA: SandboxSpec;
let specB: SandboxSpec;

async function startSandbox(name: 'a' | 'b'): Promise<{ sandbox: RunningSandbox; spec: SandboxSpec }> {
  const userId = users[name];
  const sandboxId = `test-${name}-${randomUUID().slice(0, 8)}`;
  const identity = { sandboxId, threadId: `thread-${name}`, userId };
  const proxy = await startEgressProxy({
    socketPath: join(root, `${name}.sock`),
    identity,
    allow: ['127.0.0.1:6379'],
    aliases: {
      'gateway.rampart.internal': { host: '127.0.0.1', port: (gateway.address() as AddressInfo).port },
    },
    audit: (record) => {
      audit.push(record);
      for (const listener of [...onAudit]) listener();
    },
  });
  proxies.push(proxy);
  const redis = await acl.provision(userId);
  const spec: SandboxSpec = {
    ...identity,
    workDir: join(root, `work-${name}`),
    limits,
    egressProxySocket: proxy.socketPath,
    env: {
      RAMPART_GATEWAY_URL: 'http://gateway.rampart.internal',
      RAMPART_VIRTUAL_KEY: `vk-test-${name}`,
      REDIS_USERNAME: redis.username,
      REDIS_PASSWORD: redis.password,
    },
  };
  return { sandbox: await driver.start(spec), spec };
}

before(async () => {
  await driver.checkAvailable();
  root = await mkdtemp(join(tmpdir(), 'rampart-bwrap-'));
  gateway = createServer((req, res) => res.end(`gateway ok key=${req.headers.authorization ?? ''}`));
  gateway.listen(0, '127.0.0.1');
  await once(gateway, 'listening');
  admin = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  acl = createRedisAclProvisioner(admin);
  const [first, second] = await Promise.all([startSandbox('a'), startSandbox('b')]);
  ({ sandbox: a, spec: specA } = first);
  ({ sandbox: b, spec: specB } = second);
});

after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  for (const proxy of proxies) await proxy.close();
  gateway.close();
  await acl.remove(users.a);
  await acl.remove(users.b);
  await admin.del(`data:${users.b}:secret`);
  admin.disconnect();
  await rm(root, { recursive: true, force: true });
});

describe('kernel behaviour', () => {
  test('state persists across cells; stdout, stderr and results are captured', async () => {
    await run(a, 'x = 20');
    const result = await run(a, 'import sys\nprint("out")\nprint("err", file=sys.stderr)\nx * 2 + 2');
    assert.equal(result.status, 'ok');
    assert.deepEqual(
      result.outputs.map((o) => [o.kind, o.name ?? '', o.data['text/plain']]),
      [
        ['stream', 'stdout', 'out\n'],
        ['stream', 'stderr', 'err\n'],
        ['result', '', '42'],
      ],
    );
  });

  test('matplotlib PNG and pandas HTML come back as rich outputs', async () => {
    const plot = await run(a, 'import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()');
    const png = plot.outputs.find((o) => o.kind === 'display')?.data['image/png'] ?? '';
    assert.ok(Buffer.from(png, 'base64').subarray(1, 4).toString() === 'PNG', 'a PNG image');
    const table = await run(a, 'import pandas as pd\npd.DataFrame({"a": [1, 2]})');
    assert.match(table.outputs[0]?.data['text/html'] ?? '', /<table/);
  });

  test('exceptions come back with a traceback', async () => {
    const result = await run(a, 'def f():\n    raise ValueError("boom")\nf()');
    assert.equal(result.status, 'error');
    const error = result.outputs.find((o) => o.kind === 'error')?.error;
    assert.equal(error?.ename, 'ValueError');
    assert.match(error?.traceback.join('\n') ?? '', /raise ValueError\("boom"\)/);
  });

  test('the cell right after a failing one runs (no abort window)', async () => {
    // ipykernel aborts requests queued behind a failed one when asked to stop on error; the next cell is sent the
    // moment the failure's idle status arrives, so any abort window would swallow it. Many tries make a race show.
    await run(a, 'ran = 0');
    for (let i = 0; i < 30; i++) {
      assert.equal((await run(a, '1/0')).status, 'error');
      const next = await run(a, 'ran += 1\nran');
      assert.equal(next.status, 'ok', `try ${i}: ${JSON.stringify(next.outputs)}`);
      assert.equal(next.outputs[0]?.data['text/plain'], String(i + 1));
    }
  });

  test('a timeout interrupts the cell and the kernel survives', async () => {
    await run(a, 'kept = "still here"');
    const result = await run(a, 'while True: pass', 800);
    assert.deepEqual([result.status, result.kernelRestarted], ['timeout', false]);
    assert.equal(result.outputs.find((o) => o.kind === 'error')?.error?.ename, 'KeyboardInterrupt');
    assert.equal((await run(a, 'kept')).outputs[0]?.data['text/plain'], "'still here'");
  });

  test('a cell ignoring SIGINT gets its kernel restarted, and the result says so', async () => {
    const pidBefore = a.pid;
    const code =
      'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: time.sleep(0.05)';
    const result = await run(a, code, 800);
    assert.deepEqual([result.status, result.kernelRestarted], ['timeout', true]);
    assert.match(stdout(result), /kernel was restarted/);
    assert.notEqual(a.pid, pidBefore);
    const after = await run(a, "'kept' in dir()");
    assert.equal(after.outputs[0]?.data['text/plain'], 'False', 'variables are gone');
    assert.equal(await a.kernel.heartbeat(2000), true);
  });

  test('files seeded before the first start are in the sized work dir, which the sandbox user owns', async () => {
    const workDir = join(root, 'work-seeded');
    await mkdir(join(workDir, 'data'), { recursive: true });
    await writeFile(join(workDir, 'data', 'input.csv'), 'a,b\n1,2\n');
    const seeded = await driver.start({
      sandboxId: `test-seed-${randomUUID().slice(0, 8)}`,
      threadId: 'thread-seed',
      userId: users.a,
      workDir,
      limits,
      env: {},
    });
    try {
      const code = `import os
print(sorted(os.listdir('/work')), open('/work/data/input.csv').read().splitlines()[1])
open('/work/new.txt', 'w').write('x')
st = os.statvfs('/work'); print('size_mb', st.f_blocks * st.f_frsize // 2**20)`;
      const text = stdout(await run(seeded, code));
      assert.match(text, /^\['data'\] 1,2$/m, 'the seed is there and lost+found is not');
      const size = Number(/size_mb (\d+)/.exec(text)?.[1]);
      assert.ok(size > 0 && size <= limits.workDirMb, text);
      assert.ok(existsSync(workDirImagePath(workDir)));
    } finally {
      await seeded.stop();
    }
  });

  test('printing a gigabyte is capped head + tail with a marker, never buffered', async () => {
    const rssBefore = process.memoryUsage().rss;
    const code = 'chunk = "x" * 1048575\nfor i in range(1024): print(chunk)\nprint("THE END")';
    const result = await run(a, code, 90_000);
    const text = stdout(result);
    assert.match(
      text,
      /\[rampart: output truncated: [\d,]+ (bytes|characters) of stdout\/stderr in total; kept the first [\d,]+/,
    );
    assert.ok(text.length < 140 * 1024, `captured ${text.length} chars`);
    assert.ok(text.endsWith('THE END\n'), 'the tail is the real end of the output');
    assert.ok(process.memoryUsage().rss - rssBefore < 400 * 1024 * 1024, 'host memory stayed bounded');
  });
});

describe('hostile suite (sandbox A attacks; B and the host stay healthy)', () => {
  test('host files and the other thread are invisible', async () => {
    await writeFile(join(specB.workDir, 'b-private.txt'), 'thread B data');
    const code = `
for p in ['/root', '/home', '/etc/shadow', '/var/lib', ${JSON.stringify(specB.workDir)}, ${JSON.stringify(workDirImagePath(specB.workDir))}, '/proc/1/root/etc/shadow']:
    try:
        open(p).read() if not p.startswith('/root') and not p.endswith('lib') and not p == '/home' else __import__('os').listdir(p)
        print('LEAK', p)
    except Exception as e:
        print('denied', p, type(e).__name__)
import os
print('uid', os.getuid(), 'caps', open('/proc/self/status').read().split('CapEff:')[1].split()[0])`;
    const text = stdout(await run(a, code));
    assert.doesNotMatch(text, /LEAK/);
    assert.equal(text.match(/denied/g)?.length, 7, text);
    assert.match(text, /uid 1000 caps 0000000000000000/);
  });

  test('nothing outside /work is writable', async () => {
    const code = `
for p in ['/usr/evil', '/etc/evil', '/evil', '/run/rampart/evil']:
    try:
        open(p, 'w').write('x'); print('WROTE', p)
    except OSError as e:
        print('denied', p, e.errno)
open('/work/ok.txt', 'w').write('fine'); print('work ok')`;
    const text = stdout(await run(a, code));
    assert.doesNotMatch(text, /WROTE/);
    assert.match(text, /work ok/);
    assert.equal(await readFile(join(specA.workDir, 'ok.txt'), 'utf8'), 'fine');
  });

  test('raw sockets around the proxy get ENETUNREACH; host loopback services are not there', async () => {
    const port = (gateway.address() as AddressInfo).port;
    const code = `
import socket
for host, port in [('1.1.1.1', 80), ('10.0.0.1', 443)]:
    try: socket.create_connection((host, port), timeout=2); print('CONNECTED', host)
    except OSError as e: print('blocked', host, e.errno)
try: socket.create_connection(('127.0.0.1', ${port}), timeout=2); print('CONNECTED host loopback')
except OSError as e: print('blocked loopback', e.errno)`;
    const text = stdout(await run(a, code));
    assert.doesNotMatch(text, /CONNECTED/);
    assert.equal(text.match(/blocked \S+ 101/g)?.length, 2, text);
    assert.match(text, /blocked loopback 111/);
  });

  test('the gateway is reachable through the proxy; other hosts get 403 and are audited', async () => {
    const code = `
import os, requests
r = requests.get(os.environ['RAMPART_GATEWAY_URL'] + '/v1/models', headers={'authorization': os.environ['RAMPART_VIRTUAL_KEY']}, timeout=10)
print('gateway', r.status_code, r.text)
print('plain', requests.get('http://example.com/', timeout=10).status_code)
try: requests.get('https://example.com/', timeout=10); print('HTTPS LEAK')
except requests.exceptions.ProxyError as e: print('https refused', '403' in str(e))`;
    const text = stdout(await run(a, code));
    assert.match(text, /gateway 200 gateway ok key=vk-test-a/);
    assert.match(text, /plain 403/);
    assert.match(text, /https refused True/);
    const denied = audit.filter((r) => r.sandboxId === specA.sandboxId && r.host === 'example.com');
    assert.deepEqual(denied.map((r) => [r.method, r.port, r.allowed]).sort(), [
      ['CONNECT', 443, false],
      ['GET', 80, false],
    ]);
  });

  test("another user's Redis keys and FLUSHALL are refused to the sandbox's credentials", async () => {
    await admin.set(`data:${users.b}:secret`, 'B only');
    const code = `
import os, socket
def cmd(*args):
    s.sendall(b''.join([b'*%d\\r\\n' % len(args)] + [b'$%d\\r\\n%s\\r\\n' % (len(a.encode()), a.encode()) for a in args]))
    return s.recv(4096).decode().strip()
s = socket.create_connection(('127.0.0.1', 6379), timeout=5)
print('auth', cmd('AUTH', os.environ['REDIS_USERNAME'], os.environ['REDIS_PASSWORD']))
print('own', cmd('SET', 'data:${users.a}:x', '1'))
print('other', cmd('GET', 'data:${users.b}:secret'))
print('flushall', cmd('FLUSHALL'))
print('keys', cmd('KEYS', '*'))
s.close()`;
    const text = stdout(await run(a, code));
    assert.match(text, /auth \+OK/);
    assert.match(text, /own \+OK/);
    assert.match(text, /other -NOPERM/);
    assert.match(text, /flushall -NOPERM/);
    assert.match(text, /keys -NOPERM/);
    assert.equal(await admin.get(`data:${users.b}:secret`), 'B only');
    await admin.del(`data:${users.a}:x`);
    // Tunnels are audited when they close, a moment after the cell closed its socket.
    const tunnelled = await audited(
      (r) => r.sandboxId === specA.sandboxId && r.method === 'CONNECT' && r.port === 6379 && r.allowed,
    );
    assert.ok(tunnelled, 'the Redis tunnel was audited');
  });

  test('a fork bomb stops at the pids limit', async () => {
    const code = `
import os, time
pids, err = [], None
try:
    for i in range(10000):
        pid = os.fork()
        if pid == 0:
            time.sleep(30); os._exit(0)
        pids.append(pid)
except OSError as e:
    err = e
print('forked', len(pids), 'then', err.errno if err else None)
for p in pids: os.kill(p, 9)
for p in pids: os.waitpid(p, 0)`;
    const text = stdout(await run(a, code, 30_000));
    const [, forked, errno] = /forked (\d+) then (\d+)/.exec(text) ?? [];
    assert.ok(Number(forked) < limits.maxProcesses, text);
    assert.equal(errno, '11', 'EAGAIN');
  });

  test('filling the disk stops at the work dir limit', async () => {
    const code = `
import os
written = 0
try:
    with open('/work/fill', 'wb') as f:
        while True:
            f.write(b'x' * 1048576); f.flush(); written += 1
except OSError as e:
    print('stopped after', written, 'MiB errno', e.errno)
os.remove('/work/fill')`;
    const text = stdout(await run(a, code, 30_000));
    const [, mib, errno] = /stopped after (\d+) MiB errno (\d+)/.exec(text) ?? [];
    assert.equal(errno, '28', `ENOSPC: ${text}`);
    assert.ok(Number(mib) <= limits.workDirMb, text);
  });

  test('a memory bomb OOM-kills only that kernel, which is restarted and says so', async () => {
    const result = await run(a, 'hog = b"x" * (2 * 1024**3)', 30_000);
    assert.equal(result.kernelRestarted, true);
    assert.equal(result.status, 'error');
    assert.match(result.outputs.at(-1)?.error?.evalue ?? '', /out of memory/);
    assert.equal((await run(a, '1 + 1')).outputs[0]?.data['text/plain'], '2');
    assert.ok(existsSync(join(specA.workDir, 'ok.txt')), 'the work dir survived the restart');
  });

  test('B and the host stayed healthy throughout', async () => {
    assert.equal(await b.kernel.heartbeat(2000), true);
    const result = await run(b, 'open("/work/b-private.txt").read()');
    assert.equal(result.outputs[0]?.data['text/plain'], "'thread B data'");
    assert.equal(result.kernelRestarted, false);
    assert.equal(await admin.ping(), 'PONG');
  });
});
