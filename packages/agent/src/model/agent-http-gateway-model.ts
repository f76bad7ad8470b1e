// A ModelClient that calls a Rampart gateway over HTTP (its Anthropic Messages route), for agent workers that run
// apart from the gateway, and for tests against the gateway harness. The wire is spoken by the same Anthropic
// codec the gateway uses upstream; which target served and what was tried come from the transparency headers.
import { createAnthropicAdapter } from '@rampart/providers';
import type { ChatRequest, StreamEvent, Usage } from '@rampart/spec';
import { completionEvents, costOf } from '@rampart/gateway';
import type { ModelAttempt, ModelCall, ModelCallOptions, ModelClient } from '../loop/agent-run-types.js';

/** Where the gateway is and who calls it. */
export interface HttpGatewayModelOptions {
  /** Base URL of the gateway, e.g. http://127.0.0.1:8787. */
  baseUrl: string;
  /** A virtual key, when the gateway requires one. */
  apiKey?: string;
  /** Prices a call's usage (nano-USD); defaults to the gateway's built-in price table. */
  price?: (model: string, usage: Usage) => bigint | undefined;
}

/** Creates a ModelClient over a gateway's HTTP API. */
export function createHttpGatewayModel(options: HttpGatewayModelOptions): ModelClient {
  const adapter = createAnthropicAdapter({ provider: 'rampart-gateway' });
  const price = options.price ?? ((model: string, usage: Usage) => costOf(model, usage)?.nanos);
  return {
    async call(request: ChatRequest, callOptions: ModelCallOptions): Promise<ModelCall> {
      const http = await adapter.encodeRequest(
        { ...request, stream: callOptions.stream },
        {
          baseUrl: options.baseUrl.replace(/\/$/, ''),
          model: request.model,
          credentials: options.apiKey ? { kind: 'api-key', apiKey: options.apiKey } : { kind: 'none' },
        },
      );
      const response = await fetch(http.url, {
        method: 'POST',
        headers: {
          ...http.headers,
          'x-request-id': callOptions.requestId,
          'x-rampart-thread-id': callOptions.threadId,
        },
        body: http.body,
        signal: callOptions.signal,
      });
      const headers = Object.fromEntries(response.headers.entries());
      if (!response.ok) {
        throw adapter.decodeError(response.status, headers, new Uint8Array(await response.arrayBuffer()));
      }
      const provider = headers['x-rampart-provider'] ?? 'unknown';
      const model = headers['x-rampart-model'] ?? request.model;
      const attempts = parseAttempts(headers['x-rampart-attempts']);
      let usage: Usage = {};
      const events: AsyncIterable<StreamEvent> = callOptions.stream
        ? adapter.decodeStream(bodyOf(response), headers)
        : completionEvents(adapter.decodeResponse(new Uint8Array(await response.arrayBuffer()), headers));
      return {
        provider,
        model,
        attempts: attempts.length > 0 ? attempts : [{ provider, model, outcome: 'served' }],
        events: (async function* () {
          for await (const event of events) {
            if (event.type === 'finish') usage = event.usage;
            yield event;
          }
        })(),
        summary: () => ({ usage, costNanos: (price(model, usage) ?? 0n).toString() }),
      };
    },
  };
}

/** `provider/model=outcome[:status][:reason]@ms, …` (the gateway's x-rampart-attempts) → attempts. */
export function parseAttempts(header: string | undefined): ModelAttempt[] {
  if (header === undefined || header.trim() === '') return [];
  return header.split(',').flatMap((entry): ModelAttempt[] => {
    const match = /^\s*([^/]+)\/(.+?)=(served|failed|skipped)((?::[^:@]+)*)@/.exec(entry);
    if (!match) return [];
    const [, provider = '', model = '', outcome = 'failed', details = ''] = match;
    const parts = details.split(':').filter((p) => p !== '');
    const status = parts.find((p) => /^\d{3}$/.test(p));
    const reason = parts.find((p) => !/^\d{3}$/.test(p));
    return [
      {
        provider,
        model,
        outcome: outcome as ModelAttempt['outcome'],
        ...(status === undefined ? {} : { status: Number(status) }),
        ...(reason === undefined ? {} : { reason }),
      },
    ];
  });
}

async function* bodyOf(response: Response): AsyncIterable<Uint8Array> {
  if (response.body === null) return;
  for await (const chunk of response.body) yield chunk;
}
