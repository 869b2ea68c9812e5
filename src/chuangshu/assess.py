"""Assess each community: reason (open world), run the rules (closed world), and read
the conclusions back as plain Python objects for rendering and export.

    load → validate → reason (:mod:`reason`) → rules (:mod:`rules`) → assess (here) → render
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import orjson
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from .errors import InputError
from .rdf import is_named, no_community_error
from .model import C, CommunityResult, label_of
from .reason import entail
from .reference import with_reference_cases
from .results import answers, build_with_timelines
from .rules import ENGINES, run_rules

RUN = URIRef("https://w3id.org/chuangshu/rules/run")


# ---- dates --------------------------------------------------------------------

_DATE_FORMS = [
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), XSD.date),
    (re.compile(r"^\d{4}-\d{2}$"), XSD.gYearMonth),
    (re.compile(r"^\d{4}$"), XSD.gYear),
]


def parse_as_of(text: str) -> Literal:
    """``2022-08-15``, ``2022-08`` or ``2022`` as a typed literal at that precision; full-width digits
    and dashes (as an input method types them) are read as their ASCII forms."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text).strip().replace("－", "-").replace("‐", "-")
    for pattern, datatype in _DATE_FORMS:
        if pattern.match(text):
            if datatype == XSD.date:
                try:
                    dt.date.fromisoformat(text)
                except ValueError:
                    break
            elif datatype == XSD.gYearMonth and not 1 <= int(text[5:]) <= 12:
                break
            return Literal(text, datatype=datatype)
    raise InputError(
        f"not a date: {text!r} (use YYYY-MM-DD, YYYY-MM or YYYY)",
        f"不是日期：{text!r}（请用 YYYY-MM-DD、YYYY-MM 或 YYYY）",
        where="--as-of",
    )


@dataclass
class Assessment:
    communities: list[CommunityResult]
    graph: Graph                # what the rules concluded, with provenance
    reasoner: str
    engine: str
    as_of: str | None
    lang: str = "en"            # the language of every label in it
    # each community's timeline, when asked for: {community IRI: [(when, result)]} (results.build_with_timelines)
    timelines: dict = field(default_factory=dict)

    def to_frame(self, kind: str = "communities"):
        """A pandas data frame (``pip install 'chuangshu[frames]'``): one row per community
        (``kind="communities"``) or per community × recommendation (``"recommendations"``); labels in the
        assessment's language, IRIs in their own columns."""
        from .frames import to_frame
        from .tables import community_table, recommendation_table

        tables = {"communities": community_table, "recommendations": recommendation_table}
        if kind not in tables:
            raise ValueError(f"kind is one of {sorted(tables)}")
        return to_frame(tables[kind](self, self.lang))

    def only(self, iris) -> "Assessment":
        """The assessment of the communities ``iris`` alone: their results, and of the graph their
        assessment nodes with everything reachable from them, the run and the rules' descriptions."""
        iris = {str(i) for i in iris}
        keep = [c for c in self.communities if c.community.iri in iris]
        starts = {a for a in self.graph.subjects(RDF.type, C("CommunityAssessment"))
                  if str(self.graph.value(a, C("assessedCommunity"))) in iris}
        starts |= {RUN} | set(self.graph.subjects(RDF.type, C("Rule")))
        made = set(self.graph.subjects())      # the nodes the rules made
        seen, todo = set(starts), list(starts)
        out = Graph()
        for prefix, ns in self.graph.namespaces():
            out.bind(prefix, ns, override=False)
        while todo:
            for t in self.graph.triples((todo.pop(), None, None)):
                out.add(t)
                if t[2] in made and t[2] not in seen:
                    seen.add(t[2])
                    todo.append(t[2])
        return Assessment(keep, out, self.reasoner, self.engine, self.as_of, self.lang,
                          {k: v for k, v in self.timelines.items() if k in iris})

    def community(self, key: str) -> CommunityResult:
        """The result of the community named by its IRI, prefixed name (csd:D), ID or label."""
        for c in self.communities:
            if is_named(key, c.community.iri, (c.community.label,)):
                return c
        names = ", ".join(c.community.iri.rsplit("/", 1)[-1] for c in self.communities)
        raise no_community_error(key, names)

    def _head(self) -> dict:
        return {"schema": "https://w3id.org/chuangshu/assessment/1", "as_of": self.as_of, "reasoner": self.reasoner,
                "rule_engine": self.engine}

    def as_dict(self) -> dict:
        return {**self._head(), "communities": [c.as_dict() for c in self.communities]}

    def to_json(self) -> str:
        """:meth:`as_dict` as JSON text indented by two (``assess --format json``; docs/assessment.schema.json),
        the result dataclasses serialized as they are (orjson): the text ``json.dumps(as_dict(), indent=2,
        ensure_ascii=False)`` gives, without copying a city's results into dicts first."""
        return orjson.dumps({**self._head(), "communities": self.communities}, option=orjson.OPT_INDENT_2).decode() + "\n"


# ---- running ------------------------------------------------------------------------

