// Runs the project's checks and tests: type-check, lint, format check, then every *.test.ts next to the code,
// through Node's own test runner (tsx loads TypeScript).
//   node scripts/test.mjs                     everything
//   node scripts/test.mjs --no-checks [paths]  only tests, optionally only under the given paths
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const skipChecks = args.includes('--no-checks');
const roots = args.filter((a) => !a.startsWith('--'));

function run(command, commandArgs) {
  console.log(`\n$ ${command} ${commandArgs.join(' ')}`);
  const result = spawnSync(command, commandArgs, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function findTests(dir, found = []) {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) findTests(path, found);
    else if (entry.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

if (!skipChecks) {
  run('npx', ['tsc', '-p', 'tsconfig.json']);
  run('npx', ['eslint', '.']);
  run('npx', ['prettier', '--check', '.']);
}
const files = (roots.length > 0 ? roots : ['packages', 'bench'])
  .flatMap((root) => (statSync(root).isDirectory() ? findTests(root) : [root]))
  .sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Tests that drive real kernels in sandboxes work under time limits (interrupts, health checks); they run on
// their own, one file at a time, after the rest, so the other suites' load cannot starve them. Other packages
// name such files `*.sandbox.test.ts`.
const isSandboxTest = (file) =>
  file.includes(join('packages', 'sandbox')) || file.endsWith('.sandbox.test.ts');
function runTests(group, concurrency) {
  if (group.length === 0) return;
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=120000'];
  run(process.execPath, [...args, ...group]);
}
runTests(
  files.filter((file) => !isSandboxTest(file)),
  2,
);
runTests(files.filter(isSandboxTest), 1);
