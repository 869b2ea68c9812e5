"""Issue #12 by meaning: the researcher's coding counts, the paper's warming criteria (what each
cycle step counts), what has happened (status, approximate dates), forms beyond the paper,
ranking by meaning, and evidence whatever file is assessed."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import Graph

from chuangshu import load_graph
from chuangshu.assess import assess
from chuangshu.cli import cli
from chuangshu.rdf import load_ontology

from conftest import REPO

PREFIXES = """@prefix cs: <https://w3id.org/chuangshu/ontology#> .
@prefix ex: <https://example.org/t/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
EX = "https://example.org/t/"


def community(turtle: str, *, as_of=None, lang="en", key="C"):
    data = Graph().parse(data=PREFIXES + turtle, format="turtle")
    return assess(load_ontology() + data, as_of=as_of, lang=lang).community(EX + key)


def local(term) -> str:
    return term.iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def steps(c) -> dict[str, bool]:
    return {local(st.step): st.satisfied for st in c.steps}


LOW_CORE = """
ex:C a cs:Community ; rdfs:label "C"@en ; cs:hasForm cs:CommodityHousing .
ex:c1 a cs:VolunteerService ; cs:inCommunity ex:C .
ex:c2 a cs:InterestGroupActivity ; cs:inCommunity ex:C .
ex:c3 a cs:PointsExchange ; cs:inCommunity ex:C .
"""


# ---- the researcher's coding is the data ----------------------------------------------

def test_the_types_defaults_fill_only_what_is_not_recorded():
    c = community(LOW_CORE)
    assert c.initial_cycle_closed and local(c.stage) == "IceBreaking" and c.ready_to_move_on
    c = community("""
ex:C a cs:Community ; rdfs:label "C"@en ; cs:hasForm cs:CommodityHousing .
ex:c1 a cs:VolunteerService ; cs:inCommunity ex:C ; cs:builds cs:ParticipationNetwork .
ex:c2 a cs:CrossAppointment ; cs:inCommunity ex:C ; cs:targetsScope cs:CommitteePropertyCompany .
""")
    found = {(local(f.dimension), local(f.scope)) for f in c.findings}
    # the volunteer team counts for the network the researcher coded, not for the type's trust
    assert ("ParticipationNetwork", "ResidentResident") in found and ("GeneralizedTrust", "ResidentResident") not in found
    # the cross-appointment's recorded scope replaces the type's two default scopes
    assert ("ParticipationNetwork", "CommitteePropertyCompany") in found
    assert ("ParticipationNetwork", "ResidentCommittee") not in found
    reading = next(r for r in c.readings if r.intervention.iri.endswith("/c1"))
    assert [(local(x.term), local(x.basis)) for x in reading.dimensions] == [("ParticipationNetwork", "ResearcherCoding")]
    assert [(local(x.term), local(x.basis)) for x in reading.scopes] == [("ResidentResident", "TypeDefault")]
    assert not steps(c)["InitialCycle_Trust"]


def test_an_other_intervention_counts_as_coded():
    c = community("""
ex:C a cs:Community ; rdfs:label "C"@en ; cs:hasForm cs:CommodityHousing .
ex:c1 a cs:OtherIntervention ; cs:inCommunity ex:C ; cs:builds cs:GeneralizedTrust ; cs:targetsScope cs:ResidentCommittee .
""")
    assert steps(c)["InitialCycle_Trust"]
    assert [local(x.term) for x in c.readings[0].mechanisms] == ["UnspecifiedMechanism"]


# ---- what each step counts: the paper's warming criteria ----------------------------------

WARMING = """
ex:C a cs:Community ; rdfs:label "C"@en ; cs:hasForm cs:WorkUnitCompound .
ex:w1 a cs:MerchantSupport ; cs:inCommunity ex:C .
ex:w2 a cs:BusinessResidentAlliance ; cs:inCommunity ex:C .
"""


def test_points_redeemed_at_shops_are_not_norm_iteration_and_the_explanation_says_so():
    c = community(WARMING + "ex:w3 a cs:PointsAtMerchants ; cs:inCommunity ex:C .\n")
    assert steps(c)["AdvancedCycle_Trust"] and steps(c)["AdvancedCycle_Network"]
    assert not steps(c)["AdvancedCycle_Norm"] and not c.advanced_cycle_closed and local(c.stage) == "Warming"
    norm = next(st for st in c.steps if local(st.step) == "AdvancedCycle_Norm")
    assert [local(i) for i in norm.partly_by] == ["w3"]
    from chuangshu.render import community_text

    text = "\n".join(community_text(c, "en"))
    assert "reciprocity norm (resident–merchant/unit) exists only as “redeem points to promote reciprocity”" in text
    assert "not the form this step counts" in text
    assert local(c.recommendations[0].dimension) == "ReciprocityNorm"
    # a contract closes it
    closed = community(WARMING + "ex:w3 a cs:ServicePact ; cs:inCommunity ex:C .\n")
    assert closed.advanced_cycle_closed and local(closed.stage) == "BoundaryExtended"


