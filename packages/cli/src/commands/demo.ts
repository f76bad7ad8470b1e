// `rampart demo`: no credentials needed. An agent does a small multi-step data task in a sandboxed notebook through
// simulated providers while the primary provider fails; the terminal shows the event stream and the run's cost.
import { runDemo } from '@rampart/agent';

/** Runs the demo; exits non-zero when it could not run or the run did not complete. */
export async function runDemoCommand(): Promise<void> {
  const result = await runDemo({
    write: (text) => process.stdout.write(text),
    color: process.stdout.isTTY && process.env.NO_COLOR === undefined,
  });
  if ('unavailable' in result) {
    process.stderr.write(
      `rampart demo: the sandboxed notebook cannot run on this machine: ${result.unavailable}\n` +
        'It needs bubblewrap and python3 with ipykernel and pandas (`node scripts/setup.mjs start` installs them).\n',
    );
    process.exitCode = 1;
    return;
  }
  if (result.outcome.status !== 'completed') process.exitCode = 1;
}
