// Reads a request body as JSON with a size cap, turning every way it can be wrong into a 4xx error.
import type { IncomingMessage } from 'node:http';
import { InvalidRequestError } from '@rampart/spec';

/** Reads and parses the body; 413 past `maxBytes`, 400 for anything that is not JSON. */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  if (size === 0) throw new InvalidRequestError('The request body is empty; expected a JSON object.');
  const text =
    chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidRequestError(`The request body is not valid JSON: ${(error as Error).message}`);
  }
}

function tooLarge(maxBytes: number): InvalidRequestError {
  return new InvalidRequestError(
    `The request body is larger than the ${maxBytes} bytes this gateway accepts.`,
    {
      code: 'request_too_large',
    },
  );
}
