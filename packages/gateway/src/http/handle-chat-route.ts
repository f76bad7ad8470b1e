// POST /v1/chat/completions and POST /v1/messages: decode in the client's format, route, answer in the
// client's format. The only place where errors become HTTP responses for these routes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toRampartError, type ChatRequest, type RampartError } from '@rampart/spec';
import type { InboundCodec } from '@rampart/providers';
import { ChatRun, meteringStart, type ChatCall, type ChatDeps } from '../pipeline/chat-run.js';
import { settleChat } from '../pipeline/settle-chat.js';
import type { RouteLeaf } from '../routing/compile-route.js';
import { formatAttemptsHeader, type RouteAttempt } from '../routing/route-attempt.js';
import type { RequestAuthenticator } from '../tenancy/authenticate-request.js';
import type { Endpoint, Principal } from '../tenancy/principal.js';
import { readJsonBody } from './read-json-body.js';
import { LimitExceededError } from '../limits/limit-exceeded-error.js';
import { threadIdOf } from '../ledger/usage-metering.js';
import { relayChatStream } from './relay-chat-stream.js';
import { sendJson } from './send-json.js';

/** What the chat routes need from the gateway: a chat run's needs, plus authentication and a body limit. */
export interface ChatRouteDeps extends ChatDeps {
  /** Who is calling: a Principal, or undefined when auth is off and no key was presented. */
  auth: RequestAuthenticator;
  maxBodyBytes: number;
}

/** A format-specific check of the raw request before decoding (e.g. Anthropic's version rules). */
export type InboundPrecheck = (headers: IncomingMessage['headers'], body: unknown) => void;

/** One inbound chat protocol: its codec, the endpoint scopes name it by, and its own raw-request checks. */
export interface ChatInbound<Options> {
  codec: InboundCodec<Options>;
  endpoint: Endpoint;
  precheck?: InboundPrecheck;
}

/** Serves one chat request end to end. Never throws: every failure is answered in the client's protocol. */
export async function handleChatRoute<Options>(
  inbound: ChatInbound<Options>,
  deps: ChatRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const { codec, precheck } = inbound;
  const startedAt = performance.now();
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort(new Error('the client went away'));
  });
  let request: ChatRequest | undefined;
  let chat: ChatRun | undefined;
  let failure: RampartError | undefined;
  let principal: Principal | undefined;
  const threadId = threadIdOf(req.headers['x-rampart-thread-id']);
  try {
    principal = await deps.auth.authenticate(req.headers, inbound.endpoint);
    const body = await readJsonBody(req, deps.maxBodyBytes);
    precheck?.(req.headers, body);
    const decoded = codec.decodeRequest(body);
    request = decoded.request;
    const call: ChatCall = {
      principal,
      endpoint: inbound.endpoint,
      request,
      requestId,
      clientChoseRequestId: req.headers['x-request-id'] === requestId,
      threadId,
      headers: req.headers,
      signal: abort.signal,
    };
    const header = req.headers['x-rampart-config'];
    const route = await deps.routes.resolve(
      request.model,
      typeof header === 'string' ? header : undefined,
      principal,
    );
    // Admission (limits, budgets) and the durable pending row, before any upstream call.
    const metered = await deps.metering?.begin(meteringStart(call, route));
    chat = new ChatRun(deps, call, route, metered);
    try {
      if (!request.stream) {
        const result = await chat.complete();
        chat.served = result.leaf;
        sendJson(
          res,
          200,
          codec.encodeResponse(result.value, decoded.options),
          transparencyHeaders(requestId, result.leaf, chat.attempts),
        );
      } else {
        const first = await chat.openStream();
        // The first target stays the served one in the log and ledger even when a continuation takes over.
        chat.served = first.leaf;
        const headers = transparencyHeaders(requestId, first.leaf, chat.attempts);
        await relayChatStream(
          chat,
          first,
          codec.createStreamEncoder(decoded.options),
          res,
          headers,
          requestId,
        );
      }
    } finally {
      chat.dispose();
    }
  } catch (thrown) {
    failure = toRampartError(thrown);
    // Refused before the body was read (auth): drain it so the connection stays usable.
    if (!req.readableEnded) req.resume();
    if (!res.headersSent) {
      const encoded = codec.encodeError(failure, requestId);
      const headers = chat
        ? transparencyHeaders(requestId, undefined, chat.attempts)
        : { 'x-request-id': requestId };
      const limitHeaders = failure instanceof LimitExceededError ? failure.headers : {};
      sendJson(res, encoded.status, encoded.body, { ...encoded.headers, ...headers, ...limitHeaders });
    } else if (!res.writableEnded) {
      res.end();
    }
  }
  settleChat(deps, chat, {
    route: req.url?.split('?', 1)[0] ?? '',
    status: res.statusCode,
    failure,
    startedAt,
    requestId,
    principal,
    request,
    threadId,
    clientGone: abort.signal.aborted,
  });
}

/** Which target served, and everything that was tried on the way. */
function transparencyHeaders(
  requestId: string,
  leaf: RouteLeaf | undefined,
  attempts: readonly RouteAttempt[],
): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': requestId };
  if (leaf) {
    headers['x-rampart-provider'] = leaf.candidate.provider.name;
    headers['x-rampart-model'] = leaf.candidate.upstreamModel;
  }
  if (attempts.length > 0) headers['x-rampart-attempts'] = formatAttemptsHeader(attempts);
  if (attempts.length > 1) headers['x-rampart-fallback'] = 'true';
  return headers;
}
