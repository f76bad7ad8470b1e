import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from './logger.js';
import { requestLog } from './request-log.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

test('the per-request line skips path redaction; every other line keeps it; same level and destination', async () => {
  const { lines, destination } = capture();
  const logger = createLogger({ level: 'info', destination });
  logger.info({ apiKey: 'sk-secret' }, 'other line');
  requestLog(logger).info({ requestId: 'r1', apiKey: 'not-a-secret-here' }, 'request served');
  requestLog(logger).debug({ requestId: 'r2' }, 'below the level');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(lines.length, 2);
  assert.equal(lines[0]!.apiKey, '[redacted]');
  assert.equal(lines[1]!.requestId, 'r1');
  assert.equal(lines[1]!.service, 'rampart-gateway');
  assert.equal(requestLog(logger), requestLog(logger), 'one child per logger');
});
