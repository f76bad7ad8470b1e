// The exact requests every system receives. One OpenAI chat-completions body (a small prompt, as an agent's
// short turn would be), sent unchanged to the simulator directly, through Rampart and through Portkey; only
// the routing headers each gateway needs differ. The fallback config is the same tree for both gateways, in
// Portkey's schema, which Rampart's `x-rampart-config` adopts.
import type { TimedRequest } from '../lib/time-http-request.js';

/** The systems measured: the upstream alone, and each gateway in front of it. */
export type SystemName = 'simulator' | 'rampart' | 'portkey';

/** Base URLs of the running systems. */
export interface SystemUrls {
  simulator: string;
  rampart?: string;
  portkey?: string;
}

const PRIMARY = { provider: 'openai', model: 'gpt-4o' } as const;
const SECONDARY = { provider: 'anthropic', model: 'claude-sonnet-4-5' } as const;
/** The statuses both gateways fall back on (the talk's list). */
const FALLBACK_STATUSES = [429, 500, 502, 503, 504];
/** Any non-empty key passes the simulator; the gateways forward it (Portkey) or hold their own (Rampart). */
const API_KEY = 'bench-key';

const messages = [
  { role: 'system', content: 'You are a concise assistant.' },
  { role: 'user', content: 'In one sentence, why do connection pools lower latency?' },
];
const CHAT_BODY = JSON.stringify({ model: PRIMARY.model, max_tokens: 64, messages });
const STREAM_BODY = JSON.stringify({ model: PRIMARY.model, max_tokens: 64, stream: true, messages });
/** What the secondary is sent directly, to time the upstream's own share of a fallback. */
const ANTHROPIC_BODY = JSON.stringify({
  model: SECONDARY.model,
  max_tokens: 64,
  system: messages[0]?.content,
  messages: messages.slice(1),
});

const JSON_HEADERS = { 'content-type': 'application/json' };

/** The fault rule that makes the primary target fail: every gpt-4o request on OpenAI gets a 503. */
export const PRIMARY_FAILURE_RULE = {
  id: 'bench-primary-503',
  match: { provider: PRIMARY.provider, model: PRIMARY.model },
  effect: { type: 'status', status: 503, message: 'The server is overloaded (benchmark fault).' },
} as const;

function portkeyTarget(simulatorUrl: string, target: { provider: string; model: string }) {
  return {
    provider: target.provider,
    api_key: API_KEY,
    custom_host: `${simulatorUrl}/v1`,
    override_params: { model: target.model },
  };
}

/** A non-streaming chat completion to `system`, or undefined when that system is not running. */
export function chatRequest(system: SystemName, urls: SystemUrls, stream = false): TimedRequest | undefined {
  const body = stream ? STREAM_BODY : CHAT_BODY;
  switch (system) {
    case 'simulator':
      return {
        url: `${urls.simulator}/v1/chat/completions`,
        headers: { ...JSON_HEADERS, authorization: `Bearer ${API_KEY}` },
        body,
      };
    case 'rampart':
      return urls.rampart
        ? { url: `${urls.rampart}/v1/chat/completions`, headers: JSON_HEADERS, body }
        : undefined;
    case 'portkey':
      return urls.portkey
        ? {
            url: `${urls.portkey}/v1/chat/completions`,
            headers: {
              ...JSON_HEADERS,
              authorization: `Bearer ${API_KEY}`,
              'x-portkey-provider': PRIMARY.provider,
              'x-portkey-custom-host': `${urls.simulator}/v1`,
            },
            body,
          }
        : undefined;
  }
}

/** A chat completion whose per-request config falls back from the primary to the secondary. */
export function fallbackRequest(
  system: Exclude<SystemName, 'simulator'>,
  urls: SystemUrls,
): TimedRequest | undefined {
  const strategy = { mode: 'fallback', on_status_codes: FALLBACK_STATUSES };
  if (system === 'rampart') {
    if (!urls.rampart) return undefined;
    const config = { strategy, targets: [PRIMARY, SECONDARY] };
    return {
      url: `${urls.rampart}/v1/chat/completions`,
      headers: { ...JSON_HEADERS, 'x-rampart-config': JSON.stringify(config) },
      body: CHAT_BODY,
    };
  }
  if (!urls.portkey) return undefined;
  const config = {
    strategy,
    targets: [portkeyTarget(urls.simulator, PRIMARY), portkeyTarget(urls.simulator, SECONDARY)],
  };
  return {
    url: `${urls.portkey}/v1/chat/completions`,
    headers: { ...JSON_HEADERS, 'x-portkey-config': JSON.stringify(config) },
    body: CHAT_BODY,
  };
}

/**
 * The same chat completion routed by Rampart straight to the secondary (a one-target config): what the request
 * costs through the gateway without any failover, to set beside the fallback request once its breaker is open.
 */
export function secondaryViaRampart(urls: SystemUrls): TimedRequest | undefined {
  if (!urls.rampart) return undefined;
  const config = { strategy: { mode: 'single' }, targets: [SECONDARY] };
  return {
    url: `${urls.rampart}/v1/chat/completions`,
    headers: { ...JSON_HEADERS, 'x-rampart-config': JSON.stringify(config) },
    body: CHAT_BODY,
  };
}

/** The failing primary, called directly: its own response time is what a fallback cannot avoid. */
export function directPrimaryRequest(urls: SystemUrls): TimedRequest {
  return chatRequest('simulator', urls) as TimedRequest;
}

/** The secondary, called directly in its own protocol. */
export function directSecondaryRequest(urls: SystemUrls): TimedRequest {
  return {
    url: `${urls.simulator}/v1/messages`,
    headers: { ...JSON_HEADERS, 'x-api-key': API_KEY, 'anthropic-version': '2023-06-01' },
    body: ANTHROPIC_BODY,
  };
}
