import type { ProviderName } from '@rampart/simulator';

/** Each upstream kind, pinned by `provider/model`, and the simulator provider that serves it. */
export const UPSTREAMS: ReadonlyArray<{ name: string; model: string; sim: ProviderName }> = [
  { name: 'OpenAI', model: 'openai/gpt-4o', sim: 'openai' },
  { name: 'Anthropic', model: 'anthropic/claude-sonnet-4-5', sim: 'anthropic' },
  { name: 'Bedrock InvokeModel', model: 'bedrock/claude-sonnet-4-5', sim: 'bedrock' },
  { name: 'Bedrock Converse', model: 'bedrock-converse/claude-sonnet-4-5', sim: 'bedrock' },
];
