import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable } from './format-table.js';

test('columns are as wide as their widest cell and aligned as asked', () => {
  const text = formatTable(
    [{ title: 'metric' }, { title: 'value', align: 'right' }],
    [
      ['throughput', '12,000'],
      ['p50', '0.2'],
    ],
  );
  assert.equal(
    text,
    ['metric       value', '----------  ------', 'throughput  12,000', 'p50            0.2'].join('\n'),
  );
});

test('short rows are padded and trailing spaces trimmed', () => {
  const text = formatTable([{ title: 'a' }, { title: 'bb' }], [['x']]);
  assert.equal(text, ['a  bb', '-  --', 'x'].join('\n'));
});

test('a row with more cells than columns is refused', () => {
  assert.throws(() => formatTable([{ title: 'a' }], [['1', '2']]), RangeError);
});

test('a table with no rows still shows its headings', () => {
  assert.equal(formatTable([{ title: 'only', align: 'right' }], []), 'only\n----');
});
