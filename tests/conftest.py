from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Namespace

from chuangshu import load_ontology, resources

CS = Namespace("https://w3id.org/chuangshu/ontology#")
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _entailment_cache(tmp_path_factory):
    """The tests share one entailment cache of their own (chuangshu.reason.cache_dir), removed with
    pytest's temporary folders; nothing is written to the user's cache."""
    import os

    folder = tmp_path_factory.getbasetemp() / "entailment-cache"
    previous = os.environ.get("CHUANGSHU_CACHE")
    os.environ["CHUANGSHU_CACHE"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("CHUANGSHU_CACHE", None)
    else:
        os.environ["CHUANGSHU_CACHE"] = previous


@pytest.fixture(scope="session")
def ontology() -> Graph:
    return load_ontology()


@pytest.fixture(scope="session")
def core_ontology() -> Graph:
    """ontology/chuangshu.ttl alone, as a user who opens the file gets it."""
    from chuangshu.rdf import parse_file

    return parse_file(resources.resource_dir("ontology") / "chuangshu.ttl")


def rdf_files() -> list[Path]:
    exts = {".ttl", ".nt", ".jsonld", ".rdf"}
    return sorted(
        p for d in ("ontology", "shapes", "data", "queries")
        for p in (REPO / d).rglob("*")
        if p.suffix in exts and p.name != "broken-turtle.ttl" and "context" not in p.parts
    )


# ---- nothing left running, nothing left behind ------------------------------------------

import os
import tempfile
import uuid

_WATCHED = ("oxigraph", "chuangshu", "java", "virtuoso")
# every process this test session starts inherits this mark (the xdist workers, the servers and commands
# they start, and whatever those leave running when their parent is gone): the check looks only at those,
# not at an unrelated process of the same user whose command line happens to say "chuangshu"
_MARK = "CHUANGSHU_TEST_SESSION"
os.environ.setdefault(_MARK, uuid.uuid4().hex)


def _processes() -> dict[int, str]:
    """The processes of this test session whose command line names a program the tests start."""
    mark = f"{_MARK}={os.environ[_MARK]}".encode()
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if entry.stat().st_uid != os.getuid():
                continue
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace").strip()
            if mark not in (entry / "environ").read_bytes().split(b"\0"):
                continue
        except OSError:
            continue
        if any(w in cmd for w in _WATCHED) and "pytest" not in cmd:
            out[int(entry.name)] = cmd
    return out


def _temp_entries() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).iterdir() if p.name.startswith(("chuangshu", "tmp-chuangshu"))}


def _is_worker(config) -> bool:
    """A pytest-xdist worker: only the controlling process checks, once every worker is done."""
    return hasattr(config, "workerinput")


def pytest_sessionstart(session):
    if _is_worker(session.config):
        return
    session.config._chuangshu_before = (set(_processes()) if Path("/proc").is_dir() else set(), _temp_entries())


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_chuangshu_before", None)
    if before is None or not Path("/proc").is_dir():
        return
    import time

    deadline = time.time() + 10  # a server stopped at the very end gets a moment to exit
    while True:
        left = {pid: cmd for pid, cmd in _processes().items() if pid not in before[0]}
        if not left or time.time() > deadline:
            break
        time.sleep(0.2)
    temps = _temp_entries() - before[1]
    if left or temps:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = [f"left running: {pid} {cmd}" for pid, cmd in sorted(left.items())]
        lines += [f"left behind: {tempfile.gettempdir()}/{name}" for name in sorted(temps)]
        if reporter:
            reporter.write_line("\n".join(["the test session left these behind:"] + lines), red=True)
        session.exitstatus = 1
