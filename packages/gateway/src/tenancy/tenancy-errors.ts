// Errors of tenancy operations, with stable codes the admin API maps to HTTP statuses.

/** Stable codes of tenancy errors. */
export type TenancyErrorCode =
  'not_found' | 'conflict' | 'invalid' | 'credential_unreadable' | 'master_key_invalid';

/** A tenancy operation failed; `code` is stable, `field` names the offending input when there is one. */
export class TenancyError extends Error {
  override readonly name: string = 'TenancyError';
  readonly code: TenancyErrorCode;
  readonly field: string | undefined;

  constructor(code: TenancyErrorCode, message: string, options: { cause?: unknown; field?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
  }
}
