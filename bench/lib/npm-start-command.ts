// What `npm start` runs, read from package.json, so a benchmark starts Rampart exactly the way users do:
// the preparation steps (except the machine setup, which a benchmark has already had) and then the final
// command, to which the benchmark appends its own options.

/** The steps of `npm start`: commands to run to completion first, then the one that serves. */
export interface StartCommand {
  prepare: string[][];
  serve: string[];
}

/** Splits package.json's `start` script (`a && b && node … start`) into its steps. */
export function parseStartScript(script: string): StartCommand {
  const steps = script.split('&&').map((step) => step.trim().split(/\s+/));
  const serve = steps.pop();
  if (!serve || serve[0] !== 'node') throw new Error(`npm start does not end with a node command: ${script}`);
  // The machine setup (apt packages, npm ci) is the benchmark's own precondition, not part of serving.
  const prepare = steps.filter((step) => !step.some((word) => word.endsWith('scripts/setup.mjs')));
  for (const step of prepare)
    if (step[0] !== 'node')
      throw new Error(`npm start has a step that is not a node command: ${step.join(' ')}`);
  return { prepare, serve };
}
