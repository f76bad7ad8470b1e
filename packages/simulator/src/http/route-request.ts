// Maps method + path to a simulated operation. All providers share one port: their paths do not collide.

/** Bedrock runtime operations. */
export type BedrockOperation = 'invoke' | 'invoke-with-response-stream' | 'converse' | 'converse-stream';

/** A resolved route. */
export type Route =
  | { kind: 'control' }
  | { kind: 'openai-chat' }
  | { kind: 'anthropic-messages' }
  | { kind: 'anthropic-count-tokens' }
  | { kind: 'models'; format: 'openai' | 'anthropic'; modelId?: string }
  | { kind: 'bedrock'; operation: BedrockOperation; modelId: string }
  | { kind: 'not-found'; format: 'openai' | 'anthropic' | 'bedrock' };

const BEDROCK_PATH = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream|converse|converse-stream)$/;

/** Route a request. */
export function routeRequest(method: string, rawPath: string, headers: Record<string, string>): Route {
  if (rawPath === '/_sim' || rawPath.startsWith('/_sim/')) return { kind: 'control' };
  const bedrock = BEDROCK_PATH.exec(rawPath);
  if (bedrock && method === 'POST') {
    let modelId: string;
    try {
      modelId = decodeURIComponent(bedrock[1]!);
    } catch {
      modelId = bedrock[1]!;
    }
    return { kind: 'bedrock', operation: bedrock[2] as BedrockOperation, modelId };
  }
  if (rawPath.startsWith('/model/')) return { kind: 'not-found', format: 'bedrock' };
  const anthropicStyle = headers['anthropic-version'] !== undefined || headers['x-api-key'] !== undefined;
  if (method === 'POST' && rawPath === '/v1/chat/completions') return { kind: 'openai-chat' };
  if (method === 'POST' && rawPath === '/v1/messages') return { kind: 'anthropic-messages' };
  if (method === 'POST' && rawPath === '/v1/messages/count_tokens') return { kind: 'anthropic-count-tokens' };
  const format = anthropicStyle ? 'anthropic' : 'openai';
  if (method === 'GET' && rawPath === '/v1/models') return { kind: 'models', format };
  const model = /^\/v1\/models\/(.+)$/.exec(rawPath);
  if (method === 'GET' && model) return { kind: 'models', format, modelId: decodeURIComponent(model[1]!) };
  return { kind: 'not-found', format };
}
