// Wraps a real driver to count start() calls, in memory and optionally in a file shared by several processes.
import { appendFileSync } from 'node:fs';
import type { SandboxDriver } from '../../sandbox-driver.js';

/** A driver that counts its starts. */
export interface CountingDriver extends SandboxDriver {
  readonly startCount: number;
}

/** Counts every start() of inner; appends one line per start to file when given. */
export function countStarts(inner: SandboxDriver, file?: string): CountingDriver {
  let count = 0;
  return {
    name: inner.name,
    isolated: inner.isolated,
    get startCount() {
      return count;
    },
    checkAvailable: () => inner.checkAvailable(),
    start(spec, options) {
      count++;
      if (file !== undefined) appendFileSync(file, `${process.pid} ${spec.sandboxId} ${spec.threadId}\n`);
      return inner.start(spec, options);
    },
  };
}
