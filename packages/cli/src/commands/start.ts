// `rampart start`: one process running the gateway. With no provider credentials anywhere it starts the
// provider simulators in-process and says so loudly, so a new user sees the whole platform work.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  bootstrapTenancy,
  ConfigError,
  configFromEnvironment,
  createGateway,
  createTenancy,
  resolveAdminToken,
  resolveMasterKey,
  createLogger,
  loadGatewayConfigFile,
  simulatedConfig,
  type Environment,
  type GatewayConfig,
} from '@rampart/gateway';
import { gatewayAgents, startAgentRuntime, type AgentConfig } from '@rampart/agent';
import type { SandboxManager } from '@rampart/sandbox';
import { InProcessStateStore, RedisStateStore, type StateStore } from '@rampart/state';
import { openStore } from '@rampart/store';
import type { startSimulator as startSimulatorType } from '@rampart/simulator';

// The simulator and the notebook service are imported only when they run: a gateway in front of real
// providers without notebooks does not carry their code (tens of MB resident).
type StartSimulator = typeof startSimulatorType;

/** Parses options, starts everything, and stops cleanly on SIGINT/SIGTERM. */
export async function runStart(argv: string[], env: Environment): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      config: { type: 'string' },
      'mcp-port': { type: 'string' },
      'no-notebooks': { type: 'boolean' },
      'no-auth': { type: 'boolean' },
    },
    strict: true,
  });
  const port = Number(values.port ?? env.RAMPART_PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be a port number, got "${values.port ?? env.RAMPART_PORT}"`);
  const host = values.host ?? env.RAMPART_HOST ?? '127.0.0.1';
  const dataDir = resolve(values['data-dir'] ?? env.RAMPART_DATA_DIR ?? '.rampart');
  const configPath = values.config ?? env.RAMPART_CONFIG;
  await mkdir(dataDir, { recursive: true });

  const logger = createLogger();
  let config: GatewayConfig | undefined;
  try {
    config = configPath ? await loadGatewayConfigFile(configPath, env) : configFromEnvironment(env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  let simulator: Awaited<ReturnType<StartSimulator>> | undefined;
  if (!config) {
    const { startSimulator } = await import('@rampart/simulator');
    simulator = await startSimulator({ host: '127.0.0.1', port: 0 });
    config = simulatedConfig(simulator.url);
    banner([
      'NO PROVIDER CREDENTIALS CONFIGURED: providers are SIMULATED.',
      `OpenAI, Anthropic and Bedrock simulators run in this process at ${simulator.url}.`,
      'Set OPENAI_API_KEY, ANTHROPIC_API_KEY or AWS credentials, or pass --config, to use real providers.',
    ]);
  }

  if (values['no-auth']) config = { ...config, auth: { required: false } };
  // Durable store (SQLite in the data dir, or DATABASE_URL) and shared state (in-process, or REDIS_URL).
  const store = await openStore({ url: env.DATABASE_URL ?? join(dataDir, 'rampart.db') });
  const state: StateStore = env.REDIS_URL
    ? new RedisStateStore({ url: env.REDIS_URL })
    : new InProcessStateStore();
  const masterKey = await resolveMasterKey(env, dataDir);
  const adminToken = await resolveAdminToken(env, dataDir);
  if (masterKey.source === 'generated')
    process.stdout.write(
      `generated the credential master key into ${masterKey.path} (mode 0600): back it up\n`,
    );
  const tenancy = createTenancy({
    store,
    state,
    masterKey: masterKey.value,
    config,
    onError: (err, during) => logger.warn({ err }, `tenancy: ${during} failed`),
  });
  await tenancy.start();
  const firstKey = await bootstrapTenancy(tenancy);

  // The agent runtime (threads API, durable runs) on the same store; REDIS_URL puts runs on BullMQ. Its agents call
  // models through this gateway in-process and get their thread's notebook as a tool. Runs recovered at start-up
  // wait until the gateway and the notebook service are up.
  let notebookManager: SandboxManager | undefined;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const agentConfig = agentConfigFrom(env, config);
  const runtime = await startAgentRuntime({
    store,
    ...(env.REDIS_URL === undefined ? {} : { redisUrl: env.REDIS_URL }),
    log: (event, fields) => logger.info(fields, `agent: ${event}`),
    agents: (run) =>
      gatewayAgents({
        gateway: { chat: (request, options) => gateway.chat(request, options) },
        config:
          notebookManager === undefined ? agentConfig : { ...agentConfig, system: NOTEBOOK_SYSTEM_PROMPT },
        // Limits, budgets and the ledger apply to the user whose key posted the message.
        resolvePrincipal: (principal) => tenancy.principalOfKey(principal.keyId),
        ...(notebookManager === undefined ? {} : { notebook: notebookManager }),
        ready,
      })(run),
  });

  const gateway = createGateway({
    config,
    logger,
    state,
    tenancy,
    store,
    admin: { token: adminToken.value, tenancy },
    healthExtras: () => ({ simulatedProviders: simulator !== undefined }),
    extraRoutes: [runtime.routes],
  });
  const url = await gateway.listen(port, host);
  const notebooks = values['no-notebooks']
    ? { unavailable: 'disabled by --no-notebooks' }
    : await (
        await import('./start-notebooks.js')
      ).startNotebooks({
        dataDir,
        host,
        port: Number(values['mcp-port'] ?? env.RAMPART_MCP_PORT ?? (port === 0 ? 0 : port + 1)),
        gatewayUrl: url,
        // Each thread's sandbox gets a virtual key of its user minted here; users map to tenants through the store.
        store,
        tenancy,
        log: (event, fields) => logger.info(fields, event),
      });
  if ('manager' in notebooks) notebookManager = notebooks.manager;
  markReady();
  const someModel = Object.keys(config.models)[0] ?? 'MODEL';
  process.stdout.write(
    [
      `rampart gateway listening on ${url}  (data dir ${dataDir})`,
      `  providers: ${Object.keys(config.providers).join(', ')}`,
      `  OpenAI-compatible:    ${url}/v1/chat/completions`,
      `  Anthropic-compatible: ${url}/v1/messages`,
      'url' in notebooks
        ? `  notebook MCP (notebook_run_cell): ${notebooks.url}  (thread by x-rampart-thread-id or /threads/<id>/mcp)`
        : `  notebook MCP: NOT STARTED: ${notebooks.unavailable}`,
      `  threads API: ${url}/v1/threads  (agent model ${agentConfig.model}, tools: ${'url' in notebooks ? 'notebook' : 'none'}, runs: ${env.REDIS_URL === undefined ? 'in-process' : 'BullMQ on REDIS_URL'})`,
      `  admin API: ${url}/admin/v1  (token: ${adminToken.source === 'env' ? 'RAMPART_ADMIN_TOKEN' : adminToken.path})`,
      config.auth.required
        ? '  auth: virtual keys required (rampart keys create …)'
        : '  auth: OFF (--no-auth)',
      `  try: curl -N ${url}/v1/chat/completions -H 'content-type: application/json' \\`,
      `         -H "authorization: Bearer ${firstKey?.secret ?? '$RAMPART_KEY'}" \\`,
      `         -d '{"model":"${someModel}","stream":true,"messages":[{"role":"user","content":"Hello"}]}'`,
      '',
    ].join('\n'),
  );

  if (firstKey) firstStartBanner(firstKey.secret, adminToken.value);

  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    // Runs in flight stop at their last checkpoint and resume on the next start (or another worker).
    await runtime.close();
    if ('close' in notebooks) await notebooks.close();
    await gateway.close();
    await tenancy.close();
    await state.close();
    await store.close();
    await simulator?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

/**
 * The agent behind the threads API: RAMPART_AGENT_MODEL (default claude-sonnet-4-5 when configured, else the first
 * model), RAMPART_AGENT_MAX_STEPS (default 20), RAMPART_AGENT_MAX_COST_USD (default 1.00 per run).
 */
function agentConfigFrom(env: Environment, config: GatewayConfig): AgentConfig {
  const models = Object.keys(config.models);
  const model =
    env.RAMPART_AGENT_MODEL ??
    (models.includes('claude-sonnet-4-5') ? 'claude-sonnet-4-5' : (models[0] ?? 'claude-sonnet-4-5'));
  const maxSteps = Number(env.RAMPART_AGENT_MAX_STEPS ?? 20);
  if (!Number.isInteger(maxSteps) || maxSteps < 1)
    fail(`RAMPART_AGENT_MAX_STEPS must be a positive integer, got "${env.RAMPART_AGENT_MAX_STEPS}"`);
  const maxCostUsd = env.RAMPART_AGENT_MAX_COST_USD ?? '1.00';
  if (!/^\d+(\.\d+)?$/.test(maxCostUsd))
    fail(`RAMPART_AGENT_MAX_COST_USD must be a decimal amount like 1.50, got "${maxCostUsd}"`);
  return {
    model,
    maxSteps,
    maxCostUsd,
    maxTokens: 4096,
  };
}

const NOTEBOOK_SYSTEM_PROMPT =
  "You are a careful data assistant. When a task needs computation, run Python in this thread's notebook with " +
  'the notebook_run_cell tool (state persists between cells), then answer briefly from its output.';

// Printed once: the first key is stored only as a hash, the admin token sits in its 0600 file.
function firstStartBanner(secret: string, adminToken: string): void {
  banner([
    'FIRST START: created team "default", user "developer" and this virtual key (shown once):',
    `  ${secret}`,
    `admin token (for rampart teams|users|credentials|keys): ${adminToken}`,
  ]);
}

function banner(lines: string[]): void {
  const width = Math.max(...lines.map((l) => l.length));
  const rule = '*'.repeat(width + 4);
  process.stdout.write(`${rule}\n${lines.map((l) => `* ${l.padEnd(width)} *`).join('\n')}\n${rule}\n`);
}

function fail(message: string): never {
  process.stderr.write(`rampart start: ${message}\n`);
  process.exit(2);
}
