// The provider simulator alone in its own process on 127.0.0.1, as every benchmark starts it, so the load
// generator, the gateway under test and the upstream never share an event loop.
import { join } from 'node:path';
import type { ChildProcessGroup, RunningProcess } from './child-process-group.js';
import { findFreePort } from './find-free-port.js';

/** A started server: where it answers and which process it is. */
export interface StartedServer {
  url: string;
  process: RunningProcess;
}

/** Starts bench/lib/simulator-main.ts and waits until it answers. */
export async function startSimulatorProcess(
  group: ChildProcessGroup,
  repoRoot: string,
): Promise<StartedServer> {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const process = await group.start({
    name: 'simulator',
    command: globalThis.process.execPath,
    args: ['--import', 'tsx', join(repoRoot, 'bench/lib/simulator-main.ts'), '--port', String(port)],
    cwd: repoRoot,
    readyUrl: `${url}/_sim/health`,
  });
  return { url, process };
}
