// Starts gateway-ledger-process.ts as a child process (the ledger and crash tests' gateways) and waits for the URL
// it prints. The child is kept in `children` until it exits, so a test's `after` can stop whatever is left.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** A started ledger gateway process. */
export interface LedgerGatewayProcess {
  child: ChildProcess;
  url: string;
}

/** Spawns a ledger gateway with `env` (see gateway-ledger-process.ts for the variables it reads). */
export async function startLedgerGateway(
  env: NodeJS.ProcessEnv,
  children: Set<ChildProcess>,
): Promise<LedgerGatewayProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./gateway-ledger-process.ts', import.meta.url))],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  return { child, url: line.toString().trim() };
}
