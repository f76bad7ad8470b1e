// An HTTP server with the threads API over a given store, for tests and the bench: keys `key-<user>` authenticate
// as user `<user>`; no key is a 401. The agent of every run is the step-scripted model and the counting tool.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RampartError } from '@rampart/spec';
import type { Store } from '@rampart/store';
import type { ThreadsAuthenticate } from '../http/threads-routes.js';
import type { AgentConfig } from '../loop/agent-run-types.js';
import type { ScriptedTurn } from '../model/agent-scripted-model.js';
import {
  startAgentRuntime,
  type AgentRuntime,
  type AgentRuntimeOptions,
} from '../runs/start-agent-runtime.js';
import { countingTools } from './runs-counting-tools.js';
import { stepScriptedModel, type StepScriptedModelOptions } from './runs-step-scripted-model.js';

/** Test keys: `Bearer key-<user>`. */
export const testAuthenticate: ThreadsAuthenticate = async (headers) => {
  const match = /^Bearer key-([a-z0-9]+)$/.exec(headers.authorization ?? '');
  if (match === null) throw new RampartError('authentication_failed', 'Missing or invalid API key.');
  return { keyId: `key-${match[1]}`, userId: match[1]!, teamId: 'team-test' };
};

/** The agent config of scripted runs. */
export const SCRIPTED_AGENT_CONFIG: AgentConfig = { model: 'scripted', maxSteps: 10 };

/** A running test server. */
export interface ThreadsTestServer {
  url: string;
  runtime: AgentRuntime;
  tools: ReturnType<typeof countingTools>;
  server: Server;
  close(): Promise<void>;
}

/** Starts the threads API with scripted agents on 127.0.0.1 (ephemeral port). */
export async function startThreadsTestServer(
  store: Store,
  script: ScriptedTurn[],
  options: Partial<AgentRuntimeOptions> & { model?: StepScriptedModelOptions } = {},
): Promise<ThreadsTestServer> {
  const tools = countingTools();
  const { model: modelOptions, ...runtimeOptions } = options;
  const runtime = await startAgentRuntime({
    store,
    agents: async () => ({
      model: stepScriptedModel(script, modelOptions),
      tools,
      config: SCRIPTED_AGENT_CONFIG,
    }),
    ssePollMs: 200,
    ...runtimeOptions,
  });
  let n = 0;
  const server = createServer((req, res) => {
    runtime
      .routes(req, res, { requestId: `req-${++n}`, authenticate: testAuthenticate })
      .then((handled) => {
        if (!handled) {
          res.writeHead(404).end();
        }
      })
      .catch(() => res.destroy());
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    runtime,
    tools,
    server,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await runtime.close();
    },
  };
}
