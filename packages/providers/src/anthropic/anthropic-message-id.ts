// Anthropic clients expect message ids shaped `msg_…`. Upstream ids from other wires (chatcmpl-…, Bedrock
// ids) are kept recognisable under the prefix rather than replaced, so logs still correlate.
import { randomBytes } from 'node:crypto';

/** A `msg_`-prefixed id for a canonical response id; a fresh random one when the upstream gave none. */
export function anthropicMessageId(id: string): string {
  if (id === '') return `msg_${randomBytes(12).toString('hex')}`;
  return id.startsWith('msg_') ? id : `msg_${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
