import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configJsonSchema } from './config-json-schema.js';

test('docs/rampart.config.schema.json is what the zod schema generates (run scripts/generate-config-schema.ts)', () => {
  const committed = JSON.parse(
    readFileSync(new URL('../../../../docs/rampart.config.schema.json', import.meta.url), 'utf8'),
  );
  assert.deepEqual(committed, JSON.parse(JSON.stringify(configJsonSchema())));
});
