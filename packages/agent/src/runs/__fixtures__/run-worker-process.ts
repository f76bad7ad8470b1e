// A worker process for the crash tests: opens the store, runs a worker whose agent is the step-scripted model and
// the counting tool (executions appended to COUNT_FILE), and prints `ready` once it consumes runs.
//   STORE_URL, COUNT_FILE, LEASE_MS    required
//   REDIS_URL, QUEUE_NAME              BullMQ mode (else the in-process queue, fed by the recovery sweep)
//   SLOW_STEP                          this step's model call hangs (the process is meant to be killed there)
//   SWEEP_MS                           sweep interval (default LEASE_MS / 2)
import { openStore } from '@rampart/store';
import { startAgentRuntime } from '../start-agent-runtime.js';
import { countingTools } from '../../testing/runs-counting-tools.js';
import { stepScriptedModel } from '../../testing/runs-step-scripted-model.js';
import { CRASH_SCRIPT } from './crash-script.js';

const env = process.env;
const leaseMs = Number(env.LEASE_MS);
const store = await openStore({ url: env.STORE_URL! });
const tools = countingTools(env.COUNT_FILE!);
const slow = env.SLOW_STEP === undefined ? {} : { [Number(env.SLOW_STEP)]: 600_000 };
const runtime = await startAgentRuntime({
  store,
  ...(env.REDIS_URL === undefined ? {} : { redisUrl: env.REDIS_URL }),
  ...(env.QUEUE_NAME === undefined ? {} : { queueName: env.QUEUE_NAME }),
  agents: async () => ({
    model: stepScriptedModel(CRASH_SCRIPT, { delays: slow }),
    tools,
    config: { model: 'scripted', maxSteps: 10 },
  }),
  workerName: `crash-worker-${process.pid}`,
  leaseMs,
  sweepEveryMs: Number(env.SWEEP_MS ?? leaseMs / 2),
  requeueAfterMs: 0,
  jobLockMs: leaseMs,
  stalledIntervalMs: Math.max(200, leaseMs / 2),
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void runtime.close().then(() => store.close().then(() => process.exit(0)));
});
