// A 2xx InvokeModel body → canonical response: the Anthropic message decoder, then usage reconciled with
// Bedrock's meter headers.
import { UpstreamError } from '@rampart/spec';
import type { ChatResponse } from '@rampart/spec';
import type { HeaderMap } from '../provider-adapter.js';
import { decodeAnthropicMessage } from '../anthropic/index.js';
import { bedrockRequestId } from './bedrock-headers.js';
import { meteredUsageFromHeaders, reconcileBedrockInvokeUsage } from './convert-bedrock-invoke-usage.js';

/** Decodes an InvokeModel (Anthropic) response body. */
export function decodeBedrockInvokeResponse(
  body: Uint8Array,
  headers: HeaderMap,
  provider: string,
): ChatResponse {
  const requestId = bedrockRequestId(headers);
  const context = { provider, ...(requestId === undefined ? {} : { upstreamRequestId: requestId }) };
  const text = new TextDecoder().decode(body);
  if (text.trim().length === 0) {
    throw new UpstreamError('empty_response', 'Bedrock InvokeModel answered 200 with an empty body', context);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new UpstreamError(
      'upstream_error',
      'Bedrock InvokeModel answered 200 with a body that is not JSON',
      {
        ...context,
        cause,
      },
    );
  }
  const response = decodeAnthropicMessage(json, provider);
  return {
    ...response,
    usage: reconcileBedrockInvokeUsage(response.usage, meteredUsageFromHeaders(headers)),
  };
}
