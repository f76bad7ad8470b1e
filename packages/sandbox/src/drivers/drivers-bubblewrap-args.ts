// The bwrap command line of one sandbox, as a pure function so the isolation policy can be read (and tested) in one
// place. Everything not listed here does not exist inside: no /root, /home, /var, /etc/shadow, no host /tmp.

/** Paths inside the sandbox. */
export const SANDBOX_PATHS = {
  work: '/work',
  run: '/run/rampart',
  ipc: '/run/rampart/ipc',
  egressSocket: '/run/rampart/egress.sock',
  home: '/tmp',
} as const;

/** Local port inside the sandbox where socat forwards to the egress proxy socket. */
export const SANDBOX_PROXY_PORT = 3128;

/** The uid/gid the kernel runs as inside the sandbox. */
export const SANDBOX_UID = 1000;

/** A local port inside the sandbox whose connections are tunnelled through the egress proxy to host:port. */
export interface SandboxTcpForward {
  localPort: number;
  host: string;
  port: number;
}

/** Inputs of the bwrap command line. */
export interface BubblewrapArgsInput {
  /** Host dir with the kernel's sockets and connection file (bound read-write). */
  hostIpcDir: string;
  /** Host work dir (bound read-write at /work). */
  hostWorkDir: string;
  /** Host files generated for this sandbox (passwd, group, hosts), bound read-only into /etc. */
  generatedEtc: Record<string, string>;
  /** Host /etc entries python and its libraries need, bound read-only. */
  hostEtc: string[];
  /** Top-level links of a merged-/usr system (/lib -> usr/lib …), recreated as symlinks; else bound. */
  rootLinks: Record<string, string>;
  rootDirs: string[];
  /** Host egress proxy socket, or undefined for no network at all. */
  egressSocket: string | undefined;
  /** Local TCP ports inside the sandbox tunnelled through the egress proxy with CONNECT (e.g. Redis). */
  tcpForwards?: readonly SandboxTcpForward[];
  tmpSizeMb: number;
  supportsDisableUserns: boolean;
  env: Record<string, string>;
  /** Command and args run inside (the kernel). */
  command: string[];
}

/** Builds bwrap's argv. */
export function bubblewrapArgs(input: BubblewrapArgsInput): string[] {
  const args = [
    // Every namespace: user, pid, net (only loopback), ipc, uts, cgroup.
    '--unshare-all',
    '--unshare-user',
    ...(input.supportsDisableUserns ? ['--disable-userns'] : []),
    '--uid',
    String(SANDBOX_UID),
    '--gid',
    String(SANDBOX_UID),
    '--hostname',
    'sandbox',
    '--cap-drop',
    'ALL',
    // A new session: the kernel cannot push keystrokes into our terminal (TIOCSTI).
    '--new-session',
    '--die-with-parent',
    '--clearenv',
    '--ro-bind',
    '/usr',
    '/usr',
  ];
  for (const [link, target] of Object.entries(input.rootLinks)) args.push('--symlink', target, link);
  for (const dir of input.rootDirs) args.push('--ro-bind', dir, dir);
  for (const path of input.hostEtc) args.push('--ro-bind', path, path);
  for (const [name, hostPath] of Object.entries(input.generatedEtc))
    args.push('--ro-bind', hostPath, `/etc/${name}`);
  args.push(
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    // tmpfs pages are charged to the sandbox's memory cgroup too, so /tmp is bounded twice.
    '--size',
    String(input.tmpSizeMb * 1024 * 1024),
    '--tmpfs',
    '/tmp',
    '--size',
    String(64 * 1024 * 1024),
    '--tmpfs',
    '/dev/shm',
    '--dir',
    SANDBOX_PATHS.run,
    '--bind',
    input.hostIpcDir,
    SANDBOX_PATHS.ipc,
    '--bind',
    input.hostWorkDir,
    SANDBOX_PATHS.work,
    '--chdir',
    SANDBOX_PATHS.work,
  );
  if (input.egressSocket !== undefined)
    args.push('--ro-bind', input.egressSocket, SANDBOX_PATHS.egressSocket);
  // bwrap's root is a tmpfs owned by the uid it maps to the sandbox user: without this, /, /etc and /run would be
  // writable (in memory, but still "outside the work dir"). Must come after every mount above.
  args.push('--remount-ro', '/');
  for (const [key, value] of Object.entries(input.env)) args.push('--setenv', key, value);
  const forwards = input.egressSocket === undefined ? [] : (input.tcpForwards ?? []);
  args.push('--', ...sandboxCommand(input.command, input.egressSocket !== undefined, forwards));
  return args;
}

// With egress, socat turns the bound unix socket into 127.0.0.1:3128 for HTTP(S)_PROXY; then the kernel replaces
// the shell, so it is the process bwrap waits for and its exit status is the sandbox's. TCP forwards (Redis) are
// socat PROXY: tunnels, so they pass the same allowlist and audit as HTTPS.
function sandboxCommand(
  command: string[],
  egress: boolean,
  forwards: readonly SandboxTcpForward[],
): string[] {
  if (!egress) return command;
  const listen = (port: number): string => `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`;
  const socats = [
    `socat -lf /dev/null ${listen(SANDBOX_PROXY_PORT)} UNIX-CONNECT:${SANDBOX_PATHS.egressSocket} &`,
    ...forwards.map(
      (f) =>
        `socat -lf /dev/null ${listen(f.localPort)} PROXY:127.0.0.1:${f.host}:${f.port},proxyport=${SANDBOX_PROXY_PORT} &`,
    ),
  ];
  return ['/bin/sh', '-c', `${socats.join(' ')} exec "$@"`, 'sandbox', ...command];
}

/** The proxy environment a sandbox with egress gets. */
export function proxyEnv(): Record<string, string> {
  const url = `http://127.0.0.1:${SANDBOX_PROXY_PORT}`;
  return { HTTP_PROXY: url, HTTPS_PROXY: url, http_proxy: url, https_proxy: url, NO_PROXY: '', no_proxy: '' };
}
