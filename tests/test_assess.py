"""Stage inference and recommendations: the bundled cases, synthetic variants, time,
both reasoners, both rule engines, the output formats and their shapes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS

from chuangshu import load_graph
from chuangshu.assess import assess, assess_reasoned, parse_as_of, reasoned_graph
from chuangshu.cli import cli
from chuangshu.rdf import parse_file
from chuangshu.reason import java_available

from conftest import CS, REPO

CSD = Namespace("https://w3id.org/chuangshu/data/")
EX = Namespace("https://example.org/variant/")
local = lambda t: None if t is None else str(t.iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]  # noqa: E731

PREFIXES = """@prefix cs: <https://w3id.org/chuangshu/ontology#> .
@prefix ex: <https://example.org/variant/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


@pytest.fixture(scope="module")
def bundled():
    return load_graph()


@pytest.fixture(scope="module")
def base(bundled):
    return assess(bundled)


def variant(graph: Graph, *, drop=(), add: str = "", replace=()) -> Graph:
    g = Graph()
    for t in graph:
        g.add(t)
    for name in drop:
        for t in list(g.triples((CSD[name], None, None))):
            g.remove(t)
    for old, new in replace:
        g.remove(old)
        g.add(new)
    if add:
        g.parse(data=PREFIXES + add, format="turtle")
    return g


def first(c):
    return c.recommendations[0]


# ---- the bundled cases --------------------------------------------------------------

def test_D_is_low_initial_cycle_closed_ready_for_warming(base):
    d = base.community("D")
    assert local(d.capital_type) == "LowSocialCapital"
    assert local(d.capital_type_basis) == "ExplicitAssessmentBasis" and not d.capital_type_conflict
    assert d.initial_cycle_closed and not d.advanced_cycle_closed
    assert local(d.stage) == "IceBreaking" and d.ready_to_move_on
    # established because of these interventions
    found = {(local(f.dimension), local(f.scope)): {local(i) for i in f.interventions} for f in d.findings}
    assert found[("GeneralizedTrust", "ResidentResident")] == {"D1"}
    assert found[("GeneralizedTrust", "ResidentCommittee")] == {"D2"}
    assert found[("ParticipationNetwork", "ResidentCommittee")] == {"D4", "D5", "D6"}
    assert found[("ReciprocityNorm", "ResidentResident")] == {"D7", "D8"}
    # next: trust with merchants and units (merchant support), then an alliance, then contracts
    order = [local(r.intervention_type) for r in d.recommendations]
    assert order[0] == "MerchantSupport"
    assert order.index("BusinessResidentAlliance") < order.index("ContractProcess")
    assert {local(r.scope_group) for r in d.recommendations} == {"ExtendedScope"}
    merchant = first(d)
    assert local(merchant.dimension) == "GeneralizedTrust" and local(merchant.step) == "AdvancedCycle_Trust"
    # the paper's case first, then cases of public reports (data/cases), each marked as such
    assert local(merchant.evidence[0].intervention) == "S1" and merchant.evidence[0].from_paper
    assert all(not e.from_paper for e in merchant.evidence[1:])
    assert "advanced cycle" in merchant.reason and "trust migration" in merchant.reason
    assert "generalized trust" in merchant.reason
    # every type once, even one that fills two gaps (wish claiming: trust and network)
    assert len(order) == len(set(order))
    wish = next(r for r in d.recommendations if local(r.intervention_type) == "WishClaiming")
    assert {g["step"]["iri"].split("#")[1] for g in wish.gaps} == {"AdvancedCycle_Trust", "AdvancedCycle_Network"}
    assert local(d.next_stage) == "Warming"
    contract = next(r for r in d.recommendations if local(r.intervention_type) == "ContractProcess")
    assert contract.evidence[0].quotations[0]["code"] == "20231016-S 社区驻地商户代表"


def test_S_is_high_advanced_cycle_closed_boundary_extended(base):
    s = base.community("S")
    assert local(s.capital_type) == "HighSocialCapital"
    assert s.initial_cycle_closed and s.advanced_cycle_closed
    assert local(s.cycle_closures[str(CS.InitialCycle)]) == "ClosedByPreExistingCapital"
    assert local(s.cycle_closures[str(CS.AdvancedCycle)]) == "ClosedByInterventions"
    assert local(s.stage) == "BoundaryExtended"
    kinds = [local(r.kind) for r in s.recommendations]
    assert kinds == ["ExtendBoundary", "TurnContractCycle"]
    assert local(s.recommendations[0].actor_kind) == "SocialOrganization"
    assert [local(x) for x in s.recommendations[1].steps] == ["Evaluate", "Negotiate"]


