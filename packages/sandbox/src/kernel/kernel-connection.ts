// The Jupyter connection file: where the kernel binds its five sockets and the key that signs every message.
// We always use the ipc transport: unix sockets in a per-sandbox directory need no ports, cannot collide between
// sandboxes, and are reachable through a bind mount while the sandbox has no network at all.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The five channels of the Jupyter messaging protocol. */
export type KernelChannel = 'shell' | 'iopub' | 'stdin' | 'control' | 'hb';

// ipykernel binds `ipc://{ip}-{port}` for the ipc transport, so "ports" are just distinct suffixes.
const CHANNEL_PORTS: Record<KernelChannel, number> = { shell: 1, iopub: 2, stdin: 3, control: 4, hb: 5 };
const SOCKET_PREFIX = 'k';

/** Key and socket layout shared by the kernel and its client. */
export interface KernelConnection {
  /** Hex HMAC-SHA256 key; every message is signed with it. */
  key: string;
  /** Directory holding the kernel's sockets, as the client (host) sees it. */
  ipcDir: string;
}

/** Creates a fresh connection (new random key) for sockets in ipcDir. */
export function createKernelConnection(ipcDir: string): KernelConnection {
  return { key: randomBytes(32).toString('hex'), ipcDir };
}

/** The zmq endpoint of one channel inside ipcDir (host or sandbox view of the same directory). */
export function kernelEndpoint(ipcDir: string, channel: KernelChannel): string {
  return `ipc://${join(ipcDir, SOCKET_PREFIX)}-${CHANNEL_PORTS[channel]}`;
}

/**
 * Writes the connection file the kernel reads. `kernelIpcDir` is the socket directory as the kernel sees it
 * (inside the sandbox it is a bind mount of the host's ipcDir).
 */
export async function writeKernelConnectionFile(
  path: string,
  connection: KernelConnection,
  kernelIpcDir: string,
): Promise<void> {
  const file = {
    transport: 'ipc',
    ip: join(kernelIpcDir, SOCKET_PREFIX),
    shell_port: CHANNEL_PORTS.shell,
    iopub_port: CHANNEL_PORTS.iopub,
    stdin_port: CHANNEL_PORTS.stdin,
    control_port: CHANNEL_PORTS.control,
    hb_port: CHANNEL_PORTS.hb,
    key: connection.key,
    signature_scheme: 'hmac-sha256',
    kernel_name: 'python3',
  };
  // 0o600 on the host; inside the sandbox the kernel's uid maps to the file's owner.
  await writeFile(path, JSON.stringify(file), { mode: 0o600 });
}
