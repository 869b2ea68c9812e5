"""The assessment's results read back from any engine: the SELECT queries of ``queries/results/``
define everything an output reads (types and bases, readings, steps, cycles, stage and readiness,
gaps, recommendations with their reasons, evidence and quotations); every engine answers them —
rdflib, Oxigraph, the SQL compiler on DuckDB, a remote endpoint — and :func:`build` makes the same
:class:`~chuangshu.model.CommunityResult` objects from the rows, whichever answered.

    rows = {name: select(text) for name, text in result_queries()}   # an engine's answers
    communities = build(rows, lang="zh")
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from rdflib import URIRef

from . import resources
from .i18n import text_in
from .model import (C, DIMENSIONS, CommunityResult, Coded, Evidence, Finding, Reading, Recommendation, StepState,
                    Term, undetermined_note)

RESULT_QUERIES = ("assessments", "closures", "findings", "gaps", "recommendations", "recommendation-values",
                  "evidence", "steps", "step-findings", "readings", "intervention-types", "labels")
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


@lru_cache(maxsize=None)
def result_query(name: str) -> tuple[str, str]:
    """The text of ``queries/results/NAME.rq`` and the name an error gives it."""
    path = resources.resource_dir("queries") / "results" / f"{name}.rq"
    return path.read_text(encoding="utf-8"), f"queries/results/{name}.rq"


def result_queries(names=RESULT_QUERIES) -> list[tuple[str, str]]:
    """(name, text) of each results query."""
    return [(name, result_query(name)[0]) for name in names]


def source_of(text: str) -> str:
    """The file a results query's text comes from (for an engine's error messages)."""
    for name in RESULT_QUERIES:
        if result_query(name)[0] == text:
            return result_query(name)[1]
    return "query"


class _Labels:
    """Names picked as the outputs show them: the label in the language asked for, else English, else
    Chinese, else one without a language, else the IRI's last part; a text property likewise."""

    def __init__(self, rows: list[dict], lang: str):
        self.lang = lang
        self.labels: dict = defaultdict(list)
        self.case_labels: dict = {}
        self.picked: dict = {}
        self.terms: dict = {}
        for r in rows:
            if r.get("property") == RDFS_LABEL:
                self.labels[r["x"]].append(r["label"])
            elif "label" in r:
                self.case_labels[r["x"]] = str(r["label"])

    def label(self, node) -> str:
        found = self.picked.get(node)
        if found is None:  # picked once per node: a city's results name the same terms millions of times
            found = text_in(self.labels.get(node, ()), self.lang)
            if found is None:
                found = str(node).replace("#", "/").rsplit("/", 1)[-1]
            self.picked[node] = found
        return found

    def text(self, values) -> str:
        """A text in the language asked for (else English, Chinese, one without a language, or any)."""
        return text_in(values, self.lang) or ""

    def term(self, node) -> Term | None:
        if node is None:
            return None
        found = self.terms.get(node)
        if found is None:  # one Term per node (never changed once made)
            found = self.terms[node] = Term(str(node), self.label(node))
        return found

    def plain(self, node) -> dict:
        """A term as the dict a gap holds ({"iri", "label"})."""
        term = self.term(node)
        return {"iri": term.iri, "label": term.label}

    def case_key(self, node) -> str:
        return self.case_labels.get(node, str(node))


def _terms(labels: _Labels, nodes) -> list[Term]:
    return sorted((labels.term(n) for n in set(nodes)), key=lambda x: x.iri)


def _int(value, default: int = 0) -> int:
    try:
        return int(value.toPython()) if value is not None else default
    except (TypeError, ValueError):
        return default


def _bool(value) -> bool:
    return bool(value.toPython()) if value is not None else False


def _by(rows: list[dict], key: str) -> dict:
    out: dict = defaultdict(list)
    for r in rows:
        if key in r:
            out[r[key]].append(r)
    return out