def test_reasons_come_in_both_languages(bundled):
    zh = assess(bundled, lang="zh").community("D")
    assert "高阶循环" in first(zh).reason and "信任迁移" in first(zh).reason and "纾企困行动" in first(zh).reason


# ---- synthetic variants -------------------------------------------------------------

def test_D_without_points_and_commendation_needs_reciprocity(bundled):
    d = assess(variant(bundled, drop=["D7", "D8"])).community("D")
    assert local(d.stage) == "IceBreaking" and not d.ready_to_move_on and not d.initial_cycle_closed
    assert [g["dimension"]["iri"].split("#")[1] for g in d.gaps] == ["ReciprocityNorm"]
    assert local(first(d).intervention_type) == "PointsExchange"  # commendation builds on it
    assert local(first(d).scope_group) == "CoreScope"


def test_S_without_contracts_is_warming_and_needs_contracts(bundled):
    s = assess(variant(bundled, drop=["S5", "S6", "S7"])).community("S")
    assert local(s.stage) == "Warming" and not s.advanced_cycle_closed and not s.ready_to_move_on
    assert local(first(s).intervention_type) == "ContractProcess"
    assert local(first(s).dimension) == "ReciprocityNorm"


def test_high_type_community_without_interventions_is_ready_for_warming_like_a_low_one_that_closed_its_cycle(bundled):
    """Issue #12, point 5: a high-capital community with nothing built outside is reported the way a
    low-capital community that closed its initial cycle is: ice-breaking, ready, next stage warming."""
    g = variant(bundled, add="""
ex:H a cs:Community ; rdfs:label "H community"@en ; cs:hasForm cs:VillageToResidence .
""")
    h = assess(g).community(str(EX.H))
    d = assess(g).community("D")
    assert local(h.capital_type) == "HighSocialCapital" and local(h.capital_type_basis) == "FormBasis"
    assert h.initial_cycle_closed and local(h.cycle_closures[str(CS.InitialCycle)]) == "ClosedByPreExistingCapital"
    assert (local(h.stage), h.ready_to_move_on, local(h.next_stage)) == (local(d.stage), d.ready_to_move_on, local(d.next_stage)) \
        == ("IceBreaking", True, "Warming")
    assert not h.findings
    assert local(first(h).intervention_type) == "MerchantSupport"
    assert local(first(h).evidence[0].intervention) == "S1"


def test_low_type_that_began_warming_early_owes_its_initial_cycle_first(bundled):
    """The core first (先内核凝聚后外延拓展): merchant-facing work while the initial cycle is open is
    warming begun early, reported with its interventions, not the stage; the initial cycle's gaps come
    before the advanced cycle's, and the work counts toward the advanced cycle once the core closes."""
    g = variant(bundled, add="""
ex:M a cs:Community ; rdfs:label "M community"@en ; cs:hasForm cs:AffordableHousing .
ex:M1 a cs:MerchantSupport ; cs:inCommunity ex:M ; cs:builds cs:GeneralizedTrust ; cs:targetsScope cs:CommitteeMerchantUnit .
ex:M2 a cs:BusinessResidentAlliance ; cs:inCommunity ex:M ; cs:builds cs:ParticipationNetwork ; cs:targetsScope cs:ResidentMerchantUnit .
""")
    m = assess(g).community(str(EX.M))
    assert local(m.capital_type) == "LowSocialCapital"
    assert local(m.stage) == "IceBreaking" and [local(x) for x in m.begun_early] == ["Warming"]
    assert m.warming_begun_early and [x.iri for x in m.begun_early_by] == [str(EX.M1), str(EX.M2)]
    assert not m.initial_cycle_closed and not m.ready_to_move_on and not m.advanced_cycle_closed
    assert [g_["step"]["iri"].split("#")[1] for g_ in m.gaps] == [
        "InitialCycle_Trust", "InitialCycle_Network", "InitialCycle_Norm", "AdvancedCycle_Norm"]
    assert local(first(m).scope_group) == "CoreScope" and local(first(m).dimension) == "GeneralizedTrust"
    assert local(first(m).intervention_type) == "VolunteerService"   # residents among themselves first
    # once the core closes, the same merchant work is warming: the stage the community has reached
    done = variant(g, add="""
ex:M3 a cs:VolunteerService ; cs:inCommunity ex:M .
ex:M4 a cs:InterestGroupActivity ; cs:inCommunity ex:M .
ex:M5 a cs:PointsExchange ; cs:inCommunity ex:M .
""")
    m = assess(done).community(str(EX.M))
    assert local(m.stage) == "Warming" and not m.begun_early and m.initial_cycle_closed
    assert [g_["step"]["iri"].split("#")[1] for g_ in m.gaps] == ["AdvancedCycle_Norm"]


