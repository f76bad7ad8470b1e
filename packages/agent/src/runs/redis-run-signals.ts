// Run signals across processes through Redis pub/sub: one channel for "events stored", one for cancels. Local
// listeners are called at once; other processes hear it through Redis (this process ignores its own echo).
import { randomBytes } from 'node:crypto';
import { RunSignalListeners, type RunSignals } from './run-signals.js';

/** Where the signals travel. */
export interface RedisRunSignalsOptions {
  url: string;
  /** Channel prefix (default `rampart:runs`), so several deployments can share one Redis. */
  prefix?: string;
}

/** Signals through Redis pub/sub; resolves once subscribed. */
export async function createRedisRunSignals(options: RedisRunSignalsOptions): Promise<RunSignals> {
  const prefix = options.prefix ?? 'rampart:runs';
  const eventsChannel = `${prefix}:events`;
  const cancelChannel = `${prefix}:cancel`;
  const origin = randomBytes(8).toString('hex');
  const listeners = new RunSignalListeners();
  // Loaded here, not at module load: an embedded runtime never needs ioredis (~5 MB resident).
  const { Redis } = await import('ioredis');
  const publisher = new Redis(options.url, { lazyConnect: true });
  const subscriber = new Redis(options.url, { lazyConnect: true });
  await Promise.all([publisher.connect(), subscriber.connect()]);
  subscriber.on('message', (channel: string, message: string) => {
    const [from, runId, seq] = message.split(' ');
    if (from === origin || runId === undefined) return;
    if (channel === eventsChannel) listeners.dispatchEvents(runId, Number(seq));
    else if (channel === cancelChannel) listeners.dispatchCancel(runId);
  });
  await subscriber.subscribe(eventsChannel, cancelChannel);
  // A failed publish only delays a reader until its next poll; never let it become an unhandled rejection.
  const publish = (channel: string, message: string) => {
    publisher.publish(channel, message).catch(() => undefined);
  };
  return {
    eventsStored(runId, seq, events) {
      listeners.dispatchEvents(runId, seq, events);
      publish(eventsChannel, `${origin} ${runId} ${seq}`);
    },
    onEventsStored: (runId, listener) => listeners.addEvents(runId, listener),
    cancelRequested(runId) {
      listeners.dispatchCancel(runId);
      publish(cancelChannel, `${origin} ${runId}`);
    },
    onCancelRequested: (listener) => listeners.addCancel(listener),
    async close() {
      subscriber.disconnect();
      await publisher.quit().catch(() => undefined);
    },
  };
}
