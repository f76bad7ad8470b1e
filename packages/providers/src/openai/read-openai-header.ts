import type { HeaderMap } from '../provider-adapter.js';

/** One header's value (the first, when Node gives several), or undefined. Names are lower-case. */
export function readOpenAIHeader(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
