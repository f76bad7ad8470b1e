// Checks scripted responses arriving over the control endpoint, so a typo fails loudly instead of silently.
import { isObject } from '../core/is-object.js';
import type { ScriptedResponse } from './scripted-response.js';

const PROVIDERS = ['openai', 'anthropic', 'bedrock'];
const STOPS = ['end_turn', 'tool_use', 'max_tokens', 'stop_sequence'];

/** Return an error message for an invalid scripted response, or undefined when it is valid. */
export function scriptedResponseProblem(value: unknown, path = 'response'): string | undefined {
  if (!isObject(value)) return `${path}: expected an object`;
  const { match, text, toolCalls, stopReason, usage } = value;
  if (match !== undefined) {
    if (!isObject(match)) return `${path}.match: expected an object`;
    if (match.provider !== undefined && !PROVIDERS.includes(match.provider as string))
      return `${path}.match.provider: expected one of ${PROVIDERS.join(', ')}`;
    if (match.model !== undefined && typeof match.model !== 'string')
      return `${path}.match.model: expected a string`;
  }
  if (text !== undefined && typeof text !== 'string') return `${path}.text: expected a string`;
  if (toolCalls !== undefined) {
    if (!Array.isArray(toolCalls)) return `${path}.toolCalls: expected an array`;
    for (const [i, call] of toolCalls.entries()) {
      if (!isObject(call) || typeof call.name !== 'string' || !isObject(call.input))
        return `${path}.toolCalls.${i}: expected {name: string, input: object}`;
    }
  }
  if (stopReason !== undefined && !STOPS.includes(stopReason as string))
    return `${path}.stopReason: expected one of ${STOPS.join(', ')}`;
  if (usage !== undefined) {
    if (!isObject(usage)) return `${path}.usage: expected an object`;
    for (const [k, v] of Object.entries(usage)) {
      if (typeof v !== 'number' || v < 0) return `${path}.usage.${k}: expected a non-negative number`;
    }
  }
  return undefined;
}

/** Narrowing wrapper over `scriptedResponseProblem`. */
export function isScriptedResponse(value: unknown): value is ScriptedResponse {
  return scriptedResponseProblem(value) === undefined;
}
