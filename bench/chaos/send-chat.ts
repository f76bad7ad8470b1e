// One chat request to the gateway, read to its last byte. Keep-alive sockets from a shared agent, as a real
// client pool would use them; a client-side timeout so a hung answer is counted, never waited on forever.
import { request, type Agent } from 'node:http';

/** What came back, or how the exchange failed. */
export interface ChatExchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Set when the connection failed or the timeout fired before the body ended. */
  transportError?: string;
  durationMs: number;
}

/** POSTs `body` to `url` and resolves (never rejects) with what the client saw. */
export function sendChat(
  agent: Agent,
  url: string,
  body: string,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<ChatExchange> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    let status = 0;
    let responseHeaders: ChatExchange['headers'] = {};
    const chunks: Buffer[] = [];
    const finish = (transportError?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        status,
        headers: responseHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
        ...(transportError !== undefined ? { transportError } : {}),
        durationMs: performance.now() - startedAt,
      });
    };
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        status = res.statusCode ?? 0;
        responseHeaders = res.headers;
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => finish());
        // 'aborted'/'error' after headers: the server cut the body. The verdict is made from what arrived.
        res.on('error', (error) => finish(error.message));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`client timeout after ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (error) => finish(error.message));
    req.end(body);
  });
}
