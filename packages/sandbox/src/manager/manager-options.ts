// Settings of the lifecycle manager, with the defaults the talk argues for (30 s deep health checks, 2 h idle).
import { hostname as osHostname } from 'node:os';
import type { Store } from '@rampart/store';
import type { SandboxDriver, SandboxLimits } from '../sandbox-driver.js';
import { systemClock, type Clock } from './manager-clock.js';
import { newId } from './manager-ids.js';

/** Options of createSandboxManager. */
export interface SandboxManagerOptions {
  store: Store;
  driver: SandboxDriver;
  /** Host directory under which each thread's work dir lives. */
  workRoot: string;
  /** This instance's id (default: random). */
  instanceId?: string;
  /** Machine name recorded with pids, so reaping only ever touches this machine's processes (default os.hostname). */
  hostname?: string;
  clock?: Clock;
  limits?: Partial<SandboxLimits>;
  /** Extra kernel environment of a thread (e.g. its virtual key and gateway URL). */
  env?: (threadId: string, userId: string) => Record<string, string>;
  /** Egress proxy socket given to every sandbox; absent = no network. */
  egressProxySocket?: string;
  healthIntervalMs?: number;
  healthTimeoutMs?: number;
  healthAttempts?: number;
  healthBackoffMs?: number;
  idleTimeoutMs?: number;
  /** How long ownership lasts without renewal; renewed every third of it. */
  leaseMs?: number;
  /** How long a caller waits for a sandbox another caller is starting. */
  waitTimeoutMs?: number;
  /** Pre-started sandboxes kept ready (default 0). */
  warmPoolSize?: number;
  /** Serve owned threads to other managers over HTTP; without it, other processes cannot reach this one's threads. */
  peer?: {
    host?: string;
    port?: number;
    token?: string;
    /** Advertised URL when it differs (NAT, proxies). */ advertiseUrl?: string;
  };
  /** Structured log sink (default: silent). */
  log?: (event: string, fields: Record<string, unknown>) => void;
}

/** Options with defaults applied. */
export type ResolvedManagerOptions = Required<
  Omit<SandboxManagerOptions, 'egressProxySocket' | 'peer' | 'limits'>
> & {
  limits: SandboxLimits;
  egressProxySocket: string | undefined;
  peer: SandboxManagerOptions['peer'];
};

/** Default limits of one sandbox. */
export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  memoryMb: 1024,
  cpuPercent: 100,
  maxProcesses: 128,
  workDirMb: 1024,
};

/** Applies defaults. */
export function resolveManagerOptions(options: SandboxManagerOptions): ResolvedManagerOptions {
  return {
    store: options.store,
    driver: options.driver,
    workRoot: options.workRoot,
    instanceId: options.instanceId ?? newId('mgr'),
    hostname: options.hostname ?? osHostname(),
    clock: options.clock ?? systemClock,
    limits: { ...DEFAULT_SANDBOX_LIMITS, ...options.limits },
    env: options.env ?? (() => ({})),
    egressProxySocket: options.egressProxySocket,
    healthIntervalMs: options.healthIntervalMs ?? 30_000,
    healthTimeoutMs: options.healthTimeoutMs ?? 5_000,
    healthAttempts: options.healthAttempts ?? 3,
    healthBackoffMs: options.healthBackoffMs ?? 1_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 2 * 60 * 60 * 1000,
    leaseMs: options.leaseMs ?? 30_000,
    waitTimeoutMs: options.waitTimeoutMs ?? 60_000,
    warmPoolSize: options.warmPoolSize ?? 0,
    peer: options.peer,
    log: options.log ?? (() => undefined),
  };
}
