#!/usr/bin/env node
// The `rampart` command. Subcommands live in commands/, one file each.
import { runStart } from './commands/start.js';

const USAGE = `usage: rampart <command> [options]

commands:
  start   run the platform (gateway; simulated providers when no credentials are configured)
          --port N        (RAMPART_PORT, default 8787)
          --host H        (RAMPART_HOST, default 127.0.0.1)
          --data-dir DIR  (RAMPART_DATA_DIR, default ./.rampart)
          --config FILE   (RAMPART_CONFIG; JSON, schema in docs/rampart.config.schema.json)
          --mcp-port N    (RAMPART_MCP_PORT, default port + 1): the notebook MCP endpoint
          --no-notebooks  do not start the sandboxed notebook service
`;

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case 'start':
    await runStart(rest, process.env);
    break;
  case undefined:
  case 'help':
  case '--help':
  case '-h':
    process.stdout.write(USAGE);
    break;
  default:
    process.stderr.write(`rampart: unknown command "${command}"\n\n${USAGE}`);
    process.exitCode = 2;
}
