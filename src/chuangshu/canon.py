"""Canonical Turtle, so that diffs in the repository stay readable.

The canonical form is rdflib's ``longturtle`` serialization of the canonicalized
graph (stable blank-node labels), with the project's prefixes bound.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Graph

from .load import PREFIXES, parse_file


def canonical_turtle(graph: Graph) -> str:
    g = Graph(bind_namespaces="none")
    used = {str(p) for t in graph for p in t}
    for prefix, ns in PREFIXES.items():
        if any(term.startswith(ns) for term in used):
            g.bind(prefix, ns)
    for prefix, ns in graph.namespaces():
        if prefix not in PREFIXES and any(term.startswith(str(ns)) for term in used):
            g.bind(prefix, ns)
    for t in graph:
        g.add(t)
    return g.serialize(format="longturtle", canon=True)


def is_canonical(path: str | Path) -> bool:
    path = Path(path)
    return path.read_text(encoding="utf-8") == canonical_turtle(_parse_keep_prefixes(path))


def _parse_keep_prefixes(path: Path) -> Graph:
    parse_file(path)  # raises a located error on bad syntax
    g = Graph()
    g.parse(path, format="turtle")  # keeps the file's own prefixes
    return g


def write_atomic(path: str | Path, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8, or bytes) to ``path`` through a temporary file and a
    rename, so that ``path`` is either the old file or the whole new one."""
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def canonicalize_file(path: str | Path) -> bool:
    """Rewrite ``path`` canonically; return True if it changed."""
    path = Path(path)
    text = canonical_turtle(_parse_keep_prefixes(path))
    if path.read_text(encoding="utf-8") == text:
        return False
    write_atomic(path, text)
    return True
