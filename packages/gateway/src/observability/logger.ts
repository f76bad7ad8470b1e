// Structured JSON logs (pino): one line per request with its correlation id. Asynchronous destination so
// logging never sits on the request path.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the process logger; `silent` for tests and benchmarks. */
export function createLogger(options: { level?: string } = {}): Logger {
  const level = options.level ?? process.env.RAMPART_LOG_LEVEL ?? 'info';
  if (level === 'silent') return pino({ level });
  return pino({ level, base: { service: 'rampart-gateway' } }, pino.destination({ sync: false }));
}
