// Puts a SimResponse on the wire, applying the body-level faults: slow first byte, cut stream, in-band stream
// error, empty stream.
import type { Clock } from '../core/clock.js';
import type { ChosenFaults } from '../faults/fault-rules.js';
import type { RequestOutcome } from '../log/request-log.js';
import type { SimExchange } from './sim-exchange.js';
import type { SimResponse } from './sim-response.js';

/** Provider pieces needed to fault a stream. */
export interface StreamFaultWire {
  streamErrorEvent(effect: { errorType?: string; message?: string }): string | Uint8Array;
  emptyStreamEvents(): Array<string | Uint8Array>;
}

/** Options for one send. */
export interface SendOptions {
  clock: Clock;
  faults?: Pick<ChosenFaults, 'firstByteDelayMs' | 'stream'>;
  wire?: StreamFaultWire;
  /** Called as the headers go out (the response has begun: cache entries become readable). */
  onHeaders?: () => void;
}

function write(ex: SimExchange, chunk: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (ex.isClosed()) return resolve();
    // The callback fires once the chunk is handed to the socket, so a following reset cannot swallow it.
    (ex.res.write as (c: string | Uint8Array, cb: () => void) => boolean)(chunk, () => resolve());
  });
}

function end(ex: SimExchange, chunk?: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (ex.isClosed()) return resolve();
    if (chunk === undefined) (ex.res.end as (cb: () => void) => void)(() => resolve());
    else (ex.res.end as (c: string | Uint8Array, cb: () => void) => void)(chunk, () => resolve());
  });
}

function writeHead(ex: SimExchange, status: number, headers: Record<string, string>, flush: boolean): void {
  if (ex.isClosed()) return;
  (ex.res.writeHead as (s: number, h: Record<string, string>) => void)(status, headers);
  // HTTP/1.1 holds headers until the first body write; a slow first byte must still show headers promptly.
  // Otherwise headers and body leave together (one packet for small JSON answers).
  if (flush && 'flushHeaders' in ex.res && typeof ex.res.flushHeaders === 'function') ex.res.flushHeaders();
}

/** Send a response; resolves with the outcome the body faults produced ('ok' if none). */
export async function sendResponse(
  ex: SimExchange,
  response: SimResponse,
  options: SendOptions,
): Promise<RequestOutcome> {
  const { clock, faults, wire } = options;
  if (response.kind === 'json') {
    const body = Buffer.from(JSON.stringify(response.body));
    const delay = faults?.firstByteDelayMs ?? 0;
    writeHead(ex, response.status, { ...response.headers, 'content-length': String(body.length) }, delay > 0);
    options.onHeaders?.();
    if (delay > 0) await clock.sleep(delay);
    await end(ex, body);
    return ex.isClosed() && !ex.res.writableFinished ? 'client_closed' : 'ok';
  }

  writeHead(ex, response.status, response.headers, true);
  options.onHeaders?.();
  if (faults?.firstByteDelayMs) await clock.sleep(faults.firstByteDelayMs);
  const fault = faults?.stream;
  if (fault?.type === 'empty-stream') {
    for (const event of wire?.emptyStreamEvents() ?? []) await write(ex, event);
    await end(ex);
    return 'fault:empty-stream';
  }
  const limit = fault ? Math.min(fault.afterEvents, response.events.length) : undefined;
  const events = limit === undefined ? response.events : response.events.slice(0, limit);
  for (const event of events) {
    if (ex.isClosed()) return 'client_closed';
    await write(ex, event);
  }
  if (fault?.type === 'cut-stream') {
    if (fault.mode === 'end') await end(ex);
    else ex.reset();
    return 'fault:cut-stream';
  }
  if (fault?.type === 'stream-error' && wire) {
    await write(ex, wire.streamErrorEvent(fault));
    await end(ex);
    return 'fault:stream-error';
  }
  await end(ex);
  return 'ok';
}
