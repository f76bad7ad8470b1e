// Finds an error in a parsed body, whatever dialect the server speaks: OpenAI's {"error":{message,type,param,
// code}}, Ollama's {"error":"text"}, older vLLM's {"object":"error","message",…} — so a 200 that is really an
// error, or an in-band stream error, is never mistaken for an answer.

/** The fields of an upstream error, as far as the body tells them. */
export interface OpenAIErrorFields {
  message: string | undefined;
  type: string | undefined;
  code: string | undefined;
  param: string | undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function fields(source: Record<string, unknown>): OpenAIErrorFields {
  return {
    message: text(source.message),
    type: text(source.type),
    code: text(source.code),
    param: text(source.param),
  };
}

/** The error a parsed JSON body carries, or undefined when it is not an error body. */
export function readOpenAIErrorBody(parsed: unknown): OpenAIErrorFields | undefined {
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const body = parsed as Record<string, unknown>;
  const { error } = body;
  if (typeof error === 'string')
    return { message: error, type: undefined, code: undefined, param: undefined };
  if (typeof error === 'object' && error !== null) return fields(error as Record<string, unknown>);
  if (body.object === 'error') return fields(body);
  return undefined;
}
