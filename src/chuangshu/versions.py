"""The ontology's version (its owl:versionInfo) and that version's entry in CHANGELOG.md, which a
release and the documentation site both name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from . import resources
from .errors import InputError
from .rdf import ONTOLOGY_IRI


def ontology_version(ontology: Graph) -> str:
    version = ontology.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo)
    if version is None:
        raise InputError("the ontology has no owl:versionInfo", "本体缺少 owl:versionInfo")
    return str(version)


@dataclass
class ChangelogEntry:
    version: str
    date: str
    text: str


def changelog_file() -> Path:
    return resources.project_file("CHANGELOG.md")


def changelog_entry(version: str, path: Path | None = None) -> ChangelogEntry:
    """The section ``## VERSION — YYYY-MM-DD`` of CHANGELOG.md."""
    path = path or changelog_file()
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    heads = list(re.finditer(r"^## (\S+) — (\d{4}-\d{2}-\d{2})\s*$", text, re.M))
    for i, m in enumerate(heads):
        if m.group(1) == version:
            end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
            return ChangelogEntry(version, m.group(2), text[m.start():end].strip() + "\n")
    raise InputError(f"CHANGELOG.md has no entry `## {version} — YYYY-MM-DD`: say what the release changes first",
                     f"CHANGELOG.md 中没有 `## {version} — YYYY-MM-DD` 条目：请先写明此次发布的变更", where=str(path))
