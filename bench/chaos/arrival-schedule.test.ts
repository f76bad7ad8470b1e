import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arrivalTimesMs } from './arrival-schedule.js';

test('each stage starts its share of requests evenly within its own time', () => {
  const times = arrivalTimesMs([
    { seconds: 1, perSecond: 4 },
    { seconds: 0.5, perSecond: 10 },
  ]);
  assert.deepEqual(times, [0, 250, 500, 750, 1000, 1100, 1200, 1300, 1400]);
});

test('no requests in a zero stage; bad stages are refused', () => {
  assert.deepEqual(
    arrivalTimesMs([
      { seconds: 2, perSecond: 0 },
      { seconds: 1, perSecond: 1 },
    ]),
    [2000],
  );
  assert.throws(() => arrivalTimesMs([{ seconds: -1, perSecond: 1 }]), RangeError);
});
