// Identifiers shaped like each provider's own (prefix, alphabet, length), drawn from a seeded generator.
import type { Random } from './seeded-random.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';

function pick(random: Random, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/** Id factory for every id the simulated providers hand out. */
export interface WireIds {
  anthropicMessage: () => string;
  anthropicToolUse: () => string;
  anthropicRequest: () => string;
  openaiCompletion: () => string;
  openaiToolCall: () => string;
  openaiRequest: () => string;
  openaiFingerprint: () => string;
  bedrockToolUse: () => string;
  amznRequest: () => string;
}

/** Build the id factory over a seeded generator. */
export function createWireIds(random: Random): WireIds {
  return {
    anthropicMessage: () => `msg_01${pick(random, BASE62, 22)}`,
    anthropicToolUse: () => `toolu_01${pick(random, BASE62, 22)}`,
    anthropicRequest: () => `req_011C${pick(random, BASE62, 20)}`,
    openaiCompletion: () => `chatcmpl-${pick(random, BASE62, 29)}`,
    openaiToolCall: () => `call_${pick(random, BASE62, 24)}`,
    openaiRequest: () => `req_${pick(random, HEX, 32)}`,
    openaiFingerprint: () => `fp_${pick(random, HEX, 10)}`,
    bedrockToolUse: () => `tooluse_${pick(random, BASE62.slice(10) + '0123456789_-', 22)}`,
    amznRequest: () => {
      const h = pick(random, HEX, 32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[Math.floor(random() * 4)]}${h.slice(17, 20)}-${h.slice(20)}`;
    },
  };
}
