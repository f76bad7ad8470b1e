// Turns a cell result into MCP tool content, the one place where notebook outputs meet the MCP wire:
// notices first (the caller must learn that state was lost before reading anything else), then outputs in order —
// stream text merged per stream, PNG/JPEG as image content, HTML (DataFrames) as an embedded text/html resource
// beside its plain-text form, tracebacks as text with isError. Truncation markers are in the text and pass as is.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { CellOutput } from '../sandbox-driver.js';
import type { NotebookCellResult } from '../manager/manager-notebook.js';

type Content = CallToolResult['content'][number];

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
const ANSI = new RegExp(String.raw`\u001b\[[0-9;]*m`, 'g');

/** MCP content of a cell result; `uriBase` names HTML resources, e.g. notebook://threads/T. */
export function cellResultToContent(result: NotebookCellResult, uriBase: string): CallToolResult {
  const content: Content[] = [];
  for (const notice of result.notices) content.push(text(`[rampart notice] ${notice}`));
  let stream: { name: string; text: string } | undefined;
  const flush = (): void => {
    if (stream === undefined) return;
    content.push(text(stream.name === 'stderr' ? `[stderr]\n${stream.text}` : stream.text));
    stream = undefined;
  };
  result.outputs.forEach((output, index) => {
    if (output.kind === 'stream') {
      const name = output.name ?? 'stdout';
      const chunk = output.data['text/plain'] ?? '';
      if (stream !== undefined && stream.name === name) stream.text += chunk;
      else {
        flush();
        stream = { name, text: chunk };
      }
      return;
    }
    flush();
    content.push(...richContent(output, `${uriBase}/outputs/${result.executionCount ?? 'x'}-${index}`));
  });
  flush();
  if (result.status === 'timeout') {
    content.push(
      text(`[rampart] The cell timed out after ${formatMs(result.durationMs)} and was interrupted.`),
    );
  } else if (result.status === 'interrupted') {
    content.push(text('[rampart] The cell was interrupted.'));
  }
  if (content.length === 0) content.push(text('(no output)'));
  return { content, isError: result.status !== 'ok' };
}

function richContent(output: CellOutput, uri: string): Content[] {
  if (output.kind === 'error' && output.error !== undefined) {
    const { ename, evalue, traceback } = output.error;
    const body = traceback.length > 0 ? traceback.join('\n').replace(ANSI, '') : `${ename}: ${evalue}`;
    return [text(body)];
  }
  const data = output.data;
  const parts: Content[] = [];
  for (const mimeType of IMAGE_TYPES) {
    const image = data[mimeType];
    if (image !== undefined) parts.push({ type: 'image', data: image.replace(/\s+/g, ''), mimeType });
  }
  const plain = data['text/plain'];
  const html = data['text/html'];
  // A plot's text/plain is "<Figure size …>": noise next to the image itself.
  if (plain !== undefined && !(parts.length > 0 && /^<Figure size/.test(plain))) parts.push(text(plain));
  if (html !== undefined) {
    parts.push({ type: 'resource', resource: { uri: `${uri}.html`, mimeType: 'text/html', text: html } });
    if (plain === undefined) parts.push(text(html));
  }
  if (parts.length === 0) {
    const kinds = Object.keys(data).join(', ');
    if (kinds !== '') parts.push(text(`[rampart] output of type ${kinds} cannot be shown`));
  }
  return parts;
}

function text(value: string): Content {
  return { type: 'text', text: value };
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
