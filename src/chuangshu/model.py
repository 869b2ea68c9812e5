"""The assessment model: what the assessment says of each community, as plain Python objects
that every output renders (text, JSON, tables, the report). Built from the rows of the results
queries (``queries/results/``) by :mod:`chuangshu.results`, whatever engine answered them.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDFS

from .i18n import text_in
from .rdf import CS, expand

C = lambda name: URIRef(CS + name)  # noqa: E731
DIMENSIONS = [C("GeneralizedTrust"), C("ParticipationNetwork"), C("ReciprocityNorm")]


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


def label_of(graph: Graph, node, lang: str) -> str:
    """A node's label as every output names it (:func:`chuangshu.i18n.text_in`), else its IRI's last part."""
    found = text_in(graph.objects(node, RDFS.label), lang)
    return found if found is not None else re.split(r"[#/]", str(node))[-1]


def path_label(graph: Graph, path: str | None, lang: str) -> str:
    """A property path as a reader names it: ``cs:builds`` by its label, ``^cs:evidences`` by the label of
    the property declared its inverse (cs:evidencedBy: "evidenced by"), else "label (inverse)"."""
    if not path:
        return ""
    prop = URIRef(expand(path.lstrip("^")))
    if not path.startswith("^"):
        return label_of(graph, prop, lang)
    inverse = next(iter(graph.subjects(OWL.inverseOf, prop)), None) or graph.value(prop, OWL.inverseOf)
    if inverse is not None:
        return label_of(graph, inverse, lang)
    return f"{label_of(graph, prop, lang)}（反向）" if lang == "zh" else f"{label_of(graph, prop, lang)} (inverse)"


def _text(graph: Graph, node, prop, lang: str) -> str:
    return text_in(graph.objects(node, prop), lang) or ""


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
