"""The bundled case knowledge graph of D and S holds every fact of the paper's cases,
at the source's precision, each traceable to the paper."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, XSD

from chuangshu import load_graph, resources

from conftest import CS

CSD = Namespace("https://w3id.org/chuangshu/data/")
PAPER = Path(__file__).resolve().parents[2] / "shared" / "paper" / "chuangshu-paper-zh.txt"


@pytest.fixture(scope="module")
def g():
    return load_graph()


def quantity(g, community, kind):
    for q in g.objects(community, CS.hasQuantity):
        if (q, CS.measures, kind) in g:
            return q
    raise AssertionError(f"no {kind} for {community}")


def test_community_facts_at_the_sources_precision(g):
    D, S = CSD.D, CSD.S
    assert g.value(D, CS.hasForm) == CS.CommodityHousing
    assert g.value(S, CS.hasForm) == CS.WorkUnitCompound
    assert g.value(D, CS.builtIn) == Literal("2015", datatype=XSD.gYear)
    assert g.value(S, CS.builtIn) is None and g.value(S, CS.builtInDecade).toPython() == 1990
    assert g.value(D, CS.programmeStart) == Literal("2021", datatype=XSD.gYear)
    assert g.value(S, CS.programmeStart) == Literal("2022-08", datatype=XSD.gYearMonth)
    assert g.value(S, CS.motto) == Literal("亲仁善邻", lang="zh")
    # "16000 余人" and "7000 余人" are lower bounds, never exact figures
    for community, bound in ((D, 16000), (S, 7000)):
        q = quantity(g, community, CS.ResidentPopulation)
        assert g.value(q, CS.moreThan).toPython() == bound
        assert g.value(q, CS.exactValue) is None
    assert g.value(quantity(g, D, CS.CompoundCount), CS.exactValue).toPython() == 14
    assert g.value(quantity(g, S, CS.MerchantCount), CS.moreThan).toPython() == 200
    assert float(g.value(quantity(g, S, CS.LocalFoodMerchantShare), CS.moreThan).toPython()) == 0.6


def test_party_branches_and_volunteer_sub_teams_of_D(g):
    assert g.value(CSD["D-compound-branches"], CS.exactValue).toPython() == 13
    assert g.value(CSD["D-compound-branches"], CS.measures) == CS.CompoundPartyBranchCount
    assert set(g.subjects(RDF.type, CS.JointPartyBranch)) == {CSD["D-joint-branch"]}
    assert g.value(CSD["D-volunteer-subteams"], CS.exactValue).toPython() == 6
    named = {str(l) for t in g.subjects(ORG.subOrganizationOf, CSD["D-volunteers"]) for l in g.objects(t, RDFS.label) if l.language == "zh"}
    assert named == {"老年兴趣志愿队", "小白鸽医疗服务志愿队"}


INTERVENTIONS = {
    "D1": ("VolunteerService", {"GeneralizedTrust"}, {"ResidentResident"}),
    "D2": ("PartyBuildingActivity", {"GeneralizedTrust"}, {"ResidentCommittee"}),
    "D3": ("InterestGroupActivity", {"ParticipationNetwork"}, {"ResidentResident"}),
    "D4": ("DeliberationDay", {"ParticipationNetwork"}, {"ResidentCommittee", "ResidentPropertyCompany"}),
    "D5": ("ReceptionDay", {"ParticipationNetwork"}, {"ResidentCommittee"}),
    "D6": ("CrossAppointment", {"ParticipationNetwork"}, {"ResidentCommittee", "CommitteePropertyCompany"}),
    "D7": ("PointsExchange", {"ReciprocityNorm"}, {"ResidentResident"}),
    "D8": ("Commendation", {"ReciprocityNorm"}, {"ResidentResident"}),
    "S1": ("MerchantSupport", {"GeneralizedTrust"}, {"CommitteeMerchantUnit"}),
    "S2": ("BusinessResidentAlliance", {"ParticipationNetwork"}, {"ResidentMerchantUnit", "CommitteeMerchantUnit"}),
    "S3": ("WishClaiming", {"ParticipationNetwork", "GeneralizedTrust"}, {"ResidentMerchantUnit"}),
    "S4": ("MerchantResidentCouncil", {"ParticipationNetwork"}, {"ResidentMerchantUnit", "CommitteeMerchantUnit", "StreetOfficeCommunity"}),
    "S5": ("ContractProcess", {"ReciprocityNorm"}, {"CommitteeMerchantUnit", "ResidentMerchantUnit"}),
    "S6": ("ServicePact", {"ReciprocityNorm"}, {"ResidentMerchantUnit"}),
    "S7": ("MutualRating", {"ReciprocityNorm"}, {"ResidentMerchantUnit"}),
}


def local(term) -> str:
    return str(term).split("#")[-1]


def test_all_fifteen_interventions_typed_with_dimension_and_scope(g):
    found = {str(g.value(i, CS.caseLabel)): i for i in g.subjects(CS.caseLabel, None)}
    assert set(found) == set(INTERVENTIONS)
    for label, (typ, dims, scopes) in INTERVENTIONS.items():
        node = found[label]
        assert (node, RDF.type, CS[typ]) in g, label
        assert {local(d) for d in g.objects(node, CS.builds)} == dims, label
        assert {local(s) for s in g.objects(node, CS.targetsScope)} == scopes, label
        assert g.value(node, CS.inCommunity) == (CSD.D if label[0] == "D" else CSD.S)
        assert {l.language for l in g.objects(node, RDFS.label)} == {"zh", "en"}, label
        # the paper gives no date for any single intervention: none is invented
        assert g.value(node, CS.startDate) is None, label


def test_six_step_contract_of_S(g):
    steps = sorted(
        (g.value(g.value(p, CS.performsStep), CS.stepOrder).toPython(), local(g.value(p, CS.performsStep)))
        for p in g.objects(CSD.S5, CS.hasStepPerformance)
    )
    assert [s for _, s in steps] == ["Negotiate", "Sign", "Publicize", "Perform", "KeepFaith", "Evaluate"]
    assert g.value(CSD.S6, CS.realizesStep) == CS.KeepFaith
    assert g.value(CSD.S7, CS.realizesStep) == CS.Evaluate


def test_cross_appointment_is_two_posts_held_by_one_person(g):
    posts = set(g.subjects(ORG.heldBy, CSD["D-R"]))
    orgs = {g.value(p, ORG.postIn) for p in posts}
    assert orgs == {CSD["D-committee"], CSD["D-property"]}
    manager_posts = {g.value(p, ORG.postIn) for p in g.subjects(ORG.heldBy, CSD["D-property-manager"])}
    assert manager_posts == {CSD["D-committee"], CSD["D-property"]}


INTERVIEWS = {
    "20220309-S 社区居委会 Z 主任": ("S", 1),
    "20220913-D 社区居委会 R 主任": ("D", 4),
    "20220916-D 社区居民": ("D", 1),
    "20221025-D 社区居民": ("D", 1),
    "20221110-D 社区居委会 R 主任": ("D", 1),
    "20221110-D 社区居委会 L 副主任": ("D", 1),
    "20230313-S 社区驻地商户代表": ("S", 1),
    "20231016-S 社区驻地商户代表": ("S", 1),
    "20231116-S 社区居委会 Z 主任": ("S", 2),
    "20231116-S 社区居民": ("S", 1),
}


def test_ten_interviews_and_fourteen_quotations(g):
    interviews = {str(g.value(i, CS.interviewCode)): i for i in g.subjects(RDF.type, CS.Interview)}
    assert set(interviews) == set(INTERVIEWS)
    quotes = list(g.subjects(RDF.type, CS.Quotation))
    assert len(quotes) == 14
    for code, (community, n) in INTERVIEWS.items():
        node = interviews[code]
        assert g.value(node, CS.inCommunity) == CSD[community]
        d = g.value(node, CS.interviewDate)
        assert d.datatype == XSD.date and str(d).replace("-", "") == code[:8]
        assert len(list(g.subjects(CS.fromInterview, node))) == n, code
    for q in quotes:
        target = g.value(q, CS.evidences)
        assert target is not None
        assert g.value(target, CS.inCommunity) == g.value(g.value(q, CS.fromInterview), CS.inCommunity)


def _paper_text() -> str:
    return re.sub(r"\s+", "", PAPER.read_text(encoding="utf-8"))


@pytest.mark.skipif(not PAPER.exists(), reason="the paper's text lies in ../shared/paper beside the repository")
def test_quotations_are_copied_exactly_from_the_paper(g):
    paper = _paper_text()
    for q in g.subjects(RDF.type, CS.Quotation):
        text = g.value(q, CS.quotationText)
        assert text.language == "zh"
        flat = re.sub(r"\s+", "", str(text))
        # a quotation may run across a page break, where the footnotes of the page stand between its parts
        found = flat in paper or any(
            paper.find(flat[:i]) >= 0
            and 0 <= paper.find(flat[i:], paper.find(flat[:i]) + i) - (paper.find(flat[:i]) + i) < 1500
            for i in range(10, len(flat) - 10)
        )
        assert found, q
        cited = re.sub(r"\s+", "", str(g.value(q, CS.citedAs)))
        assert f"（{cited}）" in paper, cited


def test_every_fact_is_traceable_to_the_paper(g):
    data_subjects = set()
    for f in resources.data_files():
        from chuangshu.rdf import parse_file

        data_subjects |= {s for s in parse_file(f).subjects(RDF.type, None) if isinstance(s, URIRef)}
    exempt = {CSD.paper, CSD["author-chen-zepeng"], CSD["author-lei-xiaokang"]}
    missing = [s for s in data_subjects - exempt if (s, DCTERMS.source, CSD.paper) not in g]
    assert missing == []


def test_facts_beyond_the_source_are_marked(g):
    # derived identifications carry their status and a note in both languages
    for node in g.subjects(CS.factStatus, CS.DerivedFromSource):
        assert {l.language for l in g.objects(node, CS.assumptionNote)} == {"zh", "en"}, node


def test_the_paper_assesses_each_communitys_type(g):
    assessed = {g.value(a, CS.assessesCommunity): g.value(a, CS.assignsCapitalType)
                for a in g.subjects(RDF.type, CS.CapitalTypeAssessment)}
    assert assessed == {CSD.D: CS.LowSocialCapital, CSD.S: CS.HighSocialCapital}
