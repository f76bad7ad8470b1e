// `rampart demo`: an agent does a small data task in a real sandboxed notebook while the primary model provider is
// down. Everything model-side is simulated (no credentials): Rampart's provider simulator plays scripted turns
// behind the real gateway, which falls back from the failing primary to the backup. The terminal shows the
// event stream a client would receive, the fallback notices and the run's cost.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, createLogger, parseGatewayConfig, simulatedConfig } from '@rampart/gateway';
import { openStore } from '@rampart/store';
import type { AgentEvent } from '../agent-events.js';
import { runAgentInMemory, userText, type InMemoryRun } from '../loop/agent-run-in-memory.js';
import type { ModelClient } from '../loop/agent-run-types.js';
import { createGatewayModel } from '../model/agent-gateway-model.js';
import { createAgentToolHost } from '../tools/agent-tool-host.js';
import { demoAnswerTurn, demoOpeningTurns, DEMO_TASK } from './agent-demo-script.js';
import { createEventPrinter } from './agent-demo-printer.js';

/** Where the demo writes and how. */
export interface DemoOptions {
  write: (text: string) => void;
  color?: boolean;
  /** Model client factory given the gateway; default: gateway.chat in this process, as `rampart start` runs agents. */
  modelFor?: (gateway: { url: string; gateway: ReturnType<typeof createGateway> }) => ModelClient;
}

/** The demo's result, for tests. */
export type DemoResult =
  { unavailable: string } | (InMemoryRun & { primaryFailures: number; backupCalls: number });

const DEMO_MODEL = 'demo-agent';
const PRIMARY = 'anthropic';
const BACKUP = 'bedrock';

/** Runs the demo end to end and cleans up after itself. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { write } = options;
  // The sandbox and the simulator are imported here, not with the agent package that every `rampart start` loads.
  const { createBubblewrapDriver, createSandboxManager } = await import('@rampart/sandbox');
  const dir = await mkdtemp(join(tmpdir(), 'rampart-demo-'));
  const driver = createBubblewrapDriver({ runtimeDir: join(dir, 'run'), workDirLimit: 'none' });
  try {
    await driver.checkAvailable();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    return { unavailable: (error as Error).message };
  }
  const { startSimulator } = await import('@rampart/simulator');
  const sim = await startSimulator();
  const config = parseGatewayConfig(
    {
      providers: simulatedConfig(sim.url).providers,
      auth: { required: false },
      routes: {
        [DEMO_MODEL]: {
          strategy: { mode: 'fallback' },
          targets: [
            { provider: PRIMARY, model: 'claude-sonnet-4-5' },
            { provider: BACKUP, model: 'claude-sonnet-4-5' },
          ],
        },
      },
    },
    {},
    'the demo',
  );
  const gateway = createGateway({ config, logger: createLogger({ level: 'silent' }) });
  const url = await gateway.listen(0);
  const store = await openStore({ url: join(dir, 'rampart.db') });
  const manager = createSandboxManager({ store, driver, workRoot: join(dir, 'work') });
  await manager.start();
  const threadId = 'demo-thread';
  const tools = await createAgentToolHost({ threadId, userId: 'demo-user', notebook: manager });
  try {
    // The primary provider is down for the whole demo: every request to it gets a 503.
    sim.faults.add({
      match: { provider: PRIMARY },
      effect: { type: 'status', status: 503, message: 'Service unavailable (simulated outage)' },
    });
    sim.script.push(...demoOpeningTurns(BACKUP));

    const print = createEventPrinter(options.color ?? false);
    write(
      print.banner([
        'Rampart demo: an agent analyses data in a sandboxed Python notebook while its primary model provider is down.',
        "SIMULATED: the model providers are Rampart's simulator playing a scripted conversation (no credentials, no",
        `network); ${PRIMARY} answers every request with 503, the gateway falls back to ${BACKUP}. REAL: the gateway,`,
        'its routing and cost accounting, the agent loop and its event stream, and the Python kernel running the code.',
      ]),
    );
    write(print.user(DEMO_TASK));
    const model = options.modelFor?.({ url, gateway }) ?? createGatewayModel(gateway);
    let cellsDone = 0;
    const run = await runAgentInMemory({
      model,
      tools,
      threadId,
      userId: 'demo-user',
      config: {
        model: DEMO_MODEL,
        system: 'You are a data analyst. Use the notebook to compute; answer briefly with the numbers.',
        maxSteps: 6,
        maxCostUsd: '0.50',
        maxTokens: 1024,
      },
      messages: [userText(DEMO_TASK)],
      onEvent(event: AgentEvent) {
        write(print.event(event));
        if (event.type === 'tool_result' && !event.isError && ++cellsDone === 2) {
          // The model's last turn is written from the kernel's real output (see agent-demo-script.ts).
          const answer = demoAnswerTurn(BACKUP, event.output);
          sim.script.push(
            answer ?? { match: { provider: BACKUP }, text: `The analysis printed:\n${event.output}` },
          );
        }
      },
    });
    const requests = sim.requests;
    const primaryFailures = requests.filter((r) => r.provider === PRIMARY).length;
    const backupCalls = requests.filter((r) => r.provider === BACKUP).length;
    write(print.summary(run, primaryFailures, backupCalls, PRIMARY, BACKUP));
    return { ...run, primaryFailures, backupCalls };
  } finally {
    await tools.close();
    await manager.close();
    await store.close();
    await gateway.close();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}
