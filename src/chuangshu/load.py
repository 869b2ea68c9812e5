"""Load RDF files into one graph, with exact locations on syntax errors.

Files are parsed by Oxigraph (fast, and it reports line and column of a syntax
error) and handed to rdflib, which the validation and reasoning layers use. A file
is only read, never written.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD, DCTERMS, FOAF, ORG

from . import resources
from .errors import InputError

CS = "https://w3id.org/chuangshu/ontology#"
ONTOLOGY_IRI = "https://w3id.org/chuangshu/ontology"

PREFIXES = {
    "cs": CS,
    "csd": "https://w3id.org/chuangshu/data/",
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "prov": str(PROV),
    "schema": "https://schema.org/",
    "vann": "http://purl.org/vocab/vann/",
    "vf": "https://w3id.org/valueflows/ont/vf#",
    "cdm1": "https://w3id.org/citydata/part1/v1/",
    "sh": "http://www.w3.org/ns/shacl#",
    "csh": "https://w3id.org/chuangshu/shapes#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
}

_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}


def compact(term) -> str:
    """``prefix:local`` for a term in a known namespace, otherwise the term's text."""
    text = str(term)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and len(text) > len(ns):
            return f"{prefix}:{text[len(ns):]}"
    return text


def new_graph() -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, replace=True)
    return g


def rdf_format(path: Path) -> ox.RdfFormat:
    try:
        return _FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(_FORMATS))
        raise InputError(
            f"unknown RDF file type {path.suffix or '(none)'}; expected one of {known}",
            f"无法识别的 RDF 文件类型 {path.suffix or '（无扩展名）'}；应为 {known} 之一",
            where=str(path),
        ) from None


def from_oxigraph(t):
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if t.language:
        return Literal(t.value, lang=t.language)
    if t.datatype.value == _XSD_STRING:  # RDF 1.1: a simple literal is an xsd:string
        return Literal(t.value)
    return Literal(t.value, datatype=URIRef(t.datatype.value))


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def parse_file(path: str | Path, into: Graph | None = None) -> Graph:
    """Parse one RDF file into ``into`` (or a new graph) and return the graph.

    Raises :class:`InputError` naming ``file:line:column`` and what went wrong.
    """
    path = Path(path)
    fmt = rdf_format(path)
    if not path.is_file():
        raise InputError("file not found", "找不到文件", where=str(path))
    graph = into if into is not None else new_graph()
    # JSON-LD documents may name no base; give them the file's own IRI.
    base = path.resolve().as_uri()
    try:
        triples = [
            (from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object))
            for q in ox.parse(path=str(path), format=fmt, base_iri=base)
        ]
    except SyntaxError as err:
        line, col = err.lineno, err.offset
        reason = str(err.msg if hasattr(err, "msg") else err)
        # Oxigraph puts the location in the message as well; keep only the reason.
        if ": " in reason and reason.startswith("Parser error"):
            reason = reason.split(": ", 1)[1]
        raise InputError(
            f"syntax error: {reason}",
            f"语法错误：{reason}",
            where=f"{path}:{line}:{col}" if line else str(path),
        ) from None
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise InputError(
            f"cannot read RDF: {err}", f"无法读取 RDF：{err}", where=str(path)
        ) from None
    for t in triples:
        graph.add(t)
    return graph


def parse_files(paths: Iterable[str | Path], into: Graph | None = None) -> Graph:
    graph = into if into is not None else new_graph()
    for p in paths:
        parse_file(p, graph)
    return graph


class Sources(NamedTuple):
    graph: Graph
    origin: dict      # subject → the Path that states it, or a spreadsheet RowOrigin
    problems: list    # spreadsheet problems found while importing (chuangshu.spreadsheet.Problem)


def load_sources(paths: Iterable[str | Path]) -> Sources:
    """Parse ``paths`` into one graph; also map each subject to the file (or spreadsheet row)
    that states it. RDF files are parsed; spreadsheets (.csv, .xlsx) are imported together,
    so that their IDs may refer to one another."""
    from .tabular import is_spreadsheet

    paths = [Path(p) for p in paths]
    graph = new_graph()
    origin: dict = {}
    problems: list = []
    for p in paths:
        if is_spreadsheet(p):
            continue
        part = parse_file(p)
        for s in part.subjects(unique=True):
            origin.setdefault(s, p)
        for t in part:
            graph.add(t)
    sheets = [p for p in paths if is_spreadsheet(p)]
    if sheets:
        from .spreadsheet import import_files

        imported = import_files(sheets)
        for s, where in imported.origin.items():
            origin.setdefault(s, where)
        for t in imported.graph:
            graph.add(t)
        problems = imported.problems
    return Sources(graph, origin, problems)


def load_ontology() -> Graph:
    """The chuangshu ontology with the local declarations of external terms."""
    return parse_files(resources.ontology_files())


def load_graph(data: Iterable[str | Path] | None = None, ontology: bool = True) -> Graph:
    """Ontology (optional) plus case data (RDF or spreadsheets): the bundled data when ``data`` is None."""
    graph = load_ontology() if ontology else new_graph()
    files = resources.data_files() if data is None else list(data)
    graph += load_sources(files).graph
    return graph