def test_high_type_with_core_work_and_nothing_outside_is_carried_by_its_stock(bundled):
    """An old work-unit compound with a volunteer team and no merchant work: its stock carries the initial
    cycle (依托既有循环势能), an assumption marked as such, whatever core work it records — the volunteer
    team is listed (it strengthens the stock) and never reopens the cycle; ready to move on, trust migration
    to merchants and units next."""
    g = variant(bundled, add="""
ex:W a cs:Community ; rdfs:label "W community"@en ; cs:hasForm cs:WorkUnitCompound .
ex:W1 a cs:VolunteerService ; cs:inCommunity ex:W .
""")
    w = assess(g).community(str(EX.W))
    assert local(w.capital_type) == "HighSocialCapital" and w.initial_cycle_closed
    assert local(w.cycle_closures[str(CS.InitialCycle)]) == "ClosedByPreExistingCapital"
    assert (local(w.stage), w.ready_to_move_on) == ("IceBreaking", True) and not w.begun_early
    assert [x.intervention.iri for x in w.readings if x.counts] == [str(EX.W1)]
    assert [g_["cycle"]["iri"].split("#")[1] for g_ in w.gaps] == ["AdvancedCycle"] * 3
    assert (local(first(w).dimension), local(first(w).intervention_type)) == ("GeneralizedTrust", "MerchantSupport")
    a = assess(g)
    closure = next(a.graph.objects(URIRef(w.iri), CS.hasClosure))
    assert (closure, CS.factStatus, CS.AssumedBeyondSource) in a.graph
    from chuangshu.render import explain_text

    text = explain_text(a, a.graph + g, str(EX.W), "en")
    assert "an assumption from its type, not evidence" in text and "the same position as “warming, not yet begun”" in text


DATED_D = [("D1", "2021-03"), ("D2", "2021-04"), ("D3", "2021-06"), ("D4", "2021-09"),
           ("D5", "2021-10"), ("D6", "2022-01"), ("D7", "2022-06"), ("D8", "2022-12")]


def dated_copy_of_D(bundled) -> Graph:
    g = variant(bundled)
    for name, date in DATED_D:
        g.add((CSD[name], CS.startDate, Literal(date, datatype=URIRef(
            "http://www.w3.org/2001/XMLSchema#gYearMonth"))))
        g.add((CSD[name], CS.dateStatus, CS.AssumedBeyondSource))
    return g


def test_dated_copy_of_D_before_its_points_scheme(bundled):
    g = dated_copy_of_D(bundled)
    before = assess(g, as_of="2022-05-31").community("D")
    assert local(before.stage) == "IceBreaking" and not before.initial_cycle_closed
    assert local(first(before).intervention_type) == "PointsExchange"
    after = assess(g, as_of="2022-06").community("D")
    assert after.initial_cycle_closed and after.ready_to_move_on
    assert local(first(after).intervention_type) == "MerchantSupport"


def test_timeline_of_the_dated_copy(bundled):
    rows = assess(dated_copy_of_D(bundled), timeline=True).timelines[str(CSD["D"])]
    changes, last = [], None
    for date, c in rows:
        state = (local(c.stage), c.initial_cycle_closed, c.ready_to_move_on)
        if state != last:
            changes.append((date, state))
            last = state
    assert changes[0] == ("before 2021", ("IceBreaking", False, False))
    assert changes[-1] == ("2022-06", ("IceBreaking", True, True))
    assert len(changes) == 2


