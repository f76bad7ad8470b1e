// The two inbound protocols driven through their official SDKs, behind one small interface so every
// conformance case runs for both. Each method does what a real client of that SDK would do.
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';

/** A tool call as a client sees it. */
export interface ClientToolCall {
  id: string;
  name: string;
  input: unknown;
}

/** Usage as a client receives it, in its own format's fields. */
export type ClientUsage = Record<string, unknown>;

/** One inbound protocol through its official SDK. */
export interface SdkDriver {
  readonly name: 'openai' | 'anthropic';
  text(
    model: string,
    prompt: string,
    stream: boolean,
  ): Promise<{ text: string; usage: ClientUsage | undefined }>;
  /** Offers a get_weather tool and returns the call the model made. */
  toolCall(model: string, stream: boolean): Promise<ClientToolCall>;
  /** Sends the tool's result back and returns the model's final text. */
  toolResult(model: string, call: ClientToolCall, result: string, stream: boolean): Promise<string>;
  image(model: string, pngBase64: string): Promise<string>;
}

const WEATHER_QUESTION = 'What is the weather in Paris?';
const WEATHER_SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

/** The OpenAI Chat Completions protocol via the `openai` SDK. */
export function openaiDriver(client: OpenAI): SdkDriver {
  const tools = [
    {
      type: 'function' as const,
      function: { name: 'get_weather', description: 'Weather by city', parameters: WEATHER_SCHEMA },
    },
  ];
  return {
    name: 'openai',
    async text(model, prompt, stream) {
      const messages = [{ role: 'user' as const, content: prompt }];
      if (!stream) {
        const completion = await client.chat.completions.create({ model, messages });
        return {
          text: completion.choices[0]?.message.content ?? '',
          usage: completion.usage as ClientUsage | undefined,
        };
      }
      const chunks = await client.chat.completions.create({
        model,
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage: ClientUsage | undefined;
      for await (const chunk of chunks) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.usage) usage = chunk.usage as unknown as ClientUsage;
      }
      return { text, usage };
    },
    async toolCall(model, stream) {
      const messages = [{ role: 'user' as const, content: WEATHER_QUESTION }];
      if (!stream) {
        const completion = await client.chat.completions.create({ model, messages, tools });
        const call = completion.choices[0]?.message.tool_calls?.[0];
        if (call?.type !== 'function') throw new Error('no function tool call');
        return { id: call.id, name: call.function.name, input: JSON.parse(call.function.arguments) };
      }
      const runner = client.chat.completions.stream({ model, messages, tools });
      const final = await runner.finalChatCompletion();
      const call = final.choices[0]?.message.tool_calls?.[0];
      if (call?.type !== 'function') throw new Error('no function tool call');
      return { id: call.id, name: call.function.name, input: JSON.parse(call.function.arguments) };
    },
    async toolResult(model, call, result, stream) {
      const messages: OpenAI.ChatCompletionMessageParam[] = [
        { role: 'user', content: WEATHER_QUESTION },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: call.id,
              type: 'function',
              function: { name: call.name, arguments: JSON.stringify(call.input) },
            },
          ],
        },
        { role: 'tool', tool_call_id: call.id, content: result },
      ];
      if (!stream) {
        const completion = await client.chat.completions.create({ model, messages, tools });
        return completion.choices[0]?.message.content ?? '';
      }
      const runner = client.chat.completions.stream({ model, messages, tools });
      return (await runner.finalChatCompletion()).choices[0]?.message.content ?? '';
    },
    async image(model, pngBase64) {
      const completion = await client.chat.completions.create({
        model,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Describe this image.' },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${pngBase64}` } },
            ],
          },
        ],
      });
      return completion.choices[0]?.message.content ?? '';
    },
  };
}

/** The Anthropic Messages protocol via `@anthropic-ai/sdk`. */
export function anthropicDriver(client: Anthropic): SdkDriver {
  const tools = [
    {
      name: 'get_weather',
      description: 'Weather by city',
      input_schema: WEATHER_SCHEMA as Anthropic.Tool.InputSchema,
    },
  ];
  const textOf = (message: Anthropic.Message) =>
    message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
  const toolOf = (message: Anthropic.Message): ClientToolCall => {
    const block = message.content.find((b) => b.type === 'tool_use');
    if (block?.type !== 'tool_use') throw new Error('no tool_use block');
    return { id: block.id, name: block.name, input: block.input };
  };
  return {
    name: 'anthropic',
    async text(model, prompt, stream) {
      const params = { model, max_tokens: 512, messages: [{ role: 'user' as const, content: prompt }] };
      if (!stream) {
        const message = await client.messages.create(params);
        return { text: textOf(message), usage: message.usage as unknown as ClientUsage };
      }
      const message = await client.messages.stream(params).finalMessage();
      return { text: textOf(message), usage: message.usage as unknown as ClientUsage };
    },
    async toolCall(model, stream) {
      const params = {
        model,
        max_tokens: 512,
        tools,
        messages: [{ role: 'user' as const, content: WEATHER_QUESTION }],
      };
      return toolOf(
        stream ? await client.messages.stream(params).finalMessage() : await client.messages.create(params),
      );
    },
    async toolResult(model, call, result, stream) {
      const params = {
        model,
        max_tokens: 512,
        tools,
        messages: [
          { role: 'user' as const, content: WEATHER_QUESTION },
          {
            role: 'assistant' as const,
            content: [{ type: 'tool_use' as const, id: call.id, name: call.name, input: call.input }],
          },
          {
            role: 'user' as const,
            content: [{ type: 'tool_result' as const, tool_use_id: call.id, content: result }],
          },
        ],
      };
      return textOf(
        stream ? await client.messages.stream(params).finalMessage() : await client.messages.create(params),
      );
    },
    async image(model, pngBase64) {
      const message = await client.messages.create({
        model,
        max_tokens: 256,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Describe this image.' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: pngBase64 } },
            ],
          },
        ],
      });
      return textOf(message);
    },
  };
}