def _first(rows: list[dict], name: str):
    """One value of ``name`` among rows (the least, so that the choice is the same on every engine)."""
    values = [r[name] for r in rows if name in r]
    return min(values, key=lambda v: (str(type(v)), str(v))) if values else None


def answers(select) -> dict[str, list[dict]]:
    """The rows of every results query from an engine: ``select(text)`` answers a SELECT with rows of
    rdflib terms (:class:`chuangshu.rules.OxigraphEngine` and the others give that)."""
    return {name: select(text) for name, text in result_queries()}


def read(select, lang: str = "en") -> list[CommunityResult]:
    """The communities' results from an engine (:func:`answers`, then :func:`build`)."""
    return build(answers(select), lang)


def build(rows: dict[str, list[dict]], lang: str = "en") -> list[CommunityResult]:
    """The communities' results from the rows of each results query (``{name: [{variable: rdflib
    term}]}``, unbound variables left out), labelled in ``lang``; ordered by community IRI."""
    return build_with_timelines(rows, lang)[0]


def build_with_timelines(rows: dict[str, list[dict]], lang: str = "en") -> tuple[list[CommunityResult], dict]:
    """:func:`build`, and each community's timeline when the run made its points
    (``queries/rules/12-timeline-points.rq``): ``{community IRI: [(when, result)]}`` — the assessment
    before its first dated fact (``when``: "before DATE") and at each of its dates up to the run's, in
    order; a community with no date up to then has the one row ("—", the run's assessment). A point holds
    what a timeline shows — type, findings, cycles, stage, readiness, stages begun early — and no readings,
    steps, gaps or recommendations."""
    labels = _Labels(rows["labels"], lang)
    steps = _steps(rows["steps"], labels)
    per = {name: _by(rows[name], "a") for name in ("closures", "findings", "gaps", "recommendations", "step-findings",
                                                   "readings", "intervention-types")}
    rec_values = _by(rows["recommendation-values"], "r")
    evidence = _by(rows["evidence"], "r")
    gap_rows = {r["gap"]: r for r in rows["gaps"] if "gap" in r}
    out, points = [], defaultdict(list)
    for a, arows in _by(rows["assessments"], "a").items():
        of = _first(arows, "of")
        result = _community(a, arows, per, rec_values, evidence, gap_rows, steps if of is None else [], labels)
        if of is None:
            out.append(result)
        else:
            points[str(of)].append(result)
    out.sort(key=lambda c: c.community.iri)
    lines = {}
    if points:
        for c in out:
            own = sorted(points.get(c.iri, ()), key=lambda p: p.as_of or "")
            dated = [p for p in own if p.as_of != BEFORE]
            if not dated:
                lines[c.community.iri] = [("—", c)]
                continue
            before = [p for p in own if p.as_of == BEFORE]
            lines[c.community.iri] = ([(before_label(dated[0].as_of, lang), before[0])] if before else []) + \
                [(p.as_of, p) for p in dated]
    return out, lines


BEFORE = "0001"  # the date of a timeline's point before the community's first dated fact


def before_label(date: str, lang: str) -> str:
    """How a timeline names its point before ``date``, the first."""
    return f"{date} 之前" if lang == "zh" else f"before {date}"


def _steps(rows: list[dict], labels: _Labels) -> list[dict]:
    """Every step of every cycle, in the order the cycles close and their steps' order."""
    by_step: dict = {}
    for r in rows:
        s = by_step.setdefault(r["step"], {"cycle": r["cycle"], "step": r["step"], "order": None, "dimension": None,
                                           "stage_order": None, "values": defaultdict(list)})
        for key, var in (("order", "order"), ("dimension", "dimension"), ("stage_order", "stageOrder")):
            if var in r and s[key] is None:
                s[key] = r[var]
        if "property" in r and "value" in r and r["value"] not in s["values"][r["property"]]:
            s["values"][r["property"]].append(r["value"])
    out = list(by_step.values())
    out.sort(key=lambda s: (_int(s["stage_order"], 9), _int(s["order"])))
    return out


