// Reading Bedrock response headers as Node gives them (lower-case names, a value or a list).
import { randomUUID } from 'node:crypto';
import type { HeaderMap } from '../provider-adapter.js';

/** One header's value; a repeated header yields its first value. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A header holding a non-negative integer count; absent or malformed is undefined, never 0. */
export function headerCount(headers: HeaderMap, name: string): number | undefined {
  const value = headerValue(headers, name)?.trim();
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** Bedrock's request id, for support tickets. */
export function bedrockRequestId(headers: HeaderMap): string | undefined {
  return headerValue(headers, 'x-amzn-requestid');
}

/** An id for an answer that carries none (Converse): Bedrock's request id, else a fresh one. */
export function bedrockResponseId(headers: HeaderMap): string {
  return bedrockRequestId(headers) ?? `bedrock-${randomUUID()}`;
}