def test_explicit_assessment_overrides_the_form_with_a_warning(bundled):
    old = (CSD["D-capital-type"], CS.assignsCapitalType, CS.LowSocialCapital)
    new = (CSD["D-capital-type"], CS.assignsCapitalType, CS.HighSocialCapital)
    d = assess(variant(bundled, replace=[(old, new)])).community("D")
    assert local(d.capital_type) == "HighSocialCapital" and d.capital_type_conflict
    assert local(d.form_implied_type) == "LowSocialCapital"
    # high capital: the stock would carry D's core; its own interventions complete the cycle, so that is the basis
    assert local(d.stage) == "IceBreaking" and d.ready_to_move_on
    assert local(d.cycle_closures[str(CS.InitialCycle)]) == "ClosedByInterventions"
    assert local(first(d).intervention_type) == "MerchantSupport"


def test_D_with_merchant_support_has_entered_warming(bundled):
    g = variant(bundled, add="""
@prefix csd: <https://w3id.org/chuangshu/data/> .
csd:D9 a cs:MerchantSupport ; rdfs:label "D merchant support"@en ; cs:inCommunity csd:D ;
  cs:builds cs:GeneralizedTrust ; cs:targetsScope cs:CommitteeMerchantUnit ;
  cs:startDate "2023-05"^^xsd:gYearMonth ; cs:dateStatus cs:AssumedBeyondSource .
""")
    d = assess(g).community("D")
    assert local(d.stage) == "Warming" and not d.ready_to_move_on
    assert local(first(d).intervention_type) == "BusinessResidentAlliance"
    early = assess(g, as_of="2023-04").community("D")
    assert local(early.stage) == "IceBreaking" and early.ready_to_move_on


def test_S_before_its_programme_started(bundled):
    s = assess(bundled, as_of="2022-07").community("S")
    # nothing done yet: its pre-existing capital carries the initial cycle; warming is next
    assert local(s.stage) == "IceBreaking" and s.ready_to_move_on and not s.findings
    assert local(s.cycle_closures[str(CS.InitialCycle)]) == "ClosedByPreExistingCapital"
    assert local(first(s).intervention_type) == "MerchantSupport"


def test_community_with_all_cycles_closed_extends_to_present_non_partners(bundled):
    g = variant(bundled, add="""
ex:V a cs:Community ; rdfs:label "V community"@en ; cs:hasForm cs:VillageToResidence .
ex:V-property a cs:PropertyManagementCompany ; rdfs:label "V property"@en ; cs:stakeholderOf ex:V .
ex:V-units a cs:ResidentUnit ; rdfs:label "V units"@en ; cs:partnerOf ex:V .
ex:V1 a cs:MerchantSupport ; cs:inCommunity ex:V ; cs:builds cs:GeneralizedTrust ; cs:targetsScope cs:CommitteeMerchantUnit .
ex:V2 a cs:MerchantResidentCouncil ; cs:inCommunity ex:V ; cs:builds cs:ParticipationNetwork ; cs:targetsScope cs:ResidentMerchantUnit .
ex:V3 a cs:ServicePact ; cs:inCommunity ex:V ; cs:builds cs:ReciprocityNorm ; cs:targetsScope cs:ResidentMerchantUnit .
""")
    v = assess(g).community(str(EX.V))
    assert local(v.stage) == "BoundaryExtended" and v.advanced_cycle_closed
    assert [local(r.actor_kind) for r in v.recommendations] == ["PropertyManagementCompany"]  # units are partners
    assert all(local(r.kind) != "TurnContractCycle" for r in v.recommendations)  # no contract process


def test_low_type_with_no_interventions_starts_with_trust_in_the_core(bundled):
    g = variant(bundled, add='ex:N a cs:Community ; rdfs:label "N"@en ; cs:hasForm cs:CommodityHousing .\n')
    n = assess(g).community(str(EX.N))
    assert local(n.stage) == "IceBreaking" and not n.findings
    assert [g_["order"] for g_ in n.gaps] == [1, 2, 3]
    assert local(first(n).dimension) == "GeneralizedTrust" and local(first(n).scope_group) == "CoreScope"


