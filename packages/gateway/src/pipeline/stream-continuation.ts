// Keeps one client-visible stream coherent across upstream attempts. When a stream is cut after content
// reached the client, the next target continues from the text already sent (as assistant prefill); its
// events are renumbered into the blocks the client already knows, and usage of both attempts is added.
import { addUsage, type ChatRequest, type StreamEvent, type Usage } from '@rampart/spec';

/** What the client has been sent so far in this response. */
export class StreamProgress {
  /** All text sent, in order, across blocks. */
  text = '';
  /** A tool call was started: the response can no longer be continued by prefill. */
  sawToolCall = false;
  /** Usage reported by attempts that did not finish (e.g. the input side from a cut stream's start). */
  #carriedUsage: Usage = {};
  /** Usage seen in the current attempt so far. */
  #attemptUsage: Usage = {};
  /** Index of the text block that is open on the client side, if any. */
  #openText: number | undefined;
  #nextIndex = 0;
  /** Upstream block index → client block index, for the current attempt. */
  #indexMap = new Map<number, number>();
  #continuing = false;
  /** Whitespace trimmed off the prefill: a continuation that starts with whitespace must not repeat it. */
  #trimmedWhitespace = false;

  /** Translates one upstream event into what the client should get (undefined: nothing). */
  accept(event: StreamEvent): StreamEvent | undefined {
    switch (event.type) {
      case 'start':
        if (event.usage) this.#attemptUsage = event.usage;
        return this.#continuing ? undefined : event;
      case 'text_start': {
        if (this.#continuing && this.#openText !== undefined) {
          this.#indexMap.set(event.index, this.#openText);
          return undefined;
        }
        const index = this.#allocate(event.index);
        this.#openText = index;
        return { type: 'text_start', index };
      }
      case 'text_delta': {
        let text = event.text;
        if (this.#trimmedWhitespace) {
          text = text.replace(/^\s+/, '');
          if (text !== '') this.#trimmedWhitespace = false;
          if (text === '') return undefined;
        }
        this.text += text;
        return { type: 'text_delta', index: this.#map(event.index), text };
      }
      case 'tool_call_start':
        this.sawToolCall = true;
        return { ...event, index: this.#allocate(event.index) };
      case 'tool_call_delta':
        return { ...event, index: this.#map(event.index) };
      case 'block_end': {
        const index = this.#map(event.index);
        if (index === this.#openText) this.#openText = undefined;
        return { type: 'block_end', index };
      }
      case 'finish':
        return { ...event, usage: addUsage(this.#carriedUsage, event.usage) };
    }
  }

  /**
   * Prepares for a continuation after the current attempt failed: keeps its partial usage and builds the
   * request that asks the next target to go on from the text already sent.
   */
  continueFrom(request: ChatRequest): ChatRequest {
    this.#carriedUsage = addUsage(this.#carriedUsage, this.#attemptUsage);
    this.#attemptUsage = {};
    this.#indexMap = new Map();
    this.#continuing = true;
    // Providers reject a prefill that ends in whitespace; the continuation will bring its own.
    const prefill = this.text.replace(/\s+$/, '');
    this.#trimmedWhitespace = prefill.length < this.text.length;
    if (prefill === '') return request;
    return {
      ...request,
      messages: [...request.messages, { role: 'assistant', content: [{ type: 'text', text: prefill }] }],
    };
  }

  #allocate(upstreamIndex: number): number {
    const index = this.#nextIndex++;
    this.#indexMap.set(upstreamIndex, index);
    return index;
  }

  #map(upstreamIndex: number): number {
    return this.#indexMap.get(upstreamIndex) ?? upstreamIndex;
  }
}
