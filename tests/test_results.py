"""One result model on every engine: the results queries (queries/results/) answered by the
reference path (HermiT or OWL 2 RL, rules on Oxigraph), the Oxigraph engine (compiled entailments,
one store) and the DuckDB engine (everything compiled to SQL) give the same CommunityResult objects —
every field, not only the stage — on the bundled data, every example, the development set and a
generated city, at several dates."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from chuangshu import resources
from chuangshu.assess import parse_as_of
from chuangshu.cli import cli
from chuangshu.pipeline import assess_files, choose_engine
from chuangshu.results import RESULT_QUERIES, result_query

from conftest import REPO

INPUTS = {"bundled": None, "two-communities": [REPO / "data" / "examples" / "valid" / "two-communities.ttl"]}
INPUTS.update({p.stem: [p] for p in sorted((REPO / "data" / "cases").glob("DC*.ttl"))})


def _first_difference(a, b, path="") -> str | None:
    if type(a) is not type(b):
        return f"{path}: {a!r} / {b!r}"
    if isinstance(a, dict):
        for k in a.keys() | b.keys():
            d = _first_difference(a.get(k), b.get(k), f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items / {len(b)}"
        return next((d for d in (_first_difference(x, y, f"{path}[{i}]") for i, (x, y) in enumerate(zip(a, b))) if d), None)
    return None if a == b else f"{path}: {a!r} / {b!r}"


def _same_on_every_engine(files, as_of, lang="zh"):
    date = parse_as_of(as_of) if as_of else None
    reference = assess_files(files or (), engine="reference", as_of=date, lang=lang)
    assert reference.communities, "nothing assessed"
    want = [c.as_dict() for c in reference.communities]
    for engine in ("oxigraph", "duckdb"):
        got = [c.as_dict() for c in assess_files(files or (), engine=engine, as_of=date, lang=lang).communities]
        assert got == want, f"{engine}: {_first_difference(want, got)}"
    return reference


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_every_engine_gives_the_whole_result_model_of_the_reference(name):
    _same_on_every_engine(INPUTS[name], None)


@pytest.mark.parametrize("as_of", ["2012", "2016-06"])
def test_the_engines_agree_at_past_dates_too(as_of):
    a = _same_on_every_engine(None, as_of, lang="en")
    assert all(c.as_of == as_of for c in a.communities)


def test_the_engines_agree_on_a_generated_city(tmp_path):
    from chuangshu.synth import synthesize

    city = tmp_path / "city.nt"
    synthesize(40, 7, city)
    a = _same_on_every_engine([city], None)
    # a city has communities in every stage, with reasons, evidence and quotations to compare
    assert len({c.stage.iri for c in a.communities}) >= 2
    assert any(r.evidence and r.reason for c in a.communities for r in c.recommendations)
    # the JSON output, written from the dataclasses as they are, is the text of the dict form
    assert a.to_json() == json.dumps(a.as_dict(), ensure_ascii=False, indent=2) + "\n"


def test_the_results_queries_are_files_every_engine_runs():
    for name in RESULT_QUERIES:
        text, source = result_query(name)
        assert source == f"queries/results/{name}.rq" and (REPO / source).is_file()
        assert text.lstrip().startswith("# id: results-")


def test_auto_takes_oxigraph_for_a_small_input_and_duckdb_for_a_city(tmp_path, monkeypatch):
    import chuangshu.engines as engines

    assert choose_engine(resources.data_files()) == "oxigraph"
    assert choose_engine((), triples=49_999) == "oxigraph" and choose_engine((), triples=50_000) == "duckdb"
    monkeypatch.setattr(engines, "SMALL_FOR_OXIGRAPH", 1)
    assert choose_engine(resources.data_files()) == "duckdb"
    assert choose_engine(resources.data_files(), "reference") == "reference"


def test_assess_gives_the_same_output_on_every_engine_and_says_which_ran():
    outs = {}
    for engine in ("reference", "oxigraph", "duckdb"):
        r = CliRunner().invoke(cli, ["assess", "--engine", engine, "--format", "json"])
        assert r.exit_code == 0, r.output
        outs[engine] = json.loads(r.output)
    assert outs["reference"]["communities"] == outs["oxigraph"]["communities"] == outs["duckdb"]["communities"]
    assert outs["oxigraph"]["rule_engine"] == "oxigraph" and "compiled entailments" in outs["oxigraph"]["reasoner"]
    text = CliRunner().invoke(cli, ["--lang", "zh", "assess"]).output
    assert "推理机：编译的蕴涵" in text and "社区" in text


def test_turtle_comes_from_the_engine_that_keeps_provenance():
    r = CliRunner().invoke(cli, ["assess", "--engine", "duckdb", "--format", "turtle"])
    assert r.exit_code == 2 and "--engine reference" in r.output
    r = CliRunner().invoke(cli, ["assess", "--format", "turtle"])  # auto: the reference engine
    assert r.exit_code == 0 and "prov:wasGeneratedBy" in r.output


def test_a_spreadsheet_is_read_as_the_reference_path_reads_it(tmp_path):
    """auto takes Oxigraph for spreadsheets, read and validated (file, sheet, row) as everywhere."""
    out = tmp_path / "t"
    out.mkdir()
    assert CliRunner().invoke(cli, ["template", "--bundled", "-o", str(out)]).exit_code == 0
    book = next(out.glob("*.xlsx"))
    assert choose_engine([book]) == "oxigraph"
    r = CliRunner().invoke(cli, ["assess", "--format", "json", str(book)])
    assert r.exit_code == 0, r.output
    ref = CliRunner().invoke(cli, ["assess", "--engine", "reference", "--format", "json", str(book)])
    assert json.loads(r.output)["communities"] == json.loads(ref.output)["communities"]
