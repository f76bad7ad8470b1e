// Reads a JSON request body with a size cap; an empty body is `undefined` (some routes take none).
import type { IncomingMessage } from 'node:http';
import { ThreadsApiError } from './threads-api-error.js';

/** The parsed body, or undefined when there is none. */
export async function readRequestBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes)
      throw new ThreadsApiError('request_too_large', `The request body is larger than ${maxBytes} bytes.`);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
  } catch (error) {
    throw new ThreadsApiError(
      'invalid_request',
      `The request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}
