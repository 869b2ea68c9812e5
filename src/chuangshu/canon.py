"""Canonical Turtle, so that diffs in the repository stay readable.

The canonical form is rdflib's ``longturtle`` serialization of the canonicalized
graph (stable blank-node labels), with the project's prefixes bound.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from glob import escape as glob_escape
from pathlib import Path

from rdflib import BNode, Graph

from .errors import InputError
from .rdf import PREFIXES, parse_file


def canonical_turtle(graph: Graph) -> str:
    g = Graph(bind_namespaces="none")
    used = {str(p) for t in graph for p in t}
    for prefix, ns in PREFIXES.items():
        if any(term.startswith(ns) for term in used):
            g.bind(prefix, ns)
    for prefix, ns in graph.namespaces():
        if prefix not in PREFIXES and any(term.startswith(str(ns)) for term in used):
            g.bind(prefix, ns)
    has_blank_nodes = False
    for t in graph:
        g.add(t)
        has_blank_nodes = has_blank_nodes or isinstance(t[0], BNode) or isinstance(t[2], BNode)
    # canonicalization only renames blank nodes; without any it costs most of the time and changes nothing
    return g.serialize(format="longturtle", canon=has_blank_nodes)


def is_canonical(path: str | Path) -> bool:
    path = Path(path)
    return path.read_text(encoding="utf-8") == canonical_turtle(_parse_keep_prefixes(path))


def _parse_keep_prefixes(path: Path) -> Graph:
    parse_file(path)  # raises a located error on bad syntax
    g = Graph()
    try:
        g.parse(path, format="turtle")  # keeps the file's own prefixes
    except ValueError as err:  # Python reads no integer of over 4,300 digits
        raise InputError(f"cannot be written canonically: {str(err).split(';')[0]}",
                         f"无法按规范序列化写出：{str(err).split(';')[0]}", where=str(path)) from None
    return g


def temp_beside(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path`` (same file system: the rename is atomic), named
    ``.NAME.PID.XXXX.tmp``. What a killed run left there (a SIGKILL runs no cleanup) goes first: a
    leftover whose process is gone is removed."""
    for old in path.parent.glob(f".{glob_escape(path.name)}.*.tmp"):
        pid = old.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            old.unlink(missing_ok=True)
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process
        return True
    return True


def write_atomic(path: str | Path, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8, or bytes) to ``path`` through a temporary file and a
    rename, so that ``path`` is either the old file or the whole new one.

    A symbolic link is written through (the link stays, its target gets the content); an
    existing file keeps its permissions; a folder, FIFO, socket or device at ``path`` is
    refused, never replaced."""
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        st = path.stat()
    except FileNotFoundError:
        st = None
    except OSError as err:
        raise InputError(f"cannot write here: {err.strerror}", f"无法写入此处：{err.strerror}", where=str(path)) from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise InputError("not a regular file (a folder, FIFO, socket or device): choose another output",
                         "不是普通文件（而是目录、FIFO、套接字或设备）：请另选输出", where=str(path))
    # mkstemp makes 0600: an existing file keeps its mode, a new one gets the usual permissions
    mode = stat.S_IMODE(st.st_mode) if st is not None else _new_file_mode()
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        fd, tmp = temp_beside(path)
    except OSError as err:
        raise InputError(f"cannot write in this folder: {err.strerror}", f"无法在此目录写入：{err.strerror}",
                         where=str(path.parent)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise InputError(f"cannot write the file: {err.strerror}; nothing was changed",
                             f"无法写入文件：{err.strerror}；未作任何改动", where=str(path)) from None
        raise


def write_all_atomic(items: list[tuple[Path, str | bytes]]) -> None:
    """Write several files as one: each goes to a temporary file first, and only when all of them
    are written are they renamed into place; a failure (a full disk) leaves none of the new files
    and every old one as it was."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, content in items:
            path = Path(path)
            if path.is_symlink():
                path = Path(os.path.realpath(path))
            if path.exists() and not path.is_file():
                raise InputError("not a regular file (a folder, FIFO, socket or device): choose another output",
                                 "不是普通文件（而是目录、FIFO、套接字或设备）：请另选输出", where=str(path))
            data = content.encode("utf-8") if isinstance(content, str) else content
            fd, tmp = temp_beside(path)
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode) if path.exists() else _new_file_mode())
    except BaseException as err:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise InputError(f"cannot write the files: {err.strerror}; nothing was written",
                             f"无法写入文件：{err.strerror}；未写出任何文件", where=str(staged[-1][1]) if staged else None) from None
        raise
    for tmp, path in staged:
        os.replace(tmp, path)


@contextmanager
def new_folder(target: str | Path, *, overwrite: bool = False) -> Iterator[Path]:
    """A folder written as one: the caller fills a hidden temporary folder beside ``target``, which
    takes ``target``'s name only when the block ends without error (replacing an existing folder only
    with ``overwrite``); on any error, or Ctrl-C, the temporary folder is removed and ``target`` is as it was.

        with new_folder("dist/report") as work:
            (work / "index.html").write_text(...)
    """
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise InputError("not a folder: choose another output", "不是目录：请另选输出位置", where=str(target))
    if target.exists() and any(target.iterdir()) and not overwrite:
        raise InputError("the folder exists and is not empty; choose a new one or give --overwrite",
                         "该目录已存在且非空；请另选目录或加 --overwrite", where=str(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    except OSError as err:
        raise InputError(f"cannot write in this folder: {err.strerror}", f"无法在此目录写入：{err.strerror}",
                         where=str(target.parent)) from None
    try:
        yield work
        mode = _new_file_mode()
        for p in work.rglob("*"):
            p.chmod(mode if p.is_file() else mode | 0o111)
        work.chmod(mode | 0o111)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
            old.rmdir()
            target.rename(old)
            work.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            work.rename(target)
    except BaseException as err:
        shutil.rmtree(work, ignore_errors=True)
        if isinstance(err, OSError):
            raise InputError(f"cannot write the folder: {err.strerror}; nothing was changed",
                             f"无法写入目录：{err.strerror}；未作任何改动", where=str(target)) from None
        raise


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def refuse_overwriting_inputs(outputs: Iterable[str | Path], inputs: Iterable[str | Path]) -> None:
    """An output that is one of the inputs (by any name: a link, a relative path) is refused."""
    inputs = [Path(i) for i in inputs]
    for out in outputs:
        out = Path(out)
        for i in inputs:
            try:
                same = os.path.samefile(out, i)
            except OSError:
                same = out.resolve() == i.resolve()
            if same:
                raise InputError(f"the output would overwrite the input {i}; choose another file name",
                                 f"输出将覆盖输入文件 {i}；请另选文件名", where=str(out))


def comment_lines(text: str) -> list[int]:
    """The lines (1-based) of a Turtle text that hold a comment: a ``#`` outside IRIs and strings."""
    lines, i, n, line = [], 0, len(text), 1
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
        elif ch == "<":  # an IRI (Turtle has no other use for "<" outside strings)
            end = text.find(">", i + 1)
            if end < 0:
                break
            line += text.count("\n", i, end)
            i = end
        elif ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            line += text.count("\n", i, min(j, n))
            i = j + len(quote) - 1
        elif ch == "#":
            lines.append(line)
            end = text.find("\n", i)
            i = (n if end < 0 else end) - 1
        i += 1
    return lines


def canonicalize_file(path: str | Path) -> bool:
    """Rewrite ``path`` canonically; return True if it changed."""
    path = Path(path)
    text = canonical_turtle(_parse_keep_prefixes(path))
    if path.read_text(encoding="utf-8") == text:
        return False
    write_atomic(path, text)
    return True
