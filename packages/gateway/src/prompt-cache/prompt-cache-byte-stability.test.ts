// The gateway never changes a byte of an earlier turn's prefix: turn N and turn N+1, each prepared and encoded
// through the Anthropic adapter, carry the same bytes for every block turn N had (cache_control markers aside:
// they are not part of the cached content), even though the client re-rendered its tool results in between.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAnthropicAdapter } from '@rampart/providers';
import { agentConversation } from './__fixtures__/cache-requests.js';
import { prepareRules } from './prompt-cache-canonicalize.js';
import { preparePromptCache, type PrepareOptions } from './prompt-cache-prepare.js';
import { DEFAULT_VOLATILE_RULES } from './prompt-cache-volatile-rules.js';

const OPTIONS: PrepareOptions = {
  enabled: true,
  canonicalize: true,
  rules: prepareRules(DEFAULT_VOLATILE_RULES),
  largeContentTokens: 4096,
  stableTtl: '5m',
  conversationTtl: '5m',
};
const TARGET = {
  baseUrl: 'http://127.0.0.1:9',
  model: 'claude-sonnet-4-5-20250929',
  credentials: { kind: 'api-key' as const, apiKey: 'k' },
};

function withoutCacheControl(block: Record<string, unknown>): string {
  const { cache_control: _cc, ...rest } = block;
  if (Array.isArray(rest.content))
    rest.content = (rest.content as Array<Record<string, unknown>>).map(
      (b) => JSON.parse(withoutCacheControl(b)) as unknown,
    );
  return JSON.stringify(rest);
}

/** The wire bytes of each block in cache order, markers removed. */
async function encodedBlocks(turns: number, sentAt: number, options: PrepareOptions): Promise<string[]> {
  const request = preparePromptCache(
    agentConversation(turns, sentAt, 2),
    { providerType: 'anthropic', model: TARGET.model },
    options,
  ).request;
  const { body } = await createAnthropicAdapter({ provider: 'anthropic' }).encodeRequest(request, TARGET);
  const wire = JSON.parse(body) as {
    tools?: Array<Record<string, unknown>>;
    system?: Array<Record<string, unknown>>;
    messages: Array<{ role: string; content: Array<Record<string, unknown>> }>;
  };
  return [
    ...(wire.tools ?? []).map(withoutCacheControl),
    ...(wire.system ?? []).map(withoutCacheControl),
    ...wire.messages.flatMap((m) => m.content.map((b) => `${m.role}:${withoutCacheControl(b)}`)),
  ];
}

test('every block of turn N is byte-identical in turn N+1, though the client re-rendered its tool results', async () => {
  for (let turn = 1; turn < 6; turn++) {
    const now = await encodedBlocks(turn, turn * 30, OPTIONS);
    const next = await encodedBlocks(turn + 1, (turn + 1) * 30, OPTIONS);
    assert.ok(next.length > now.length);
    assert.deepEqual(next.slice(0, now.length), now, `turn ${turn}`);
  }
});

test('without canonicalization the same history differs (the cache-miss story), so the test above can fail', async () => {
  const off = { ...OPTIONS, canonicalize: false };
  const now = await encodedBlocks(2, 30, off);
  const next = await encodedBlocks(3, 60, off);
  assert.notDeepEqual(next.slice(0, now.length), now);
});
