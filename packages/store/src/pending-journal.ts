// The pending rows of a gateway on a SQLite database file, as append-only journal files beside it (one series
// per gateway instance) instead of rows in pending_usage. A request's pending row must be durable before its
// first upstream call; as a table row that is a WAL commit (~15 system calls, a thread round trip, and a wait
// behind the commit in flight), as a journal line it is one write(2), after which the line survives a kill of
// the process (it is in the kernel's page cache; power loss can take it, as it can a synchronous=NORMAL
// commit). Nothing reads a journal while its gateway lives: a live gateway forgets a line once the request's
// record is committed, and deletes a file once every line in it is settled and a newer file has taken over.
// The files of a dead gateway are moved into pending_usage by the reconciler (drainJournals), which then
// reconciles them like any pending row. PostgreSQL deployments keep the table: their replicas run on other
// machines, which could not read a dead one's files.
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { StoreError } from './store-errors.js';
import type { PendingUsageRow } from './store-pending-usage.js';

/** A file is sealed (a new one started) once it holds this much: small enough to read back in one piece. */
const SEGMENT_BYTES = 4 * 1024 * 1024;
const FILE_NAME = /^(.+)\.(\d+)\.jsonl$/;

/** One journal file of a live gateway. */
export interface JournalSegment {
  readonly path: string;
  fd: number | undefined;
  bytes: number;
  /** Lines appended and not yet settled. */
  open: number;
  /** A newer file has taken over: this one is deleted when its last line is settled. */
  sealed: boolean;
}

/** A gateway instance's pending-row journal (see the file comment). */
export class PendingJournal {
  readonly #dir: string;
  readonly #instanceId: string;
  readonly #segmentBytes: number;
  #current: JournalSegment | undefined;
  #sequence = 0;
  readonly #segments = new Set<JournalSegment>();
  #queue: Array<{ line: string; resolve(segment: JournalSegment): void; reject(error: unknown): void }> = [];
  #flushing: NodeJS.Immediate | undefined;

  constructor(dir: string, instanceId: string, options: { segmentBytes?: number } = {}) {
    if (!/^[\w-]+$/.test(instanceId))
      throw new StoreError(
        'store_write_failed',
        `instance id ${JSON.stringify(instanceId)} cannot name a file`,
      );
    this.#dir = dir;
    this.#instanceId = instanceId;
    this.#segmentBytes = options.segmentBytes ?? SEGMENT_BYTES;
  }

