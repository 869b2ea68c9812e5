"""Assess each community: reason (open world), run the rules (closed world), and read
the conclusions back as plain Python objects for rendering and export.

    load → validate → reason (:mod:`reason`) → rules (:mod:`rules`) → assess (here) → render
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from .errors import InputError
from .load import CS
from .reason import entail
from .rules import run_rules

C = lambda name: URIRef(CS + name)  # noqa: E731
DIMENSIONS = [C("GeneralizedTrust"), C("ParticipationNetwork"), C("ReciprocityNorm")]
RUN = URIRef("https://w3id.org/chuangshu/rules/run")


# ---- dates --------------------------------------------------------------------

_DATE_FORMS = [
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), XSD.date),
    (re.compile(r"^\d{4}-\d{2}$"), XSD.gYearMonth),
    (re.compile(r"^\d{4}$"), XSD.gYear),
]


def parse_as_of(text: str) -> Literal:
    """``2022-08-15``, ``2022-08`` or ``2022`` as a typed literal at that precision."""
    text = text.strip()
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


# ---- the assessment model ---------------------------------------------------------

@dataclass
class Term:
    iri: str
    label: str

    @classmethod
    def of(cls, graph: Graph, node, lang: str) -> "Term | None":
        if node is None:
            return None
        return cls(str(node), label_of(graph, node, lang))


@dataclass
class Evidence:
    intervention: Term
    community: Term
    quotations: list[dict] = field(default_factory=list)  # {iri, text, code}


@dataclass
class Recommendation:
    kind: Term
    priority: int
    reason: str
    intervention_type: Term | None = None
    dimension: Term | None = None
    scope_group: Term | None = None
    scopes: list[Term] = field(default_factory=list)
    actor_kind: Term | None = None
    steps: list[Term] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    rule: Term | None = None
    iri: str = ""


@dataclass
class Finding:
    dimension: Term
    scope: Term
    scope_group: Term
    interventions: list[Term]


@dataclass
class CommunityResult:
    community: Term
    as_of: str | None
    capital_type: Term | None
    capital_type_basis: Term | None
    form_implied_type: Term | None
    capital_type_conflict: bool
    initial_cycle_closed: bool
    advanced_cycle_closed: bool
    cycle_closures: dict[str, Term]            # cycle IRI -> basis
    stage: Term | None
    ready_to_move_on: bool
    findings: list[Finding]
    gaps: list[dict]                           # {dimension, scope_group, cycle, order}
    recommendations: list[Recommendation]
    iri: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Assessment:
    communities: list[CommunityResult]
    graph: Graph                # what the rules concluded, with provenance
    reasoner: str
    engine: str
    as_of: str | None

    def community(self, key: str) -> CommunityResult:
        for c in self.communities:
            if key in (c.community.iri, c.community.label) or c.community.iri.rsplit("/", 1)[-1] == key:
                return c
        names = ", ".join(c.community.iri.rsplit("/", 1)[-1] for c in self.communities)
        raise InputError(f"no community {key!r} in the graph (there are: {names})",
                         f"图谱中没有社区 {key!r}（现有：{names}）")

    def as_dict(self) -> dict:
        return {
            "schema": "https://w3id.org/chuangshu/assessment/1",
            "as_of": self.as_of,
            "reasoner": self.reasoner,
            "rule_engine": self.engine,
            "communities": [c.as_dict() for c in self.communities],
        }


def label_of(graph: Graph, node, lang: str) -> str:
    labels = [o for o in graph.objects(node, RDFS.label) if isinstance(o, Literal)]
    for want in (lang, "en", "zh", None):
        for l in labels:
            if l.language == want:
                return str(l)
    text = str(node)
    return re.split(r"[#/]", text)[-1]


def _text(graph: Graph, node, prop, lang: str) -> str:
    values = [o for o in graph.objects(node, prop) if isinstance(o, Literal)]
    for want in (lang, "en", "zh"):
        for v in values:
            if v.language == want:
                return str(v)
    return str(values[0]) if values else ""


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
                    engine: str = "oxigraph", lang: str = "en") -> Assessment:
    bindings = {"asOf": as_of} if as_of is not None else {}
    concluded = run_rules(reasoned, bindings, engine=engine)
    concluded.add((RUN, RDF.type, PROV.Activity))
    concluded.add((RUN, RDFS.label, Literal("chuangshu assessment", lang="en")))
    concluded.add((RUN, RDFS.label, Literal("创熟评估", lang="zh")))
    concluded.add((RUN, RDFS.comment, Literal(f"OWL reasoner: {reasoner}; rule engine: {engine}", lang="en")))
    concluded.add((RUN, RDFS.comment, Literal(f"OWL 推理机：{reasoner}；规则引擎：{engine}", lang="zh")))
    for rule in set(concluded.subjects(RDF.type, C("Rule"))):
        concluded.add((RUN, PROV.used, rule))
    for a in concluded.subjects(RDF.type, C("CommunityAssessment")):
        concluded.add((a, PROV.wasGeneratedBy, RUN))
    view = reasoned + concluded
    communities = [_read(view, a, lang) for a in concluded.subjects(RDF.type, C("CommunityAssessment"))]
    communities.sort(key=lambda c: c.community.iri)
    return Assessment(communities, concluded, reasoner, engine, str(as_of) if as_of is not None else None)


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
           engine: str = "oxigraph", lang: str = "en") -> Assessment:
    """Assess every community in ``graph`` (ontology + case data)."""
    if isinstance(as_of, str):
        as_of = parse_as_of(as_of)
    reasoned, name = reasoned_graph(graph, reasoner)
    return assess_reasoned(reasoned, name, as_of=as_of, engine=engine, lang=lang)


def _read(g: Graph, a, lang: str) -> CommunityResult:
    community = g.value(a, C("assessedCommunity"))
    t = lambda node: Term.of(g, node, lang)  # noqa: E731
    findings = []
    for f in g.objects(a, C("hasFinding")):
        scope = g.value(f, C("aboutScope"))
        findings.append(Finding(
            dimension=t(g.value(f, C("aboutDimension"))),
            scope=t(scope),
            scope_group=t(g.value(scope, C("inScopeGroup"))),
            interventions=sorted((t(i) for i in g.objects(f, C("establishedBy"))), key=lambda x: x.iri),
        ))
    findings.sort(key=lambda f: (DIMENSIONS.index(URIRef(f.dimension.iri)), f.scope.iri))
    closures = {str(g.value(c, C("aboutCycle"))): t(g.value(c, C("closureBasis")))
                for c in g.objects(a, C("hasClosure"))}
    gaps = sorted(
        ({"dimension": asdict(t(g.value(x, C("aboutDimension")))),
          "scope_group": asdict(t(g.value(x, C("aboutScopeGroup")))),
          "cycle": asdict(t(g.value(x, C("aboutCycle")))),
          "order": int(g.value(x, C("stepOrder")))} for x in g.objects(a, C("hasGap"))),
        key=lambda x: (x["cycle"]["iri"], x["order"]))
    recs = [_read_recommendation(g, r, community, lang) for r in g.objects(a, C("hasRecommendation"))]
    recs.sort(key=lambda r: (r.priority, r.intervention_type.label if r.intervention_type else
                             (r.actor_kind.label if r.actor_kind else ""), r.iri))
    conflict = g.value(a, C("capitalTypeConflict"))
    ready = g.value(a, C("readyToMoveOn"))
    return CommunityResult(
        community=t(community),
        as_of=str(g.value(a, C("asOf"))) if g.value(a, C("asOf")) is not None else None,
        capital_type=t(g.value(a, C("hasCapitalType"))),
        capital_type_basis=t(g.value(a, C("capitalTypeBasis"))),
        form_implied_type=t(g.value(community, C("formImpliedCapitalType"))),
        capital_type_conflict=bool(conflict.toPython()) if conflict is not None else False,
        initial_cycle_closed=(a, C("closesCycle"), C("InitialCycle")) in g,
        advanced_cycle_closed=(a, C("closesCycle"), C("AdvancedCycle")) in g,
        cycle_closures=closures,
        stage=t(g.value(a, C("currentStage"))),
        ready_to_move_on=bool(ready.toPython()) if ready is not None else False,
        findings=findings,
        gaps=gaps,
        recommendations=recs,
        iri=str(a),
    )


def _read_recommendation(g: Graph, r, community, lang: str) -> Recommendation:
    t = lambda node: Term.of(g, node, lang)  # noqa: E731
    evidence = []
    quotes_by_case: dict = {}
    for q in g.objects(r, C("referenceQuotation")):
        quotes_by_case.setdefault(g.value(q, C("evidences")), []).append(q)
    for case in sorted(g.objects(r, C("referenceCase")), key=str):
        quotes = []
        for q in sorted(quotes_by_case.get(case, []), key=str):
            interview = g.value(q, C("fromInterview"))
            quotes.append({"iri": str(q), "text": str(g.value(q, C("quotationText")) or ""),
                           "code": str(g.value(interview, C("interviewCode")) or "")})
        evidence.append(Evidence(t(case), t(g.value(case, C("inCommunity"))), quotes))
    return Recommendation(
        kind=t(g.value(r, C("recommendationKind"))),
        priority=int(g.value(r, C("priority"))),
        reason=_text(g, r, C("reason"), lang),
        intervention_type=t(g.value(r, C("recommendsType"))),
        dimension=t(g.value(r, C("aboutDimension"))),
        scope_group=t(g.value(r, C("aboutScopeGroup"))),
        scopes=sorted((t(s) for s in g.objects(r, C("aboutScope"))), key=lambda x: x.iri),
        actor_kind=t(g.value(r, C("targetActorKind"))),
        steps=sorted((t(s) for s in g.objects(r, C("recommendsStep"))),
                     key=lambda x: int(g.value(URIRef(x.iri), C("stepOrder")) or 0), reverse=True),
        evidence=evidence,
        rule=t(g.value(r, C("byRule"))),
        iri=str(r),
    )


def timeline(graph: Graph, key: str, *, reasoner: str = "auto", engine: str = "oxigraph",
             lang: str = "en") -> tuple[str, list[tuple[str, CommunityResult]]]:
    """The community's assessment before its first dated fact and at each date of its
    interventions and programme start: the stage transitions the dates imply."""
    reasoned, name = reasoned_graph(graph, reasoner)
    first = assess_reasoned(reasoned, name, engine=engine, lang=lang).community(key)
    node = URIRef(first.community.iri)
    dates = {str(d) for i in reasoned.subjects(C("inCommunity"), node) for d in reasoned.objects(i, C("startDate"))}
    dates |= {str(d) for d in reasoned.objects(node, C("programmeStart"))}
    rows = []
    ordered = sorted(dates)
    if ordered:
        before = assess_reasoned(reasoned, name, as_of=Literal("0001", datatype=XSD.gYear),
                                 engine=engine, lang=lang).community(key)
        rows.append((pick_before(ordered[0], lang), before))
    for d in ordered:
        rows.append((d, assess_reasoned(reasoned, name, as_of=parse_as_of(d), engine=engine,
                                        lang=lang).community(key)))
    if not ordered:
        rows.append(("—", first))
    return first.community.label, rows


def pick_before(date: str, lang: str) -> str:
    return f"{date} 之前" if lang == "zh" else f"before {date}"
