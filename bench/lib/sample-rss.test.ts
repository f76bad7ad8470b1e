import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVmRssBytes, readRssBytes, startRssSampler } from './sample-rss.js';

test('VmRSS is read in kB and returned in bytes', () => {
  const status = ['Name:\tnode', 'VmPeak:\t 1000000 kB', 'VmRSS:\t   51200 kB', 'RssAnon:\t 40000 kB'].join(
    '\n',
  );
  assert.equal(parseVmRssBytes(status), 51200 * 1024);
});

test('a status without VmRSS (a zombie) reads as undefined', () => {
  assert.equal(parseVmRssBytes('Name:\tnode\nState:\tZ (zombie)\n'), undefined);
});

test(
  'the sampler reports a plausible peak for this very process',
  { skip: process.platform !== 'linux' },
  () => {
    const own = readRssBytes(process.pid);
    assert.ok(own !== undefined && own > 10 * 1024 * 1024, `own RSS ${own}`);
    const readings = startRssSampler({ self: process.pid, gone: 2 ** 22 + 1 }).stop();
    assert.ok((readings.self?.peakBytes ?? 0) >= own * 0.5);
    assert.equal(readings.self?.samples, 2);
    assert.deepEqual(readings.gone, { peakBytes: 0, samples: 0 });
  },
);
