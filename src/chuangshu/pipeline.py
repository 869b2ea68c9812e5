"""The sequence every command runs, as functions the CLI and the Python API share:

    load → validate → (cut one community's part) → reason → rules → results

A command only parses its options, calls these, and prints; a ``check`` callback sees the validation
report before anything is inferred and may stop the run (the CLI prints the report and exits 1).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from . import resources


def load_validated(paths=(), *, lang: str = "en", check=None) -> tuple[Graph, Graph]:
    """(case data, ontology): the files (default: the bundled data) loaded; with ``check``, validated
    first (Warnings allowed) and the report handed to ``check``."""
    from .load import load_ontology, load_sources
    from .validate import validate_graph

    files = list(paths) or resources.data_files()
    data, origin, problems = load_sources(files)
    onto = load_ontology()
    if check is not None:
        check(validate_graph(data, origin, lang=lang, allow_warnings=True, ontology=onto, problems=problems))
    return data, onto


def load_part(paths=(), keys=(), *, lang: str = "en", check=None) -> tuple[Graph, list]:
    """Ontology + the part of the case data that the communities ``keys`` (IDs, labels or IRIs) need
    (:mod:`chuangshu.subgraph`): the whole input validated first, only that part reasoned over after.
    Returns that graph and the communities' IRIs."""
    from .subgraph import community_subgraph, find_community

    data, onto = load_validated(paths, lang=lang, check=check)
    seeds = [find_community(data, onto, k) for k in keys]
    return onto + community_subgraph(data, onto, seeds), seeds


def knowledge_parts(paths, parts, *, lang: str = "en", as_of=None, reasoner: str = "auto", engine: str = "oxigraph",
                    public: bool = False, policy: Path | None = None) -> Graph:
    """The chosen parts of the knowledge graph: ontology, data, entailments (OWL), assessment
    (the rules' conclusions); ``inferences`` stands for the last two. ``public`` (or a ``policy``
    file) leaves out what identifies people (:mod:`chuangshu.privacy`)."""
    from .assess import INFERENCES, knowledge_graph, parse_as_of

    data, onto = load_validated(paths, lang=lang)
    out = Graph()
    if "ontology" in parts:
        out += onto
    if "data" in parts:
        out += data
    inferred = INFERENCES if "inferences" in parts else tuple(p for p in INFERENCES if p in parts)
    if inferred:
        full = onto + data
        date = parse_as_of(as_of) if as_of else None
        out += knowledge_graph(full, parts=inferred, as_of=date, reasoner=reasoner, engine=engine, lang=lang) - full
    if public or policy is not None:
        from .privacy import apply_policy

        out = apply_policy(out, policy)
    return out
