import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bubblewrapArgs } from './drivers-bubblewrap-args.js';

const input = {
  hostIpcDir: '/run/x/ipc',
  hostWorkDir: '/data/t1/work',
  generatedEtc: { passwd: '/run/x/etc/passwd' },
  hostEtc: ['/etc/ssl'],
  rootLinks: { '/lib': 'usr/lib' },
  rootDirs: [],
  egressSocket: '/run/x/egress.sock',
  tcpForwards: [{ localPort: 6379, host: 'redis.internal', port: 6379 }],
  tmpSizeMb: 256,
  supportsDisableUserns: true,
  env: { A: '1' },
  command: ['/usr/bin/python3', '-c', 'pass'],
};

test('the isolation flags are all there and / is remounted read-only after every mount', () => {
  const args = bubblewrapArgs(input);
  for (const flag of [
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--new-session',
    '--die-with-parent',
    '--clearenv',
  ]) {
    assert.ok(args.includes(flag), flag);
  }
  assert.deepEqual(args.slice(args.indexOf('--cap-drop'), args.indexOf('--cap-drop') + 2), [
    '--cap-drop',
    'ALL',
  ]);
  assert.equal(args[args.indexOf('--uid') + 1], '1000');
  assert.ok(!args.includes('--share-net'));
  const lastMount = Math.max(...['--bind', '--ro-bind', '--tmpfs'].map((flag) => args.lastIndexOf(flag)));
  assert.ok(args.indexOf('--remount-ro') > lastMount);
  assert.deepEqual(args.slice(args.indexOf('/data/t1/work') - 1, args.indexOf('/data/t1/work') + 2), [
    '--bind',
    '/data/t1/work',
    '/work',
  ]);
});

test('egress runs socat to the proxy socket and CONNECT forwards, then execs the kernel', () => {
  const args = bubblewrapArgs(input);
  const script = args[args.indexOf('--') + 3] ?? '';
  assert.match(script, /TCP-LISTEN:3128,bind=127\.0\.0\.1.* UNIX-CONNECT:\/run\/rampart\/egress\.sock &/);
  assert.match(
    script,
    /TCP-LISTEN:6379,bind=127\.0\.0\.1.* PROXY:127\.0\.0\.1:redis\.internal:6379,proxyport=3128 &/,
  );
  assert.match(script, /exec "\$@"$/);
  assert.deepEqual(args.slice(-3), input.command);
});

test('without an egress socket there is no proxy and no forward', () => {
  const args = bubblewrapArgs({ ...input, egressSocket: undefined });
  assert.deepEqual(args.slice(args.indexOf('--') + 1), input.command);
  assert.ok(!args.includes('/run/rampart/egress.sock'));
});
