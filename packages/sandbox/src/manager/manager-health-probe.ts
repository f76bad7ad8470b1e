// The deep health check: "running" is not "working". A sandbox is healthy when its heartbeat answers AND it executes a
// probe cell and returns the right answer, each under a timeout; a check is 3 attempts with exponential backoff.
import type { KernelClient } from '../sandbox-driver.js';
import { sleep, type Clock } from './manager-clock.js';

/** Settings of one deep health check. */
export interface HealthProbeOptions {
  timeoutMs: number;
  attempts: number;
  /** Wait before attempt n+1 is backoffMs * 2^(n-1). */
  backoffMs: number;
  clock: Clock;
}

/** Outcome of a deep health check. */
export type HealthProbeResult =
  { healthy: true; kernelRestarted: boolean } | { healthy: false; reason: string };

const PROBE_CODE = '1+1';

/** Runs the check; `busy` true means a user cell is running, so only the heartbeat can be asked. */
export async function probeKernelHealth(
  kernel: KernelClient,
  options: HealthProbeOptions & { busy: boolean },
): Promise<HealthProbeResult> {
  let reason = 'no attempt ran';
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    if (attempt > 1) await sleep(options.clock, options.backoffMs * 2 ** (attempt - 2));
    const outcome = await probeOnce(kernel, options);
    if (outcome.healthy) return outcome;
    reason = outcome.reason;
  }
  return { healthy: false, reason: `${options.attempts} health checks failed; the last: ${reason}` };
}

async function probeOnce(
  kernel: KernelClient,
  options: HealthProbeOptions & { busy: boolean },
): Promise<HealthProbeResult> {
  try {
    // The heartbeat runs on its own thread in ipykernel: it answers even during a long cell, and not at all when
    // the process is frozen or gone. A failed heartbeat skips the probe cell, which would only pile up behind it.
    if (!(await kernel.heartbeat(options.timeoutMs))) {
      return { healthy: false, reason: `no heartbeat within ${options.timeoutMs} ms` };
    }
    // A probe cell would queue behind the user's cell and time out for no fault of the kernel's.
    if (options.busy) return { healthy: true, kernelRestarted: false };
    const result = await kernel.execute(PROBE_CODE, { timeoutMs: options.timeoutMs });
    // The driver restarts a kernel that ignored an interrupt; that is a recovery the caller must hear about.
    if (result.kernelRestarted) return { healthy: true, kernelRestarted: true };
    const value = result.outputs.find((o) => o.kind === 'result')?.data['text/plain'];
    if (result.status === 'ok' && value === '2') return { healthy: true, kernelRestarted: false };
    return {
      healthy: false,
      reason: `probe cell ended ${result.status} with ${JSON.stringify(value ?? null)}`,
    };
  } catch (error) {
    return { healthy: false, reason: `probe failed: ${(error as Error).message}` };
  }
}
