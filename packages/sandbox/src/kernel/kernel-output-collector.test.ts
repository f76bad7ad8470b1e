import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CellOutputCollector } from './kernel-output-collector.js';

const text = (outputs: ReturnType<CellOutputCollector['finish']>): string =>
  outputs.map((o) => o.data['text/plain'] ?? '').join('');

test('small outputs pass through, consecutive chunks of a stream merge', () => {
  const c = new CellOutputCollector({ headBytes: 100, tailBytes: 100, maxRichBytes: 1000 });
  c.add({ kind: 'stream', name: 'stdout', data: { 'text/plain': 'a' } });
  c.add({ kind: 'stream', name: 'stdout', data: { 'text/plain': 'b' } });
  c.add({ kind: 'result', data: { 'text/plain': '2' } });
  assert.deepEqual(c.finish(), [
    { kind: 'stream', name: 'stdout', data: { 'text/plain': 'ab' } },
    { kind: 'result', data: { 'text/plain': '2' } },
  ]);
});

test('a huge stream keeps head and tail with a marker stating the sizes', () => {
  const c = new CellOutputCollector({ headBytes: 10, tailBytes: 5, maxRichBytes: 1000 });
  for (let i = 0; i < 1000; i++)
    c.add({ kind: 'stream', name: 'stdout', data: { 'text/plain': `${i % 10}`.repeat(10) } });
  const outputs = c.finish();
  const all = text(outputs);
  assert.ok(all.startsWith('0000000000\n[rampart: output truncated: 10,000 bytes'), all);
  assert.match(all, /kept the first 10 and the last 5 bytes; 9,985 bytes omitted\]\n99999$/);
});

test('one oversized chunk is split between head and tail', () => {
  const c = new CellOutputCollector({ headBytes: 4, tailBytes: 4, maxRichBytes: 1000 });
  c.add({ kind: 'stream', name: 'stderr', data: { 'text/plain': 'abcdefghijkl' } });
  assert.match(text(c.finish()), /^abcd\n\[rampart: output truncated: 12 bytes.*4 bytes omitted\]\nijkl$/s);
});

test('rich outputs beyond the budget are replaced by a note', () => {
  const c = new CellOutputCollector({ headBytes: 10, tailBytes: 10, maxRichBytes: 10 });
  c.add({ kind: 'display', data: { 'image/png': 'x'.repeat(8) } });
  c.add({ kind: 'display', data: { 'image/png': 'y'.repeat(8) } });
  const [first, second] = c.finish();
  assert.equal(first?.data['image/png'], 'xxxxxxxx');
  assert.equal(second?.data['image/png'], undefined);
  assert.match(second?.data['text/plain'] ?? '', /display output of 8 bytes omitted/);
});

test('clear_output forgets what was shown', () => {
  const c = new CellOutputCollector();
  c.add({ kind: 'stream', name: 'stdout', data: { 'text/plain': '10%' } });
  c.clear();
  c.add({ kind: 'stream', name: 'stdout', data: { 'text/plain': '100%' } });
  assert.equal(text(c.finish()), '100%');
});
