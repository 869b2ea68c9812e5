"""The researchers' query library: one file per competency question, each with its
metadata; the expected answers on the bundled data; the same results on rdflib and
on Oxigraph; parameters bound, never pasted."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from chuangshu import load_graph
from chuangshu.assess import knowledge_graph
from chuangshu.cli import cli
from chuangshu.errors import InputError
from chuangshu.library import find_query, library, parse_param, parse_term, run_local, values_block

from conftest import REPO

CS = "https://w3id.org/chuangshu/ontology#"
CSD = "https://w3id.org/chuangshu/data/"


@pytest.fixture(scope="module")
def kg():
    return knowledge_graph(load_graph())


def short(term) -> str:
    text = str(term)
    for ns in (CS, CSD):
        if text.startswith(ns):
            return text[len(ns):]
    return text


def answer(kg, name, *columns, engine="oxigraph", **params):
    table = run_local(find_query(name), kg, {k: parse_term(v) for k, v in params.items()}, engine)
    cols = columns or table.variables
    return [tuple(short(r.get(c, "")) for c in cols) for r in table.rows]


def test_every_competency_question_has_a_query_file_with_metadata():
    doc = (REPO / "docs" / "competency-questions.md").read_text(encoding="utf-8")
    ids = {m.lower() for m in re.findall(r"\| (CQ\d\d) \|", doc)}
    queries = {q.name: q for q in library()}
    assert ids == set(queries) and len(ids) >= 20
    for q in queries.values():
        assert q.meta.get("question@en") and q.meta.get("question@zh"), q.name
        assert re.search(r"[\u4e00-\u9fff]", q.meta["question@zh"])
        assert q.meta.get("keywords") and q.meta.get("needs"), q.name
        assert q.meta["needs"].split()[0] in ("asserted", "inferred")


EXPECTED = {
    "cq01": [("D", "D1", "ResidentResident"), ("D", "D2", "ResidentCommittee"),
             ("S", "S1", "CommitteeMerchantUnit"), ("S", "S3", "ResidentMerchantUnit")],
    "cq03": [],
    "cq04": [("S", "BoundaryExtended")],
    "cq05": [("D", "IceBreaking", "true"), ("S", "BoundaryExtended", "false")],
    "cq07": [("Merchant",), ("ResidentUnit",)],
    "cq08": [("D", "CommodityHousing", "LowSocialCapital", "LowSocialCapital", "ExplicitAssessmentBasis", "false"),
             ("S", "WorkUnitCompound", "HighSocialCapital", "HighSocialCapital", "ExplicitAssessmentBasis", "false")],
    "cq15": [("D4", "ResidentPropertyCompany"), ("D6", "CommitteePropertyCompany")],
    "cq16": [("D-R", "CommitteeDirector", "PropertyDeputyManager"),
             ("D-property-manager", "CommitteeDeputyDirector", "PropertyManager")],
    "cq17": [("D", "CommunityWorker"), ("D", "GridPartyBranch"), ("D", "JointPartyBranch"),
             ("S", "CommunityWorker"), ("S", "SocialOrganization"), ("S", "StreetOffice")],
    "cq20": [("D1", "D1"), ("D8", "D8"), ("S1", "S1"), ("S4", "S4"), ("S6", "S6"), ("S7", "S7")],
    "cq23": [("S3", "S3-wish-mooncakes", "S-bakery"), ("S3", "S3-wish-wedding-photos", "S-photo-studio")],
    "cq24": [("WishClaiming", "2")],
}
COLUMNS = {
    "cq01": ("community", "caseLabel", "scope"), "cq07": ("kind",),
    "cq08": ("community", "form", "formImplied", "type", "basis", "conflict"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expected_answer_on_the_bundled_data(kg, name):
    assert answer(kg, name, *COLUMNS.get(name, ())) == EXPECTED[name]


def test_counted_and_grouped_answers(kg):
    interviews = {row[0]: row for row in answer(kg, "cq14", "code", "community", "quotations")}
    assert len(interviews) == 10
    assert interviews["20220913-D 社区居委会 R 主任"] == ("20220913-D 社区居委会 R 主任", "D", "4")
    assert interviews["20231116-S 社区居委会 Z 主任"][2] == "2"
    assert len(answer(kg, "cq02")) == 22                       # finding × intervention rows
    steps = answer(kg, "cq13", "order", "step", "realizedBy")
    assert [s[1] for s in steps] == ["Negotiate", "Sign", "Publicize", "Perform", "KeepFaith", "Evaluate"]
    assert ("5", "KeepFaith", "S6") in steps and ("6", "Evaluate", "S7") in steps
    bounds = answer(kg, "cq21", "subject", "moreThan")
    assert ("D", "16000") in bounds and ("S", "7000") in bounds and ("S", "200") in bounds
    mechanisms = answer(kg, "cq10", "mechanism", "intervention")
    assert ("RedeemPointsPromoteReciprocity", "D7") in mechanisms        # the type's default
    assert ("ContractSecureReciprocity", "S5") in mechanisms
    first = answer(kg, "cq09", "community", "priority", "type", "paperCases", lang="zh")[0]
    assert first == ("D", "4055", "MerchantSupport", "1")   # S1, the paper's case


def test_parameters_narrow_the_answer(kg):
    assert answer(kg, "cq01", "caseLabel", community="csd:S") == [("S1",), ("S3",)]
    assert answer(kg, "cq07", "kind", **{"in": "csd:D", "notIn": "csd:S"}) == [
        ("BuildingLeader",), ("PartyMemberHousehold",), ("PropertyManagementCompany",), ("VolunteerTeam",)]
    quotes = answer(kg, "cq06", "code", target=f"<{CSD}D7>")
    assert sorted(quotes) == [("20220913-D 社区居委会 R 主任",), ("20221025-D 社区居民",)]


def test_a_missing_initial_cycle_is_found(kg):
    from rdflib import Graph

    g = Graph()
    for t in load_graph():
        if str(t[0]) not in (CSD + "D7", CSD + "D8"):
            g.add(t)
    assert answer(knowledge_graph(g), "cq03") == [("D", "ReciprocityNorm", "InitialCycle_Norm")]


def test_as_of_changes_the_stage(kg):
    from chuangshu.assess import parse_as_of

    early = knowledge_graph(load_graph(), as_of=parse_as_of("2022-07"))
    assert answer(early, "cq12", "community", "asOf", "stage", "ready") == [
        ("D", "2022-07", "IceBreaking", "true"), ("S", "2022-07", "IceBreaking", "true")]
    assert answer(kg, "cq12", "community", "stage") == [("D", "IceBreaking"), ("S", "BoundaryExtended")]


@pytest.mark.parametrize("query", library(), ids=lambda q: q.name)
def test_rdflib_and_oxigraph_give_the_same_results(kg, query):
    norm = lambda rows: sorted(tuple(sorted((k, v.n3()) for k, v in r.items())) for r in rows)  # noqa: E731
    a = run_local(query, kg, {}, "oxigraph").rows
    b = run_local(query, kg, {}, "rdflib").rows
    assert norm(a) == norm(b)


# ---- parameters are terms, bound, never text ------------------------------------------

def test_parameters_become_rdf_terms():
    assert parse_param("community=csd:D") == ("community", URIRef(CSD + "D"))
    assert parse_param("x=<https://example.org/a>") == ("x", URIRef("https://example.org/a"))
    assert parse_param('lang="破冰"@zh') == ("lang", Literal("破冰", lang="zh"))
    assert parse_param("n=42") == ("n", Literal(42))
    with pytest.raises(InputError):
        parse_param("x=<https://example.org/a> } DROP ALL { <x>")   # not a valid IRI
    with pytest.raises(InputError):
        parse_param("no-equals-sign")


def test_an_injection_attempt_stays_a_literal(kg):
    hostile = '"} . ?s ?p ?o . FILTER(true) } #'
    name, term = parse_param(f"community={hostile}")
    assert isinstance(term, Literal) and str(term) == hostile
    assert run_local(find_query("cq01"), kg, {name: term}, "oxigraph").rows == []
    block = values_block({name: term})
    assert block.count("{") == 1 and block.count("}") == 1 + hostile.count("}")  # the text sits inside one literal
    assert '\\"' in block


def test_query_cli_formats_and_errors():
    runner = CliRunner()
    csv_out = runner.invoke(cli, ["query", "cq05", "--format", "csv", "--labels", "none"]).output.splitlines()
    assert csv_out == ["community,stage,ready", f"{CSD}D,{CS}IceBreaking,true", f"{CSD}S,{CS}BoundaryExtended,false"]
    tsv = runner.invoke(cli, ["query", "cq24", "--format", "tsv", "--labels", "none"]).output
    assert tsv.splitlines()[1] == f"{CS}WishClaiming\t2"
    import json

    data = json.loads(runner.invoke(cli, ["query", "cq04", "--format", "json"]).output)
    assert data["results"]["bindings"][0]["community"] == {"type": "uri", "value": CSD + "S"}
    assert runner.invoke(cli, ["query", "nosuch"]).exit_code == 2
    bad = runner.invoke(cli, ["query", "-"], input="SELEC ?x")
    assert bad.exit_code == 2 and "not a SPARQL query" in bad.output
    assert runner.invoke(cli, ["query", "cq01", "--param", "nosuch=1"]).exit_code == 2
    listing = runner.invoke(cli, ["--lang", "zh", "query", "--list"]).output
    assert "某社区哪些举措培育了信任" in listing


def test_remote_parameters_fill_the_declared_slot_with_a_serialized_term():
    from chuangshu.library import fill_slots

    text, rest = fill_slots(find_query("cq07").text, {"in": URIRef(CSD + "D")})
    assert f"VALUES (?in ?notIn) {{ (<{CSD}D> UNDEF) }}" in text and rest == {}
    hostile = Literal('x" } DROP ALL ; INSERT DATA { <a> <b> "c')
    text, _ = fill_slots(find_query("cq01").text, {"community": hostile})
    slot = re.search(r"VALUES \?community \{ (.*) \}\n", text).group(1)
    from rdflib import Graph

    parsed = Graph().parse(data=f"<urn:s> <urn:p> {slot} .", format="nt")
    assert next(parsed.objects()) == hostile          # the whole value is one literal, nothing else
    with pytest.raises(InputError):
        fill_slots(find_query("cq01").text, {"community": URIRef("http://x> } DROP ALL { <y")})
