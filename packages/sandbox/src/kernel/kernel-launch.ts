// How a kernel process is launched: the system python (never a pyenv/venv one) running ipykernel with a small
// bootstrap. Both drivers use it, so the unsafe local driver behaves like the sandboxed one.

/** The interpreter every driver runs: Debian's python3 with python3-ipykernel and the user libraries. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

// ipykernel flushes stdout only on a 0.2 s timer, so a tight print loop can put hundreds of MB in ONE iopub message.
// Flushing every 64 KiB keeps messages small: ZeroMQ queues up to 1,000 messages per side (its high-water mark),
// so the message size bounds what a flood of output can pile up in memory (~64 MiB per side, not ~1 GiB).
// It runs as user code, so a hostile cell can undo it; the client's maxMessageBytes is the hard limit.
// Blocking debugpy saves ~0.8 s of every cold start: ipykernel imports it eagerly, and nobody attaches a debugger
// to a sandboxed notebook.
const BOOTSTRAP = `
import sys
sys.modules['debugpy'] = None
from ipykernel import iostream
_rampart_write = iostream.OutStream.write
def _rampart_capped_write(self, s):
    n = _rampart_write(self, s)
    if self._buffer.tell() > 65536:
        self.flush()
    return n
iostream.OutStream.write = _rampart_capped_write
from ipykernel import kernelapp
kernelapp.launch_new_instance()
`;

/** argv (after the interpreter) that starts a kernel reading connectionFile. */
export function kernelArgs(connectionFile: string): string[] {
  // No history database (a sqlite file in $HOME that costs start time and nobody reads); no ANSI colours in
  // tracebacks, which are read by models, not terminals.
  return [
    '-c',
    BOOTSTRAP,
    '-f',
    connectionFile,
    '--HistoryManager.enabled=False',
    '--IPKernelApp.quiet=True',
    '--InteractiveShell.colors=NoColor',
  ];
}

/** Environment every kernel gets before the spec's own env: nothing from the host leaks in. */
export function baseKernelEnv(home: string, workDir: string): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONNOUSERSITE: '1',
    // Headless plotting straight to display_data (PNG), and a writable cache for matplotlib's font list.
    MPLBACKEND: 'module://matplotlib_inline.backend_inline',
    MPLCONFIGDIR: `${home}/.matplotlib`,
    IPYTHONDIR: `${home}/.ipython`,
    // OpenBLAS starts one thread per core and reserves memory per thread; one is plenty for a notebook cell.
    OPENBLAS_NUM_THREADS: '1',
    RAMPART_WORK_DIR: workDir,
  };
}
