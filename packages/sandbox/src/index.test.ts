import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as sandbox from './index.js';

test('the package index exports the public surface by name', () => {
  for (const name of [
    'createSandboxManager',
    'createNotebookMcpServer',
    'startNotebookHttpServer',
    'createBubblewrapDriver',
    'createUnsafeLocalDriver',
    'SandboxManagerError',
    'SandboxError',
    'startEgressProxy',
    'createRedisAclProvisioner',
  ]) {
    assert.equal(typeof (sandbox as Record<string, unknown>)[name], 'function', name);
  }
});
