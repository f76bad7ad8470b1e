// Models a client may ask for by name out of the box, with the id each default provider knows them by.
// Data, not code: a config file's `models` adds to or overrides these. Order is preference order.

/** Alias → provider name → upstream model id. */
export const DEFAULT_MODEL_CATALOG: Record<string, Record<string, string>> = {
  'claude-sonnet-4-5': {
    anthropic: 'claude-sonnet-4-5-20250929',
    bedrock: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    'bedrock-converse': 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  },
  'claude-sonnet-4': {
    anthropic: 'claude-sonnet-4-20250514',
    bedrock: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
    'bedrock-converse': 'us.anthropic.claude-sonnet-4-20250514-v1:0',
  },
  'claude-haiku-4-5': {
    anthropic: 'claude-haiku-4-5-20251001',
    bedrock: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    'bedrock-converse': 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  },
  'claude-opus-4-5': {
    anthropic: 'claude-opus-4-5-20251101',
    bedrock: 'global.anthropic.claude-opus-4-5-20251101-v1:0',
    'bedrock-converse': 'global.anthropic.claude-opus-4-5-20251101-v1:0',
  },
  'gpt-4o': { openai: 'gpt-4o' },
  'gpt-4o-mini': { openai: 'gpt-4o-mini' },
  'gpt-4.1': { openai: 'gpt-4.1' },
  'gpt-5': { openai: 'gpt-5' },
  'gpt-5-mini': { openai: 'gpt-5-mini' },
};
