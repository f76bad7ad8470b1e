// The `prompt_cache` section of the gateway config.
import { z } from 'zod';
import {
  DEFAULT_ANY_DEPTH_VOLATILE_KEYS,
  DEFAULT_TOP_LEVEL_VOLATILE_KEYS,
} from './prompt-cache-volatile-rules.js';

const ttl = z.enum(['5m', '1h']);

const pattern = z
  .string()
  .min(1)
  .refine(
    (source) => {
      try {
        new RegExp(source);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  );

/** Prompt-cache planner and canonicalization settings. */
export const promptCacheConfigSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'Plan cache breakpoints for Anthropic and Bedrock targets; x-rampart-cache: on|off overrides per request',
      ),
    stable_ttl: ttl
      .default('5m')
      .describe('TTL of the tools and system breakpoints (1h costs 2x input to write, 5m 1.25x)'),
    conversation_ttl: ttl.default('5m').describe('TTL of the conversation breakpoints'),
    large_content_tokens: z
      .int()
      .positive()
      .default(4096)
      .describe('User content at least this long gets its own breakpoint when a slot is free'),
    canonicalize: z.boolean().default(true).describe('Canonicalize tool results and tool-call inputs'),
    volatile_keys: z
      .array(z.string().min(1))
      .default([...DEFAULT_TOP_LEVEL_VOLATILE_KEYS])
      .describe('JSON keys removed from the top level of tool results (case-insensitive)'),
    volatile_keys_any_depth: z
      .array(z.string().min(1))
      .default([...DEFAULT_ANY_DEPTH_VOLATILE_KEYS])
      .describe('JSON keys removed at any depth of tool results (case-insensitive)'),
    volatile_text_patterns: z
      .array(pattern)
      .default([])
      .describe('Regular expressions removed from non-JSON tool result text'),
  })
  .strict();

/** The prompt_cache section after defaults. */
export type PromptCacheConfig = z.output<typeof promptCacheConfigSchema>;
