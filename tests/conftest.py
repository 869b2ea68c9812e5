from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Namespace

from chuangshu import load_ontology, resources

CS = Namespace("https://w3id.org/chuangshu/ontology#")
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def ontology() -> Graph:
    return load_ontology()


@pytest.fixture(scope="session")
def core_ontology() -> Graph:
    """ontology/chuangshu.ttl alone (without the external declarations)."""
    from chuangshu.load import parse_file

    return parse_file(resources.resource_dir("ontology") / "chuangshu.ttl")


def rdf_files() -> list[Path]:
    exts = {".ttl", ".nt", ".jsonld", ".rdf"}
    return sorted(
        p for d in ("ontology", "shapes", "data", "queries")
        for p in (REPO / d).rglob("*")
        if p.suffix in exts and p.name != "broken-turtle.ttl" and "context" not in p.parts
    )
