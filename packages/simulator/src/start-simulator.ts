// Starts one simulator: shared state, an HTTP/1.1 server and a cleartext HTTP/2 server serving every provider,
// and the in-process handle tests drive it with.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttp2Server, type Http2Server, type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { PromptCache } from './cache/prompt-cache.js';
import { TokenBucket } from './capacity/token-bucket.js';
import type { SimulatorControl } from './control/handle-control.js';
import { systemClock, type Clock } from './core/clock.js';
import { seededRandom } from './core/seeded-random.js';
import type { BedrockCredentials, SimState } from './core/sim-state.js';
import { createWireIds } from './core/wire-ids.js';
import { FaultRules } from './faults/fault-rules.js';
import { faultRuleProblem } from './faults/validate-fault-rule.js';
import { createRequestHandler } from './http/create-request-handler.js';
import { RequestLog } from './log/request-log.js';
import { ModelCatalog, defaultModels, type SimModel } from './model/model-catalog.js';
import { ScriptQueue } from './script/scripted-response.js';

/** Options for `startSimulator`. */
export interface SimulatorOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** HTTP/1.1 port (default 0: ephemeral). */
  port?: number;
  /** Cleartext HTTP/2 port (default 0: ephemeral). */
  http2Port?: number;
  /** Time source for TTLs, schedules, capacity and delays (default: the wall clock). */
  clock?: Clock;
  /** Seed for fault probabilities and generated ids (default 1). */
  seed?: number;
  /** Extra models; an entry with the same provider and id replaces the built-in one. */
  models?: SimModel[];
  /** When set, Bedrock SigV4 signatures are verified against these credentials. */
  bedrockCredentials?: BedrockCredentials;
  /** How many requests `requests` keeps (oldest dropped first; default 1000; 0 keeps none). */
  maxRecordedRequests?: number;
  /** Largest accepted request body (default 32 MiB). */
  maxBodyBytes?: number;
}

/** A running simulator. */
export interface Simulator extends SimulatorControl {
  /** HTTP/1.1 base URL serving every provider, e.g. http://127.0.0.1:4010. */
  readonly url: string;
  /** Cleartext HTTP/2 (h2c) base URL serving the same. */
  readonly http2Url: string;
  readonly clock: Clock;
  close(): Promise<void>;
}

function mergeModels(extra: readonly SimModel[] | undefined): SimModel[] {
  const models = defaultModels();
  for (const m of extra ?? []) {
    const at = models.findIndex((d) => d.provider === m.provider && d.id === m.id);
    if (at >= 0) models[at] = m;
    else models.push(m);
  }
  return models;
}

function listen(server: Server | Http2Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Start a simulator listening on HTTP/1.1 and h2c. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? 1;
  const state: SimState = {
    clock,
    catalog: new ModelCatalog(mergeModels(options.models)),
    cache: new PromptCache(clock),
    faults: new FaultRules(clock, seededRandom(seed)),
    script: new ScriptQueue(),
    capacity: new Map(),
    log: new RequestLog(options.maxRecordedRequests ?? 1000),
    ids: createWireIds(seededRandom(seed ^ 0x9e3779b9)),
    bedrockCredentials: options.bedrockCredentials,
  };

  const http1 = createHttpServer();
  const http2 = createHttp2Server();
  const sessions = new Set<Http2Session>();
  http2.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });

  const sim: Simulator = {
    url: '',
    http2Url: '',
    clock,
    faults: {
      add(rule) {
        const problem = faultRuleProblem(rule);
        if (problem) throw new TypeError(`invalid fault rule: ${problem}`);
        return state.faults.add(rule);
      },
      remove: (id) => state.faults.remove(id),
      clear: () => state.faults.clear(),
      list: () => state.faults.list(),
    },
    script: {
      push: (...responses) => state.script.push(...responses),
      clear: () => state.script.clear(),
      get pending() {
        return state.script.pending;
      },
    },
    setCapacity(provider, limit) {
      if (limit === null) state.capacity.delete(provider);
      else state.capacity.set(provider, new TokenBucket(limit, clock));
    },
    get requests() {
      return state.log.entries;
    },
    stats: () => state.log.stats(),
    reset() {
      state.faults = new FaultRules(clock, seededRandom(seed));
      state.ids = createWireIds(seededRandom(seed ^ 0x9e3779b9));
      state.script.clear();
      state.capacity.clear();
      state.cache.clear();
      state.log.clear();
    },
    async close() {
      for (const session of sessions) session.destroy();
      http1.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => http1.close(() => resolve())),
        new Promise<void>((resolve) => http2.close(() => resolve())),
      ]);
    },
  };

  const handler = createRequestHandler(state, sim, options.maxBodyBytes ?? 32 * 1024 * 1024);
  http1.on('request', handler);
  http2.on('request', handler);
  const [port1, port2] = await Promise.all([
    listen(http1, options.port ?? 0, host),
    listen(http2, options.http2Port ?? 0, host),
  ]);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return Object.assign(sim, { url: `http://${urlHost}:${port1}`, http2Url: `http://${urlHost}:${port2}` });
}
