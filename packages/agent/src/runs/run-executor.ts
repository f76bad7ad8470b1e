// Executes one run on behalf of a worker: take the lease (waiting out a dead holder's), resume from the last
// checkpoint or start from the thread's history, drive the loop with fenced event and checkpoint writes, keep the
// lease alive, react to cancels, and record how it ended together with the messages it adds to the thread.
import { systemClock, type Clock } from '@rampart/resilience';
import type { RunRecord, Store } from '@rampart/store';
import type { AgentEventBody } from '../agent-events.js';
import { runAgent as defaultRunAgent } from '../loop/agent-run-agent.js';
import {
  initialCheckpoint,
  type AgentConfig,
  type ModelClient,
  type ModelPrincipal,
  type RunAgent,
  type RunCheckpoint,
  type RunOutcome,
  type ToolHost,
} from '../loop/agent-run-types.js';
import { newRunsId } from './run-ids.js';
import { newMessagesOfRun, toSpecMessage } from './run-messages.js';
import type { RunEventAppend, SaveCheckpoint } from '@rampart/store';
import { GroupCommit } from './run-group-commit.js';
import { LeaseLostError, RunEventWriter } from './run-event-writer.js';
import type { RunSignals } from './run-signals.js';

/** What one run needs from the deployment. */
export interface RunAgentSetup {
  model: ModelClient;
  tools: ToolHost;
  config: AgentConfig;
  /** Releases what the setup holds (MCP sessions…); called once the run stops on this worker. */
  close?(): Promise<void>;
}

/** Which run an agent is set up for. */
export interface RunIdentity {
  runId: string;
  threadId: string;
  userId: string;
  principal?: ModelPrincipal;
}

/** Builds the model client, tools and config of one run. */
export type AgentFactory = (run: RunIdentity) => Promise<RunAgentSetup>;

/** Structured log lines of the runtime. */
export type RunLog = (event: string, fields: Record<string, unknown>) => void;

/** Options of the executor. */
export interface RunExecutorOptions {
  store: Store;
  signals: RunSignals;
  agents: AgentFactory;
  /** The loop (the real one by default; tests may pass their own). */
  runAgent?: RunAgent;
  /** Names this worker in claim tokens and logs. */
  workerName: string;
  /** Lease length (default 30 000 ms); renewed every third of it and at every checkpoint. */
  leaseMs?: number;
  clock?: Clock;
  log?: RunLog;
}

/** How one execute() call ended on this worker. */
export type RunExecution =
  | 'completed'
  | 'failed'
  | 'cancelled'
  /** Someone else holds a live lease, or the run already ended. */
  | 'not_claimed'
  /** Another worker took the run over mid-way (this one was presumed dead); nothing more was written. */
  | 'lease_lost'
  /** This worker is shutting down; the run is left to be resumed from its checkpoint. */
  | 'interrupted';

/** Runs runs. */
export interface RunExecutor {
  execute(runId: string, shutdown?: AbortSignal): Promise<RunExecution>;
}

type StopReason = 'cancelled' | 'lease_lost' | 'shutdown';

const CANCELLED_EVENT: AgentEventBody = {
  type: 'error',
  code: 'run_cancelled',
  message: 'The run was cancelled.',
};

/** The terminal event written when a queued run is cancelled before any worker took it. */
export const CANCELLED_EVENT_BODY = CANCELLED_EVENT;

