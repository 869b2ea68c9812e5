"""The paper's logic held as invariants over generated communities, on every engine.

Hypothesis writes small cities: communities of any form, with or without an explicit capital-type
assessment, any mix of catalogue types coded (or not) over dimensions × relation scopes and mechanisms,
statuses (planned, ongoing, implemented, stopped) and dates (exact to the day, the month or the year, or
approximate: "by 2019"). Each community comes with twins in the same file — one more realised
intervention, one more planned, one dated after the assessment date, an explicit low assessment, and a
copy under other names — and the file is written in a shuffled order. Every engine assesses the file
(the reference path, the Oxigraph store, DuckDB), and what the paper says must hold is checked on each:

- a high-capital community without an explicit low assessment always has its initial cycle closed (its
  stock carries it, 依托既有循环势能), so it is never "ice-breaking, not ready", whatever core work it records;
- a low-capital (or undetermined) community whose initial cycle is open is in ice-breaking (先内核凝聚后外延拓展);
- an undetermined type is read with the core-first logic of a low-capital community;
- adding a realised intervention never moves a community to an earlier position, nor closes fewer cycles;
- planned interventions, and interventions dated after the assessment date, never count; as of a date
  before every intervention nothing is established;
- the first recommendation addresses the first gap, a gap of the current stage (or of the next, when the
  community is ready to move on); a community with no gap gets no gap-filling recommendation;
- renaming every IRI and shuffling the input's order changes nothing but the names;

and every engine gives the reference's assessment, triple for triple.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, seed, settings, strategies as st
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from chuangshu.assess import assess, parse_as_of
from chuangshu.rdf import load_ontology
from chuangshu.load import load_graph
from chuangshu.pipeline import run_pipeline

from test_scale import _assessment_triples, _assessment_triples_of_store

CS = Namespace("https://w3id.org/chuangshu/ontology#")
EX = Namespace("https://example.org/city/")
OTHER = Namespace("https://example.net/renamed/")

_ONTOLOGY = load_ontology()
TYPES = sorted(t for t in _ONTOLOGY.subjects(CS.catalogueOrigin, None)
               if (t, RDFS.subClassOf, CS.Intervention) in _ONTOLOGY)
DIMENSIONS = [CS.GeneralizedTrust, CS.ParticipationNetwork, CS.ReciprocityNorm]
SCOPES = sorted(_ONTOLOGY.subjects(RDF.type, CS.RelationScope))
MECHANISMS = sorted(_ONTOLOGY.subjects(RDF.type, CS.Mechanism))
FORMS = [CS.CommodityHousing, CS.AffordableHousing, CS.ResettlementHousing, CS.WorkUnitCompound,
         CS.VillageToResidence, CS.OldCity, CS.MixedCommunity, CS.UnknownForm, None]
HIGH_FORMS = {CS.WorkUnitCompound, CS.VillageToResidence, CS.OldCity}
LOW_FORMS = {CS.CommodityHousing, CS.AffordableHousing, CS.ResettlementHousing}
REALISED = [None, CS.Implemented, CS.Ongoing]
STAGE_ORDER = {"IceBreaking": 1, "Warming": 2, "BoundaryExtended": 3}


# ---- what is generated -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Iv:
    """One intervention: its type, what the researcher coded (empty: the type's defaults), its status
    and its date ("start" exact at its precision, or "by": no later than)."""
    type: URIRef
    dims: tuple = ()
    scopes: tuple = ()
    mechanism: URIRef | None = None
    status: URIRef | None = None
    date: tuple | None = None        # ("start" | "by", "2019" | "2019-05" | "2019-05-12")
    end: str | None = None           # for a discontinued one

    @property
    def dated(self) -> bool:
        return self.date is not None


@dataclass(frozen=True)
class Spec:
    form: URIRef | None
    explicit: URIRef | None          # an explicit capital-type assessment
    interventions: tuple = ()


@dataclass
class City:
    specs: list
    extra: Iv                         # a realised intervention added to each community's "plus" twin
    planned: Iv
    as_of: str | None
    seed: int = 0
    names: dict = field(default_factory=dict)


def _date_text(year: int, month: int, day: int, precision: int) -> str:
    return [f"{year}", f"{year}-{month:02d}", f"{year}-{month:02d}-{day:02d}"][precision]


def dates(min_year=2015, max_year=2026):
    return st.one_of(
        st.none(),
        st.tuples(st.sampled_from(["start", "start", "by"]), st.integers(min_year, max_year), st.integers(1, 12),
                  st.integers(1, 28), st.integers(0, 2)).map(
            lambda t: (t[0], _date_text(t[1], t[2], t[3], 0 if t[0] == "by" else t[4]))))


@st.composite
def interventions(draw, statuses=None, when=None):
    kind = draw(st.sampled_from(TYPES))
    dims = tuple(draw(st.lists(st.sampled_from(DIMENSIONS), max_size=2, unique=True)))
    scopes = tuple(draw(st.lists(st.sampled_from(SCOPES), max_size=2, unique=True)))
    if kind == CS.OtherIntervention:           # the generic type has no defaults: the researcher codes it
        dims = dims or (draw(st.sampled_from(DIMENSIONS)),)
        scopes = scopes or (draw(st.sampled_from(SCOPES)),)
    mechanism = draw(st.none() | st.sampled_from(MECHANISMS))
    status = draw(st.sampled_from(statuses or [None, CS.Implemented, CS.Ongoing, CS.Planned, CS.Discontinued]))
    date = draw(when if when is not None else dates())
    end = None
    if status == CS.Discontinued:
        end = draw(st.none() | st.integers(2016, 2027).map(str))
    return Iv(kind, dims, scopes, mechanism, status, date, end)


specs = st.builds(Spec, st.sampled_from(FORMS), st.sampled_from([None, None, CS.LowSocialCapital, CS.HighSocialCapital]),
                  st.lists(interventions(), max_size=6).map(tuple))


@st.composite
def cities(draw):
    as_of = draw(st.sampled_from([None, None, "1900", "2019", "2021-06", "2023-03-15"]))
    year = int(as_of[:4]) if as_of else 2026
    # the realised extra starts no later than the assessment date (at the coarser precision), or is undated
    realised_when = st.one_of(st.none(), st.integers(2010, min(year, 2026)).map(lambda y: ("start", str(y))))
    if as_of == "1900":
        realised_when = st.none()
    extra = draw(interventions(statuses=REALISED, when=realised_when))
    planned = draw(interventions(statuses=[CS.Planned]))
    return City(draw(st.lists(specs, min_size=1, max_size=5)), extra, planned, as_of, draw(st.integers(0, 2**31)))


# ---- the file ---------------------------------------------------------------------------------------

def _add_community(g: Graph, ns: Namespace, name: str, spec: Spec, extra: list[Iv]) -> URIRef:
    c = ns[name]
    g.add((c, RDF.type, CS.Community))
    g.add((c, RDFS.label, Literal(f"{name} community", lang="en")))
    if spec.form is not None:
        g.add((c, CS.hasForm, spec.form))
    if spec.explicit is not None:
        a = ns[f"{name}-capital-type"]
        g.add((a, RDF.type, CS.CapitalTypeAssessment))
        g.add((a, CS.assessesCommunity, c))
        g.add((a, CS.assignsCapitalType, spec.explicit))
    for n, iv in enumerate(list(spec.interventions) + extra, 1):
        i = ns[f"{name}-{n}"]
        g.add((i, RDF.type, iv.type))
        g.add((i, RDFS.label, Literal(f"{name} intervention {n}", lang="en")))
        g.add((i, CS.inCommunity, c))
        for d in iv.dims:
            g.add((i, CS.builds, d))
        for s in iv.scopes:
            g.add((i, CS.targetsScope, s))
        if iv.mechanism is not None:
            g.add((i, CS.viaMechanism, iv.mechanism))
        if iv.status is not None:
            g.add((i, CS.interventionStatus, iv.status))
        if iv.date is not None:
            kind, text = iv.date
            datatype = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(text)]
            g.add((i, CS.startDate if kind == "start" else CS.startNoLaterThan, Literal(text, datatype=datatype)))
        if iv.end is not None:
            g.add((i, CS.endDate, Literal(iv.end, datatype=XSD.gYear)))
    return c


def later(iv: Iv, as_of: str) -> Iv:
    """The intervention, realised but started the year after the assessment date."""
    return Iv(iv.type, iv.dims, iv.scopes, iv.mechanism, CS.Implemented, ("start", str(int(as_of[:4]) + 1)))


def write_city(city: City, path: Path) -> dict:
    """The city's file, its triples in a shuffled order; returns {community IRI: (spec index, twin)}."""
    g = Graph()
    twins = {}
    for k, spec in enumerate(city.specs):
        low = Spec(spec.form, CS.LowSocialCapital, spec.interventions)
        made = {"base": _add_community(g, EX, f"C{k}", spec, []),
                "plus": _add_community(g, EX, f"C{k}-plus", spec, [city.extra]),
                "planned": _add_community(g, EX, f"C{k}-planned", spec, [city.planned]),
                "low": _add_community(g, EX, f"C{k}-low", low, []),
                "renamed": _add_community(g, OTHER, f"zz{k}", spec, [])}
        if city.as_of is not None and city.as_of != "1900":
            made["later"] = _add_community(g, EX, f"C{k}-later", spec, [later(city.extra, city.as_of)])
        twins.update({str(c): (k, twin) for twin, c in made.items()})
    lines = [f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in g]
    random.Random(city.seed).shuffle(lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return twins


# ---- what each engine concludes, in one shape ----------------------------------------------------------

def _local(iri) -> str | None:
    return str(iri).rsplit("#", 1)[-1] if iri else None


@dataclass(frozen=True)
class Position:
    type: str | None
    stage: str
    ready: bool
    initial: bool
    advanced: bool
    early: bool
    gaps: tuple                  # (rank, dimension, scope group)
    recommendations: tuple       # (priority, what) of the gap-filling ones, ranked

    def without_type(self):
        return (self.stage, self.ready, self.initial, self.advanced, self.early, self.gaps, self.recommendations)


def reference_positions(files, as_of) -> tuple[dict, object]:
    a = assess(load_graph(files), as_of=parse_as_of(as_of) if as_of else None, reasoner="owlrl")
    out = {}
    for c in a.communities:
        recs = tuple(sorted((r.priority, _local(r.intervention_type.iri)) for r in c.recommendations
                            if r.kind.iri.endswith("#BuildDimension")))
        gaps = tuple(sorted((g["rank"], _local(g["dimension"]["iri"]), _local(g["scope_group"]["iri"])) for g in c.gaps))
        out[c.community.iri] = Position(_local(c.capital_type.iri) if c.capital_type else None, _local(c.stage.iri),
                                        c.ready_to_move_on, c.initial_cycle_closed, c.advanced_cycle_closed,
                                        c.warming_begun_early, gaps, recs)
    return out, a


def engine_positions(files, as_of, engine) -> tuple[dict, set]:
    run, _, rows = run_pipeline(files, as_of=parse_as_of(as_of) if as_of else None, engine=engine, validate=False)
    with run:
        details = run.details(("recommendations", "gaps"))
        triples = _assessment_triples_of_store(run)
    gaps, recs = {}, {}
    for r in details["gaps"]:
        gaps.setdefault(r["community"], []).append((int(float(r["rank"])), _local(r["dimension"]), _local(r["group"])))
    for r in details["recommendations"]:
        if r["kind"].endswith("#BuildDimension"):
            recs.setdefault(r["community"], []).append((int(float(r["priority"])), _local(r["what"])))
    out = {}
    for r in rows:
        c = r["community"]
        out[c] = Position(_local(r.get("type")), _local(r["stage"]), r["ready"] == "true", r["initial"] == "true",
                          r["advanced"] == "true", r["early"] == "true", tuple(sorted(gaps.get(c, []))),
                          tuple(sorted(recs.get(c, []))))
    return out, triples


# ---- the invariants, each on its own ----------------------------------------------------------------

def effective_type(spec: Spec):
    if spec.explicit is not None:
        return spec.explicit
    return CS.HighSocialCapital if spec.form in HIGH_FORMS else CS.LowSocialCapital if spec.form in LOW_FORMS else None


def order(p: Position) -> tuple:
    return (STAGE_ORDER[p.stage], p.ready)


def high_capital_starts_at_warming(spec, got, city, where):
    """The stock carries a high-capital community's core (依托既有循环势能), whatever it records there: its
    initial cycle is closed, and it is never "ice-breaking, not ready"."""
    base = got["base"]
    assert base.type == _local(effective_type(spec)), where
    if effective_type(spec) == CS.HighSocialCapital:
        assert base.initial, where
        assert not (base.stage == "IceBreaking" and not base.ready), where


def the_core_first(spec, got, city, where):
    """An open initial cycle keeps a low-capital (or undetermined) community in ice-breaking, whatever it
    does with merchants or units (先内核凝聚后外延拓展); such work is warming begun early."""
    base = got["base"]
    if effective_type(spec) != CS.HighSocialCapital and not base.initial:
        assert base.stage == "IceBreaking" and not base.ready, where
    if base.early:
        assert base.stage == "IceBreaking" and not base.initial, where


def undetermined_reads_as_low(spec, got, city, where):
    """With no type to go by, the cautious reading: no stock is assumed, core first."""
    if effective_type(spec) is None:
        assert got["base"].without_type() == got["low"].without_type(), where


def doing_more_never_moves_back(spec, got, city, where):
    """Adding a realised intervention never moves a community to an earlier position (stage, then
    readiness), nor closes fewer cycles."""
    base, plus = got["base"], got["plus"]
    assert order(plus) >= order(base), f"{where}: adding {city.extra} moved it back"
    assert (not base.initial or plus.initial) and (not base.advanced or plus.advanced), where


def only_what_has_happened_counts(spec, got, city, where):
    """A planned intervention never counts, nor one dated after the assessment date; as of a date before
    every intervention nothing is established (every step of the cycle due is a gap)."""
    assert got["planned"] == got["base"], f"{where}: a planned intervention counted"
    if "later" in got:
        assert got["later"] == got["base"], f"{where}: an intervention dated after {city.as_of} counted"
    if city.as_of == "1900" and all(iv.dated for iv in spec.interventions):
        steps = {gap[0] for gap in got["base"].gaps}
        assert steps == ({4, 5, 6} if effective_type(spec) == CS.HighSocialCapital else {1, 2, 3}), where


def the_first_recommendation_fills_the_first_gap(spec, got, city, where):
    """The first gap is one of the current stage's cycle (or of the next stage's, when ready to move on),
    the first recommendation addresses it, and a community with no gap gets no gap-filling recommendation."""
    base = got["base"]
    if base.gaps:
        first_gap = base.gaps[0][0]
        assert (first_gap - 1) // 3 + 1 == STAGE_ORDER[base.stage] + (1 if base.ready else 0), where
        if base.recommendations:
            assert base.recommendations[0][0] // 1000 == first_gap, where
    else:
        assert not base.recommendations, where


def names_change_nothing(spec, got, city, where):
    """Every IRI renamed (the file's order shuffled in any case): the same assessment."""
    assert got["renamed"] == got["base"], f"{where}: renaming changed the assessment"


INVARIANTS = [high_capital_starts_at_warming, the_core_first, undetermined_reads_as_low, doing_more_never_moves_back,
              only_what_has_happened_counts, the_first_recommendation_fills_the_first_gap, names_change_nothing]


def check(invariant, city: City, twins: dict, positions: dict, engine: str) -> None:
    by: dict = {}
    for iri, (k, twin) in twins.items():
        by.setdefault(k, {})[twin] = positions[iri]
    for k, spec in enumerate(city.specs):
        invariant(spec, by[k], city, f"{engine}: community C{k} {spec} (as of {city.as_of})")


_SEEN: dict = {}


def assessed(city: City, engine: str, folder: Path) -> tuple[dict, dict, set]:
    """The city's twins, what the engine concludes and its assessment's triples: each city is assessed
    once per engine (the tests draw the same cities from one seed, and run in one worker: pytest.ini's
    --dist loadgroup)."""
    path = folder / "city.nt"
    twins = write_city(city, path)
    key = (engine, path.read_text(encoding="utf-8"), city.as_of)
    if key not in _SEEN:
        if engine == "reference":
            positions, assessment = reference_positions([path], city.as_of)
            _SEEN[key] = positions, _assessment_triples(assessment.graph)
        else:
            _SEEN[key] = engine_positions([path], city.as_of, engine)
    return (twins, *_SEEN[key])


# ---- the tests ----------------------------------------------------------------------------------------------

HIGH_WITH_A_VOLUNTEER_TEAM = City(
    [Spec(CS.WorkUnitCompound, None, (Iv(CS.VolunteerService),)),
     Spec(CS.CommodityHousing, None, (Iv(CS.MerchantSupport), Iv(CS.VolunteerService))),
     Spec(CS.OldCity, None, ())],
    Iv(CS.InterestGroupActivity), Iv(CS.PointsExchange, status=CS.Planned), None)
NEW_ESTATE_WITH_MERCHANT_WORK = City(
    [Spec(CS.CommodityHousing, None, (Iv(CS.BusinessResidentAlliance, date=("start", "2018")),
                                      Iv(CS.VolunteerService, date=("by", "2017")))),
     Spec(CS.MixedCommunity, None, (Iv(CS.MerchantSupport, date=("start", "2018-05")),))],
    Iv(CS.PointsExchange, date=("start", "2019")), Iv(CS.ContractProcess, status=CS.Planned), "2021-06")
BEFORE_EVERYTHING = City(
    [Spec(CS.VillageToResidence, None, (Iv(CS.WishClaiming, date=("start", "2022-03")),)),
     Spec(CS.AffordableHousing, CS.HighSocialCapital, (Iv(CS.VolunteerService, date=("by", "2020")),))],
    Iv(CS.DeliberationDay), Iv(CS.ServicePact, status=CS.Planned), "1900")

# one seed for every test: the invariants' tests draw the same cities, each assessed once per engine and worker
SEED = 20261207
pytestmark = pytest.mark.xdist_group("invariants")
SETTINGS = settings(max_examples=12, deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def drawn_cities(test):
    """Cities drawn from one seed with one set of settings, the explicit ones first: every test sees the same."""
    for city in (BEFORE_EVERYTHING, NEW_ESTATE_WITH_MERCHANT_WORK, HIGH_WITH_A_VOLUNTEER_TEAM):
        test = example(city=city)(test)
    return seed(SEED)(SETTINGS(given(city=cities())(test)))


@pytest.mark.parametrize("invariant", INVARIANTS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("engine", ["reference", "oxigraph", "columnar"])
@drawn_cities
def test_the_papers_logic_holds(tmp_path_factory, engine, invariant, city):
    twins, positions, _ = assessed(city, engine, tmp_path_factory.mktemp("city"))
    check(invariant, city, twins, positions, engine)


@drawn_cities
def test_every_engine_gives_the_reference_assessment_triple_for_triple(tmp_path_factory, city):
    folder = tmp_path_factory.mktemp("city")
    _, reference, expected = assessed(city, "reference", folder)
    for engine in ("oxigraph", "columnar"):
        _, positions, triples = assessed(city, engine, folder)
        assert positions == reference, engine
        assert triples == expected, engine