def _community(a, arows, per, rec_values, evidence, gap_rows, steps, labels: _Labels) -> CommunityResult:
    t = labels.term
    get = lambda name: _first(arows, name)  # noqa: E731
    community = get("community")

    findings: dict = {}
    for r in per["findings"].get(a, []):
        f = findings.setdefault(r["finding"], {"dimension": r.get("dimension"), "scope": r.get("scope"),
                                              "group": r.get("group"), "by": set()})
        if "by" in r:
            f["by"].add(r["by"])
    finding_list = [Finding(t(f["dimension"]), t(f["scope"]), t(f["group"]), _terms(labels, f["by"]))
                    for f in findings.values()]
    finding_list.sort(key=lambda f: (DIMENSIONS.index(URIRef(f.dimension.iri)), f.scope.iri))

    closures = {str(r["cycle"]): t(r.get("basis")) for r in per["closures"].get(a, [])}
    gaps = sorted(({"dimension": labels.plain(r.get("dimension")), "scope_group": labels.plain(r.get("group")),
                    "cycle": labels.plain(r.get("cycle")), "step": labels.plain(r.get("step")),
                    "order": _int(r.get("order")), "rank": _int(r.get("rank"))}
                   for r in {r["gap"]: r for r in per["gaps"].get(a, [])}.values()), key=lambda x: x["rank"])

    recs = [_recommendation(r, rec_values.get(r["r"], []), evidence.get(r["r"], []), gap_rows, labels)
            for r in {r["r"]: r for r in per["recommendations"].get(a, [])}.values()]
    # lower priority first; a tie goes by the type's (or actor kind's) IRI, the same in every language
    recs.sort(key=lambda r: (r.priority, (r.intervention_type or r.actor_kind or r.kind).iri, r.iri))

    capital_type, stage, form = get("type"), get("stage"), get("form")
    typed = defaultdict(set)
    for r in per["intervention-types"].get(a, []):
        typed[r["property"]].add((r["value"], r.get("type")))
    return CommunityResult(
        community=t(community),
        as_of=str(get("asOf")) if get("asOf") is not None else None,
        capital_type=t(capital_type),
        capital_type_basis=t(get("basis")),
        form_implied_type=t(get("implied")),
        capital_type_conflict=_bool(get("conflict")),
        initial_cycle_closed=_bool(get("initial")),
        advanced_cycle_closed=_bool(get("advanced")),
        cycle_closures=closures,
        stage=t(stage),
        ready_to_move_on=_bool(get("ready")),
        findings=finding_list,
        gaps=gaps,
        recommendations=recs,
        iri=str(a),
        next_stage=t(get("next")) if stage is not None else None,
        begun_early=_terms(labels, [v for v, _ in typed[C("begunEarly")]]),
        steps=_step_states(a, per["step-findings"].get(a, []), steps, labels),
        readings=_readings(per["readings"].get(a, []), typed[RDF_TYPE], labels),
        form=t(form),
        entry_stage=t(get("entry")),
        warming_begun_early=_bool(get("early")),
        begun_early_by=[t(i) for i in sorted({v for v, _ in typed[C("begunEarlyBy")]},
                                              key=lambda i: (labels.case_key(i), str(i)))],
        capital_type_note=undetermined_note(t(form), labels.lang) if capital_type is None else "",
    )


