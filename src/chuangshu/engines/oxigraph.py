"""The Oxigraph engine: the whole pipeline inside one in-memory Oxigraph store.

    load (bulk) → validate (shapes compiled to SPARQL) → reason (entailment updates in
    queries/entailment) → rules (queries/rules as INSERT … WHERE) → results (queries/results) → export (dump)

It gives the same validation results and the same assessments as the reference engine (pySHACL, HermiT or
owlrl, rules through CONSTRUCT); tests compare the two. Nothing here builds an rdflib graph of the data,
so a million triples stay in Rust.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .. import resources
from .base import DETAIL_QUERIES, EngineRun
from ..errors import ChuangshuError, InputError
from ..i18n import preferred
from ..rdf import PREFIXES, check_xml, from_oxigraph, rdf_format
from ..rules import to_ox

RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


_XSD = "http://www.w3.org/2001/XMLSchema#"


def rewritten_literals(literals) -> list:
    """Of Oxigraph literals, those its store does not keep as written: it stores numbers, booleans and
    date-times by value, so "007"^^xsd:integer comes back as "7", "1"^^xsd:boolean as "true" and
    "5"^^xsd:int as "5"^^xsd:integer — which a shape's datatype, pattern, length or value set would then
    judge wrongly. Each distinct literal with an XML Schema datatype goes through a store of its own."""
    typed = sorted({lit for lit in literals if isinstance(lit, ox.Literal) and lit.datatype.value.startswith(_XSD)
                    and lit.datatype.value != _XSD + "string"}, key=str)
    if not typed:
        return []
    store = ox.Store()
    subject = ox.NamedNode("urn:x-chuangshu:literal")
    store.bulk_extend(ox.Quad(subject, ox.NamedNode(f"urn:x-chuangshu:literal:{i}"), lit) for i, lit in enumerate(typed))
    back = {q.predicate.value: q.object for q in store}
    return [lit for i, lit in enumerate(typed) if back[f"urn:x-chuangshu:literal:{i}"] != lit]


class RewrittenLiterals(ChuangshuError):
    """Data that the Oxigraph store would not keep as written: its compiled validation would judge them wrongly."""


@dataclass
class OxigraphRun(EngineRun):
    store: ox.Store = field(default_factory=ox.Store)
    origin: dict = field(default_factory=dict)
    sources: list = field(default_factory=list)    # the files loaded, and the rdflib graphs added (add_graph)
    _validated: dict = field(default_factory=dict, repr=False)  # each compiled constraint's rows, once per graph size
    _literals_checked: int = field(default=-1, repr=False)       # how many of the sources check_literals passed

    # ---- load ----------------------------------------------------------------------------
    def add_graph(self, graph) -> None:
        """An rdflib graph's triples into the store (blank nodes keep their labels)."""
        self.store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph)
        self.sources.append(graph)

    def check_literals(self) -> None:
        """Refuse, naming a few, data that hold literals the store does not keep as written
        (:func:`rewritten_literals`): a validation of them here would be silently wrong. Each source is
        checked once (a second language's validation does not read the files again)."""
        if self._literals_checked == len(self.sources):
            return
        found: set = set()
        for source in self.sources:
            if isinstance(source, Path):
                found |= {q.object for q in ox.parse(path=str(source), format=rdf_format(source),
                                                     base_iri=PREFIXES["csd"]) if isinstance(q.object, ox.Literal)}
            else:
                found |= {to_ox(o) for o in source.objects() if hasattr(o, "datatype") and o.datatype is not None}
        bad = rewritten_literals(found)
        if not bad:
            self._literals_checked = len(self.sources)
        if bad:
            shown = ", ".join(str(x) for x in bad[:3]) + (f" and {len(bad) - 3} more" if len(bad) > 3 else "")
            raise RewrittenLiterals(
                f"the data hold literals the Oxigraph store does not keep as written ({shown}): it stores numbers, "
                "booleans and date-times by value, which its compiled validation would judge wrongly — validate them "
                "with --engine pyshacl, or on DuckDB (assess --fast --scale-engine duckdb)",
                f"数据中有 Oxigraph 存储不按原样保留的字面量（{shown}）：它按值存储数字、布尔值与日期时间，其编译校验会因此出错——"
                "请用 --engine pyshacl 校验，或在 DuckDB 上校验（assess --fast --scale-engine duckdb）")

    def load(self, files: list[Path], *, with_ontology: bool = True) -> None:
        def run():
            for f in self.input_files(files, with_ontology):
                self.sources.append(Path(f))
                fmt = rdf_format(Path(f))
                if fmt == ox.RdfFormat.RDF_XML:
                    check_xml(Path(f))
                try:
                    self.store.bulk_load(path=str(f), format=fmt, base_iri=PREFIXES["csd"])
                except SyntaxError as err:
                    reason = str(err).split(": ", 1)[-1]
                    raise InputError(f"syntax error: {reason}", f"语法错误：{reason}",
                                     where=f"{f}:{err.lineno}:{err.offset}" if err.lineno else str(f)) from None
        self._timed("load", run)

    def __len__(self) -> int:
        return len(self.store)

    # ---- validate ------------------------------------------------------------------------
    def validate(self, *, lang: str = "en", allow_warnings: bool = False, itemize_info: bool = True,
                 shapes: Graph | None = None):
        """The graph validated against ``shapes`` (default: the case-data shapes), compiled to SPARQL."""
        from ..fastshacl import build_report, compile_shapes, tallied
        from ..shapes import shapes_graph

        def run():
            nonlocal shapes
            shapes = shapes if shapes is not None else shapes_graph()
            self.check_literals()
            found, counted = [], []
            size = len(self.store)  # (counted once: 37 ms at 20,000 communities)
            for c in compile_shapes(shapes):
                self._tick("validate")
                # a second language's report reads the rows the first selected (the graph unchanged)
                key = (c.query, c.lexical_query, size)
                rows = self._validated.get(key)
                if rows is None:
                    rows = select(self.store, c.query)
                    if c.lexical_query:
                        rows += [r for r in select(self.store, c.lexical_query) if from_oxigraph(r["value"]).ill_typed]
                    self._validated[key] = rows
                if tallied(c, shapes, lang, itemize_info):
                    counted.append((c, len(rows)))
                    continue
                found.append((c, [{k: from_oxigraph(v) for k, v in row.items()} for row in rows]))
            return build_report(shapes, found, lambda t: self._label(to_ox(t), lang) if isinstance(t, URIRef) else None,
                                lang=lang, allow_warnings=allow_warnings, counted=counted)
        return self._timed("validate", run)

    def _label(self, node, lang: str) -> str | None:
        if not isinstance(node, ox.NamedNode):
            return None
        label = preferred((q.object for q in self.store.quads_for_pattern(node, RDFS_LABEL, None)), lang)
        return label.value if label is not None else None

    def add_reference_cases(self) -> None:
        """The reference communities the data do not hold, as evidence for recommendations
        (the same triples the reference path adds: :func:`chuangshu.assess.reference_triples`)."""
        from ..reference import reference_triples
        from ..rdf import CS
        from ..rules import to_ox

        def run():
            own = {from_oxigraph(q.subject) for q in self.store.quads_for_pattern(
                None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(CS + "Community"))}
            self.store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in reference_triples(own))
        self._timed("load", run)

    # ---- reason and rules (the loops are the interface's: EngineRun.reason, EngineRun.rules) -----------------
    def _update(self, text: str, source: str) -> None:
        self.store.update(text)

    def _apply_rule(self, rule, text: str, keep) -> None:
        # the same rule, its conclusions inserted in place instead of returned
        self.store.update(re.sub(r"\bCONSTRUCT\s*\{", "INSERT {", text, count=1))

    # ---- assess ---------------------------------------------------------------------------
    def assess(self) -> list[dict]:
        query = (resources.resource_dir("queries") / "scale" / "summary.rq").read_text(encoding="utf-8")

        def run():
            return [{k: v.value for k, v in row.items()} for row in select(self.store, query)]
        return self._timed("assess", run)

    def details(self, names=DETAIL_QUERIES) -> dict[str, list[dict]]:
        """What the one-row-per-community table adds to the summary: every recommendation (with labels
        in zh and en), every gap, every community's names (``queries/scale/{recommendations,gaps,labels}.rq``;
        those of ``names``)."""
        folder = resources.resource_dir("queries") / "scale"

        def rows(name):
            out = []
            for row in select(self.store, (folder / f"{name}.rq").read_text(encoding="utf-8")):
                out.append({k: (v.value, getattr(v, "language", None)) if k == "label" else v.value
                            for k, v in row.items()})
            return out
        return self._timed("details", lambda: {name: rows(name) for name in names})

    def select_terms(self, text: str) -> list[dict]:
        made: dict = {}  # each term converted once (a results query names the same few terms many times)

        def term(v):
            found = made.get(v)
            if found is None:
                found = made[v] = from_oxigraph(v)
            return found
        result = self.store.query(text)
        names = [v.value for v in result.variables]
        return [{n: term(v) for n, v in zip(names, row) if v is not None} for row in result]

    def export(self, path: Path, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> None:
        self._timed("export", lambda: self.store.dump(output=str(path), format=fmt, from_graph=ox.DefaultGraph()))


def select(store: ox.Store, query: str) -> list[dict]:
    """Rows of a SELECT as {variable: Oxigraph term}, unbound variables left out."""
    result = store.query(query)
    names = [v.value for v in result.variables]
    # by position: a solution's lookup by name costs twice as much
    return [{n: v for n, v in zip(names, row) if v is not None} for row in result]
