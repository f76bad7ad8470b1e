// Validation of a Chat Completions body with the API's own 400 messages, params and codes.
import { isObject } from '../core/is-object.js';
import type { SimModel } from '../model/model-catalog.js';
import type { OpenAIErrorInit } from './openai-errors.js';

const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'];
const PART_TYPES = ['text', 'image_url', 'input_audio', 'refusal', 'audio', 'file'];
const IMAGE_MIME = /^data:image\/(png|jpeg|jpg|gif|webp);base64,/;

function missing(param: string): OpenAIErrorInit {
  return { message: `Missing required parameter: '${param}'.`, param, code: 'missing_required_parameter' };
}

function partProblem(part: unknown, path: string): OpenAIErrorInit | undefined {
  if (!isObject(part))
    return { message: `Invalid type for '${path}': expected an object.`, param: path, code: 'invalid_type' };
  if (!PART_TYPES.includes(part.type as string)) {
    return {
      message: `Invalid value: '${String(part.type)}'. Supported values are: 'text', 'image_url', 'input_audio', 'refusal', 'audio', and 'file'.`,
      param: `${path}.type`,
      code: 'invalid_value',
    };
  }
  if (part.type === 'text' && typeof part.text !== 'string') return missing(`${path}.text`);
  if (part.type === 'image_url') {
    const image = part.image_url;
    if (!isObject(image) || typeof image.url !== 'string') return missing(`${path}.image_url.url`);
    const url = image.url;
    if (url.startsWith('data:')) {
      if (!IMAGE_MIME.test(url)) {
        return {
          message: `Invalid '${path}.image_url.url'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), but got unsupported MIME type '${url.slice(5, url.indexOf(';'))}'.`,
          param: `${path}.image_url.url`,
          code: 'invalid_value',
        };
      }
    } else if (!/^https?:\/\//.test(url)) {
      return {
        message: `Invalid image URL: '${path}.image_url.url'.`,
        param: `${path}.image_url.url`,
        code: 'invalid_value',
      };
    }
  }
  return undefined;
}

function messagesProblem(messages: unknown): OpenAIErrorInit | undefined {
  if (messages === undefined) return missing('messages');
  if (!Array.isArray(messages))
    return {
      message: "Invalid type for 'messages': expected an array of objects.",
      param: 'messages',
      code: 'invalid_type',
    };
  if (messages.length === 0) {
    return {
      message:
        "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      param: 'messages',
      code: 'empty_array',
    };
  }
  let pending: { index: number; ids: string[] } | undefined;
  for (const [i, m] of messages.entries()) {
    const path = `messages[${i}]`;
    if (!isObject(m))
      return {
        message: `Invalid type for '${path}': expected an object.`,
        param: path,
        code: 'invalid_type',
      };
    if (!ROLES.includes(m.role as string)) {
      return {
        message: `Invalid value: '${String(m.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        param: `${path}.role`,
        code: 'invalid_value',
      };
    }
    if (pending && m.role !== 'tool') {
      return {
        message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${pending.ids.join(', ')}`,
        param: `messages.[${pending.index}].role`,
      };
    }
    const content = m.content;
    if (m.role === 'tool') {
      if (typeof m.tool_call_id !== 'string') return missing(`${path}.tool_call_id`);
      if (!pending || !pending.ids.includes(m.tool_call_id)) {
        return {
          message:
            "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          param: `messages.[${i}].role`,
        };
      }
      pending.ids = pending.ids.filter((id) => id !== m.tool_call_id);
      if (pending.ids.length === 0) pending = undefined;
    }
    if (m.role === 'assistant') {
      const calls = m.tool_calls;
      if (calls !== undefined) {
        if (!Array.isArray(calls))
          return {
            message: `Invalid type for '${path}.tool_calls': expected an array.`,
            param: `${path}.tool_calls`,
            code: 'invalid_type',
          };
        for (const [j, c] of calls.entries()) {
          const cp = `${path}.tool_calls[${j}]`;
          if (!isObject(c) || typeof c.id !== 'string') return missing(`${cp}.id`);
          if (!isObject(c.function) || typeof c.function.name !== 'string') return missing(`${cp}.function`);
          if (typeof c.function.arguments !== 'string') return missing(`${cp}.function.arguments`);
        }
        if (calls.length > 0) pending = { index: i, ids: calls.map((c: { id: string }) => c.id) };
      }
      if ((content === undefined || content === null) && !(Array.isArray(calls) && calls.length > 0)) {
        return {
          message: "Invalid value for 'content': expected a string, got null.",
          param: `messages.[${i}].content`,
        };
      }
    } else if (m.role !== 'tool' && (content === undefined || content === null)) {
      return {
        message: `Invalid value for 'content': expected a string, got null.`,
        param: `messages.[${i}].content`,
      };
    }
    if (Array.isArray(content)) {
      for (const [j, part] of content.entries()) {
        const p = partProblem(part, `${path}.content[${j}]`);
        if (p) return p;
      }
    } else if (content !== undefined && content !== null && typeof content !== 'string') {
      return {
        message: `Invalid type for '${path}.content': expected one of a string or array of objects.`,
        param: `${path}.content`,
        code: 'invalid_type',
      };
    }
  }
  if (pending) {
    return {
      message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${pending.ids.join(', ')}`,
      param: `messages.[${pending.index}].role`,
    };
  }
  return undefined;
}

function toolsProblem(body: Record<string, unknown>): OpenAIErrorInit | undefined {
  const { tools, tool_choice: choice } = body;
  if (tools !== undefined) {
    if (!Array.isArray(tools))
      return {
        message: "Invalid type for 'tools': expected an array.",
        param: 'tools',
        code: 'invalid_type',
      };
    for (const [i, t] of tools.entries()) {
      if (!isObject(t) || t.type !== 'function') return missing(`tools[${i}].type`);
      if (!isObject(t.function)) return missing(`tools[${i}].function`);
      const name = t.function.name;
      if (typeof name !== 'string') return missing(`tools[${i}].function.name`);
      if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) {
        return {
          message: `Invalid 'tools[${i}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
          param: `tools[${i}].function.name`,
          code: 'invalid_value',
        };
      }
    }
  }
  if (choice !== undefined) {
    const ok =
      choice === 'none' ||
      choice === 'auto' ||
      choice === 'required' ||
      (isObject(choice) &&
        choice.type === 'function' &&
        isObject(choice.function) &&
        typeof choice.function.name === 'string');
    if (!ok)
      return { message: "Invalid value for 'tool_choice'.", param: 'tool_choice', code: 'invalid_value' };
    if (choice !== 'none' && (tools === undefined || (tools as unknown[]).length === 0)) {
      return {
        message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
        param: 'tool_choice',
      };
    }
  }
  return undefined;
}

