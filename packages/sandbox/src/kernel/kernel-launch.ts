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
//
// Start time: every module imported before the kernel answers is paid by every cold start (and every recovery).
// Blocking debugpy saves ~0.8 s: ipykernel imports it eagerly, and nobody attaches a debugger to a sandboxed
// notebook. `import IPython` pulls in the terminal front end (IPython.embed → prompt_toolkit, ~100 ms) that a
// kernel never uses, and IPython's completer imports jedi (~40 ms) for completions no agent asks for: both are
// kept out during start and made importable again before the first cell, so user code can still import them
// (IPython.embed loads the real one on first call).
//
// Round trip: stock ipykernel sleeps 0.5 ms after every cell (_execute_sleep, a workaround for lost output in old
// clients; ours waits for the idle status, which is published after every output) and flushes stdout and stderr
// by waiting for a round trip through its IOPub thread even when nothing was written. Together they were ~1.1 ms of
// a 2.3 ms trivial cell on a quiet host, and each wait is a thread wake-up, which a loaded host makes far costlier.
// The flush still goes through the IOPub thread when there is output, so ordering on IOPub is unchanged.
const BOOTSTRAP = `
import sys, types
sys.modules['debugpy'] = None
sys.modules['jedi'] = None
def _rampart_embed(*args, **kwargs):
    sys.modules.pop('IPython.terminal.embed', None)
    from IPython.terminal.embed import embed
    return embed(*args, **kwargs)
_rampart_embed_stub = types.ModuleType('IPython.terminal.embed')
_rampart_embed_stub.embed = _rampart_embed
sys.modules['IPython.terminal.embed'] = _rampart_embed_stub
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
_rampart_flush = iostream.OutStream.flush
def _rampart_quick_flush(self):
    with self._buffer_lock:
        empty = self._buffer.tell() == 0
    if not empty:
        return _rampart_flush(self)
iostream.OutStream.flush = _rampart_quick_flush
from ipykernel import kernelapp
_rampart_app = kernelapp.IPKernelApp.instance()
_rampart_app.initialize()
for _rampart_name in ('jedi', 'IPython.terminal.embed'):
    if sys.modules.get(_rampart_name) in (None, _rampart_embed_stub):
        sys.modules.pop(_rampart_name, None)
del _rampart_name
_rampart_app.start()
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
    '--IPythonKernel._execute_sleep=0',
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
