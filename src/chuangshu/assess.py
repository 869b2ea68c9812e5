"""Assess each community: reason (open world), run the rules (closed world), and read
the conclusions back as plain Python objects for rendering and export.

    load → validate → reason (:mod:`reason`) → rules (:mod:`rules`) → assess (here) → render
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from . import resources
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
    from_paper: bool = True                                # the paper's own case, or one from a public report


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
    step: Term | None = None                          # the cycle step of the gap it fills best
    gaps: list[dict] = field(default_factory=list)    # every gap it fills: {cycle, step, dimension}
    extension: bool = False                           # the type is an extension beyond the paper


@dataclass
class Coded:
    """One value a reading counts with, and where it comes from (researcher's coding or type default)."""
    term: Term
    basis: Term


@dataclass
class Reading:
    """What one intervention counts for in the assessment."""
    intervention: Term
    types: list[Term]
    status: Term
    counts: bool
    dimensions: list[Coded]
    scopes: list[Coded]
    mechanisms: list[Coded]


@dataclass
class StepState:
    """One step of a cycle: satisfied or not, by which interventions, and what falls short."""
    cycle: Term
    step: Term
    order: int
    dimension: Term
    satisfied: bool
    satisfied_by: list[Term]
    partly_by: list[Term]
    requirement: str
    scopes: list[str] = field(default_factory=list)            # IRIs of the scopes that count for it
    accepted: list[str] = field(default_factory=list)          # IRIs of the mechanisms it accepts (empty: any)
    rejected: list[str] = field(default_factory=list)          # IRIs of the mechanisms it rejects

    def counts_scope(self, iri: str) -> bool:
        return iri in self.scopes

    def counts_mechanism(self, iri: str) -> bool:
        return (not self.accepted or iri in self.accepted) and iri not in self.rejected


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
    next_stage: Term | None = None               # the stage after the current one
    begun_early: list[Term] = field(default_factory=list)   # stages begun before the previous cycle closed
    steps: list[StepState] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    form: Term | None = None                     # the community's form as recorded
    entry_stage: Term | None = None              # where its type starts (undetermined: core first, as low capital)
    warming_begun_early: bool = False            # merchant/unit work while the initial cycle is open
    begun_early_by: list[Term] = field(default_factory=list)   # the interventions of the stages begun early
    capital_type_note: str = ""                  # an undetermined type: why, how it is read, what to record

    @property
    def planned(self) -> list[Reading]:
        """Interventions recorded as planned: shown, never counted."""
        return [r for r in self.readings if r.status.iri == CS + "Planned"]

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Assessment:
    communities: list[CommunityResult]
    graph: Graph                # what the rules concluded, with provenance
    reasoner: str
    engine: str
    as_of: str | None
    lang: str = "en"            # the language of every label in it

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
        return Assessment(keep, out, self.reasoner, self.engine, self.as_of, self.lang)

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


@lru_cache(maxsize=1)
def reference_graph() -> Graph:
    """The reference cases (the paper's D and S, and the communities of public reports in
    ``data/cases``): always at hand, so that recommendations have evidence whatever file is assessed."""
    from .load import parse_files

    return parse_files(resources.reference_files())


def reference_triples(own) -> list[tuple]:
    """The triples that bring in every reference community not among ``own`` (community IRIs),
    marked ``cs:referenceOnly`` (its interventions are evidence; it is not assessed): the community,
    its interventions, the quotations and interviews that evidence them and their sources. A
    community the data holds is never mixed with its reference copy, so an edited D stays as edited."""
    reference = reference_graph()
    out, nodes = [], set()
    for c in sorted(set(reference.subjects(RDF.type, C("Community"))) - set(own)):
        out.append((c, C("referenceOnly"), Literal(True)))
        cases = set(reference.subjects(C("inCommunity"), c))
        quotes = {q for i in cases for q in reference.subjects(C("evidences"), i)}
        nodes |= {c} | cases | quotes
        nodes |= {v for q in quotes for v in reference.objects(q, C("fromInterview"))}
        nodes |= {src for x in cases | {c} for src in reference.objects(x, DCTERMS.source)}
    for node in nodes:
        out.extend(reference.triples((node, None, None)))
    return out


def with_reference_cases(graph: Graph) -> Graph:
    """``graph`` plus the reference communities it does not hold (:func:`reference_triples`)."""
    out = Graph()
    for t in graph:
        out.add(t)
    for t in reference_triples(graph.subjects(RDF.type, C("Community"))):
        out.add(t)
    return out


def assess_reasoned(reasoned: Graph, reasoner: str, *, as_of: Literal | None = None,
                    engine: str = "oxigraph", lang: str = "en") -> Assessment:
    bindings = {"asOf": as_of} if as_of is not None else {}
    reasoned = with_reference_cases(reasoned)
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
    view = ReadOnlyGraphAggregate([reasoned, concluded])   # read through both, no copy
    communities = [_read(view, a, lang) for a in concluded.subjects(RDF.type, C("CommunityAssessment"))]
    communities.sort(key=lambda c: c.community.iri)
    return Assessment(communities, concluded, reasoner, engine, str(as_of) if as_of is not None else None, lang)


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


def _sorted_terms(terms) -> list[Term]:
    return sorted(terms, key=lambda x: x.iri)


def _read_readings(g: Graph, a, t) -> list[Reading]:
    out = []
    for r in g.objects(a, C("hasReading")):
        i = g.value(r, C("readsIntervention"))

        def coded(value_prop, basis_prop):
            basis = t(g.value(r, C(basis_prop)))
            return [Coded(t(v), basis) for v in sorted(g.objects(r, C(value_prop)), key=str)]

        counts = g.value(r, C("counts"))
        out.append(Reading(
            intervention=t(i),
            types=_sorted_terms(t(x) for x in g.objects(i, RDF.type) if (x, C("catalogueOrigin"), None) in g),
            status=t(g.value(r, C("readStatus"))),
            counts=bool(counts.toPython()) if counts is not None else False,
            dimensions=coded("readDimension", "dimensionBasis"),
            scopes=coded("readScope", "scopeBasis"),
            mechanisms=coded("readMechanism", "mechanismBasis"),
        ))
    out.sort(key=lambda x: (_case_key(g, URIRef(x.intervention.iri)), x.intervention.iri))
    return out


def _case_key(g: Graph, node) -> str:
    label = g.value(node, C("caseLabel"))
    return str(label) if label is not None else str(node)


def _read_steps(g: Graph, a, t, lang: str) -> list[StepState]:
    findings = {g.value(f, C("aboutStep")): f for f in g.objects(a, C("hasStepFinding"))}
    out = []
    for cycle in g.subjects(RDF.type, C("Cycle")):
        for step in g.objects(cycle, C("hasCycleStep")):
            f = findings.get(step)
            ok = _sorted_terms(t(i) for i in g.objects(f, C("satisfiedBy"))) if f is not None else []
            ok_iris = {x.iri for x in ok}
            short = _sorted_terms(t(i) for i in g.objects(f, C("partlyBy")) if str(i) not in ok_iris) if f is not None else []
            iris = lambda p: sorted(str(x) for x in g.objects(step, C(p)))  # noqa: E731
            out.append(StepState(t(cycle), t(step), int(g.value(step, C("stepOrder"))), t(g.value(step, C("stepDimension"))),
                                 (a, C("satisfiesStep"), step) in g, ok, short, _text(g, step, C("stepRequirement"), lang),
                                 iris("countsInScope"), iris("acceptsMechanism"), iris("rejectsMechanism")))
    stage_order = {g.value(st, C("hasCycle")): int(g.value(st, C("stageOrder"))) for st in g.subjects(C("hasCycle"), None)}
    out.sort(key=lambda x: (stage_order.get(URIRef(x.cycle.iri), 9), x.order))
    return out


def undetermined_note(form: Term | None, lang: str) -> str:
    """Why a community's type is undetermined, how it is read meanwhile, and what to record."""
    from .i18n import pick

    why = (pick(lang, f"the form “{form.label}” implies no type", f"社区形态“{form.label}”不能推定类型") if form is not None
           else pick(lang, "no form is recorded", "未记录社区形态"))
    return pick(lang,
                f"type undetermined: {why}, and no explicit capital-type assessment is recorded. It is read with the "
                "core-first logic of a low-capital community (the cautious reading: no pre-existing capital is assumed). "
                "Record a form that implies a type (commodity, affordable or resettlement housing: low; work-unit, "
                "village-to-residence or old-city: high) or an explicit capital-type assessment with its evidence.",
                f"类型未定：{why}，也未记录社会资本类型的明确判定。暂按低社会资本型社区“先内核”的逻辑解读（审慎的读法："
                "不假定原生社会资本）。请记录可推定类型的社区形态（商品房、保障房、安置房：低；单位型、村改居、旧城：高），"
                "或附证据的社会资本类型明确判定。")


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
            interventions=_sorted_terms(t(i) for i in g.objects(f, C("establishedBy"))),
        ))
    findings.sort(key=lambda f: (DIMENSIONS.index(URIRef(f.dimension.iri)), f.scope.iri))
    closures = {str(g.value(c, C("aboutCycle"))): t(g.value(c, C("closureBasis")))
                for c in g.objects(a, C("hasClosure"))}
    gaps = sorted(
        ({"dimension": asdict(t(g.value(x, C("aboutDimension")))),
          "scope_group": asdict(t(g.value(x, C("aboutScopeGroup")))),
          "cycle": asdict(t(g.value(x, C("aboutCycle")))),
          "step": asdict(t(g.value(x, C("aboutStep")))),
          "order": int(g.value(x, C("stepOrder"))),
          "rank": int(g.value(x, C("gapRank")))} for x in g.objects(a, C("hasGap"))),
        key=lambda x: x["rank"])
    recs = [_read_recommendation(g, r, community, lang) for r in g.objects(a, C("hasRecommendation"))]
    # lower priority first; a tie goes by the type's (or actor kind's) IRI, the same in every language
    recs.sort(key=lambda r: (r.priority, (r.intervention_type or r.actor_kind or r.kind).iri, r.iri))
    conflict = g.value(a, C("capitalTypeConflict"))
    ready = g.value(a, C("readyToMoveOn"))
    stage = g.value(a, C("currentStage"))
    capital_type = g.value(a, C("hasCapitalType"))
    form = t(g.value(community, C("hasForm")))
    # where the type starts; an undetermined type is read core first, as a low-capital one
    entry = g.value(capital_type, C("entryStage")) if capital_type is not None else None
    entry = entry if entry is not None else g.value(predicate=C("stageOrder"), object=Literal(1))
    return CommunityResult(
        community=t(community),
        as_of=str(g.value(a, C("asOf"))) if g.value(a, C("asOf")) is not None else None,
        capital_type=t(capital_type),
        capital_type_basis=t(g.value(a, C("capitalTypeBasis"))),
        form_implied_type=t(g.value(community, C("formImpliedCapitalType"))),
        capital_type_conflict=bool(conflict.toPython()) if conflict is not None else False,
        initial_cycle_closed=(a, C("closesCycle"), C("InitialCycle")) in g,
        advanced_cycle_closed=(a, C("closesCycle"), C("AdvancedCycle")) in g,
        cycle_closures=closures,
        stage=t(stage),
        ready_to_move_on=bool(ready.toPython()) if ready is not None else False,
        findings=findings,
        gaps=gaps,
        recommendations=recs,
        iri=str(a),
        next_stage=t(g.value(stage, C("nextStage"))) if stage is not None else None,
        begun_early=_sorted_terms(t(x) for x in g.objects(a, C("begunEarly"))),
        steps=_read_steps(g, a, t, lang),
        readings=_read_readings(g, a, t),
        form=form,
        entry_stage=t(entry),
        warming_begun_early=(a, C("begunEarly"), C("Warming")) in g,
        begun_early_by=[t(i) for i in sorted(g.objects(a, C("begunEarlyBy")), key=lambda i: (_case_key(g, i), str(i)))],
        capital_type_note=undetermined_note(form, lang) if capital_type is None else "",
    )


