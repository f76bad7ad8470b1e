// Peak resident memory of server processes while they are under load, read from /proc/PID/status every
// interval. VmRSS is what the kernel counts against the process (heap, code, buffers), which is what a
// container memory limit sees; a sampled peak can only under-read a spike shorter than the interval.
import { readFileSync } from 'node:fs';

/** Resident memory in bytes parsed from the text of /proc/PID/status, or undefined when absent. */
export function parseVmRssBytes(statusText: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(statusText);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** The current resident memory of `pid` in bytes; undefined when the process is gone. */
export function readRssBytes(pid: number): number | undefined {
  try {
    return parseVmRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** What the sampler saw for one process. */
export interface RssReading {
  peakBytes: number;
  samples: number;
}

/** A running sampler; `stop()` returns the peak per watched name. */
export interface RssSampler {
  stop(): Record<string, RssReading>;
}

/**
 * Samples every process in `pids` each `intervalMs` until stopped. Reads are synchronous (~10 µs each) so a
 * sample is never delayed behind the load generator's own work on the same event loop.
 */
export function startRssSampler(pids: Record<string, number>, intervalMs = 100): RssSampler {
  const readings: Record<string, RssReading> = {};
  for (const name of Object.keys(pids)) readings[name] = { peakBytes: 0, samples: 0 };
  const sample = () => {
    for (const [name, pid] of Object.entries(pids)) {
      const bytes = readRssBytes(pid);
      const reading = readings[name];
      if (bytes === undefined || !reading) continue;
      reading.samples++;
      if (bytes > reading.peakBytes) reading.peakBytes = bytes;
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return readings;
    },
  };
}
