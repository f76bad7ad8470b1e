// The one HTTP request both Bedrock adapters send: JSON body, URL for the model and action, signed.
import type { UpstreamHttpRequest, UpstreamTarget } from '../provider-adapter.js';
import { bedrockUrl } from './bedrock-model-path.js';
import type { BedrockAction } from './bedrock-model-path.js';
import { signBedrockRequest } from './sign-bedrock-request.js';

/** Options both Bedrock adapters accept. */
export interface BedrockAdapterOptions {
  /** Signing time source; tests inject a fixed one. Defaults to the system clock. */
  clock?: () => Date;
}

/** Builds and authenticates a Bedrock runtime request. */
export async function buildBedrockHttpRequest(
  target: UpstreamTarget,
  action: BedrockAction,
  body: Record<string, unknown>,
  headers: Record<string, string>,
  now: Date,
): Promise<UpstreamHttpRequest> {
  const url = bedrockUrl(target, action);
  const text = JSON.stringify(body);
  const signed = await signBedrockRequest({
    url,
    headers: { 'content-type': 'application/json', ...headers },
    body: text,
    credentials: target.credentials,
    region: target.region,
    now,
  });
  return { method: 'POST', url, headers: signed, body: text };
}
