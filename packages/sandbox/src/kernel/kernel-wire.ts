// The Jupyter messaging protocol v5.3 wire format: identities, the `<IDS|MSG>` delimiter, an HMAC-SHA256 signature
// over the four JSON parts, then header, parent header, metadata, content and optional binary buffers.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

const DELIMITER = '<IDS|MSG>';
const PROTOCOL_VERSION = '5.3';

/** A message header. */
export interface KernelMessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

/** A decoded Jupyter message. */
export interface KernelMessage {
  header: KernelMessageHeader;
  /** Empty object when the message has no parent. */
  parent_header: Partial<KernelMessageHeader>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
}

/** Signs and verifies messages for one session. */
export class KernelWire {
  readonly session = randomUUID();
  readonly #key: Buffer;

  constructor(hexKey: string) {
    this.#key = Buffer.from(hexKey, 'utf8');
  }

  /** Builds a new message of msgType. */
  message(msgType: string, content: Record<string, unknown>): KernelMessage {
    return {
      header: {
        msg_id: randomUUID(),
        msg_type: msgType,
        session: this.session,
        username: 'rampart',
        date: new Date().toISOString(),
        version: PROTOCOL_VERSION,
      },
      parent_header: {},
      metadata: {},
      content,
    };
  }

  /** Frames ready for a DEALER socket (the kernel's ROUTER adds our identity). */
  encode(message: KernelMessage): Buffer[] {
    const parts = [message.header, message.parent_header, message.metadata, message.content].map((part) =>
      Buffer.from(JSON.stringify(part), 'utf8'),
    );
    return [Buffer.from(DELIMITER), Buffer.from(this.#sign(parts)), ...parts];
  }

  /** Decodes frames received from any channel; returns undefined when malformed or the signature is wrong. */
  decode(frames: Buffer[]): KernelMessage | undefined {
    const at = frames.findIndex(
      (frame) => frame.length === DELIMITER.length && frame.toString() === DELIMITER,
    );
    if (at < 0 || frames.length < at + 6) return undefined;
    const signature = frames[at + 1] as Buffer;
    const parts = frames.slice(at + 2, at + 6);
    const expected = Buffer.from(this.#sign(parts));
    // A kernel we did not start (or a stale socket) must not be able to inject outputs.
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return undefined;
    try {
      const [header, parent, metadata, content] = parts.map((part) => JSON.parse(part.toString('utf8')));
      return { header, parent_header: parent ?? {}, metadata: metadata ?? {}, content: content ?? {} };
    } catch {
      return undefined;
    }
  }

  #sign(parts: Buffer[]): string {
    const hmac = createHmac('sha256', this.#key);
    for (const part of parts) hmac.update(part);
    return hmac.digest('hex');
  }
}
