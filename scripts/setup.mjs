// Makes a fresh Debian/Ubuntu machine ready for `npm start` or `npm test`, using only Node's built-ins:
// installs npm packages when missing or stale, installs the few system packages with apt-get
// (--no-install-recommends), and for tests makes sure PostgreSQL and Redis are running.
// Anything it cannot do, it says precisely and exits non-zero.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { connect } from 'node:net';

const purpose = process.argv[2] ?? 'start';

// Debian packages the sandbox needs: bubblewrap for isolation, an IPython kernel with the libraries
// users expect, socat to reach the egress proxy from inside the sandbox.
const SYSTEM_PACKAGES = [
  { pkg: 'bubblewrap', check: () => has('bwrap') },
  { pkg: 'socat', check: () => has('socat') },
  { pkg: 'python3-ipykernel', check: () => pythonHas('ipykernel') },
  { pkg: 'python3-pandas', check: () => pythonHas('pandas') },
  { pkg: 'python3-requests', check: () => pythonHas('requests') },
  { pkg: 'python3-bs4', check: () => pythonHas('bs4') },
  { pkg: 'python3-matplotlib', check: () => pythonHas('matplotlib') },
  { pkg: 'python3-redis', check: () => pythonHas('redis') },
];

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function pythonHas(module) {
  // The sandbox runs the system python3, never a pyenv/venv one.
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  return spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

function fail(message) {
  console.error(`\nrampart setup: ${message}`);
  process.exit(1);
}

function ensureNodeModules() {
  const lock = 'package-lock.json';
  const marker = 'node_modules/.package-lock.json';
  const stale = !existsSync(marker) || statSync(lock).mtimeMs > statSync(marker).mtimeMs;
  if (!stale) return;
  console.log('rampart setup: installing npm packages (npm ci)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) fail('`npm ci` failed; see the output above.');
}

function ensureSystemPackages() {
  const missing = SYSTEM_PACKAGES.filter((p) => !p.check()).map((p) => p.pkg);
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  const apt = has('apt-get');
  if (!apt) fail(`missing system packages: ${missing.join(' ')} (no apt-get here; install them by hand).`);
  const sudo = isRoot ? [] : has('sudo') ? ['sudo'] : null;
  if (!sudo)
    fail(
      `missing system packages: ${missing.join(' ')}; run as root or install: apt-get install ${missing.join(' ')}`,
    );
  console.log(`rampart setup: installing system packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) =>
    spawnSync(sudo[0] ?? args[0], sudo.length ? args : args.slice(1), { stdio: 'inherit', env });
  if (run(['apt-get', 'update']).status !== 0) fail('apt-get update failed.');
  const install = run(['apt-get', 'install', '-y', '--no-install-recommends', ...missing]);
  if (install.status !== 0) fail(`apt-get install ${missing.join(' ')} failed.`);
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function ensureService(name, port, startCommands) {
  if (await portOpen(port)) return;
  console.log(`rampart setup: ${name} is not running on 127.0.0.1:${port}; starting it…`);
  for (const command of startCommands) spawnSync('sh', ['-c', command], { stdio: 'inherit' });
  for (let i = 0; i < 50; i++) {
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  fail(`${name} is not reachable on 127.0.0.1:${port} and could not be started. Tests need a real ${name}.`);
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 18))
  fail(`Node ${process.versions.node} is too old; Rampart needs Node 20.18 or newer.`);

ensureNodeModules();
ensureSystemPackages();
if (purpose === 'test') {
  await ensureService('PostgreSQL', 5432, [
    'command -v pg_ctlcluster >/dev/null && pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | head -1) main start',
  ]);
  await ensureService('Redis', 6379, [
    'command -v redis-server >/dev/null && redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
  ]);
}