  /**
   * Appends a pending row; once the promise resolves, the row survives a crash of this process. Resolves to the
   * segment to settle once the row's request is recorded (or dropped); rejects with
   * StoreError('store_write_failed'). Rows appended in one turn of the event loop go out in one write(2) at its
   * end: a system call costs ~10 µs on a small VM, and under load a turn admits many requests.
   */
  append(row: PendingUsageRow): Promise<JournalSegment> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ line: journalLine(row), resolve, reject });
      this.#flushing ??= setImmediate(() => this.#flush());
    });
  }

  /** The row appended to this segment is recorded or dropped: the line is no longer needed. */
  settle(segment: JournalSegment): void {
    segment.open--;
    if (segment.open === 0 && segment.sealed) this.#remove(segment);
  }

  /**
   * Starts a new file for the next rows. Called when another gateway took this one for dead (it may have moved
   * and deleted the files this one still appends to).
   */
  rotate(): void {
    if (this.#current) this.#seal(this.#current);
  }

  /** Lines not yet settled, in every file. */
  get unsettled(): number {
    let open = 0;
    for (const segment of this.#segments) open += segment.open;
    return open;
  }

  /** Closes the files; deletes those with nothing unsettled (a clean stop leaves nothing to reconcile). */
  close(): void {
    if (this.#flushing) {
      clearImmediate(this.#flushing);
      this.#flush();
    }
    for (const segment of [...this.#segments]) {
      this.#seal(segment); // deletes it when nothing in it is unsettled
      if (segment.fd !== undefined) {
        closeSync(segment.fd);
        segment.fd = undefined;
      }
    }
  }

  #flush(): void {
    this.#flushing = undefined;
    const queue = this.#queue;
    this.#queue = [];
    let segment: JournalSegment | undefined;
    let before = 0;
    try {
      segment = this.#writable();
      before = segment.bytes;
      const text = queue.map((item) => item.line).join('');
      const length = Buffer.byteLength(text);
      const written = writeSync(segment.fd!, text);
      segment.bytes += written;
      if (written !== length) throw new Error(`short write (${written} of ${length} bytes; disk full?)`);
    } catch (cause) {
      // Whole lines of a partial write would read as requests that reached an upstream (these are refused):
      // cut the file back, and send the next rows to a new file in case that fails too.
      if (segment) {
        if (segment.fd !== undefined) truncateQuietly(segment.fd, before);
        segment.bytes = before;
        this.#seal(segment);
      }
      const reason = cause instanceof Error ? cause.message : 'unknown error';
      const error = new StoreError(
        'store_write_failed',
        `cannot append to the pending-row journal: ${reason}`,
        {
          cause,
        },
      );
      for (const item of queue) item.reject(error);
      return;
    }
    segment.open += queue.length;
    if (segment.bytes >= this.#segmentBytes) this.#seal(segment);
    for (const item of queue) item.resolve(segment);
  }

  #writable(): JournalSegment {
    if (this.#current) return this.#current;
    mkdirSync(this.#dir, { recursive: true });
    const path = join(this.#dir, `${this.#instanceId}.${this.#sequence++}.jsonl`);
    let fd: number;
    try {
      fd = openSync(path, 'a');
    } catch (error) {
      throw new StoreError('store_write_failed', `cannot open ${path}`, { cause: error });
    }
    const segment: JournalSegment = { path, fd, bytes: 0, open: 0, sealed: false };
    this.#segments.add(segment);
    this.#current = segment;
    return segment;
  }

  #seal(segment: JournalSegment): void {
    segment.sealed = true;
    if (this.#current === segment) this.#current = undefined;
    if (segment.open === 0) this.#remove(segment);
  }

  #remove(segment: JournalSegment): void {
    this.#segments.delete(segment);
    if (segment.fd !== undefined) closeSync(segment.fd);
    segment.fd = undefined;
    unlinkQuietly(segment.path);
  }
}

/** The instance ids that have journal files in `dir`. */
export function journalInstances(dir: string): string[] {
  return [...new Set(journalFiles(dir).map((f) => f.instanceId))];
}

/**
 * Reads the journal files of these (dead) instances, hands their rows to `commitPending` (which must insert
 * them into pending_usage, ignoring rows already there), then deletes the files. A line cut short by a full disk
 * is skipped. Returns how many rows were moved.
 */
export async function drainJournals(
  dir: string,
  instanceIds: readonly string[],
  commitPending: (rows: PendingUsageRow[]) => Promise<unknown>,
): Promise<number> {
  const wanted = new Set(instanceIds);
  let moved = 0;
  for (const file of journalFiles(dir)) {
    if (!wanted.has(file.instanceId)) continue;
    let text: string;
    try {
      text = readFileSync(file.path, 'utf8');
    } catch (error) {
      // Another gateway's reconciler drained it first.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const rows = parseLines(text);
    for (let i = 0; i < rows.length; i += 500) await commitPending(rows.slice(i, i + 500));
    unlinkQuietly(file.path);
    moved += rows.length;
  }
  return moved;
}

/**
 * A row as a line: its JSON columns (JSON the gateway wrote) embedded as values, not escaped into strings, which
 * saves the escaping pass over every row on the request path.
 */
function journalLine(row: PendingUsageRow): string {
  return `{"requestId":${JSON.stringify(row.requestId)},"instanceId":${JSON.stringify(row.instanceId)},"principal":${row.principalJson},"estimate":${row.estimateJson},"reservations":${row.reservationsJson},"startedAt":${row.startedAt}}\n`;
}

interface JournalLine {
  requestId: string;
  instanceId: string;
  principal: unknown;
  estimate: unknown;
  reservations: unknown;
  startedAt: number;
}

function parseLines(text: string): PendingUsageRow[] {
  const rows: PendingUsageRow[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const parsed = JSON.parse(line) as JournalLine;
      rows.push({
        requestId: parsed.requestId,
        instanceId: parsed.instanceId,
        principalJson: JSON.stringify(parsed.principal),
        estimateJson: JSON.stringify(parsed.estimate),
        reservationsJson: JSON.stringify(parsed.reservations),
        startedAt: parsed.startedAt,
      });
    } catch {
      // A torn last line (the write failed part way): its request never got past admission.
    }
  }
  return rows;
}

function journalFiles(dir: string): Array<{ path: string; instanceId: string }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names.flatMap((name) => {
    const match = FILE_NAME.exec(name);
    return match ? [{ path: join(dir, name), instanceId: match[1]! }] : [];
  });
}

function truncateQuietly(fd: number, length: number): void {
  try {
    ftruncateSync(fd, length);
  } catch {
    // Nothing more to do: the file is sealed, and the reconciler skips a torn line.
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
