// Errors raised by the sandbox's kernel client and drivers. `code` is stable so callers (the lifecycle manager, the
// MCP server) can decide what to do without parsing messages.

/** Stable codes of sandbox errors. */
export type SandboxErrorCode =
  | 'sandbox_unavailable'
  | 'sandbox_start_failed'
  | 'kernel_closed'
  | 'kernel_died'
  | 'kernel_unresponsive'
  | 'sandbox_limits_failed'
  | 'work_dir_failed';

/** Base of every sandbox error; `code` is stable, `cause` is kept. */
export class SandboxError extends Error {
  override readonly name: string = 'SandboxError';
  readonly code: SandboxErrorCode;

  constructor(code: SandboxErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
