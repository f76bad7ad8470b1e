// Host process inspection through /proc: the process tree of a sandbox (for reaping and memory accounting) and
// whether a pid still is the process we recorded (pids get reused).
import { readdirSync, readFileSync } from 'node:fs';

/** True if a process with this pid exists (zombies count as gone). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return statState(stat) !== 'Z';
  } catch {
    return false;
  }
}

/** The process's command line, NUL-separated args joined by spaces ('' when gone). */
export function processCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** pid and all its descendants, parents first. */
export function processTree(pid: number): number[] {
  if (!isProcessAlive(pid)) return [];
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(afterComm(stat)[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // Exited while we looked.
    }
  }
  const tree: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    if (!isProcessAlive(next)) continue;
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** Resident memory of pid and its descendants, in bytes. */
export function treeRssBytes(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
      if (match) total += Number(match[1]) * 1024;
    } catch {
      // Exited while we looked.
    }
  }
  return total;
}

/**
 * SIGKILLs pid's process group and every descendant (a sandbox may have started new sessions inside), leaves first
 * so nothing re-parents and escapes. Returns how many processes were signalled.
 */
export function killProcessTree(pid: number): number {
  const tree = processTree(pid).reverse();
  let killed = 0;
  for (const p of tree) {
    try {
      process.kill(p, 'SIGKILL');
      killed++;
    } catch {
      // Already gone.
    }
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // No such group (pid was not a group leader, or it is gone).
  }
  return killed;
}

/** Sends signal to pid and its descendants (tests use SIGSTOP to freeze a kernel). */
export function signalProcessTree(pid: number, signal: NodeJS.Signals): number[] {
  const tree = processTree(pid);
  for (const p of tree) {
    try {
      process.kill(p, signal);
    } catch {
      // Gone.
    }
  }
  return tree;
}

// /proc/PID/stat: "pid (comm) state ppid …"; comm may contain spaces and parentheses, so split after the last ')'.
function afterComm(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function statState(stat: string): string {
  return afterComm(stat)[0] ?? '';
}
