// Starts the two servers a chaos scenario needs, each in its own process on 127.0.0.1: the simulator (seed 1,
// bench/lib's entry) and a gateway on a config written for the scenario. The benchmark's own process is the
// load generator, so client, gateway and upstreams never share an event loop.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcessGroup } from '../lib/child-process-group.js';
import type { StartedServer } from '../lib/start-simulator-process.js';
import { findFreePort } from '../lib/find-free-port.js';

const TSX = ['--import', 'tsx'];

/** A gateway process on `config` (written to `workDir/<name>.config.json`). */
export async function startGateway(
  group: ChildProcessGroup,
  repoRoot: string,
  workDir: string,
  name: string,
  config: unknown,
  logLevel: string,
): Promise<StartedServer> {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const configPath = join(workDir, `${name}.config.json`);
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const process = await group.start({
    name,
    command: globalThis.process.execPath,
    args: [
      ...TSX,
      join(repoRoot, 'bench/chaos/chaos-gateway-main.ts'),
      '--config',
      configPath,
      '--port',
      String(port),
      '--log-level',
      logLevel,
    ],
    cwd: repoRoot,
    readyUrl: `${url}/health`,
  });
  return { url, process };
}
