// Collects one cell's outputs under a hard memory cap. Stream text (stdout/stderr) keeps a head and a tail with an
// explicit marker stating the sizes in between, so a cell printing a gigabyte costs us head + tail, never the
// gigabyte; rich outputs (results, displays, tracebacks) share their own budget. Silent truncation is the bug we
// avoid: the marker always says how much was dropped.
import type { CellOutput } from '../sandbox-driver.js';

/** Output caps of one cell. */
export interface OutputCapOptions {
  /** Stream bytes kept from the start of the cell's output. */
  headBytes: number;
  /** Stream bytes kept from the end of the cell's output. */
  tailBytes: number;
  /** Total bytes of rich outputs (results, displays, errors) kept; later ones are replaced by a note. */
  maxRichBytes: number;
}

/** 64 KiB head + 64 KiB tail of stream text, 8 MiB of rich output (a few plots and tables). */
export const DEFAULT_OUTPUT_CAP: OutputCapOptions = {
  headBytes: 64 * 1024,
  tailBytes: 64 * 1024,
  maxRichBytes: 8 * 1024 * 1024,
};

const fmt = (n: number): string => n.toLocaleString('en-US');

/** Accumulates the outputs of one cell, enforcing the caps as they arrive. */
export class CellOutputCollector {
  readonly #cap: OutputCapOptions;
  readonly #head: CellOutput[] = [];
  readonly #tail: CellOutput[] = [];
  #streamBytes = 0;
  #headStreamBytes = 0;
  #tailStreamBytes = 0;
  #richBytes = 0;

  constructor(cap: OutputCapOptions = DEFAULT_OUTPUT_CAP) {
    this.#cap = cap;
  }

  /** Adds one output in arrival order. */
  add(output: CellOutput): void {
    if (output.kind === 'stream') this.#addStream(output.name ?? 'stdout', output.data['text/plain'] ?? '');
    else this.#target().push(this.#capRich(output));
  }

  /** Honours clear_output: drops what was shown so far; the rich budget already spent stays spent. */
  clear(): void {
    this.#head.length = 0;
    this.#tail.length = 0;
    this.#streamBytes = 0;
    this.#headStreamBytes = 0;
    this.#tailStreamBytes = 0;
  }

  /** The outputs to return, with a truncation marker where stream text was dropped. */
  finish(): CellOutput[] {
    const omitted = this.#streamBytes - this.#headStreamBytes - this.#tailStreamBytes;
    if (omitted <= 0) return [...this.#head, ...this.#tail];
    const marker =
      `\n[rampart: output truncated: ${fmt(this.#streamBytes)} bytes of stdout/stderr in total; kept the first ` +
      `${fmt(this.#headStreamBytes)} and the last ${fmt(this.#tailStreamBytes)} bytes; ${fmt(omitted)} bytes omitted]\n`;
    return [...this.#head, { kind: 'stream', name: 'stderr', data: { 'text/plain': marker } }, ...this.#tail];
  }

  #target(): CellOutput[] {
    return this.#streamBytes > this.#headStreamBytes ? this.#tail : this.#head;
  }

  #addStream(name: string, text: string): void {
    const bytes = Buffer.byteLength(text);
    this.#streamBytes += bytes;
    const headRoom = this.#cap.headBytes - this.#headStreamBytes;
    // Still in the head: nothing has spilled to the tail yet and there is room left.
    if (this.#streamBytes - bytes === this.#headStreamBytes && headRoom > 0) {
      const kept = bytes <= headRoom ? text : sliceBytes(text, 0, headRoom);
      const keptBytes = Buffer.byteLength(kept);
      this.#headStreamBytes += keptBytes;
      pushStream(this.#head, name, kept);
      if (keptBytes === bytes) return;
      // The rest of this chunk starts the tail.
      this.#pushTail(name, sliceBytes(text, keptBytes));
      return;
    }
    this.#pushTail(name, text);
  }

  #pushTail(name: string, text: string): void {
    const limit = this.#cap.tailBytes;
    // Cut an oversized chunk before storing it: a 100 MB chunk must not be copied around.
    const trimmed = text.length > limit ? lastBytes(text, limit) : text;
    pushStream(this.#tail, name, trimmed);
    this.#tailStreamBytes += Buffer.byteLength(trimmed);
    while (this.#tailStreamBytes > limit) {
      const index = this.#tail.findIndex((output) => output.kind === 'stream');
      const first = this.#tail[index];
      if (first === undefined) break;
      const firstText = first.data['text/plain'] ?? '';
      const firstBytes = Buffer.byteLength(firstText);
      const excess = this.#tailStreamBytes - limit;
      if (firstBytes <= excess) {
        this.#tail.splice(index, 1);
        this.#tailStreamBytes -= firstBytes;
      } else {
        const rest = sliceBytes(firstText, excess);
        this.#tail[index] = { ...first, data: { 'text/plain': rest } };
        this.#tailStreamBytes -= firstBytes - Buffer.byteLength(rest);
      }
    }
  }

  #capRich(output: CellOutput): CellOutput {
    const size =
      Object.values(output.data).reduce((sum, value) => sum + value.length, 0) +
      (output.error?.traceback.reduce((sum, line) => sum + line.length, 0) ?? 0);
    if (this.#richBytes + size <= this.#cap.maxRichBytes) {
      this.#richBytes += size;
      return output;
    }
    const note =
      `[rampart: ${output.kind} output of ${fmt(size)} bytes omitted: the cell's rich output limit of ` +
      `${fmt(this.#cap.maxRichBytes)} bytes was reached]`;
    const kept: CellOutput = { kind: output.kind, data: { 'text/plain': note } };
    if (output.error !== undefined) {
      kept.error = {
        ename: output.error.ename,
        evalue: output.error.evalue.slice(0, 1024),
        traceback: [note],
      };
    }
    return kept;
  }
}

function pushStream(list: CellOutput[], name: string, text: string): void {
  if (text.length === 0) return;
  const last = list[list.length - 1];
  // Jupyter front ends merge consecutive chunks of one stream; so do we, which keeps outputs compact.
  if (last?.kind === 'stream' && last.name === name) {
    last.data = { 'text/plain': (last.data['text/plain'] ?? '') + text };
  } else {
    list.push({ kind: 'stream', name, data: { 'text/plain': text } });
  }
}

/** UTF-8 byte slice of text; a character cut in half becomes U+FFFD, which is acceptable at a truncation edge. */
function sliceBytes(text: string, start: number, end?: number): string {
  return Buffer.from(text, 'utf8').subarray(start, end).toString('utf8');
}

/** The last `limit` UTF-8 bytes of text without encoding all of it. */
function lastBytes(text: string, limit: number): string {
  const buffer = Buffer.from(text.slice(-limit), 'utf8');
  return buffer.subarray(Math.max(0, buffer.length - limit)).toString('utf8');
}
