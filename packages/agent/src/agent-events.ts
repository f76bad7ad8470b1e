// The events a client sees while a run streams (SSE `event:` = type, `id:` = seq). A stream never just stops:
// every tool call is framed by status events, every fallback or degradation is a notice, and a run always ends
// with `done` or `error`.
import type { Usage } from '@rampart/spec';

/** Why the platform tells the user something went differently than planned. */
export type NoticeCode =
  | 'provider_fallback'
  | 'streaming_degraded'
  | 'sandbox_restarted'
  | 'duplicate_tool_call'
  | 'tool_blocked'
  | 'history_pruned'
  /** A worker died mid-run; another resumed it from the last completed step. */
  | 'run_resumed';

/** One event of a run, without its sequence number. */
export type AgentEventBody =
  | { type: 'run_started'; runId: string; threadId: string }
  | { type: 'content'; step: number; text: string }
  | {
      type: 'status';
      step: number;
      status: 'generating' | 'calling_tool';
      tool?: string;
      toolCallId?: string;
    }
  | { type: 'tool_call'; step: number; toolCallId: string; tool: string; input: unknown }
  | { type: 'tool_result'; step: number; toolCallId: string; tool: string; output: string; isError: boolean }
  | {
      type: 'notice';
      step: number;
      code: NoticeCode;
      message: string;
      /**
       * On `run_resumed`: the already-sent events of the interrupted step (seqs fromSeq..toSeq, inclusive) were
       * superseded — that step is run again and its events follow. A client drops what those seqs showed.
       */
      supersedes?: { fromSeq: number; toSeq: number };
    }
  | { type: 'usage'; step: number; provider: string; model: string; usage: Usage; costUsd: string }
  | { type: 'done'; totalCostUsd: string; steps: number }
  | { type: 'error'; code: string; message: string };

/** An event as stored and streamed: numbered per run so a client resumes from the last id it saw. */
export type AgentEvent = AgentEventBody & { seq: number; at: number };
