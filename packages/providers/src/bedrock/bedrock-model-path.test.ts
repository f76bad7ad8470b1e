import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bedrockUrl } from './bedrock-model-path.js';

// `null` region means "none configured" (a default parameter would swallow undefined).
const target = (model: string, baseUrl = '', region: string | null = 'us-east-1') => ({
  baseUrl,
  model,
  credentials: { kind: 'none' as const },
  ...(region === null ? {} : { region }),
});

test('model ids, inference-profile prefixes and ARNs are percent-encoded as one path segment', () => {
  const cases: Array<[string, string]> = [
    ['anthropic.claude-3-haiku-20240307-v1:0', 'anthropic.claude-3-haiku-20240307-v1%3A0'],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'us.anthropic.claude-sonnet-4-5-20250929-v1%3A0'],
    ['eu.anthropic.claude-sonnet-4-5-20250929-v1:0', 'eu.anthropic.claude-sonnet-4-5-20250929-v1%3A0'],
    ['apac.anthropic.claude-sonnet-4-20250514-v1:0', 'apac.anthropic.claude-sonnet-4-20250514-v1%3A0'],
    ['au.anthropic.claude-haiku-4-5-20251001-v1:0', 'au.anthropic.claude-haiku-4-5-20251001-v1%3A0'],
    ['jp.anthropic.claude-haiku-4-5-20251001-v1:0', 'jp.anthropic.claude-haiku-4-5-20251001-v1%3A0'],
    ['global.anthropic.claude-opus-4-5-20251101-v1:0', 'global.anthropic.claude-opus-4-5-20251101-v1%3A0'],
    [
      'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3',
      'arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fa1b2c3',
    ],
  ];
  for (const [model, encoded] of cases) {
    assert.equal(
      bedrockUrl(target(model), 'converse'),
      `https://bedrock-runtime.us-east-1.amazonaws.com/model/${encoded}/converse`,
    );
  }
});

test('baseUrl overrides the regional endpoint; a trailing slash is tolerated', () => {
  assert.equal(
    bedrockUrl(
      target('anthropic.claude-3-haiku-20240307-v1:0', 'http://127.0.0.1:4010/'),
      'invoke-with-response-stream',
    ),
    'http://127.0.0.1:4010/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke-with-response-stream',
  );
  assert.throws(() => bedrockUrl(target('m', '', null), 'invoke'), /baseUrl or a region/);
  assert.throws(() => bedrockUrl(target(''), 'invoke'), /no model id/);
});