def reasoned_graph(graph: Graph, reasoner: str = "auto") -> tuple[Graph, str]:
    """``graph`` plus what the OWL reasoner entails of its individuals."""
    entailed, name = entail(graph, reasoner)
    out = Graph()
    for t in graph:
        out.add(t)
    for t in entailed:
        out.add(t)
    return out, name


def assess_reasoned(reasoned: Graph, reasoner: str, *, as_of: Literal | None = None,
                    engine: str = "oxigraph", lang: str = "en", timeline: bool = False) -> Assessment:
    """The rules over a reasoned graph (:func:`reasoned_graph`) and the results read back in ``lang``."""
    return assess_reasoned_in((lang,), reasoned, reasoner, as_of=as_of, engine=engine, timeline=timeline)[lang]


def assess_reasoned_in(langs, reasoned: Graph, reasoner: str, *, as_of: Literal | None = None,
                       engine: str = "oxigraph", timeline: bool = False) -> dict[str, Assessment]:
    """:func:`assess_reasoned` read in each of ``langs`` from one run of the rules (with ``timeline``,
    each community's timeline too: ``queries/rules/12-timeline-points.rq``)."""
    bindings = {"asOf": as_of} if as_of is not None else {}
    reasoned = with_reference_cases(reasoned)
    runner = ENGINES[engine](reasoned)
    concluded = run_rules(reasoned, bindings, engine=engine, runner=runner, timeline=timeline)
    run = [(RUN, RDF.type, PROV.Activity),
           (RUN, RDFS.label, Literal("chuangshu assessment", lang="en")),
           (RUN, RDFS.label, Literal("创熟评估", lang="zh")),
           (RUN, RDFS.comment, Literal(f"OWL reasoner: {reasoner}; rule engine: {engine}", lang="en")),
           (RUN, RDFS.comment, Literal(f"OWL 推理机：{reasoner}；规则引擎：{engine}", lang="zh"))]
    run += [(RUN, PROV.used, rule) for rule in set(concluded.subjects(RDF.type, C("Rule")))]
    run += [(a, PROV.wasGeneratedBy, RUN) for a in concluded.subjects(RDF.type, C("CommunityAssessment"))]
    for t in run:
        concluded.add(t)
    runner.add(run)
    rows = answers(runner.select)
    date = str(as_of) if as_of is not None else None
    out = {}
    for lang in langs:
        communities, lines = build_with_timelines(rows, lang)
        out[lang] = Assessment(communities, concluded, reasoner, engine, date, lang, lines)
    return out


INFERENCES = ("entailments", "assessment")


def knowledge_graph(graph: Graph, *, parts=INFERENCES, as_of: Literal | None = None, reasoner: str = "auto",
                    engine: str = "oxigraph", lang: str = "en") -> Graph:
    """``graph`` (ontology + data) with the chosen inferences: the OWL ``entailments``
    and/or the rules' ``assessment`` (by default both: the graph that queries run on)."""
    reasoned, name = reasoned_graph(graph, reasoner)
    out = reasoned if "entailments" in parts else graph + Graph()
    if "assessment" in parts:
        out += assess_reasoned(reasoned, name, as_of=as_of, engine=engine, lang=lang).graph
    return out


def assess(graph: Graph, *, as_of: Literal | str | None = None, reasoner: str = "auto",
           engine: str = "oxigraph", lang: str = "en", timeline: bool = False) -> Assessment:
    """Assess every community in ``graph`` (ontology + case data); with ``timeline``, each community's
    timeline too (``Assessment.timelines``: the stage transitions its dates imply)."""
    if isinstance(as_of, str):
        as_of = parse_as_of(as_of)
    reasoned, name = reasoned_graph(graph, reasoner)
    return assess_reasoned(reasoned, name, as_of=as_of, engine=engine, lang=lang, timeline=timeline)


def dated_interventions(graph: Graph, community_iri: str, lang: str = "en") -> dict[str, list[tuple[str, str]]]:
    """Date → the community's interventions that start (or, discontinued, end) then, and the start of its
    programme: (what, name)."""
    out: dict[str, list[tuple[str, str]]] = {}
    node = URIRef(community_iri)
    for i in graph.subjects(C("inCommunity"), node):
        if (i, RDF.type, C("Interview")) in graph or (i, RDF.type, C("Claim")) in graph:
            continue
        name = f"{graph.value(i, C('caseLabel')) or str(i).rsplit('/', 1)[-1]} {label_of(graph, i, lang)}"
        planned = (i, C("interventionStatus"), C("Planned")) in graph
        for prop, what in (("startDate", "start"), ("startNoLaterThan", "by"), ("endDate", "end")):
            for d in graph.objects(i, C(prop)):
                kind = "planned" if planned else what
                if what == "end" and (i, C("interventionStatus"), C("Discontinued")) not in graph:
                    continue
                out.setdefault(str(d), []).append((kind, name))
    for d in graph.objects(node, C("programmeStart")):
        out.setdefault(str(d), []).append(("programme", label_of(graph, node, lang)))
    return {d: sorted(v, key=lambda x: x[1]) for d, v in out.items()}
