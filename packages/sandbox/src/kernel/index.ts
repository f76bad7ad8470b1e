// Public surface of the kernel client (re-exported by the package index).
export {
  ZmqKernelClient,
  KernelDiedError,
  KernelUnresponsiveError,
  type ZmqKernelClientOptions,
} from './kernel-client.js';
export { SandboxError, type SandboxErrorCode } from './kernel-errors.js';
export { DEFAULT_OUTPUT_CAP, type OutputCapOptions } from './kernel-output-collector.js';
