// The forwarding side of cross-process access: a Notebook whose calls go to the manager that owns the thread.
import { SandboxManagerError } from './manager-errors.js';
import type { Notebook, NotebookCellResult, NotebookFileList, RunCellOptions } from './manager-notebook.js';

/** Settings of a forwarded notebook. */
export interface PeerNotebookOptions {
  threadId: string;
  /** Base URL of the owner's peer endpoint. */
  endpoint: string;
  token: string | undefined;
}

// Beyond the cell's own timeout, time for the owner to interrupt, restart and answer.
const FORWARD_MARGIN_MS = 30_000;

/** A notebook served by another manager process. */
export class PeerNotebook implements Notebook {
  readonly threadId: string;
  readonly location = 'remote' as const;
  readonly #options: PeerNotebookOptions;

  constructor(options: PeerNotebookOptions) {
    this.threadId = options.threadId;
    this.#options = options;
  }

  run(code: string, options: RunCellOptions): Promise<NotebookCellResult> {
    return this.#call(
      'run',
      { code, timeoutMs: options.timeoutMs },
      options.timeoutMs + FORWARD_MARGIN_MS,
      options.signal,
    );
  }

  async restart(): Promise<void> {
    await this.#call('restart', {}, 60_000);
  }

  listFiles(): Promise<NotebookFileList> {
    return this.#call('files', {}, 30_000);
  }

  async #call<T>(action: string, body: unknown, timeoutMs: number, signal?: AbortSignal): Promise<T> {
    const url = `${this.#options.endpoint}/v1/threads/${encodeURIComponent(this.threadId)}/${action}`;
    const signals = [AbortSignal.timeout(timeoutMs), ...(signal === undefined ? [] : [signal])];
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.#options.token === undefined ? {} : { authorization: `Bearer ${this.#options.token}` }),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      throw new SandboxManagerError(
        'sandbox_owner_unreachable',
        `the manager owning thread ${this.threadId} at ${this.#options.endpoint} is unreachable`,
        { cause: error },
      );
    }
    const payload = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    if (response.status === 409) {
      throw new SandboxManagerError(
        'sandbox_not_owner',
        `${this.#options.endpoint} no longer owns ${this.threadId}`,
      );
    }
    if (!response.ok) {
      throw new SandboxManagerError(
        'sandbox_owner_unreachable',
        `the owning manager answered ${response.status} ${payload.code ?? ''} ${payload.message ?? ''}`.trim(),
      );
    }
    return payload as T;
  }
}
