// Public surface of the sandbox drivers (re-exported by the package index).
export { createBubblewrapDriver, type BubblewrapDriverOptions } from './drivers-bubblewrap-driver.js';
export { createUnsafeLocalDriver, type UnsafeLocalDriverOptions } from './drivers-unsafe-local-driver.js';
export { SANDBOX_PROXY_PORT, type SandboxTcpForward } from './drivers-bubblewrap-args.js';
export { detectCgroupMode, type CgroupMode } from './drivers-cgroup.js';
export { workDirImagePath } from './drivers-work-dir-image.js';
