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
