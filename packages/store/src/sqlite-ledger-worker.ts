// The ledger thread's entry (started by sqlite-ledger-thread.ts): its own connection to the database file,
// group commits on request, the inserted request ids (or the error) sent back.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { sqliteLedgerCommit } from './sqlite-ledger-commit.js';
import type { LedgerBatch } from './store-usage-records.js';

/** What the ledger thread is started with. */
export interface LedgerWorkerData {
  file: string;
  busyTimeoutMs: number;
}

/** A commit request and its answer. */
export type LedgerWorkerRequest = { id: number; batch: LedgerBatch };
export type LedgerWorkerReply = { id: number; inserted: string[] } | { id: number; error: string };

const { file, busyTimeoutMs } = workerData as LedgerWorkerData;
const database = new Database(file, { timeout: busyTimeoutMs });
// journal_mode is the file's (WAL, set by the main connection); synchronous is per connection.
database.pragma('synchronous = NORMAL');
database.pragma('foreign_keys = ON');
const commit = sqliteLedgerCommit(database);

parentPort!.on('message', ({ id, batch }: LedgerWorkerRequest) => {
  let reply: LedgerWorkerReply;
  try {
    reply = { id, inserted: commit(batch) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
