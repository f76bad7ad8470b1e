import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseStartScript } from './npm-start-command.js';

test("the benchmark runs npm start's own steps, without the machine setup", () => {
  assert.deepEqual(
    parseStartScript(
      'node scripts/setup.mjs start && node scripts/build-cli.mjs && node --x=1 dist/cli/main.js start',
    ),
    { prepare: [['node', 'scripts/build-cli.mjs']], serve: ['node', '--x=1', 'dist/cli/main.js', 'start'] },
  );
  assert.throws(() => parseStartScript('node a.js && npx thing'), /does not end with a node command/);
});

test("package.json's start script parses", () => {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    scripts: { start: string };
  };
  const { serve } = parseStartScript(manifest.scripts.start);
  assert.equal(serve.at(-1), 'start');
});
