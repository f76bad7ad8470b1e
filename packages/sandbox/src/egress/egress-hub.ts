// One egress proxy per sandbox, all sharing one audit sink, one set of aliases and one policy. Each sandbox gets its
// own unix socket, bind-mounted into it alone: the socket a request arrives on is the identity it is audited and
// allowed under (thread, user, tenant), which no code inside the sandbox can change. The tenant's host allowlist is
// looked up when a socket is opened or reassigned, not per request.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  startEgressProxy,
  type EgressAuditSink,
  type EgressIdentity,
  type EgressProxy,
} from './egress-proxy.js';

/** Who a sandbox's network belongs to, as the manager knows it (the policy adds the tenant). */
export interface EgressSubject {
  sandboxId: string;
  threadId: string;
  userId: string;
}

/** The network policy of one subject: the tenant it belongs to and the destinations that tenant allows. */
export interface EgressPolicy {
  tenantId?: string;
  /** Allowlist entries (see EgressAllowlist); aliases such as the gateway are allowed without being listed. */
  allow: readonly string[];
}

/** One sandbox's socket. */
export interface EgressLease {
  /** Host path of the socket to bind-mount into the sandbox. */
  readonly socketPath: string;
  /** Who requests are audited under now; undefined until a warm sandbox is given a thread. */
  readonly identity: EgressIdentity | undefined;
  /** Binds the socket to a subject (a warm sandbox given to a thread, a restart under a new sandbox id). */
  assign(subject: EgressSubject): Promise<void>;
  /** Stops listening and removes the socket. */
  close(): Promise<void>;
}

/** What the lifecycle manager needs to give each sandbox its own audited network. */
export interface SandboxEgress {
  /** Opens a socket for one sandbox; without a subject (warm pool) everything is refused until assign(). */
  open(subject?: EgressSubject): Promise<EgressLease>;
}

/** Options of createEgressHub. */
export interface EgressHubOptions {
  /** Directory for the sockets (created 0700). Keep it short: a unix socket path has at most 107 bytes. */
  socketDir: string;
  /** Names resolved by the proxy, e.g. { 'gateway.rampart.internal': { host: '127.0.0.1', port: 8787 } }. */
  aliases?: Record<string, { host: string; port: number }>;
  /** The tenant and allowlist of a subject. */
  policy: (subject: EgressSubject) => EgressPolicy | Promise<EgressPolicy>;
  audit: EgressAuditSink;
  idleTimeoutMs?: number;
}

/** The hub: SandboxEgress plus closing every socket it opened. */
export interface EgressHub extends SandboxEgress {
  /** Sockets open now. */
  readonly size: number;
  close(): Promise<void>;
}

const MAX_SOCKET_PATH = 107;

/** Creates the per-sandbox egress hub. */
export function createEgressHub(options: EgressHubOptions): EgressHub {
  const open = new Set<EgressProxy>();
  let ready: Promise<void> | undefined;
  const resolve = async (
    subject: EgressSubject,
  ): Promise<{ identity: EgressIdentity; allow: readonly string[] }> => {
    const policy = await options.policy(subject);
    const identity: EgressIdentity = {
      sandboxId: subject.sandboxId,
      threadId: subject.threadId,
      userId: subject.userId,
      ...(policy.tenantId === undefined ? {} : { tenantId: policy.tenantId }),
    };
    return { identity, allow: policy.allow };
  };

  return {
    get size() {
      return open.size;
    },
    async open(subject) {
      ready ??= mkdir(options.socketDir, { recursive: true, mode: 0o700 }).then(() => undefined);
      await ready;
      // Random names: a socket path says nothing about whose it is, and a stale one is never reused by accident.
      const socketPath = join(options.socketDir, `${randomBytes(8).toString('hex')}.sock`);
      if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH)
        throw new Error(
          `egress socket path too long for a unix socket (${socketPath}); use a shorter socketDir`,
        );
      const initial = subject === undefined ? undefined : await resolve(subject);
      const proxy = await startEgressProxy({
        socketPath,
        identity: initial?.identity,
        allow: initial?.allow ?? [],
        ...(options.aliases === undefined ? {} : { aliases: options.aliases }),
        audit: options.audit,
        ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
      });
      open.add(proxy);
      return {
        socketPath,
        get identity() {
          return proxy.identity;
        },
        async assign(next) {
          const resolved = await resolve(next);
          proxy.assign(resolved.identity, resolved.allow);
        },
        async close() {
          if (!open.delete(proxy)) return;
          await proxy.close();
        },
      };
    },
    async close() {
      const all = [...open];
      open.clear();
      await Promise.all(all.map((proxy) => proxy.close()));
    },
  };
}
