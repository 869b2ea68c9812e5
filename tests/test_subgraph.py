"""One community of a larger file (issue #11, explanations on demand): assessed over its part of the
data, it comes out exactly as in the whole — on random communities of a synthetic city, on every
community of the development set (whose cases evidence one another), at several dates — and
`explain`, `timeline` and `assess --community` use that part."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import XSD, Graph, Literal

from chuangshu.assess import assess
from chuangshu.cli import cli
from chuangshu.rdf import load_ontology
from chuangshu.load import load_sources
from chuangshu.subgraph import communities, community_subgraph
from chuangshu.synth import synthesize

from conftest import REPO


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("city") / "city.nt"
    synthesize(40, 17, path)
    return path


DEV = sorted((REPO / "data" / "cases").glob("*.ttl")) + sorted((REPO / "data" / "cases" / "DC11").glob("*.csv"))


@pytest.mark.parametrize("as_of", [None, "2019", "2022-06"])
def test_a_random_community_of_a_city_comes_out_as_in_the_whole(city, as_of):
    onto = load_ontology()
    data = load_sources([city]).graph
    whole = assess(onto + data, as_of=as_of, reasoner="owlrl")
    chosen = random.Random(as_of or "all").sample(sorted(communities(data, onto), key=str), 6)
    for c in chosen:
        part = community_subgraph(data, onto, [c])
        assert len(part) < len(data) / 10                      # a part, not the whole
        assert assess(onto + part, as_of=as_of, reasoner="owlrl").community(str(c)) == whole.community(str(c))


@pytest.mark.parametrize("as_of", [None, "2016"])
def test_every_development_case_comes_out_as_in_the_whole_with_the_cases_of_the_others(as_of):
    onto = load_ontology()
    data = load_sources(DEV).graph
    whole = assess(onto + data, as_of=as_of, reasoner="owlrl")
    cited = 0
    for c in sorted(communities(data, onto), key=str):
        mine = assess(onto + community_subgraph(data, onto, [c]), as_of=as_of, reasoner="owlrl").community(str(c))
        assert mine == whole.community(str(c))
        cited += sum(1 for r in mine.recommendations for e in r.evidence if not e.from_paper)
    assert cited > 0          # the documented cases of other communities are there, as evidence


def test_assess_community_gives_that_community_of_the_whole(city):
    result = run("assess", city, "--format", "json")
    whole = {c["community"]["iri"]: c for c in json.loads(result.output)["communities"]}
    key = sorted(whole)[7].rsplit("/", 1)[-1]
    part = json.loads(run("assess", city, "--community", key, "--format", "json").output)
    assert [c["community"]["iri"] for c in part["communities"]] == [sorted(whole)[7]]
    assert part["communities"][0] == whole[sorted(whole)[7]]


def test_the_turtle_of_one_community_is_its_share_of_the_whole_and_conforms():
    import pyshacl

    from chuangshu.rdf import parse_file

    whole = Graph().parse(data=run("assess", "--format", "turtle").output, format="turtle")
    s = Graph().parse(data=run("assess", "--community", "S", "--format", "turtle").output, format="turtle")
    assert not any("/assessment/D" in str(t[0]) for t in s)
    assert {t for t in s if "/assessment/S" in str(t[0])} == {t for t in whole if "/assessment/S" in str(t[0])}
    ok, _, text = pyshacl.validate(s, shacl_graph=parse_file(REPO / "shapes" / "assessment.ttl"))
    assert ok, text


def test_explain_and_timeline_read_one_community_of_the_city(city):
    from chuangshu.assess import assess_reasoned, reasoned_graph
    from chuangshu.render import explain_text

    onto = load_ontology()
    data = load_sources([city]).graph
    key = sorted(str(c) for c in communities(data, onto))[3].rsplit("/", 1)[-1]
    reasoned, name = reasoned_graph(onto + data)
    result = assess_reasoned(reasoned, name, lang="en")
    expected = explain_text(result, reasoned + result.graph, key, "en")
    assert run("--lang", "en", "explain", key, city).output == expected
    out = run("--lang", "en", "timeline", key, city).output
    assert out.startswith("synthetic community") and "before" in out
    assert run("explain", "no-such-community", city).exit_code == 2


_EXPLAINED: dict = {}  # (community, files, as-of) → the reference engine's explain, made once for both engines


@pytest.mark.xdist_group("explain")
@pytest.mark.parametrize("engine", ["oxigraph", "duckdb"])
def test_explain_says_the_same_on_every_engine(engine, city):
    """The chain of facts and rules behind a stage, read from the engine's whole graph (data, entailments,
    conclusions with their provenance), is the reference engine's word for word."""
    keys = [("D", ()), ("S", ()), ("C017000003", (city,)), ("C017000021", (city,))]
    for key, files in keys:
        for as_of in ((), ("--as-of", "2020")):
            args = ("--lang", "en", "explain", key, *files, *as_of)
            want = _EXPLAINED.get(args) or _EXPLAINED.setdefault(args, run(*args, "--engine", "reference"))
            got = run(*args, "--engine", engine)
            assert want.exit_code == 0 and "stage" in want.output, want.output
            assert got.output == want.output, (key, as_of)


