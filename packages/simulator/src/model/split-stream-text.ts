// How streamed output is chunked: text a few words per delta, tool-call JSON in short fragments that are not
// valid JSON on their own (clients must join before parsing, as with the real APIs).

/** Split text into deltas of about three words each; the pieces join back to the input exactly. */
export function splitTextDeltas(text: string, wordsPerDelta = 3): string[] {
  const words = text.match(/\s*\S+\s*/gu) ?? [];
  if (words.length === 0) return text === '' ? [] : [text];
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerDelta)
    pieces.push(words.slice(i, i + wordsPerDelta).join(''));
  // Keep any leading whitespace the regex did not attach.
  const joined = pieces.join('');
  if (joined !== text) pieces[0] = text.slice(0, text.length - joined.length) + (pieces[0] ?? '');
  return pieces;
}

/** Split serialized JSON into fragments of `size` code points. */
export function splitJsonFragments(json: string, size = 10): string[] {
  const chars = [...json];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}
