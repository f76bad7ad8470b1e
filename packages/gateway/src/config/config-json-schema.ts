import { z } from 'zod';
import { gatewayConfigSchema } from './gateway-config-schema.js';

/** The JSON Schema of rampart.config.json, generated from the zod schema so the two cannot drift. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(gatewayConfigSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'Rampart gateway configuration',
  };
}