def test_an_unknown_community_is_named_with_the_ones_there_are():
    result = run("assess", "--community", "Q")
    assert result.exit_code == 2 and "no community 'Q'" in result.output and "D, S" in result.output
    assert run("assess", "--community", "D", "--fast").exit_code == 2


_WHOLE: dict = {}  # files → (reasoned graph, reasoner, {date: the whole assessed then}): the oracle, made once


def _same_assessment(result, point: bool = True) -> str:
    """A result as JSON with its assessment's own IRI made the run's: a timeline point is an assessment of
    its own (…/assessment/at/DATE), otherwise the same as the whole assessed at that date in what a timeline
    shows (a point has no readings, steps, gaps or recommendations: queries/rules/12-timeline-points.rq)."""
    fields = result.as_dict()
    for name in ("readings", "steps", "gaps", "recommendations"):
        value = fields.pop(name)
        assert not (point and value), name
    return re.sub(r"/assessment/at/[^/\"]+", "/assessment", json.dumps(fields, sort_keys=True))


@pytest.mark.xdist_group("timelines")  # one worker: the oracle (_WHOLE) is made once for the three engines
@pytest.mark.parametrize("engine", ["reference", "oxigraph", "duckdb"])
@pytest.mark.parametrize("which", ["development", "city"])
def test_a_timeline_is_the_whole_assessed_at_each_of_its_dates(which, engine, city):
    """The timelines come from one run of the rules (queries/rules/12-timeline-points.rq) on any engine:
    each point equals the whole data assessed as of that date (the definition of a timeline), the first
    point is the one before the first date, and no date is after the run's."""
    from chuangshu.assess import assess_reasoned_in, parse_as_of, reasoned_graph
    from chuangshu.pipeline import assess_files_in
    from chuangshu.results import before_label

    files = DEV if which == "development" else [city]
    data, onto = load_sources(files).graph, load_ontology()
    got = assess_files_in(("en", "zh"), engine=engine, as_of=parse_as_of("2021"), reasoner="owlrl", loaded=(data, onto),
                          timeline=True)
    reasoned, name, whole = _WHOLE.setdefault(tuple(files), (*reasoned_graph(onto + data, "owlrl"), {}))

    def at(date: str, lang: str):
        if date not in whole:  # the whole assessed at that date, read in both languages from one run (and kept
            when = parse_as_of(date) if date != "0001" else Literal("0001", datatype=XSD.gYear)  # for every engine)
            whole[date] = assess_reasoned_in(("en", "zh"), reasoned, name, as_of=when)
        return whole[date][lang]

    checked = undated = 0
    for lang in ("en", "zh"):
        lines = got[lang].timelines
        assert set(lines) == {c.community.iri for c in got[lang].communities}
        for iri, rows in sorted(lines.items())[:8]:
            if rows[0][0] == "—":
                assert rows == [("—", got[lang].community(iri))]
                undated += 1
                continue
            first = rows[1][0]
            assert rows[0][0] == before_label(first, lang)
            assert _same_assessment(rows[0][1]) == _same_assessment(at("0001", lang).community(iri), point=False)
            dates = [date for date, _ in rows[1:]]
            assert dates == sorted(set(dates))
            for date, result in rows[1:]:
                assert date[:4] <= "2021"
                assert result.as_of == date
                assert _same_assessment(result) == _same_assessment(at(date, lang).community(iri), point=False), (iri, date, lang)
                checked += 1
    assert checked > 10