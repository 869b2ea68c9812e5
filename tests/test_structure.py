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


def internal_imports():
    """(importing module, line, imported module, names) for every relative import in the package."""
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
                yield name, node.lineno, target, [a.name for a in node.names]


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
