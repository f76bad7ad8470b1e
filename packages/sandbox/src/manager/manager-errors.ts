// Errors of the lifecycle manager. `code` is stable so the MCP edge can map them without parsing messages.

/** Stable codes of manager errors. */
export type SandboxManagerErrorCode =
  | 'manager_closed'
  | 'sandbox_wait_timeout'
  | 'sandbox_start_failed'
  | 'sandbox_owner_unreachable'
  | 'sandbox_not_owner'
  | 'sandbox_lost_ownership';

/** Base of every manager error; `code` is stable, `cause` is kept. */
export class SandboxManagerError extends Error {
  override readonly name: string = 'SandboxManagerError';
  readonly code: SandboxManagerErrorCode;

  constructor(code: SandboxManagerErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
