"""Closed-world rules: SPARQL 1.1 CONSTRUCT files under ``queries/rules/``, run in
the order of their file names, each one's output added to the graph before the next.

The files are plain SPARQL 1.1, so the same text runs on rdflib, on Oxigraph and on
a remote endpoint. Parameters (such as ``?asOf``) are bound by the engine
(rdflib ``initBindings``, Oxigraph ``substitutions``), never pasted into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from . import resources
from .errors import ChuangshuError
from .rdf import CS, from_oxigraph
from .slots import slot_names

RULE_CLASS = URIRef(CS + "Rule")
_META = re.compile(r"^#\s*(rule|label@en|label@zh|comment@en|comment@zh|when):\s*(.+?)\s*$")
WHEN = ("timeline",)  # what a rule's ``# when:`` header may name: it then runs only when the caller asks for it


@dataclass
class Rule:
    path: Path
    iri: str
    text: str
    labels: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    when: str | None = None     # the run runs this rule only when asked for this (``# when: timeline``)

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def parameters(self) -> set[str]:
        """The names the rule declares as parameters (``VALUES ?asOf { UNDEF }``)."""
        return slot_names(self.text)

    def describe(self, graph: Graph) -> None:
        """Add the rule's own description (a cs:Rule) to ``graph``."""
        node = URIRef(self.iri)
        graph.add((node, RDF.type, RULE_CLASS))
        for lang, text in self.labels.items():
            graph.add((node, RDFS.label, Literal(text, lang=lang)))
        for lang, text in self.comments.items():
            graph.add((node, RDFS.comment, Literal(text, lang=lang)))
        graph.add((node, URIRef("http://purl.org/dc/terms/source"), Literal(f"queries/rules/{self.path.name}")))


def load_rules(folder: Path | None = None, *, timeline: bool = False, every: bool = False) -> list[Rule]:
    """The rules in file order; a rule with ``# when: timeline`` only with ``timeline`` (every rule with
    ``every``, as a check that they all compile wants them)."""
    folder = folder or resources.resource_dir("queries") / "rules"
    rules = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        meta = {}
        for line in text.splitlines():
            m = _META.match(line)
            if m:
                meta[m.group(1)] = m.group(2)
        if "rule" not in meta:
            raise ChuangshuError("rule file has no '# rule: IRI' header", "规则文件缺少“# rule: IRI”头部",
                                 where=str(path))
        when = meta.get("when")
        if when is not None and when not in WHEN:
            raise ChuangshuError(f"unknown '# when: {when}' (known: {', '.join(WHEN)})",
                                 f"未知的“# when: {when}”（可用：{'、'.join(WHEN)}）", where=str(path))
        if when == "timeline" and not (timeline or every):
            continue
        rules.append(Rule(
            path=path, iri=meta["rule"], text=text,
            labels={k[-2:]: v for k, v in meta.items() if k.startswith("label@")},
            comments={k[-2:]: v for k, v in meta.items() if k.startswith("comment@")},
            when=when,
        ))
    return rules


def describe_rules(rules: list[Rule]) -> Graph:
    """The rules' own descriptions (each a cs:Rule with its labels, comments and file), which every
    engine adds beside their conclusions (a recommendation names the rule that made it)."""
    out = Graph()
    for rule in rules:
        rule.describe(out)
    return out


# ---- term conversion ----------------------------------------------------------

def to_ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


from_ox = from_oxigraph  # the same conversion as for parsed files


# ---- engines ------------------------------------------------------------------

class OxigraphEngine:
    """Rules on an in-memory Oxigraph store (the fast path)."""

    name = "oxigraph"

    def __init__(self, graph: Graph):
        self.store = ox.Store()
        self.store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph)

    def construct(self, query: str, bindings: dict[str, object]) -> list[tuple]:
        subs = {ox.Variable(k): to_ox(v) for k, v in bindings.items()}
        return [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object))
                for t in self.store.query(query, substitutions=subs)]

    def add(self, triples: list[tuple]) -> None:
        self.store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples)

    def select(self, query: str, bindings: dict[str, object] | None = None) -> list[dict]:
        return self.run(query, bindings)[2]

    def run(self, query: str, bindings: dict[str, object] | None = None):
        """Any query form: ("rows", variables, rows), ("boolean", None, bool) or ("graph", None, triples)."""
        subs = {ox.Variable(k): to_ox(v) for k, v in (bindings or {}).items()}
        result = self.store.query(query, substitutions=subs)
        if isinstance(result, ox.QueryBoolean):
            return "boolean", None, bool(result)
        if isinstance(result, ox.QueryTriples):
            return "graph", None, [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in result]
        names = [v.value for v in result.variables]
        made: dict = {}  # each term converted once; a solution read by position (by name costs twice as much)

        def term(v):
            found = made.get(v)
            if found is None:
                found = made[v] = from_ox(v)
            return found
        return "rows", names, [{n: term(v) for n, v in zip(names, row) if v is not None} for row in result]


class RdflibEngine:
    """Rules on an rdflib graph (the reference path, slower)."""

    name = "rdflib"

    def __init__(self, graph: Graph):
        self.graph = Graph()
        for t in graph:
            self.graph.add(t)

    def construct(self, query: str, bindings: dict[str, object]) -> list[tuple]:
        return list(self.graph.query(query, initBindings=bindings))

    def add(self, triples: list[tuple]) -> None:
        for t in triples:
            self.graph.add(t)

    def select(self, query: str, bindings: dict[str, object] | None = None) -> list[dict]:
        return self.run(query, bindings)[2]

    def run(self, query: str, bindings: dict[str, object] | None = None):
        """Any query form: ("rows", variables, rows), ("boolean", None, bool) or ("graph", None, triples)."""
        result = self.graph.query(query, initBindings=bindings or {})
        if result.type == "ASK":
            return "boolean", None, bool(result.askAnswer)
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return "graph", None, list(result.graph)
        names = [str(v) for v in (result.vars or [])]
        return "rows", names, [{str(k): v for k, v in row.asdict().items()} for row in result]


ENGINES = {"oxigraph": OxigraphEngine, "rdflib": RdflibEngine}


def run_rules(graph: Graph, bindings: dict[str, object] | None = None, *, engine: str = "oxigraph",
              rules: list[Rule] | None = None, runner=None, timeline: bool = False) -> Graph:
    """Run the rules over ``graph``; return only what they conclude (plus the rules' descriptions).
    With ``runner`` (an engine of :data:`ENGINES` holding ``graph``), on it: it then holds the
    conclusions too, for the results queries."""
    rules = rules if rules is not None else load_rules(timeline=timeline)
    runner = runner if runner is not None else ENGINES[engine](graph)
    out = Graph()
    for rule in rules:
        # bind only the parameters the rule declares (its slots): a rule may use the same name for its own
        # variable (the timeline's points read each assessment's date as ?asOf), and Oxigraph refuses a
        # substitution for an absent variable
        used = {k: v for k, v in (bindings or {}).items() if k in rule.parameters}
        try:
            triples = runner.construct(rule.text, used)
        except (SyntaxError, ValueError, OSError, RuntimeError) as err:
            raise ChuangshuError(f"rule failed: {err}", f"规则执行失败：{err}", where=str(rule.path)) from None
        runner.add(triples)
        for t in triples:
            out.add(t)
        described = Graph()
        rule.describe(described)
        out += described
        runner.add(list(described))
    return out
