import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timeOrderedUuid } from './time-ordered-id.js';

test('time-ordered ids are UUIDv7 and sort by their millisecond', () => {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const early = timeOrderedUuid(1_795_000_000_000);
  const late = timeOrderedUuid(1_795_000_000_001);
  assert.match(early, uuid);
  assert.match(late, uuid);
  assert.ok(early < late);
  assert.equal(parseInt(early.slice(0, 8) + early.slice(9, 13), 16), 1_795_000_000_000);
  assert.notEqual(timeOrderedUuid(5), timeOrderedUuid(5));
});
