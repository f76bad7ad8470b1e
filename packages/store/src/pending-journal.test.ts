// The pending-row journal: a row is on disk when append resolves, files go once every line in them is settled
// and a newer file took over, a clean close leaves nothing, and a dead instance's files are drained (torn last
// line skipped) and deleted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendFileSync,
  closeSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PendingJournal, drainJournals, journalInstances } from './pending-journal.js';
import { StoreError } from './store-errors.js';
import type { PendingUsageRow } from './store-pending-usage.js';

const row = (requestId: string, instanceId = 'gw_a'): PendingUsageRow => ({
  requestId,
  instanceId,
  principalJson: JSON.stringify({ keyId: 'key_1', threadId: 'a "quoted"\nthread' }),
  estimateJson: JSON.stringify({ inputTokens: 3, outputTokens: 5, tokens: 8, costNanos: 120 }),
  reservationsJson: JSON.stringify({ minute: 1, budgets: ['key:usd-day'] }),
  startedAt: 1_700_000_000_000,
});

function withDir(run: (dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-journal-'));
    try {
      await run(join(dir, 'rampart.db-pending'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const linesIn = (dir: string) =>
  readdirSync(dir).flatMap((name) =>
    readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => (JSON.parse(line) as PendingUsageRow).requestId),
  );

test(
  'rows appended in one turn share a write and are on disk when append resolves',
  withDir(async (dir) => {
    const journal = new PendingJournal(dir, 'gw_a');
    const segments = await Promise.all([journal.append(row('r1')), journal.append(row('r2'))]);
    assert.equal(segments[0], segments[1]);
    assert.deepEqual(linesIn(dir), ['r1', 'r2']);
    assert.match(readdirSync(dir)[0]!, /^gw_a\.0\.jsonl$/);
    assert.equal(journal.unsettled, 2);
    journal.settle(segments[0]);
    journal.settle(segments[1]);
    assert.equal(journal.unsettled, 0);
    assert.equal(readdirSync(dir).length, 1, 'the current file stays while it is written to');
    journal.close();
    assert.deepEqual(readdirSync(dir), [], 'a clean close leaves nothing to reconcile');
  }),
);

test(
  'a full file is sealed; it is deleted once its last line is settled, not before',
  withDir(async (dir) => {
    const journal = new PendingJournal(dir, 'gw_a', { segmentBytes: 400 });
    const first = await journal.append(row('r1'));
    const again = await journal.append(row('r2'));
    assert.equal(first, again);
    const next = await journal.append(row('r3'));
    assert.notEqual(next, first, 'the file reached its size and a new one took over');
    assert.equal(readdirSync(dir).length, 2);
    journal.settle(first);
    assert.equal(readdirSync(dir).length, 2, 'r2 is not settled yet');
    journal.settle(again);
    assert.deepEqual(readdirSync(dir), ['gw_a.1.jsonl']);
    journal.close();
    assert.deepEqual(linesIn(dir), ['r3'], 'close keeps a file with an unsettled line');
  }),
);

test(
  'rotate starts a new file (after another gateway drained this one as dead)',
  withDir(async (dir) => {
    const journal = new PendingJournal(dir, 'gw_a');
    const before = await journal.append(row('r1'));
    journal.rotate();
    const after = await journal.append(row('r2'));
    assert.notEqual(before, after);
    assert.deepEqual(readdirSync(dir).sort(), ['gw_a.0.jsonl', 'gw_a.1.jsonl']);
    journal.settle(before);
    assert.deepEqual(readdirSync(dir), ['gw_a.1.jsonl']);
    journal.close();
  }),
);

test(
  'a failed write rejects with store_write_failed',
  withDir(async (dir) => {
    writeFileSync(join(dir, '..', 'not-a-dir'), '');
    const journal = new PendingJournal(join(dir, '..', 'not-a-dir', 'pending'), 'gw_a');
    await assert.rejects(journal.append(row('r1')), (error: unknown) => {
      assert.ok(error instanceof StoreError);
      assert.equal(error.code, 'store_write_failed');
      return true;
    });
  }),
);

test(
  'after a failed write the rows are refused and the next ones go to a new file',
  withDir(async (dir) => {
    const journal = new PendingJournal(dir, 'gw_a');
    const first = await journal.append(row('r1'));
    closeSync(first.fd!); // the next write fails (EBADF)
    await assert.rejects(journal.append(row('r2')), { code: 'store_write_failed' });
    const next = await journal.append(row('r3'));
    assert.notEqual(next, first);
    assert.deepEqual(linesIn(dir).sort(), ['r1', 'r3'], 'the refused row is in no file');
    first.fd = undefined; // closed above
    journal.settle(first);
    journal.settle(next);
    journal.close();
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  'drain moves the named instances’ rows (torn last line skipped) and deletes their files',
  withDir(async (dir) => {
    const dead = new PendingJournal(dir, 'gw_dead');
    await dead.append(row('d1', 'gw_dead'));
    await dead.append(row('d2', 'gw_dead'));
    dead.close();
    appendFileSync(join(dir, 'gw_dead.0.jsonl'), '{"requestId":"torn');
    const live = new PendingJournal(dir, 'gw_live');
    await live.append(row('l1', 'gw_live'));
    assert.deepEqual(journalInstances(dir).sort(), ['gw_dead', 'gw_live']);

    const moved: PendingUsageRow[] = [];
    const count = await drainJournals(dir, ['gw_dead'], async (rows) => void moved.push(...rows));
    assert.equal(count, 2);
    assert.deepEqual(
      moved.map((r) => r.requestId),
      ['d1', 'd2'],
    );
    assert.deepEqual(moved[0], row('d1', 'gw_dead'), 'a row round-trips, quotes and newlines included');
    assert.deepEqual(journalInstances(dir), ['gw_live'], 'the live instance’s file is untouched');
    assert.equal(await drainJournals(join(dir, 'missing'), ['gw_dead'], async () => undefined), 0);
    live.close();
  }),
);
