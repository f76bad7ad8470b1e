// What callers of the manager hold: a thread's notebook, served locally or forwarded to the manager that owns it.
import type { CellResult } from '../sandbox-driver.js';

/** A cell result plus what the platform must tell the caller (kernel restarted, state lost). */
export interface NotebookCellResult extends CellResult {
  /** Human-readable notices about the sandbox since the last cell, e.g. a recovery that lost variables. */
  notices: string[];
}

/** One file of the work dir. */
export interface NotebookFile {
  /** Path relative to the work dir. */
  path: string;
  sizeBytes: number;
}

/** The work dir listing, capped. */
export interface NotebookFileList {
  /** The work dir as the kernel sees it (e.g. /work inside bubblewrap). */
  root: string;
  files: NotebookFile[];
  truncated: boolean;
}

/** Options of one cell. */
export interface RunCellOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** A thread's notebook. */
export interface Notebook {
  readonly threadId: string;
  /** Where it runs: this process, or forwarded to the owning manager. */
  readonly location: 'local' | 'remote';
  run(code: string, options: RunCellOptions): Promise<NotebookCellResult>;
  /** Restarts the kernel in the same work dir: variables are lost, files are kept. */
  restart(): Promise<void>;
  listFiles(): Promise<NotebookFileList>;
}
