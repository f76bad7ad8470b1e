// Readiness by asking: a server is ready when it answers HTTP, whatever it prints while starting.
import { request } from 'node:http';

/** Resolves when `url` answers any HTTP response; rejects after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    try {
      await probe(url, Math.max(1, Math.min(1_000, deadline - Date.now())));
      return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${lastError})`);
}

function probe(url: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve());
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}
