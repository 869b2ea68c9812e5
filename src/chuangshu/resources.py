"""Where the bundled ontology, shapes, data and queries live.

In a source checkout (also an editable install) they are the top-level folders of
the repository; in a wheel they are packed under ``chuangshu/_bundled``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def _root() -> Path:
    bundled = _PACKAGE / "_bundled"
    if (bundled / "ontology").is_dir():
        return bundled
    return _CHECKOUT


def resource_dir(name: str) -> Path:
    """The folder ``ontology``, ``shapes``, ``data`` or ``queries``."""
    return _root() / name


def ontology_files() -> list[Path]:
    """The ontology's files (one today: it declares every external term it uses, so that it is OWL 2 DL
    on its own)."""
    return sorted(resource_dir("ontology").glob("*.ttl"))


def data_files() -> list[Path]:
    """The bundled case data (examples excluded)."""
    return sorted(p for p in resource_dir("data").glob("*.ttl"))


def reference_files() -> list[Path]:
    """The reference cases that evidence recommendations: the paper's D and S (the bundled case
    data) and the development set of communities from public reports (``data/cases``)."""
    return data_files() + sorted((resource_dir("data") / "cases").glob("*.ttl"))


def shapes_files() -> list[Path]:
    return sorted(resource_dir("shapes").glob("*.ttl"))


def project_file(name: str) -> Path:
    """A file at the top of the project, such as ``CHANGELOG.md`` or ``CITATION.cff``."""
    return _root() / name
