"""Load the input — RDF files and spreadsheets, or a folder of them — into one graph, each subject
mapped to the file or spreadsheet row that states it; statements that would change the ontology are
set aside and reported. (The RDF parsing and namespaces are :mod:`chuangshu.rdf`'s, named here too.)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from . import resources
from .rdf import CS, _FORMATS, compact, load_ontology, new_graph, parse_file
from .spreadsheet import Cell, Problem, import_files
from .tabular import SPREADSHEET_SUFFIXES, is_spreadsheet


_SCHEMA_PREDICATES = {str(RDFS.subClassOf), str(RDFS.subPropertyOf), str(RDFS.domain), str(RDFS.range)} | {
    str(OWL) + name for name in (
        "equivalentClass", "equivalentProperty", "inverseOf", "propertyChainAxiom", "disjointWith", "hasKey",
        "onProperty", "someValuesFrom", "allValuesFrom", "hasValue", "unionOf", "intersectionOf", "complementOf",
        "oneOf", "imports", "propertyDisjointWith", "disjointUnionOf")}
_SCHEMA_TYPES = {str(RDFS.Class), str(RDF.Property)} | {str(OWL) + name for name in (
    "Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "TransitiveProperty", "SymmetricProperty",
    "AsymmetricProperty", "FunctionalProperty", "InverseFunctionalProperty", "ReflexiveProperty",
    "IrreflexiveProperty", "Restriction", "Ontology", "AllDisjointClasses", "AllDisjointProperties")}


def schema_statements(data: Graph) -> set:
    """What in case data would change the ontology's semantics rather than state facts: class and
    property axioms, and any statement about a term of the ontology's own namespace (such as a
    property made transitive, or a type given other defaults)."""
    out = set()
    for t in data:
        s, p, o = t
        if str(p) in _SCHEMA_PREDICATES or (p == RDF.type and str(o) in _SCHEMA_TYPES) or str(s).startswith(CS) \
                or (p == OWL.sameAs and (str(s).startswith(CS) or str(o).startswith(CS))):
            out.add(t)
    return out


def _schema_problem(path: Path, schema: set):
    s, p, o = sorted(schema, key=lambda t: tuple(str(x) for x in t))[0]
    example = f"{compact(s)} {compact(p)} {compact(o)}"
    return Problem("Warning", "load:schema-ignored",
                   f"{len(schema)} statement(s) about the ontology's vocabulary ignored (case data cannot change the "
                   f"ontology; extend it in ontology/ instead), such as: {example}",
                   f"已忽略 {len(schema)} 条关于本体词汇的陈述（案例数据不能改变本体；如需扩展请修改 ontology/），例如：{example}",
                   Cell(str(path), None, None, None), example)


class Sources(NamedTuple):
    graph: Graph
    origin: dict      # subject → the Path that states it, or a spreadsheet RowOrigin
    problems: list    # spreadsheet problems found while importing (chuangshu.spreadsheet.Problem)


def has_community(data: Graph) -> bool:
    """Whether the case data hold a community at all (a blank template holds none)."""
    return next(data.subjects(RDF.type, URIRef(CS + "Community")), None) is not None


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """The input files: a folder stands for the spreadsheets and RDF files in it (the CSV folder a
    template writes, say), in name order."""
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in set(_FORMATS) | set(SPREADSHEET_SUFFIXES))
        else:
            out.append(p)
    return out


def load_sources(paths: Iterable[str | Path]) -> Sources:
    """Parse ``paths`` into one graph; also map each subject to the file (or spreadsheet row)
    that states it. RDF files are parsed; spreadsheets (.csv, .xlsx) are imported together,
    so that their IDs may refer to one another. A folder stands for its files (:func:`expand_inputs`)."""
    paths = expand_inputs(paths)
    graph = new_graph()
    origin: dict = {}
    problems: list = []
    for p in paths:
        if is_spreadsheet(p):
            continue
        part = parse_file(p)
        schema = schema_statements(part)
        if schema:
            problems.append(_schema_problem(p, schema))
        for s in part.subjects(unique=True):
            origin.setdefault(s, p)
        for t in part:
            if t not in schema:
                graph.add(t)
    sheets = [p for p in paths if is_spreadsheet(p)]
    if sheets:
        imported = import_files(sheets)
        for s, where in imported.origin.items():
            origin.setdefault(s, where)
        for t in imported.graph:
            graph.add(t)
        problems = problems + imported.problems   # an RDF file's ignored statements are still reported
    return Sources(graph, origin, problems)


def load_graph(data: Iterable[str | Path] | None = None, ontology: bool = True) -> Graph:
    """Ontology (optional) plus case data (RDF or spreadsheets): the bundled data when ``data`` is None."""
    graph = load_ontology() if ontology else new_graph()
    files = resources.data_files() if data is None else list(data)
    graph += load_sources(files).graph
    return graph
