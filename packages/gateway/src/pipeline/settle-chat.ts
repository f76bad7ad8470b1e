// The end of every chat request, whichever edge served it: metrics, the one log line per request, and the
// ledger's record (settled in the background, the answer is already on its way).
import type { ChatRequest, RampartError } from '@rampart/spec';
import { requestLog } from '../observability/request-log.js';
import type { Principal } from '../tenancy/principal.js';
import type { ChatDeps, ChatRun } from './chat-run.js';

const CLIENT_CLOSED_REQUEST = 499;

/** How a chat request ended, as its edge saw it. */
export interface ChatEnding {
  /** Names the request in metrics and the log: the HTTP path, or 'in-process'. */
  route: string;
  /** The status the caller got (HTTP: the one sent; gateway.chat: the failure's, or 200). */
  status: number;
  failure: RampartError | undefined;
  /** performance.now() when the request arrived. */
  startedAt: number;
  requestId: string;
  principal: Principal | undefined;
  /** Undefined when the request failed before it was decoded. */
  request: ChatRequest | undefined;
  threadId: string | undefined;
  clientGone: boolean;
}

/** Records a finished chat request; `chat` is undefined when it ended before its route run began. */
export function settleChat(deps: ChatDeps, chat: ChatRun | undefined, ending: ChatEnding): void {
  const { failure, request, principal } = ending;
  const durationMs = performance.now() - ending.startedAt;
  const attempts = chat?.attempts ?? [];
  const served = chat?.served;
  // A client that left is not a server error (its request is aborted as one inside): 499, nginx's "client closed
  // request", in metrics and the log, at info level, so an error-rate alert does not fire when users cancel.
  const status = ending.clientGone ? CLIENT_CLOSED_REQUEST : ending.status;
  deps.metrics.recordAttempts(attempts);
  deps.metrics.recordRequest(ending.route, status, durationMs / 1000);
  const level =
    failure === undefined || ending.clientGone ? 'info' : failure.status >= 500 ? 'error' : 'warn';
  if (deps.logger.isLevelEnabled(level)) {
    requestLog(deps.logger)[level](
      {
        requestId: ending.requestId,
        route: ending.route,
        status,
        keyId: principal?.keyId,
        userId: principal?.userId,
        threadId: ending.threadId,
        model: request?.model,
        stream: request?.stream,
        provider: served?.candidate.provider.name,
        upstreamModel: served?.candidate.upstreamModel,
        attempts,
        durationMs: Math.round(durationMs * 100) / 100,
        ...(failure
          ? {
              errorCode: failure.code,
              error: failure.message,
              ...(failure.status >= 500 && failure.cause instanceof Error
                ? { cause: failure.cause.message }
                : {}),
            }
          : {}),
      },
      ending.clientGone ? 'client went away' : failure ? 'request failed' : 'request served',
    );
  }
  if (chat?.metered) {
    deps.metering?.end(chat.metered, {
      attempts,
      served,
      httpStatus: ending.status,
      errorCode: failure?.code,
      streamed: request?.stream === true,
      clientGone: ending.clientGone,
    });
  }
}
