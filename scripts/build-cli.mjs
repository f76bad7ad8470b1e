// Bundles the `rampart` command (packages/cli/src/main.ts and every workspace package it imports) into
// dist/cli/ for `npm start`. Development and tests run the TypeScript through tsx; a long-running gateway
// should not: tsx's loader thread and in-memory transforms cost ~45 MB of resident memory and slow start-up
// (measured: idle RSS 131 MB through tsx, 86 MB from the bundle). Third-party packages stay external
// (resolved from node_modules at run time, native modules included); only our own code is bundled, as is,
// unminified, so stack traces stay readable. esbuild comes with tsx (its transpiler), so nothing new to install.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const esbuild = createRequire(require.resolve('tsx/package.json'))('esbuild');

const external = new Set();
for (const dir of readdirSync(join(root, 'packages'))) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  } catch {
    continue;
  }
  for (const name of Object.keys(manifest.dependencies ?? {}))
    if (!name.startsWith('@rampart/')) external.add(name);
}

const outdir = join(root, 'dist/cli');
rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: [
    { in: join(root, 'packages/cli/src/main.ts'), out: 'main' },
    // The ledger's commit thread, found beside the bundle by packages/store/src/sqlite-ledger-thread.ts.
    { in: join(root, 'packages/store/src/sqlite-ledger-worker.ts'), out: 'sqlite-ledger-worker' },
  ],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: [...external],
  logLevel: 'warning',
});
// esbuild escapes non-ASCII in strings but keeps comments as written, and one `→` in a comment makes V8 hold
// that whole file's source as a two-byte string (the main chunk: 0.9 MB instead of 0.45, resident for the
// process's life). Only comments can still contain any, so escaping them changes nothing else.
for (const file of readdirSync(outdir)) {
  const path = join(outdir, file);
  const text = readFileSync(path, 'utf8');
  const ascii = text.replace(/[\u0080-\u{10ffff}]/gu, (char) => `\\u{${char.codePointAt(0).toString(16)}}`);
  if (ascii !== text) writeFileSync(path, ascii);
}
