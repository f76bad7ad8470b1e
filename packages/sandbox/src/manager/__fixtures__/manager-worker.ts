// A manager in its own process, for the cross-process tests. Speaks line-delimited JSON on stdout; reads commands on
// stdin. Modes:
//   cas:  after "go", runs N concurrent cells on one thread and reports; exits on "exit".
//   hold: starts the thread's sandbox, reports its pid, then waits to be killed (-9).
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { openStore } from '@rampart/store';
import { createBubblewrapDriver } from '../../drivers/drivers-bubblewrap-driver.js';
import { createUnsafeLocalDriver } from '../../drivers/drivers-unsafe-local-driver.js';
import { createSandboxManager } from '../manager-sandbox-manager.js';
import { countStarts } from '../testing/manager-counting-driver.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string' },
    store: { type: 'string' },
    'work-root': { type: 'string' },
    'runtime-dir': { type: 'string' },
    driver: { type: 'string' },
    'starts-file': { type: 'string' },
    thread: { type: 'string' },
    calls: { type: 'string', default: '50' },
  },
});
const say = (message: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(message)}\n`);

const inner =
  values.driver === 'unsafe-local'
    ? createUnsafeLocalDriver({ runtimeDir: values['runtime-dir'] as string })
    : createBubblewrapDriver({ runtimeDir: values['runtime-dir'] as string });
const driver = countStarts(inner, values['starts-file']);
const store = await openStore({ url: values.store as string });
const manager = createSandboxManager({
  store,
  driver,
  workRoot: values['work-root'] as string,
  peer: { token: 'test-token' },
});
await manager.start();
const thread = values.thread as string;
const lines = createInterface({ input: process.stdin });
const nextLine = (): Promise<string> => new Promise((resolve) => lines.once('line', resolve));
say({ ready: true, managerId: manager.id });

if (values.mode === 'hold') {
  await manager.runCell(thread, 'held = True', { timeoutMs: 30_000 });
  const [local] = manager.localSandboxes();
  say({ held: true, pid: local?.pid, sandboxId: local?.sandboxId });
  await new Promise(() => undefined); // until SIGKILL
}

await nextLine(); // "go": both processes start their calls together
const results = await Promise.allSettled(
  Array.from({ length: Number(values.calls) }, () =>
    manager.runCell(thread, 'import os\nos.getpid()', { timeoutMs: 60_000 }),
  ),
);
const ok = results.filter((r) => r.status === 'fulfilled' && r.value.status === 'ok');
const kernelPids = new Set(
  ok.map((r) => (r as PromiseFulfilledResult<{ outputs: Array<{ data: Record<string, string> }> }>).value.outputs[0]?.data['text/plain']),
);
const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
say({ done: true, ok: ok.length, kernelPids: [...kernelPids], owner: manager.localSandboxes().length === 1, failures: failures.slice(0, 3) });
await nextLine(); // "exit": the owner must keep serving until the other process is done
await manager.close();
await store.close();
process.exit(0);