def test_low_type_missing_only_networks_gets_interest_groups_first(bundled):
    g = variant(bundled, add="""
ex:P a cs:Community ; rdfs:label "P"@en ; cs:hasForm cs:CommodityHousing .
ex:P1 a cs:VolunteerService ; cs:inCommunity ex:P ; cs:builds cs:GeneralizedTrust ; cs:targetsScope cs:ResidentResident .
ex:P2 a cs:PointsExchange ; cs:inCommunity ex:P ; cs:builds cs:ReciprocityNorm ; cs:targetsScope cs:ResidentResident .
""")
    p = assess(g).community(str(EX.P))
    assert local(p.stage) == "IceBreaking"
    order = [local(r.intervention_type) for r in p.recommendations]
    assert order[0] == "InterestGroupActivity"
    assert order.index("InterestGroupActivity") < order.index("DeliberationDay")  # it builds on it


def test_old_city_assessed_low_goes_by_the_assessment(bundled):
    g = variant(bundled, add="""
ex:Q a cs:Community ; rdfs:label "Q"@en ; cs:hasForm cs:OldCity .
ex:Q-type a cs:CapitalTypeAssessment ; cs:assessesCommunity ex:Q ; cs:assignsCapitalType cs:LowSocialCapital .
""")
    q = assess(g).community(str(EX.Q))
    assert local(q.capital_type) == "LowSocialCapital" and q.capital_type_conflict
    assert local(q.form_implied_type) == "HighSocialCapital"
    assert local(q.stage) == "IceBreaking" and not q.initial_cycle_closed


# ---- reasoners, engines, golden output ------------------------------------------------

@pytest.mark.skipif(not java_available(), reason="HermiT needs Java; CI installs it")
def test_hermit_and_owlrl_give_the_same_assessment(bundled):
    a = assess(bundled, reasoner="hermit")
    b = assess(bundled, reasoner="owlrl")
    assert isomorphic(_without_run_comment(a.graph), _without_run_comment(b.graph))
    assert a.reasoner == "HermiT" and b.reasoner.startswith("OWL 2 RL")


def test_rdflib_and_oxigraph_run_the_rules_alike(bundled):
    reasoned, name = reasoned_graph(bundled)
    a = assess_reasoned(reasoned, name, engine="oxigraph", as_of=parse_as_of("2023"))
    b = assess_reasoned(reasoned, name, engine="rdflib", as_of=parse_as_of("2023"))
    assert isomorphic(_without_run_comment(a.graph), _without_run_comment(b.graph))


def _without_run_comment(g: Graph) -> Graph:
    out = Graph()
    for s, p, o in g:
        if not (str(s).endswith("/rules/run") and p == RDFS.comment):
            out.add((s, p, o))
    return out


def test_bundled_assessment_matches_the_golden_file(base):
    expected = parse_file(REPO / "tests" / "expected" / "assessment.ttl")
    assert isomorphic(_without_run_comment(base.graph), _without_run_comment(expected)), \
        "if the change is intended: chuangshu assess --format turtle > tests/expected/assessment.ttl"


def test_assessment_graph_conforms_to_its_shape_and_the_shape_bites(base, bundled):
    import pyshacl

    shapes = parse_file(REPO / "shapes" / "assessment.ttl")
    ok, _, text = pyshacl.validate(base.graph, shacl_graph=shapes)
    assert ok, text
    ok, _, text = pyshacl.validate(assess(bundled, timeline=True).graph, shacl_graph=shapes)  # its points too
    assert ok, text
    broken = Graph()
    for t in base.graph:
        broken.add(t)
    finding = next(broken.subjects(RDF.type, CS.CapitalFinding))
    broken.remove((finding, CS.byRule, None))
    assert not pyshacl.validate(broken, shacl_graph=shapes)[0]


