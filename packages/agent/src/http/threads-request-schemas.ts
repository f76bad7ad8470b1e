// The bodies and parameters the threads API accepts, validated at the edge.
import { z } from 'zod';
import type { Message } from '@rampart/spec';
import { ThreadsApiError } from './threads-api-error.js';

/** POST /v1/threads. */
export const createThreadSchema = z.object({ title: z.string().max(500).optional() }).strict();

const textPart = z.object({ type: z.literal('text'), text: z.string().min(1) }).strict();

/** POST /v1/threads/{id}/messages: a string, or text parts. */
export const postMessageSchema = z
  .object({ content: z.union([z.string().min(1), z.array(textPart).min(1)]) })
  .strict();

/** The canonical user content of a posted message. */
export function userContent(
  body: z.infer<typeof postMessageSchema>,
): Extract<Message, { role: 'user' }>['content'] {
  return typeof body.content === 'string' ? [{ type: 'text', text: body.content }] : body.content;
}

/** Parses with a schema, or throws a 400 naming the first problem's path. */
export function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
  throw new ThreadsApiError('invalid_request', `${path}: ${issue?.message ?? 'invalid'}`);
}

/** Idempotency keys: printable ASCII, at most 255 characters (as Stripe and the IETF draft allow). */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return undefined;
  if (value.length > 255 || !/^[\x21-\x7e]+$/.test(value))
    throw new ThreadsApiError('invalid_request', 'Idempotency-Key must be 1–255 printable ASCII characters.');
  return value;
}

/** A non-negative integer query or header value, or the fallback. */
export function nonNegativeInt(value: string | null | undefined, fallback: number, name: string): number {
  if (value === null || value === undefined || value === '') return fallback;
  if (!/^\d{1,15}$/.test(value))
    throw new ThreadsApiError('invalid_request', `${name} must be a non-negative integer.`);
  return Number(value);
}
