// Where a Bedrock runtime call goes: the endpoint for a target and the path for a model and action.
import { RampartError } from '@rampart/spec';
import type { UpstreamTarget } from '../provider-adapter.js';

/** The Bedrock runtime operations Rampart calls. */
export type BedrockAction = 'invoke' | 'invoke-with-response-stream' | 'converse' | 'converse-stream';

/** The public Bedrock runtime endpoint of a region, e.g. `https://bedrock-runtime.us-east-1.amazonaws.com`. */
export function bedrockRuntimeBaseUrl(region: string): string {
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}

/**
 * Percent-encodes a path label the way the AWS SDK does (RFC 3986: encodeURIComponent plus !'()*), so that
 * a model id, inference-profile id or ARN reaches Bedrock byte for byte as the SDK would send it:
 * `us.anthropic.claude-sonnet-4-5-20250929-v1:0` → `us.anthropic.claude-sonnet-4-5-20250929-v1%3A0`.
 */
function encodePathLabel(label: string): string {
  return encodeURIComponent(label).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The URL of one Bedrock runtime call; an empty baseUrl means the region's public endpoint. */
export function bedrockUrl(target: UpstreamTarget, action: BedrockAction): string {
  if (target.model.length === 0) {
    throw new RampartError('internal', 'Bedrock target has no model id');
  }
  let base = target.baseUrl;
  if (base.length === 0) {
    if (target.region === undefined || target.region.length === 0) {
      throw new RampartError('internal', 'Bedrock target needs a baseUrl or a region');
    }
    base = bedrockRuntimeBaseUrl(target.region);
  }
  return `${base.replace(/\/+$/, '')}/model/${encodePathLabel(target.model)}/${action}`;
}
