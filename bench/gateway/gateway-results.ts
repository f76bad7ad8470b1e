// The shape of one `bench:gateway` run, as written to bench/results/gateway-*.json and rendered as a table.
import type { Outcome } from '../lib/outcome.js';
import type { FallbackFigures } from './measure-fallback.js';
import type { AddedLatencyFigures } from './measure-added-latency.js';
import type { ThroughputFigures } from './measure-throughput.js';

/** Everything measured for one system; absent scenarios do not apply to that system (e.g. simulator fallback). */
export interface SystemFigures {
  /** The process started and answered; n/a carries why it did not. */
  started: Outcome<{ pid: number; url: string }>;
  throughput: Outcome<ThroughputFigures>;
  latency?: Outcome<AddedLatencyFigures>;
  streamTtfb?: Outcome<AddedLatencyFigures>;
  /** Failover as configured by default: the failing primary's breaker opens during warm-up. */
  fallback?: Outcome<FallbackFigures>;
  /** Failover on an instance whose breaker cannot open (both triggers disabled): the primary is always tried. */
  fallbackBreakerOff?: Outcome<FallbackFigures>;
  /**
   * The skip alone: with the primary failing and its breaker open, the fallback request paired round by round
   * with the same request routed by the gateway straight to the secondary. `added` is what failover costs
   * once the breaker is open, the gateway's own hop (the latency rows) taken out.
   */
  breakerOpenSkip?: Outcome<AddedLatencyFigures>;
}

/** A whole run. */
export interface GatewayBenchRun {
  startedAt: string;
  finishedAt: string;
  wallSeconds: number;
  environment: {
    node: string;
    cpus: number;
    cpuModel: string;
    /** 1-minute load average before and after: other work on a shared machine shows up here. */
    loadAverageBefore: number;
    loadAverageAfter: number;
    portkeyVersion: string;
    gitCommit: string;
  };
  settings: {
    durationSeconds: number;
    warmupSeconds: number;
    connections: number[];
    latencyRounds: number;
    streamRounds: number;
    fallbackRounds: number;
    rampartLogLevel: string;
  };
  systems: { simulator: SystemFigures; rampart: SystemFigures; portkey: SystemFigures };
  /** The bare reference proxy's throughput: the ceiling of any Node gateway on this machine. */
  reference?: Outcome<ThroughputFigures>;
  targets: TargetCheck[];
}

/** One target from the issue, checked against Rampart's figure. */
export interface TargetCheck {
  id: string;
  description: string;
  status: 'pass' | 'fail' | 'n/a';
  /** The figure compared (unit in the description), when there is one. */
  value?: number;
  reason?: string;
}
