// Lists the work dir from inside the kernel, so the listing is what the notebook sees (e.g. /work in bubblewrap,
// and the files inside a loop-mounted work dir image) whatever the driver.
import type { KernelClient } from '../sandbox-driver.js';
import type { NotebookFileList } from './manager-notebook.js';

const MAX_FILES = 500;

// Leading underscores and a final `del` keep the user's namespace clean.
const LIST_CODE = `
import os as _rampart_os, json as _rampart_json
def _rampart_ls(root, limit=${MAX_FILES}):
    out = []
    for d, dirs, files in _rampart_os.walk(root):
        dirs.sort()
        for f in sorted(files):
            p = _rampart_os.path.join(d, f)
            try:
                size = _rampart_os.lstat(p).st_size
            except OSError:
                size = -1
            out.append([_rampart_os.path.relpath(p, root), size])
            if len(out) >= limit:
                return out, True
    return out, False
_rampart_root = _rampart_os.environ.get('RAMPART_WORK_DIR') or _rampart_os.getcwd()
print(_rampart_json.dumps({'root': _rampart_root, 'listing': _rampart_ls(_rampart_root)}))
del _rampart_ls, _rampart_root, _rampart_os, _rampart_json
`;

/** Lists up to 500 files under the kernel's work dir. */
export async function listWorkDirFiles(kernel: KernelClient, timeoutMs = 10_000): Promise<NotebookFileList> {
  const result = await kernel.execute(LIST_CODE, { timeoutMs });
  const text = result.outputs
    .filter((o) => o.kind === 'stream' && o.name === 'stdout')
    .map((o) => o.data['text/plain'] ?? '')
    .join('');
  if (result.status !== 'ok') {
    const error = result.outputs.find((o) => o.kind === 'error')?.error;
    throw new Error(
      `listing the work dir failed: ${error ? `${error.ename}: ${error.evalue}` : result.status}`,
    );
  }
  const parsed = JSON.parse(text) as { root: string; listing: [Array<[string, number]>, boolean] };
  const [entries, truncated] = parsed.listing;
  return { root: parsed.root, files: entries.map(([path, sizeBytes]) => ({ path, sizeBytes })), truncated };
}
