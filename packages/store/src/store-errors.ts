// Errors of the durable store. `code` is stable so callers decide without parsing messages.

/** Stable codes of store errors. */
export type StoreErrorCode =
  | 'store_url_invalid'
  | 'store_open_failed'
  | 'store_migration_failed'
  /** The ledger thread failed a commit, or stopped. */
  | 'store_write_failed'
  /** A unique constraint refused the write (a name or key already taken). */
  | 'store_conflict';

/** Base of every store error; `code` is stable, `cause` is kept. */
export class StoreError extends Error {
  override readonly name: string = 'StoreError';
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
