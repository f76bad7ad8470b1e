// Structured JSON logs (pino): one line per request with its correlation id. Asynchronous destination so
// logging never sits on the request path. Secrets are redacted by path wherever they might be logged: callers'
// keys and admin tokens in headers, provider credentials in configs or admin bodies.
import { pino, type DestinationStream, type Logger } from 'pino';
import { bufferedDestination } from './buffered-destination.js';

export type { Logger };

/** Paths pino censors in every log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'secret',
  'secrets',
  '*.secret',
  '*.secrets',
  'apiKey',
  '*.apiKey',
  '*.*.apiKey',
  'secretAccessKey',
  '*.secretAccessKey',
  '*.*.secretAccessKey',
  'sessionToken',
  '*.sessionToken',
  '*.*.sessionToken',
  'masterKey',
  'adminToken',
];

/** Creates the process logger; `silent` for tests and benchmarks; `destination` for tests of the output. */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  const level = options.level ?? process.env.RAMPART_LOG_LEVEL ?? 'info';
  if (level === 'silent') return pino({ level });
  return pino(
    { level, base: { service: 'rampart-gateway' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    options.destination ?? bufferedDestination(),
  );
}