def _recommendation(r: dict, values: list[dict], evidence: list[dict], gap_rows: dict, labels: _Labels) -> Recommendation:
    t = labels.term
    by_property: dict = defaultdict(list)
    orders = {}
    for v in values:
        if v["value"] not in by_property[v["property"]]:
            by_property[v["property"]].append(v["value"])
        if "order" in v:
            orders[v["value"]] = _int(v["order"])
    cases: dict = {}
    for e in evidence:
        c = cases.setdefault(e["case"], {"community": e.get("community"), "paper": _bool(e.get("fromPaper")), "quotes": {}})
        if "quotation" in e:
            c["quotes"][e["quotation"]] = {"iri": str(e["quotation"]), "text": str(e.get("text", "")),
                                            "code": str(e.get("code", ""))}
    # the paper's own cases first, then cases from public reports
    ordered = sorted(cases, key=lambda case: (not cases[case]["paper"], labels.case_key(case), str(case)))
    proofs = [Evidence(t(case), t(cases[case]["community"]),
                       [cases[case]["quotes"][q] for q in sorted(cases[case]["quotes"], key=str)], cases[case]["paper"])
              for case in ordered]
    gaps = []
    for g in by_property[C("addressesGap")]:
        row = gap_rows.get(g, {})
        gaps.append({"cycle": labels.plain(row.get("cycle")), "step": labels.plain(row.get("step")),
                     "dimension": labels.plain(row.get("dimension")), "rank": _int(row.get("rank"))})
    gaps.sort(key=lambda x: x["rank"])
    kind = r.get("type")
    return Recommendation(
        kind=t(r.get("kind")),
        priority=_int(r.get("priority")),
        reason=labels.text(by_property[C("reason")]),
        intervention_type=t(kind),
        dimension=t(r.get("dimension")),
        scope_group=t(r.get("group")),
        scopes=_terms(labels, by_property[C("aboutScope")]),
        actor_kind=t(r.get("actor")),
        steps=sorted((t(s) for s in by_property[C("recommendsStep")]), key=lambda x: orders.get(URIRef(x.iri), 0),
                     reverse=True),
        evidence=proofs,
        rule=t(r.get("rule")),
        iri=str(r["r"]),
        step=t(r.get("step")),
        gaps=gaps,
        extension=kind is not None and _bool(r.get("extension")),
    )


def _step_states(a, rows: list[dict], steps: list[dict], labels: _Labels) -> list[StepState]:
    t = labels.term
    satisfied, by, partly, found = set(), defaultdict(set), defaultdict(set), set()
    for r in rows:
        if _bool(r.get("satisfied")):
            satisfied.add(r["step"])
            continue
        found.add(r["step"])
        if "by" in r:
            by[r["step"]].add(r["by"])
        if "partly" in r:
            partly[r["step"]].add(r["partly"])
    out = []
    for s in steps:
        step = s["step"]
        ok = _terms(labels, by[step]) if step in found else []
        ok_iris = {x.iri for x in ok}
        short = _terms(labels, [i for i in partly[step] if str(i) not in ok_iris]) if step in found else []
        iris = lambda p: sorted(str(x) for x in s["values"][C(p)])  # noqa: E731
        out.append(StepState(t(s["cycle"]), t(step), _int(s["order"]), t(s["dimension"]), step in satisfied, ok, short,
                             labels.text(s["values"][C("stepRequirement")]), iris("countsInScope"),
                             iris("acceptsMechanism"), iris("rejectsMechanism")))
    return out


def _readings(rows: list[dict], types: set, labels: _Labels) -> list[Reading]:
    t = labels.term
    catalogue = defaultdict(set)
    for intervention, type_ in types:
        if type_ is not None:
            catalogue[intervention].add(type_)
    readings: dict = {}
    for r in rows:
        x = readings.setdefault(r["reading"], {"intervention": r.get("intervention"), "status": r.get("status"),
                                                "counts": r.get("counts"), "coded": defaultdict(dict)})
        if "property" in r and "value" in r:
            x["coded"][r["property"]].setdefault(r["value"], r.get("basis"))
    out = []
    for x in readings.values():
        coded = lambda p: [Coded(t(v), t(b)) for v, b in sorted(x["coded"][C(p)].items(), key=lambda kv: str(kv[0]))]  # noqa: E731
        i = x["intervention"]
        out.append(Reading(intervention=t(i), types=_terms(labels, catalogue.get(i, ())), status=t(x["status"]),
                           counts=_bool(x["counts"]), dimensions=coded("readDimension"), scopes=coded("readScope"),
                           mechanisms=coded("readMechanism")))
    out.sort(key=lambda x: (labels.case_key(URIRef(x.intervention.iri)), x.intervention.iri))
    return out
