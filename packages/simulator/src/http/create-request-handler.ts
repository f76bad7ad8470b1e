// The one request handler both servers (HTTP/1.1 and h2c) use: read, route, dispatch, and keep failures inside
// the simulator from taking the process down.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { anthropicError } from '../anthropic/anthropic-errors.js';
import { handleAnthropicCountTokens } from '../anthropic/handle-anthropic-count-tokens.js';
import { handleAnthropicMessages } from '../anthropic/handle-anthropic-messages.js';
import { handleAnthropicModels } from '../anthropic/handle-anthropic-models.js';
import { bedrockError } from '../bedrock/bedrock-errors.js';
import { handleBedrockConverse } from '../bedrock/handle-bedrock-converse.js';
import { handleBedrockInvoke } from '../bedrock/handle-bedrock-invoke.js';
import { handleControl, type SimulatorControl } from '../control/handle-control.js';
import type { SimState } from '../core/sim-state.js';
import { handleOpenAIChat } from '../openai/handle-openai-chat.js';
import { handleOpenAIModels } from '../openai/handle-openai-models.js';
import { openaiError } from '../openai/openai-errors.js';
import { sendResponse } from './send-response.js';
import { BodyTooLargeError, createExchange, type SimExchange } from './sim-exchange.js';
import type { SimResponse } from './sim-response.js';
import { routeRequest, type Route } from './route-request.js';

type AnyRequest = IncomingMessage | Http2ServerRequest;
type AnyResponse = ServerResponse | Http2ServerResponse;

function formatOf(route: Route): 'openai' | 'anthropic' | 'bedrock' {
  switch (route.kind) {
    case 'bedrock':
      return 'bedrock';
    case 'anthropic-messages':
    case 'anthropic-count-tokens':
      return 'anthropic';
    case 'models':
    case 'not-found':
      return route.format;
    default:
      return 'openai';
  }
}

function errorFor(
  format: 'openai' | 'anthropic' | 'bedrock',
  status: number,
  message: string,
  state: SimState,
): SimResponse {
  if (format === 'anthropic') return anthropicError(state.ids.anthropicRequest(), status, message);
  if (format === 'bedrock')
    return bedrockError(status, message, status === 404 ? 'UnknownOperationException' : undefined, {
      'x-amzn-requestid': state.ids.amznRequest(),
    });
  return openaiError(
    status,
    { message, type: 'invalid_request_error' },
    { 'x-request-id': state.ids.openaiRequest() },
  );
}

async function dispatch(
  state: SimState,
  control: SimulatorControl,
  ex: SimExchange,
  route: Route,
): Promise<void> {
  switch (route.kind) {
    case 'control':
      return handleControl(control, ex, state.clock);
    case 'openai-chat':
      return handleOpenAIChat(state, ex);
    case 'anthropic-messages':
      return handleAnthropicMessages(state, ex);
    case 'anthropic-count-tokens':
      return handleAnthropicCountTokens(state, ex);
    case 'models':
      return route.format === 'anthropic'
        ? handleAnthropicModels(state, ex, route.modelId)
        : handleOpenAIModels(state, ex, route.modelId);
    case 'bedrock': {
      const stream = route.operation.endsWith('stream');
      return route.operation.startsWith('invoke')
        ? handleBedrockInvoke(state, ex, route.modelId, stream)
        : handleBedrockConverse(state, ex, route.modelId, stream);
    }
    case 'not-found': {
      const message =
        route.format === 'openai'
          ? `Invalid URL (${ex.method} ${ex.rawPath})`
          : route.format === 'anthropic'
            ? 'Not Found'
            : 'UnknownOperationException';
      await sendResponse(ex, errorFor(route.format, 404, message, state), { clock: state.clock });
    }
  }
}

/** Build the (req, res) handler for one simulator. */
export function createRequestHandler(state: SimState, control: SimulatorControl, maxBodyBytes: number) {
  return (req: AnyRequest, res: AnyResponse): void => {
    const url = req.url ?? '/';
    const rawPath = url.split('?')[0] ?? '/';
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
    const route = routeRequest((req.method ?? 'GET').toUpperCase(), rawPath, headers);
    const fail = (error: unknown): void => {
      if (error instanceof BodyTooLargeError) {
        const response = errorFor(
          formatOf(route),
          413,
          'Request exceeds the maximum allowed number of bytes.',
          state,
        );
        if (!res.headersSent) {
          const body = JSON.stringify(response.kind === 'json' ? response.body : {});
          // HTTP/1.1 closes the connection: the rest of the oversized body is never read.
          const close: Record<string, string> = 'stream' in req ? {} : { connection: 'close' };
          (res.writeHead as (s: number, h: Record<string, string>) => void)(413, {
            ...response.headers,
            ...close,
          });
          res.end(body);
        }
        return;
      }
      console.error('[simulator] request failed:', error);
      if (!res.headersSent) {
        (res.writeHead as (s: number, h: Record<string, string>) => void)(500, {
          'content-type': 'application/json',
        });
        res.end(JSON.stringify({ error: 'simulator internal error' }));
      } else {
        res.destroy();
      }
    };
    createExchange(req, res, maxBodyBytes)
      .then((ex) => dispatch(state, control, ex, route))
      .catch(fail);
  };
}
