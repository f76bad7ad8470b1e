// Plain-text tables for benchmark reports: fixed-width columns that line up in a terminal and in a README
// code block. Pure, so the layout is tested without running a benchmark.

/** How one column aligns its cells; numbers read best right-aligned. */
export type ColumnAlign = 'left' | 'right';

/** A column heading and its alignment. */
export interface TableColumn {
  title: string;
  align?: ColumnAlign;
}

/**
 * Renders rows under headed columns separated by two spaces, with a dashed rule under the headings.
 * A row shorter than the columns is padded with empty cells; a longer one is refused.
 */
export function formatTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string {
  for (const [index, row] of rows.entries()) {
    if (row.length > columns.length)
      throw new RangeError(`row ${index} has ${row.length} cells for ${columns.length} columns`);
  }
  const widths = columns.map((column, c) =>
    Math.max(column.title.length, ...rows.map((row) => (row[c] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, c) => {
        const cell = cells[c] ?? '';
        const width = widths[c] as number;
        return column.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(columns.map((column) => column.title)), rule, ...rows.map(line)].join('\n');
}
