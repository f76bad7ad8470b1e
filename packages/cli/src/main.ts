#!/usr/bin/env node
// The `rampart` command. Subcommands live in commands/, one file each.
// `start` and `demo` are loaded only when they run: `start` must not carry the demo's in-process simulator
// and notebook driver, nor `demo` the gateway's start-up. The admin commands are small (an HTTP client).
import { ADMIN_USAGE, runAdminCommand } from './commands/admin-commands.js';
import { runUsageCommand, USAGE_COMMAND_USAGE } from './commands/usage-command.js';

const USAGE = `usage: rampart <command> [options]

commands:
  start   run the platform (gateway; simulated providers when no credentials are configured)
          --port N        (RAMPART_PORT, default 8787)
          --host H        (RAMPART_HOST, default 127.0.0.1)
          --data-dir DIR  (RAMPART_DATA_DIR, default ./.rampart)
          --config FILE   (RAMPART_CONFIG; JSON, schema in docs/rampart.config.schema.json)
          --mcp-port N    (RAMPART_MCP_PORT, default port + 1): the notebook MCP endpoint
          --no-notebooks  do not start the sandboxed notebook service
          --no-auth       serve without virtual keys (routing tests only)
  demo    an agent does a data task in a sandboxed notebook while its primary provider is down
          (simulated providers, no credentials; prints the event stream and the run's cost)
admin (talks to a running gateway's /admin/v1):
${ADMIN_USAGE}${USAGE_COMMAND_USAGE}`;

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case 'start':
    await (await import('./commands/start.js')).runStart(rest, process.env);
    break;
  case 'teams':
  case 'users':
  case 'credentials':
  case 'keys':
    process.exitCode = await runAdminCommand(command, rest, process.env);
    break;
  case 'usage':
    process.exitCode = await runUsageCommand(rest, process.env);
    break;
  case 'demo':
    await (await import('./commands/demo.js')).runDemoCommand();
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
