// How a kernel process is launched: the system python (never a pyenv/venv one) running ipykernel with a small
// bootstrap. Both drivers use it, so the unsafe local driver behaves like the sandboxed one.

/** The interpreter every driver runs: Debian's python3 with python3-ipykernel and the user libraries. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

// Output is capped at its source. ipykernel publishes output on a PUB socket that never waits for its reader, so a
// cell printing a gigabyte either piles it up in ZeroMQ's queues (host memory) or, when they are full, drops
// messages, the end of the output included. So the kernel itself keeps only the first STREAM_HEAD and the last
// STREAM_TAIL characters of each cell's stdout/stderr, and sends the tail with a marker stating what it dropped
// when the cell ends (before its reply). The client's own cap (OutputCapOptions) stays as the hard limit for
// output that bypasses sys.stdout. Writes are flushed in small slices so no message is large.
// It runs as user code, so a hostile cell can undo it; the client's maxMessageBytes is the hard limit.
// Blocking debugpy saves ~0.8 s of every cold start: ipykernel imports it eagerly, and nobody attaches a debugger
// to a sandboxed notebook.
const BOOTSTRAP = `
import sys
sys.modules['debugpy'] = None
from ipykernel import iostream, ipkernel
STREAM_HEAD = 63 * 1024
STREAM_TAIL = 63 * 1024
_rampart = {'seen': 0, 'tail': ''}
_rampart_write = iostream.OutStream.write
def _rampart_capped_write(self, s):
    if not isinstance(s, str):
        return _rampart_write(self, s)
    seen = _rampart['seen']
    _rampart['seen'] = seen + len(s)
    room = max(0, STREAM_HEAD - seen)
    if room:
        for i in range(0, min(room, len(s)), 65536):
            _rampart_write(self, s[i:min(room, i + 65536)])
            if self._buffer.tell() > 65536:
                self.flush()
    if len(s) > room:
        _rampart['tail'] = (_rampart['tail'] + s[room:])[-STREAM_TAIL:]
    return len(s)
iostream.OutStream.write = _rampart_capped_write
_rampart_do_execute = ipkernel.IPythonKernel.do_execute
async def _rampart_capped_do_execute(self, *args, **kwargs):
    _rampart['seen'], _rampart['tail'] = 0, ''
    try:
        return await _rampart_do_execute(self, *args, **kwargs)
    finally:
        seen, tail = _rampart['seen'], _rampart['tail']
        if seen > STREAM_HEAD:
            omitted = seen - STREAM_HEAD - len(tail)
            out = sys.stdout
            marker = ('\\n[rampart: output truncated: {:,} characters of stdout/stderr in total; kept the first {:,} '
                      'and the last {:,}; {:,} omitted]\\n').format(seen, STREAM_HEAD, len(tail), omitted)
            _rampart['seen'] = -(10 ** 18)
            try:
                for i in range(0, len(tail), 65536):
                    _rampart_write(out, (marker if i == 0 else '') + tail[i:i + 65536])
                if not tail:
                    _rampart_write(out, marker)
                out.flush()
            finally:
                _rampart['seen'], _rampart['tail'] = 0, ''
ipkernel.IPythonKernel.do_execute = _rampart_capped_do_execute
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