/** Check the body's shape (everything except the model). */
export function openaiBodyProblem(json: unknown): OpenAIErrorInit | undefined {
  if (!isObject(json)) return { message: 'Invalid request body: expected a JSON object.' };
  if (typeof json.model !== 'string' || json.model === '')
    return { message: 'you must provide a model parameter' };
  if (json.stream !== undefined && typeof json.stream !== 'boolean')
    return {
      message: "Invalid type for 'stream': expected a boolean.",
      param: 'stream',
      code: 'invalid_type',
    };
  if (json.stream_options !== undefined && json.stream_options !== null && json.stream !== true)
    return {
      message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      param: 'stream_options',
    };
  for (const key of ['max_tokens', 'max_completion_tokens']) {
    const v = json[key];
    if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 1))
      return {
        message: `Invalid '${key}': integer below minimum value. Expected a value >= 1.`,
        param: key,
        code: 'integer_below_min_value',
      };
  }
  const stop = json.stop;
  if (
    stop !== undefined &&
    stop !== null &&
    typeof stop !== 'string' &&
    !(Array.isArray(stop) && stop.length <= 4 && stop.every((s) => typeof s === 'string'))
  )
    return {
      message: "Invalid 'stop': expected a string or an array of at most 4 strings.",
      param: 'stop',
      code: 'invalid_type',
    };
  return messagesProblem(json.messages) ?? toolsProblem(json);
}

/** Checks that need the resolved model. */
export function openaiModelProblem(
  body: Record<string, unknown>,
  model: SimModel,
): OpenAIErrorInit | undefined {
  if (model.reasoning) {
    if (body.max_tokens !== undefined && body.max_tokens !== null) {
      return {
        message:
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        param: 'max_tokens',
        code: 'unsupported_parameter',
      };
    }
    if (body.temperature !== undefined && body.temperature !== null && body.temperature !== 1) {
      return {
        message: `Unsupported value: 'temperature' does not support ${JSON.stringify(body.temperature)} with this model. Only the default (1) value is supported.`,
        param: 'temperature',
        code: 'unsupported_value',
      };
    }
  }
  const max = (body.max_completion_tokens ?? body.max_tokens) as number | undefined | null;
  if (typeof max === 'number' && max > model.maxOutputTokens) {
    return {
      message: `max_tokens is too large: ${max}. This model supports at most ${model.maxOutputTokens} completion tokens, whereas you provided ${max}.`,
      param: 'max_tokens',
      code: 'invalid_value',
    };
  }
  return undefined;
}
