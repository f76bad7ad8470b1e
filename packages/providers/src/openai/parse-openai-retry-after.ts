// How long an OpenAI-style upstream asked us to wait. The official SDK reads retry-after-ms first (precise),
// then retry-after as seconds or as an HTTP date; we do the same so our retries agree with what a direct
// client would do. OpenAI itself rarely sends either on 429, so "absent" is common and means "unknown".
import type { HeaderMap } from '../provider-adapter.js';
import { readOpenAIHeader } from './read-openai-header.js';

/** Milliseconds to wait per retry-after-ms / retry-after, or undefined when absent or unparseable. */
export function parseOpenAIRetryAfter(headers: HeaderMap, nowMs: number): number | undefined {
  const ms = readOpenAIHeader(headers, 'retry-after-ms')?.trim();
  if (ms !== undefined && ms !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const after = readOpenAIHeader(headers, 'retry-after')?.trim();
  if (after === undefined || after === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Math.round(Number(after) * 1000);
  const date = Date.parse(after);
  // A date in the past means "now", not "never".
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
