"""Test helpers for real servers: free loopback ports, start and stop, the Oxigraph binary."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def oxigraph_binary() -> str:
    """The Oxigraph server of the test dependencies: on PATH, or beside this interpreter
    (an unactivated virtual environment)."""
    beside = Path(sys.executable).parent / "oxigraph"
    exe = shutil.which("oxigraph") or (str(beside) if beside.is_file() else None)
    if not exe:
        raise RuntimeError("the Oxigraph server is not installed: pip install -e '.[test]'")
    return exe


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(cmd: list[str], **kwargs) -> subprocess.Popen:
    """Start a server for a test: its output discarded, its errors kept, and killed by the kernel when
    the test process dies in any way (a worker stopped mid-test by `pytest -x`, a kill), so that it
    never outlives the run — `stop` ends it in the ordinary case."""
    from chuangshu.errors import die_with_parent

    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=die_with_parent, **kwargs)


def wait_until_up(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("server did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=15)
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()


VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {d}
ResultSetMaxRows = 100000

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 10
EnabledDavVSP = 0
HTTPProxyEnabled = 0

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 120
"""


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


def start_virtuoso(folder: Path) -> tuple[subprocess.Popen, str]:
    """Virtuoso 7 on free loopback ports, its files in ``folder``; the authenticated SPARQL URL
    (user dba, password dba: the defaults of a new database)."""
    folder.mkdir(parents=True, exist_ok=True)
    http, sql = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=folder, sql=sql, http=http))
    proc = spawn([virtuoso_binary(), "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder)
    wait_until_up(f"http://127.0.0.1:{http}/sparql", proc, 120)
    return proc, f"http://127.0.0.1:{http}/sparql-auth"