def test_a_committee_linking_social_organizations_neither_extends_the_network_nor_begins_warming():
    c = community("""
ex:C a cs:Community ; rdfs:label "C"@en ; cs:hasForm cs:CommodityHousing .
ex:s1 a cs:OtherIntervention ; cs:inCommunity ex:C ; cs:builds cs:ParticipationNetwork ;
  cs:targetsScope cs:CommitteeSocialOrganization .
""")
    assert local(c.stage) == "IceBreaking" and not c.begun_early
    c = community(WARMING.replace("cs:BusinessResidentAlliance", "cs:SelfRegulationBody"))
    # merchants' self-regulation with the committee: residents and merchants are not in one network
    assert steps(c)["AdvancedCycle_Trust"] and not steps(c)["AdvancedCycle_Network"]
    assert local(c.recommendations[0].intervention_type) == "BusinessResidentAlliance"


def test_merchant_goodwill_is_not_trust_migration():
    c = community("""
ex:C a cs:Community ; rdfs:label "C"@en ; cs:hasForm cs:WorkUnitCompound .
ex:g1 a cs:MerchantGoodwill ; cs:inCommunity ex:C .
ex:g2 a cs:UnitDonation ; cs:inCommunity ex:C .
""")
    assert local(c.stage) == "Warming"          # merchants and units are involved: warming has begun
    assert not steps(c)["AdvancedCycle_Trust"]   # but one-way giving is not the community serving them first
    assert local(c.recommendations[0].intervention_type) == "MerchantSupport"


def test_informal_help_is_not_yet_a_norm_but_a_convention_is():
    informal = community(LOW_CORE.replace("cs:PointsExchange", "cs:InformalMutualHelp"))
    assert not informal.initial_cycle_closed and local(informal.recommendations[0].dimension) == "ReciprocityNorm"
    convention = community(LOW_CORE.replace("cs:PointsExchange", "cs:ResidentsConvention"))
    assert convention.initial_cycle_closed


# ---- what has happened ----------------------------------------------------------------

def test_planned_interventions_are_shown_never_counted():
    c = community(LOW_CORE.replace("ex:c3 a cs:PointsExchange ; cs:inCommunity ex:C .",
                                   "ex:c3 a cs:PointsExchange ; cs:inCommunity ex:C ; cs:interventionStatus cs:Planned ."))
    assert not c.initial_cycle_closed and [local(r.intervention) for r in c.planned] == ["c3"]
    from chuangshu.render import community_text

    assert "planned (not counted)" in "\n".join(community_text(c, "en"))


def test_a_discontinued_intervention_counts_only_before_it_ended():
    text = LOW_CORE.replace("ex:c3 a cs:PointsExchange ; cs:inCommunity ex:C .", """
ex:c3 a cs:PointsExchange ; cs:inCommunity ex:C ; cs:interventionStatus cs:Discontinued ;
  cs:startDate "2019"^^xsd:gYear ; cs:endDate "2021-06"^^xsd:gYearMonth .""")
    assert community(text, as_of="2020").initial_cycle_closed
    assert not community(text, as_of="2021-06").initial_cycle_closed
    assert not community(text).initial_cycle_closed
    no_end = LOW_CORE.replace("ex:c3 a cs:PointsExchange ; cs:inCommunity ex:C .",
                              "ex:c3 a cs:PointsExchange ; cs:inCommunity ex:C ; cs:interventionStatus cs:Discontinued .")
    assert not community(no_end, as_of="2020").initial_cycle_closed


@pytest.mark.parametrize("as_of, counted", [("2011", False), ("2012", True), ("2012-05", True), ("2013", True)])
def test_by_a_date_counts_from_that_date(as_of, counted):
    text = LOW_CORE.replace("ex:c3 a cs:PointsExchange ; cs:inCommunity ex:C .",
                            'ex:c3 a cs:PointsExchange ; cs:inCommunity ex:C ; cs:startNoLaterThan "2012"^^xsd:gYear .')
    assert community(text, as_of=as_of).initial_cycle_closed is counted


# ---- forms beyond the paper; the type undetermined ---------------------------------------

@pytest.mark.parametrize("form, basis", [("MixedCommunity", "UndeterminedBasis"), ("UnknownForm", "UndeterminedBasis"),
                                         ("ResettlementHousing", "FormBasis")])
def test_forms_beyond_the_paper(form, basis):
    c = community(f"ex:C a cs:Community ; rdfs:label \"C\"@en ; cs:hasForm cs:{form} .\n")
    assert local(c.capital_type_basis) == basis
    assert local(c.stage) == "IceBreaking"            # no stock is assumed where no type follows
    assert (c.capital_type is None) == (basis == "UndeterminedBasis")


def test_a_community_without_a_form_is_assessed_and_told_what_to_record(tmp_path):
    f = tmp_path / "c.ttl"
    f.write_text(PREFIXES + 'ex:C a cs:Community ; rdfs:label "C"@en .\nex:c1 a cs:VolunteerService ; cs:inCommunity ex:C .\n',
                 encoding="utf-8")
    result = CliRunner().invoke(cli, ["--lang", "en", "assess", str(f)])
    assert result.exit_code == 0, result.output
    assert "undetermined (no form recorded) — read core first, as a low-capital community" in result.output
    assert "record a form that implies a type or an explicit capital-type assessment" in result.output
    zh = CliRunner().invoke(cli, ["--lang", "zh", "assess", str(f)]).output
    assert "未定（未记录社区形态）" in zh and "请记录可推定类型的社区形态或社会资本类型的明确判定" in zh


# ---- ranking by meaning; evidence whatever is assessed ----------------------------------------

def test_ties_are_broken_by_meaning_and_the_same_in_both_languages():
    en = community(WARMING.replace("cs:WorkUnitCompound", "cs:CommodityHousing"), lang="en")
    zh = community(WARMING.replace("cs:WorkUnitCompound", "cs:CommodityHousing"), lang="zh")
    assert [r.iri for r in en.recommendations] == [r.iri for r in zh.recommendations]
    priorities = [r.priority for r in en.recommendations]
    assert priorities == sorted(priorities)
    # within the core's trust step, residents among themselves first, the paper's type before an extension
    first = [local(r.intervention_type) for r in en.recommendations[:4]]
    assert first[0] == "VolunteerService" and first.index("PartyBuildingActivity") < first.index("StorytellingProject")
    types = [local(r.intervention_type) for r in en.recommendations if r.intervention_type]
    assert len(types) == len(set(types))          # never the same type twice


def test_recommendations_have_the_papers_cases_as_evidence_whatever_file_is_assessed():
    only = assess(load_graph([REPO / "data" / "cases" / "DC02.ttl"])).community("DC02")
    points = only.recommendations[0]
    assert local(points.intervention_type) == "PointsExchange"
    assert points.evidence and points.evidence[0].from_paper and local(points.evidence[0].intervention) == "D7"
    assert points.evidence[0].quotations      # with the interview quotations and their codes
    assert [c.community.iri.rsplit("/", 1)[-1] for c in assess(load_graph([REPO / "data" / "cases" / "DC02.ttl"])).communities] == ["DC02"]


def test_the_template_codes_sheet_shows_what_each_type_builds_by_default(tmp_path):
    import csv

    assert CliRunner().invoke(cli, ["template", "-o", str(tmp_path), "--format", "csv"]).exit_code == 0
    rows = list(csv.reader((tmp_path / "chuangshu-template-csv" / "codes.csv").read_text(encoding="utf-8-sig").splitlines()))
    header, body = rows[0], {r[1]: dict(zip(rows[0], r)) for r in rows[1:] if r and r[0] == "intervention-types"}
    en = next(h for h in header if h.startswith("defaults_en"))
    zh = next(h for h in header if h.startswith("defaults_zh"))
    assert body["PointsAtMerchants"][en] == \
        "reciprocity norm · resident–merchant/unit · redeem points to promote reciprocity · warming"
    assert body["PointsAtMerchants"][zh].startswith("社区互惠规范 · 居民—商户/驻地单位")
    assert body["PointsAtMerchants"]["origin｜出处"] == "extension｜扩展"
    assert body["VolunteerService"]["origin｜出处"] == "paper｜论文"
    assert body["OtherIntervention"][en] == "no defaults: record builds and scope"