def test_every_conclusion_names_its_rule_and_the_rule_file_exists(base, bundled):
    g = base.graph
    rules = set(g.subjects(RDF.type, CS.Rule))
    # every rule file but the timeline's points, which runs only when timelines are asked for
    assert len(rules) == len(list((REPO / "queries" / "rules").glob("*.rq"))) - 1
    timed = assess(bundled, timeline=True).graph
    assert URIRef("https://w3id.org/chuangshu/rules/timeline-points") in set(timed.subjects(RDF.type, CS.Rule))
    for rule in rules:
        assert (REPO / str(g.value(rule, URIRef("http://purl.org/dc/terms/source")))).is_file()
        assert {l.language for l in g.objects(rule, RDFS.label)} == {"zh", "en"}
    for kind in (CS.CapitalFinding, CS.CycleClosure, CS.CapitalGap, CS.Recommendation):
        for node in g.subjects(RDF.type, kind):
            assert g.value(node, CS.byRule) in rules


# ---- the command line ---------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_assess_json_follows_its_schema():
    jsonschema = pytest.importorskip("jsonschema")
    result = run("assess", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    schema = json.loads((REPO / "docs" / "assessment.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    stages = {c["community"]["iri"].rsplit("/", 1)[-1]: c["stage"]["iri"].split("#")[1] for c in data["communities"]}
    assert stages == {"D": "IceBreaking", "S": "BoundaryExtended"}


def test_assess_table_in_chinese_and_bad_inputs():
    zh = run("--lang", "zh", "assess")
    assert zh.exit_code == 0 and "阶段: 破冰 —— 可进入下一阶段；下一阶段：升温" in zh.output and "纾企困行动" in zh.output
    bad_date = run("assess", "--as-of", "2022-13")
    assert bad_date.exit_code == 2 and "not a date" in bad_date.output
    invalid = run("assess", str(REPO / "data" / "examples" / "invalid" / "unknown-dimension.ttl"))
    assert invalid.exit_code == 1 and "does not conform" in invalid.output


def test_explain_shows_the_chain_of_facts_and_rules():
    out = run("--lang", "en", "explain", "D").output
    assert "queries/rules/30-cycles.rq" in out and "queries/rules/50-gaps.rq" in out
    assert "D7" in out and "积分的门槛是很低的" in out            # fact and its quotation
    assert "✓ norms feed back into deeper trust" in out and "(researcher's coding)" not in out
    assert "queries/rules/60-recommend-types.rq" in out and "gap 4: advanced cycle — trust migration" in out
    assert "✗ trust migration" in out and "needs: trust between the community and merchants" in out
    assert run("explain", "Z").exit_code == 2


def test_timeline_command():
    out = run("--lang", "en", "timeline", "S").output
    assert "before 2022-08: ice-breaking; ready to move on" in out and "2022-08: boundary extended" in out


def test_recommendations_read_as_a_list_grouped_by_gap_the_first_three_shown():
    """D's nine-odd recommendations: grouped under the gap each fills, the reason their gap gives said
    once per group, ranks not scores, the first three unless --all."""

    short = run("--lang", "en", "assess").output
    every = run("--lang", "en", "assess", "--all").output
    d_short, d_every = short.split("\nS community  (")[0], every.split("\nS community  (")[0]
    n = len(json.loads(run("assess", "--format", "json").output)["communities"][0]["recommendations"])
    assert n > 3 and f"recommended next (the first 3 of {n}; --all shows every one):" in d_short
    ranks = lambda text: [int(line.split(".")[0]) for line in text.splitlines()  # noqa: E731
                          if line.startswith("      ") and line.strip()[:1].isdigit() and ". " in line and "[" in line]
    assert sorted(ranks(d_short)) == [1, 2, 3] and sorted(ranks(d_every)) == list(range(1, n + 1))
    # the requirement of "norm iteration" is said once, under its gap, not once per recommendation
    assert d_every.count("The advanced cycle needs “norm iteration”") == 1
    assert "for gap 6: advanced cycle — norm iteration" in d_every
    assert "priority" not in every and "6025" not in every


def test_a_reason_cut_into_sentences_loses_nothing():
    from chuangshu.render import _sentences

    for text in ("The cycle needs “X”: a, b. As of the date nothing does. Interventions of the type “Y” build Z.",
                 "高阶循环需要“信任迁移”：社区先服务商户。截至评估日期尚无举措满足。“商户扶持”类举措培育普遍信任。",
                 "e.g. no end", "", "One! Two? Three."):
        parts = _sentences(text)
        assert "".join(parts) == text and all(parts)
    assert len(_sentences("高阶循环需要“信任迁移”。截至评估日期尚无。“商户扶持”类。")) == 3
