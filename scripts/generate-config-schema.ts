// Writes docs/rampart.config.schema.json from the gateway's zod schema. A test fails when it is stale.
import { writeFile } from 'node:fs/promises';
import { configJsonSchema } from '../packages/gateway/src/config/config-json-schema.js';

await writeFile(
  new URL('../docs/rampart.config.schema.json', import.meta.url),
  `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
);
