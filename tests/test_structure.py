"""The package's structure, held as a contract: every import of one chuangshu module by another — at the
top of a module or inside a function — names something the other defines (an import inside a function
fails only when it runs: this found one a rename had broken), and the modules' imports form no circle
(issue #26: data flow one way)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "src" / "chuangshu"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _for_annotations(tree: ast.AST) -> set[int]:
    """The ids of the imports under ``if TYPE_CHECKING:`` (names for annotations, never imported)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            out |= {id(n) for child in node.body for n in ast.walk(child)}
    return out


def internal_imports(with_annotations: bool = True):
    """(importing module, line, imported module, names) for every relative import in the package, at
    the top of a module or inside a function (without ``with_annotations``: not those under
    ``if TYPE_CHECKING:``)."""
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = set() if with_annotations else _for_annotations(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level and id(node) not in skipped:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
                yield name, node.lineno, target, [a.name for a in node.names]


def import_graph() -> dict[str, set[str]]:
    """Module → the chuangshu modules it imports (a submodule named in ``from . import x`` included)."""
    modules = {_module_name(p) for p in PACKAGE.rglob("*.py")}
    out: dict[str, set[str]] = {m: set() for m in modules}
    for name, _, target, names in internal_imports(with_annotations=False):
        submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules]
        for t in submodules or [target]:  # ``from . import resources`` imports chuangshu.resources
            if t in modules and t != name:
                out[name].add(t)
    return out


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one module (Tarjan's algorithm)."""
    index: dict = {}
    low: dict = {}
    stack: list = []
    on: set = set()
    found: list = []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_every_internal_import_names_what_its_module_defines():
    missing = []
    for name, line, target, names in internal_imports():
        module = importlib.import_module(target)
        for n in names:
            if not hasattr(module, n):
                try:  # a submodule (from . import resources)
                    importlib.import_module(f"{target}.{n}")
                except ImportError:
                    missing.append(f"{name}:{line} imports {n} from {target}")
    assert not missing, "\n".join(missing)


def test_the_modules_import_one_another_in_one_direction():
    """No circle among the modules' imports, counting those inside functions (a circle hidden there is a
    circle still); an import under ``if TYPE_CHECKING:`` names a type for annotations and does not count."""
    graph = import_graph()
    found = circles(graph)
    shown = ["; ".join(f"{a} → {b}" for a in part for b in sorted(graph[a] & set(part))) for part in found]
    assert not found, "import circles:\n" + "\n".join(shown)


def test_the_circle_check_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []
