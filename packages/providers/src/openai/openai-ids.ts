import { randomUUID } from 'node:crypto';

/** A fresh id with OpenAI's look, for servers that send none and for responses we originate. */
export function newOpenAIId(prefix: 'chatcmpl' | 'call'): string {
  return `${prefix}-${randomUUID().replaceAll('-', '')}`;
}
