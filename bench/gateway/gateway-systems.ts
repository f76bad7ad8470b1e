// Starts the three systems, each in its own process: the simulator, Rampart's CLI and Portkey's published
// Node server (as a user would run them, not imported into the harness), all on 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ChildProcessGroup } from '../lib/child-process-group.js';
import type { StartedServer } from '../lib/start-simulator-process.js';
import { findFreePort } from '../lib/find-free-port.js';
import { parseStartScript } from '../lib/npm-start-command.js';

/** A started system: where it answers and which process to watch. */
export type StartedSystem = StartedServer;

/**
 * Rampart's gateway exactly as `npm start` runs it (package.json's own steps: the CLI bundle is built, then
 * `rampart start` runs from it), configured with the providers the benchmark routes to, all pointing at the
 * simulator. Logging stays at the CLI's default level: the request log is part of what a deployment pays for.
 */
export async function startRampartProcess(
  group: ChildProcessGroup,
  repoRoot: string,
  workDir: string,
  simulatorUrl: string,
  logLevel: string | undefined,
  /** Another instance beside the main one: its own name, data dir, breaker settings, and auth on or off. */
  variant?: { name: string; breaker: Record<string, number>; auth?: boolean },
): Promise<StartedSystem> {
  const name = variant?.name ?? 'rampart';
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const configPath = join(workDir, `${name}.bench.config.json`);
  const config = {
    ...(variant ? { breaker: variant.breaker } : {}),
    providers: {
      openai: { type: 'openai', baseUrl: `${simulatorUrl}/v1`, apiKey: 'bench-key' },
      anthropic: { type: 'anthropic', baseUrl: simulatorUrl, apiKey: 'bench-key' },
    },
    // The bare gateway: routing only, no virtual keys (a variant may turn them on: limits and ledger apply).
    auth: { required: variant?.auth ?? false },
    ...(variant?.auth ? {} : { ledger: { enabled: false } }),
  };
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const start = parseStartScript(manifest.scripts.start);
  for (const [, ...args] of start.prepare)
    execFileSync(globalThis.process.execPath, args, { cwd: repoRoot, stdio: 'ignore' });
  const [, ...serveArgs] = start.serve;
  const process = await group.start({
    name,
    command: globalThis.process.execPath,
    args: [
      ...serveArgs,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--config',
      configPath,
      '--data-dir',
      join(workDir, `${name}-data`),
      // The notebook service is another service; this benchmark measures the gateway.
      '--no-notebooks',
    ],
    cwd: repoRoot,
    env: logLevel ? { RAMPART_LOG_LEVEL: logLevel } : {},
    readyUrl: `${url}/health`,
  });
  return { url, process };
}

/** Where npm installed Portkey's server entry (its package `bin`). */
export function portkeyServerPath(repoRoot: string): string {
  const require = createRequire(join(repoRoot, 'package.json'));
  return join(dirname(require.resolve('@portkey-ai/gateway/package.json')), 'build/start-server.js');
}

/**
 * Portkey's gateway 1.15.2 as published: `start-server.js --port=N --headless`. Headless because the
 * non-headless mode also serves an unauthenticated log stream (with API keys) and a UI; its per-request
 * logging middleware runs in both modes. It has no bind-address option, so a preload pins it to loopback.
 */
export async function startPortkeyProcess(
  group: ChildProcessGroup,
  repoRoot: string,
): Promise<StartedSystem> {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const process = await group.start({
    name: 'portkey',
    command: globalThis.process.execPath,
    args: [
      '--import',
      join(repoRoot, 'bench/lib/listen-on-loopback.mjs'),
      portkeyServerPath(repoRoot),
      `--port=${port}`,
      '--headless',
    ],
    cwd: repoRoot,
    readyUrl: `${url}/`,
  });
  return { url, process };
}
