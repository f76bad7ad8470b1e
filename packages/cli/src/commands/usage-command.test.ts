import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runUsageCommand } from './usage-command.js';

test('rampart usage: flags become the admin API query; the answer is a table with a total', async () => {
  const seen: Array<{ url: string; auth: string | undefined }> = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' });
    const group = {
      requests: 2,
      input_tokens: 100,
      output_tokens: 20,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      cost_usd: '0.000450000',
    };
    res.end(
      JSON.stringify({
        group_by: 'user',
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-29T00:00:00.000Z',
        data: [{ group: 'user_a', ...group }],
        total: group,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let printed = '';
  const code = await runUsageCommand(
    ['--url', url, '--admin-token', 'tok', '--group-by', 'user', '--from', '2026-11-01', '--team', 'team_x'],
    {},
    (text) => (printed += text),
  );
  server.close();
  assert.equal(code, 0);
  assert.equal(seen[0]?.auth, 'Bearer tok');
  assert.equal(seen[0]?.url, '/admin/v1/usage?group_by=user&from=2026-11-01&team_id=team_x');
  assert.match(printed, /^user\s+requests\s+input\s+output/m);
  assert.match(printed, /^user_a\s+2\s+100\s+20\s+0\s+0\s+0\.000450000$/m);
  assert.match(printed, /^total\s+2\s+100/m);
  assert.equal(await runUsageCommand(['--bogus'], {}, () => undefined), 2);
});