def _read_recommendation(g: Graph, r, community, lang: str) -> Recommendation:
    t = lambda node: Term.of(g, node, lang)  # noqa: E731
    evidence = []
    quotes_by_case: dict = {}
    for q in g.objects(r, C("referenceQuotation")):
        quotes_by_case.setdefault(g.value(q, C("evidences")), []).append(q)
    # the paper's own cases first, then cases from public reports
    paper = lambda c: not any((src, RDF.type, C("Publication")) in g for src in g.objects(c, DCTERMS.source))  # noqa: E731
    for case in sorted(g.objects(r, C("referenceCase")), key=lambda c: (paper(c), _case_key(g, c), str(c))):
        quotes = []
        for q in sorted(quotes_by_case.get(case, []), key=str):
            interview = g.value(q, C("fromInterview"))
            quotes.append({"iri": str(q), "text": str(g.value(q, C("quotationText")) or ""),
                           "code": str(g.value(interview, C("interviewCode")) or "")})
        evidence.append(Evidence(t(case), t(g.value(case, C("inCommunity"))), quotes, not paper(case)))
    gaps = sorted(({"cycle": asdict(t(g.value(x, C("aboutCycle")))), "step": asdict(t(g.value(x, C("aboutStep")))),
                    "dimension": asdict(t(g.value(x, C("aboutDimension")))), "rank": int(g.value(x, C("gapRank")))}
                   for x in g.objects(r, C("addressesGap"))), key=lambda x: x["rank"])
    kind = g.value(r, C("recommendsType"))
    return Recommendation(
        kind=t(g.value(r, C("recommendationKind"))),
        priority=int(g.value(r, C("priority"))),
        reason=_text(g, r, C("reason"), lang),
        intervention_type=t(kind),
        dimension=t(g.value(r, C("aboutDimension"))),
        scope_group=t(g.value(r, C("aboutScopeGroup"))),
        scopes=_sorted_terms(t(s) for s in g.objects(r, C("aboutScope"))),
        actor_kind=t(g.value(r, C("targetActorKind"))),
        steps=sorted((t(s) for s in g.objects(r, C("recommendsStep"))),
                     key=lambda x: int(g.value(URIRef(x.iri), C("stepOrder")) or 0), reverse=True),
        evidence=evidence,
        rule=t(g.value(r, C("byRule"))),
        iri=str(r),
        step=t(g.value(r, C("aboutStep"))),
        gaps=gaps,
        extension=kind is not None and (kind, C("catalogueOrigin"), C("ExtensionBeyondThePaper")) in g,
    )


