// Where the request log goes: stdout through sonic-boom, asynchronous AND batched. One fs write per line
// was the largest single cost on the request path after the sockets themselves (CPU profile of bench:gateway:
// ~4% of the gateway's time in fs.write); batching ~8 KiB per write removes most of it. A timer flushes what
// is buffered, so a quiet gateway's lines are at most FLUSH_MS late, and pino flushes synchronously on exit.
import { pino, type DestinationStream } from 'pino';

/** Bytes gathered before one write. */
export const BATCH_BYTES = 8192;
/** The longest a buffered line waits. */
export const FLUSH_MS = 200;

/** A batched asynchronous stdout destination for pino. */
export function bufferedDestination(): DestinationStream {
  const destination = pino.destination({ sync: false, minLength: BATCH_BYTES });
  const timer = setInterval(() => {
    try {
      destination.flush();
    } catch {
      // Not ready yet (still opening) or already closed: the next tick or the exit flush covers it.
    }
  }, FLUSH_MS);
  timer.unref();
  return destination;
}
