// Settings of the lifecycle manager, with the defaults the talk argues for (30 s deep health checks, 2 h idle).
import { hostname as osHostname } from 'node:os';
import type { Store } from '@rampart/store';
import type { SandboxEgress } from '../egress/egress-hub.js';
import type { SandboxDriver, SandboxLimits } from '../sandbox-driver.js';
import { systemClock, type Clock } from './manager-clock.js';
import { newId } from './manager-ids.js';
import type { MintGatewayKey } from './manager-thread-resources.js';

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
  /** Extra kernel environment of a thread. The gateway's URL and key come from gatewayUrl and mintGatewayKey. */
  env?: (threadId: string, userId: string) => Record<string, string>;
  /**
   * Each sandbox's network: its own proxy socket, audited as its thread and user and allowed by its tenant's list
   * (createEgressHub). Absent = no network at all.
   */
  egress?: SandboxEgress;
  /** The gateway as sandboxes reach it through the egress proxy, e.g. http://gateway.rampart.internal:8787. */
  gatewayUrl?: string;
  /**
   * Mints the virtual key a thread's sandbox gets (OPENAI_API_KEY, ANTHROPIC_API_KEY, RAMPART_API_KEY), revoked
   * when that sandbox stops. Without it no key enters a sandbox. Real provider keys never do.
   */
  mintGatewayKey?: MintGatewayKey;
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
  Omit<SandboxManagerOptions, 'egress' | 'gatewayUrl' | 'mintGatewayKey' | 'peer' | 'limits'>
> & {
  limits: SandboxLimits;
  egress: SandboxEgress | undefined;
  gatewayUrl: string | undefined;
  mintGatewayKey: MintGatewayKey | undefined;
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
    egress: options.egress,
    gatewayUrl: options.gatewayUrl,
    mintGatewayKey: options.mintGatewayKey,
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