/** Creates an executor. */
export function createRunExecutor(options: RunExecutorOptions): RunExecutor {
  const { store, signals, agents } = options;
  const runAgentImpl = options.runAgent ?? defaultRunAgent;
  const leaseMs = options.leaseMs ?? 30_000;
  const clock = options.clock ?? systemClock;
  const log: RunLog = options.log ?? (() => undefined);
  // Group commits shared by every run this executor drives: events, and checkpoints.
  const eventWrites = new GroupCommit<RunEventAppend, boolean>(
    (batches) => store.runEvents.appendMany(batches),
    (b) => store.runEvents.append(b.runId, b.workerId, b.events),
  );
  const batcher = {
    append: (runId: string, workerId: string, events: RunEventAppend['events']) =>
      eventWrites.submit({ runId, workerId, events }),
  };
  const checkpointWrites = new GroupCommit<SaveCheckpoint, boolean>(
    (saves) => store.runs.saveCheckpoints(saves),
    (save) => store.runs.saveCheckpoint(save),
  );

  async function claim(runId: string, token: string, shutdown: AbortSignal): Promise<RunRecord | undefined> {
    const deadline = clock.now() + 2 * leaseMs;
    for (;;) {
      const claimed = await store.runs.claim({ runId, workerId: token, now: clock.now(), leaseMs });
      if (claimed !== undefined) return claimed;
      const run = await store.runs.get(runId);
      if (run?.status !== 'running' || run.leaseExpiresAt === null) return undefined;
      // Held by another worker: if it is dead its lease runs out soon; a live one keeps renewing it.
      const wait = run.leaseExpiresAt - clock.now() + 25;
      if (clock.now() + wait > deadline) return undefined;
      await clock.sleep(Math.max(wait, 10), shutdown);
    }
  }

  async function startingCheckpoint(
    run: RunRecord,
  ): Promise<{ checkpoint: RunCheckpoint; userContentJson: string }> {
    const own = await store.messages.listByRun(run.id);
    const user = own.find((m) => m.role === 'user');
    if (user === undefined) throw new Error(`run ${run.id} has no user message`);
    if (run.checkpointJson !== null)
      return {
        checkpoint: JSON.parse(run.checkpointJson) as RunCheckpoint,
        userContentJson: user.contentJson,
      };
    const history = await store.messages.list(run.threadId);
    const upTo = history.filter((m) => m.seq <= user.seq).map(toSpecMessage);
    return { checkpoint: initialCheckpoint(upTo), userContentJson: user.contentJson };
  }

  async function execute(
    runId: string,
    shutdown: AbortSignal = new AbortController().signal,
  ): Promise<RunExecution> {
    const token = `${options.workerName}/${newRunsId('claim')}`;
    let run: RunRecord | undefined;
    try {
      run = await claim(runId, token, shutdown);
    } catch (error) {
      if (shutdown.aborted) return 'interrupted';
      throw error;
    }
    if (run === undefined) return 'not_claimed';
    const claimed = run;
    log('run_claimed', { runId, worker: token, claims: claimed.claims });

    const controller = new AbortController();
    let stop: StopReason | undefined;
    const halt = (reason: StopReason) => {
      if (stop !== undefined) return;
      stop = reason;
      controller.abort(reason === 'lease_lost' ? new LeaseLostError(`run ${runId}: lease lost`) : reason);
    };
    const onShutdown = () => halt('shutdown');
    shutdown.addEventListener('abort', onShutdown, { once: true });
    if (shutdown.aborted) halt('shutdown');
    const offCancel = signals.onCancelRequested((id) => {
      if (id === runId) halt('cancelled');
    });
    if (claimed.cancelRequestedAt !== null) halt('cancelled');

    const writer = new RunEventWriter(
      store,
      signals,
      runId,
      token,
      await store.runEvents.lastSeq(runId),
      () => clock.now(),
      batcher,
    );
    let version = claimed.checkpointVersion;
    const renewing = renewLease(runId, token, controller.signal, (lost) =>
      halt(lost ? 'lease_lost' : 'cancelled'),
    );
    let setup: RunAgentSetup | undefined;
    const principal =
      claimed.principalJson === null ? undefined : (JSON.parse(claimed.principalJson) as ModelPrincipal);

    const finish = async (
      status: 'completed' | 'failed' | 'cancelled',
      messages: ReturnType<typeof newMessagesOfRun>,
      error?: { code: string; message: string },
    ): Promise<RunExecution> => {
      await writer.flush();
      const events = writer.takeHeld();
      const ok = await store.runs.finish({
        runId,
        workerId: token,
        status,
        ...(error === undefined ? {} : { error }),
        messages,
        events,
        now: clock.now(),
      });
      if (!ok) return 'lease_lost';
      writer.stored(events);
      log('run_finished', { runId, status, ...(error === undefined ? {} : { code: error.code }) });
      return status;
    };

    try {
      const { checkpoint, userContentJson } = await startingCheckpoint(claimed);
      // (The loop itself emits run_started, unless the run already streamed events.)
      const resumed = writer.seq > 1;
      if (resumed) {
        // What the dead worker streamed after its last checkpoint belongs to a step that runs again: mark it
        // superseded rather than pretend it was not sent (clients drop it; the store stays append-only).
        const lastStored = writer.seq - 1;
        const base = claimed.checkpointJson === null ? 1 : checkpoint.eventSeq;
        const supersedes =
          base !== undefined && lastStored > base ? { fromSeq: base + 1, toSeq: lastStored } : undefined;
        await writer.emit({
          type: 'notice',
          step: checkpoint.steps,
          code: 'run_resumed',
          message:
            supersedes === undefined
              ? 'The worker running this task stopped; resumed from the last completed step.'
              : `The worker running this task stopped; resumed from the last completed step. Events ${supersedes.fromSeq}–${supersedes.toSeq} (the interrupted step) are superseded by what follows.`,
          ...(supersedes === undefined ? {} : { supersedes }),
        });
      }
      if (stop === 'cancelled') {
        await writer.emit(CANCELLED_EVENT);
        return await finish('cancelled', newMessagesOfRun(checkpoint.messages, userContentJson, runId), {
          code: 'run_cancelled',
          message: 'The run was cancelled.',
        });
      }
      setup = await agents({
        runId,
        threadId: claimed.threadId,
        userId: claimed.userId,
        ...(principal === undefined ? {} : { principal }),
      });
      let outcome: RunOutcome;
      try {
        outcome = await runAgentImpl(
          {
            runId,
            threadId: claimed.threadId,
            userId: claimed.userId,
            ...(principal === undefined ? {} : { principal }),
            checkpoint,
            resumed,
            signal: controller.signal,
          },
          {
            model: setup.model,
            tools: setup.tools,
            config: setup.config,
            clock,
            emit: (body) => writer.emitNoWait(body),
            async saveCheckpoint(cp) {
              // Events before the checkpoint are stored before it: a resumed run never lacks an event for a step
              // its checkpoint says is done.
              await writer.flush();
              const ok = await checkpointWrites.submit({
                runId,
                workerId: token,
                expectedVersion: version,
                checkpointJson: JSON.stringify({ ...cp, eventSeq: writer.seq - 1 }),
                now: clock.now(),
                leaseMs,
              });
              if (!ok) {
                halt('lease_lost');
                throw new LeaseLostError(`run ${runId}: the lease was lost; checkpoint not saved`);
              }
              version += 1;
            },
          },
        );
      } catch (error) {
        if (stop === 'lease_lost' || error instanceof LeaseLostError) return 'lease_lost';
        if (stop === 'shutdown') return 'interrupted';
        throw error;
      }
      if (stop === 'lease_lost') return 'lease_lost';
      if (stop === 'shutdown') return 'interrupted';
      const added = newMessagesOfRun(
        outcome.checkpoint.messages,
        userContentJson,
        runId,
        outcome.status === 'completed' ? outcome.text : undefined,
      );
      if (outcome.status === 'completed') return await finish('completed', added);
      if (outcome.status === 'failed')
        return await finish('failed', added, { code: outcome.code, message: outcome.message });
      await writer.emit(CANCELLED_EVENT);
      return await finish('cancelled', added, { code: 'run_cancelled', message: 'The run was cancelled.' });
    } catch (error) {
      if (stop === 'lease_lost' || error instanceof LeaseLostError) return 'lease_lost';
      if (stop === 'shutdown') return 'interrupted';
      log('run_error', { runId, err: String(error) });
      // The run cannot go on (its setup or the loop itself failed): end it visibly rather than retry forever.
      try {
        await writer.emit({
          type: 'error',
          code: 'internal',
          message: 'The run failed inside the platform.',
        });
        return await finish('failed', [], {
          code: 'internal',
          message: (error as Error).message ?? String(error),
        });
      } catch {
        return 'lease_lost';
      }
    } finally {
      controller.abort('finished');
      offCancel();
      shutdown.removeEventListener('abort', onShutdown);
      await renewing;
      await setup?.close?.().catch(() => undefined);
    }
  }

  /** Renews the lease every third of it until signal aborts; reports a lost lease or a requested cancel. */
  async function renewLease(
    runId: string,
    token: string,
    signal: AbortSignal,
    onStop: (lost: boolean) => void,
  ): Promise<void> {
    while (!signal.aborted) {
      try {
        await clock.sleep(leaseMs / 3, signal);
      } catch {
        return;
      }
      try {
        const renewed = await store.runs.renewLease({ runId, workerId: token, now: clock.now(), leaseMs });
        if (renewed === undefined) onStop(true);
        else if (renewed.cancelRequested) onStop(false);
      } catch (error) {
        // A store hiccup: the next renewal (or a checkpoint) tries again well before the lease runs out.
        log('lease_renew_failed', { runId, err: String(error) });
      }
    }
  }

  return { execute };
}