def community_dates(reasoned: Graph, community) -> list[str]:
    """Every date at which what counts for ``community`` can change: a start, the latest start of
    “by 2012”, an end, the programme's start."""
    node = URIRef(str(community))
    dates = {str(d) for i in reasoned.subjects(C("inCommunity"), node)
             for p in ("startDate", "startNoLaterThan", "endDate") for d in reasoned.objects(i, C(p))}
    dates |= {str(d) for d in reasoned.objects(node, C("programmeStart"))}
    return sorted(dates)


def not_after(date: str, as_of: str | None) -> bool:
    """``date`` falls no later than ``as_of`` at the coarser of the two precisions (a year, a month, a day)."""
    return as_of is None or date[:len(as_of)] <= as_of[:len(date)]


def timelines(reasoned: Graph, reasoner: str, *, as_of: Literal | None = None, engine: str = "oxigraph",
              langs: tuple[str, ...] = ("en",), progress=None, now: dict[str, Assessment] | None = None,
              only: list[str] | None = None) -> dict[str, dict[str, list[tuple[str, CommunityResult]]]]:
    """For every community: its assessment before its first dated fact and at each of its dates up to
    ``as_of`` — the stage transitions the dates imply — in each of ``langs`` (``{lang: {IRI: rows}}``).

    Each community's dates are assessed over its own part of the reasoned data (:mod:`chuangshu.subgraph`),
    which gives the same conclusions about it as the whole: the cost grows with the number of communities
    times their dates, not with the whole graph at every date of every community. ``progress`` (a callable
    wrapping an iterable, e.g. tqdm) shows the communities; ``now``: the assessment as of ``as_of`` per
    language, when it is at hand; ``only``: the IRIs of the communities wanted (default: all)."""
    from .load import load_ontology
    from .subgraph import community_subgraph

    limit = str(as_of) if as_of is not None else None
    now = dict(now or {})
    for lang in langs:
        if lang not in now:
            now[lang] = assess_reasoned(reasoned, reasoner, as_of=as_of, engine=engine, lang=lang)
    chosen = [c.community.iri for c in now[langs[0]].communities if only is None or c.community.iri in only]
    own = {iri: [d for d in community_dates(reasoned, iri) if not_after(d, limit)] for iri in chosen}
    onto = load_ontology()
    data = Graph()
    for t in reasoned:
        if t not in onto:
            data.add(t)
    out: dict[str, dict] = {lang: {} for lang in langs}
    for iri in (progress or iter)(chosen):
        dates = own[iri]
        if not dates:
            for lang in langs:
                out[lang][iri] = [("—", now[lang].community(iri))]
            continue
        part = with_reference_cases(onto + community_subgraph(data, onto, [URIRef(iri)]))
        rows: dict[str, list] = {lang: [] for lang in langs}
        runs = [(None, Literal("0001", datatype=XSD.gYear))] + [(d, parse_as_of(d)) for d in dates]
        for shown, date in runs:        # None: before the first date, named in each language
            concluded = run_rules(part, {"asOf": date}, engine=engine)
            view = ReadOnlyGraphAggregate([part, concluded])
            node = next(a for a in concluded.subjects(C("assessedCommunity"), URIRef(iri)))
            for lang in langs:
                rows[lang].append((shown or pick_before(dates[0], lang), _read(view, node, lang)))
        for lang in langs:
            out[lang][iri] = rows[lang]
    return out


def timeline(graph: Graph, key: str, *, reasoner: str = "auto", engine: str = "oxigraph",
             lang: str = "en") -> tuple[str, list[tuple[str, CommunityResult]]]:
    """One community's assessment before its first dated fact and at each date of its
    interventions and programme start: the stage transitions the dates imply."""
    reasoned, name = reasoned_graph(graph, reasoner)
    now = assess_reasoned(reasoned, name, engine=engine, lang=lang)
    first = now.community(key)
    rows = timelines(reasoned, name, engine=engine, langs=(lang,), now={lang: now}, only=[first.community.iri])
    return first.community.label, rows[lang][first.community.iri]


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


def pick_before(date: str, lang: str) -> str:
    return f"{date} 之前" if lang == "zh" else f"before {date}"
