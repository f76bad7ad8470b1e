// The threads API on the gateway's HTTP server (mounted through its extraRoutes hook):
//   POST /v1/threads                      create a thread
//   GET  /v1/threads/{id}                 the thread
//   POST /v1/threads/{id}/messages        post a message; starts a run (Idempotency-Key: one run per key)
//   GET  /v1/threads/{id}/messages        the thread's messages (?after=seq&limit=n)
//   GET  /v1/runs/{id}                    the run's status
//   GET  /v1/runs/{id}/events             the run's events as SSE (Last-Event-ID or ?after= resumes)
//   POST /v1/runs/{id}/cancel             cancel the run
// Every route authenticates by virtual key and sees only the caller's user's threads and runs (404 otherwise).
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from '@rampart/store';
import type { RunService, ThreadsCaller } from '../runs/run-service.js';
import type { RunSignals } from '../runs/run-signals.js';
import { readRequestBody } from './read-request-body.js';
import { streamRunEvents } from './stream-run-events.js';
import { sendThreadsError, ThreadsApiError } from './threads-api-error.js';
import {
  createThreadSchema,
  idempotencyKeyOf,
  nonNegativeInt,
  parseBody,
  postMessageSchema,
  userContent,
} from './threads-request-schemas.js';
import { messageView, runView, threadView } from './threads-views.js';

/** The principal fields the threads API needs from authentication. */
export interface ThreadsPrincipal {
  keyId: string;
  userId: string;
  teamId: string;
}

/** Authenticates a request: the principal, or undefined when auth is off and no key was sent; throws 401/403. */
export type ThreadsAuthenticate = (headers: IncomingHttpHeaders) => Promise<ThreadsPrincipal | undefined>;

/** What the routes need. */
export interface ThreadsRoutesOptions {
  service: RunService;
  store: Store;
  signals: RunSignals;
  /** Largest accepted body (default 1 MiB). */
  maxBodyBytes?: number;
  /** SSE poll interval when no signal arrives (default 1000 ms). */
  ssePollMs?: number;
}

/** Handles one request if it is a threads API route; false when the path is not one of them. */
export type ThreadsRoutes = (
  req: IncomingMessage,
  res: ServerResponse,
  context: { requestId: string; authenticate: ThreadsAuthenticate },
) => Promise<boolean>;

/** Anonymous callers (auth off) all share one user: fine for a single-user embedded setup, which is what that is. */
const ANONYMOUS: ThreadsCaller = { userId: 'anonymous', teamId: null };

const ROUTE =
  /^\/v1\/(?:threads(?:\/(?<thread>[A-Za-z0-9_-]{1,64})(?:\/(?<tsub>messages))?)?|runs\/(?<run>[A-Za-z0-9_-]{1,64})(?:\/(?<rsub>events|cancel))?)$/;

/** Creates the threads API routes. */
export function createThreadsRoutes(options: ThreadsRoutesOptions): ThreadsRoutes {
  const { service } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };

  return async (req, res, context) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = ROUTE.exec(url.pathname);
    if (match === null) return false;
    const { thread, tsub, run, rsub } = match.groups ?? {};
    const method = req.method ?? 'GET';
    const ids = { 'x-request-id': context.requestId };
    try {
      const principal = await context.authenticate(req.headers);
      const caller: ThreadsCaller =
        principal === undefined
          ? ANONYMOUS
          : {
              userId: principal.userId,
              teamId: principal.teamId,
              principal: { keyId: principal.keyId, userId: principal.userId, teamId: principal.teamId },
            };
      const notFound = (what: string) => new ThreadsApiError('not_found', `No ${what} with that id.`);

      if (thread === undefined && run === undefined) {
        if (method !== 'POST') throw methodNotAllowed(method, url.pathname);
        const body = parseBody(createThreadSchema, (await readRequestBody(req, maxBodyBytes)) ?? {});
        json(res, 201, threadView(await service.createThread(caller, body.title ?? null)), ids);
        return true;
      }

      if (thread !== undefined && tsub === undefined) {
        if (method !== 'GET') throw methodNotAllowed(method, url.pathname);
        const found = await service.getThread(caller, thread);
        if (found === undefined) throw notFound('thread');
        json(res, 200, threadView(found), ids);
        return true;
      }

      if (thread !== undefined && method === 'POST') {
        const key = idempotencyKeyOf(req.headers['idempotency-key']);
        const body = parseBody(postMessageSchema, await readRequestBody(req, maxBodyBytes));
        const result = await service.postMessage(caller, thread, userContent(body), key);
        switch (result.kind) {
          case 'not_found':
            throw notFound('thread');
          case 'busy':
            throw new ThreadsApiError(
              'run_in_progress',
              'A run of another message is still in progress on this thread; wait for it or cancel it.',
              { run_id: result.activeRunId ?? null },
            );
          case 'key_reused':
            throw new ThreadsApiError(
              'idempotency_key_reused',
              'This Idempotency-Key was already used for a different message on this thread.',
              { run_id: result.run.id },
            );
          default:
            json(
              res,
              result.kind === 'started' ? 202 : 200,
              { run: runView(result.run), message: result.message && messageView(result.message) },
              { ...ids, ...(result.kind === 'replayed' ? { 'idempotent-replayed': 'true' } : {}) },
            );
            return true;
        }
      }

      if (thread !== undefined) {
        if (method !== 'GET') throw methodNotAllowed(method, url.pathname);
        const after = nonNegativeInt(url.searchParams.get('after'), 0, 'after');
        const limit = Math.min(
          Math.max(nonNegativeInt(url.searchParams.get('limit'), 100, 'limit'), 1),
          1000,
        );
        const messages = await service.listMessages(caller, thread, after, limit + 1);
        if (messages === undefined) throw notFound('thread');
        json(
          res,
          200,
          { data: messages.slice(0, limit).map(messageView), has_more: messages.length > limit },
          ids,
        );
        return true;
      }

      const found = await service.getRun(caller, run!);
      if (found === undefined) throw notFound('run');
      if (rsub === undefined) {
        if (method !== 'GET') throw methodNotAllowed(method, url.pathname);
        json(res, 200, runView(found), ids);
        return true;
      }
      if (rsub === 'cancel') {
        if (method !== 'POST') throw methodNotAllowed(method, url.pathname);
        req.resume();
        const after = await service.cancelRun(caller, found.id);
        json(res, 202, runView(after ?? found), ids);
        return true;
      }
      if (method !== 'GET') throw methodNotAllowed(method, url.pathname);
      const lastEventId = req.headers['last-event-id'];
      const afterSeq = nonNegativeInt(
        typeof lastEventId === 'string' ? lastEventId.trim() : url.searchParams.get('after'),
        0,
        'Last-Event-ID',
      );
      await streamRunEvents({
        store: options.store,
        signals: options.signals,
        runId: found.id,
        afterSeq,
        response: res,
        requestId: context.requestId,
        ...(options.ssePollMs === undefined ? {} : { pollMs: options.ssePollMs }),
      });
      return true;
    } catch (error) {
      req.resume();
      if (res.headersSent) res.destroy();
      else sendThreadsError(res, error, context.requestId);
      return true;
    }
  };
}

function methodNotAllowed(method: string, path: string): ThreadsApiError {
  return new ThreadsApiError('invalid_request', `${method} is not supported on ${path}.`);
}
