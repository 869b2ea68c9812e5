"""`chuangshu validate`: each invalid example triggers exactly the constraints of its
defect on exactly its focus node; exit codes, formats and languages; and a second,
independent SHACL engine (pyrudof) gives the same results."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from chuangshu import resources
from chuangshu.cli import cli
from chuangshu.rdf import load_ontology, parse_file, parse_files
from chuangshu.validate import compact, validate_files

from conftest import REPO

EXAMPLES = REPO / "data" / "examples"
EX = "https://example.org/case/"

# file -> the (severity, focus node, constraint) results it must give, Info results aside
EXPECTED = {
    "missing-label": {("Warning", "E1", "csh:Intervention-label")},
    "wrong-datatype": {("Violation", "interview-20200110-E-W", "csh:Interview-date")},
    "quotation-from-other-community": {
        ("Violation", "quote-E1", "csh:Quotation-sameCommunity"),
        ("Warning", "quote-E1", "csh:Quotation-citedAsMatchesCode"),  # its printed code is E's
    },
    # one cause, one message: the unknown value is not also compared with the type's default
    "unknown-dimension": {("Violation", "E1", "csh:Intervention-builds")},
    # the researcher's coding counts; a disagreement with the type's default is a Warning naming both
    "dimension-disagrees-with-type": {("Warning", "E2", "csh:Intervention-dimensionAgreesWithType")},
    "other-intervention-without-coding": {
        ("Violation", "E2", "csh:Intervention-dimensionKnown"),
        ("Violation", "E2", "csh:Intervention-scopeKnown"),
    },
    "unknown-status": {("Violation", "E2", "csh:Intervention-status")},
    "contract-steps-out-of-order": {("Violation", "F1", "csh:Contract-stepsInOrder")},
    "start-before-built": {("Violation", "E1", "csh:Intervention-notBeforeBuilt")},
    "malformed-interview-code": {
        ("Warning", "interview-20200110-E-W", "csh:Interview-code"),
        ("Warning", "quote-E1", "csh:Quotation-citedAsMatchesCode"),
    },
    "interview-code-date-mismatch": {("Warning", "interview-20200110-E-W", "csh:Interview-codeMatchesDate")},
    # no form and no explicit assessment: the type is undetermined (assess still runs)
    "missing-community-form": {("Warning", "E", "csh:Community-typeDetermined")},
    "quantity-exact-and-lower-bound": {("Violation", "E-residents", "csh:QuantityShape")},
    "quotation-without-language": {("Violation", "quote-E1", "csh:Quotation-text")},
    "untyped-intervention": {("Violation", "E2", "csh:Intervention-typed")},
    "intervention-in-a-non-community": {
        ("Violation", "E1", "csh:Intervention-community"),
        ("Violation", "quote-E1", "csh:Quotation-sameCommunity"),  # its target is no longer in E
    },
    "unknown-capital-type": {("Violation", "E-capital-type", "csh:Assessment-type")},
}


def invalid_files() -> list[Path]:
    return sorted((EXAMPLES / "invalid").glob("*.ttl"))


def test_there_are_at_least_twelve_invalid_examples_all_expected():
    names = {p.stem for p in invalid_files()}
    assert len(names) >= 12
    assert names == set(EXPECTED) | {"broken-turtle"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_example_triggers_its_constraint_on_its_focus_node(name):
    report = validate_files([EXAMPLES / "invalid" / f"{name}.ttl"])
    got = {(r.severity, r.focus.removeprefix(EX), r.constraint) for r in report.results if r.severity != "Info"}
    assert got == EXPECTED[name]
    assert not report.conforms


def test_valid_example_and_bundled_data_conform():
    for files in ([EXAMPLES / "valid" / "two-communities.ttl"], None):
        report = validate_files(files)
        assert report.conforms
        assert report.counts()["Violation"] == report.counts()["Warning"] == 0


def test_bundled_data_infos_name_the_interventions_without_quotations():
    report = validate_files(None)
    infos = {r.focus.rsplit("/", 1)[-1] for r in report.results if r.constraint == "csh:Intervention-quotation"}
    assert infos == {"D1", "D8", "S1", "S4", "S6", "S7"}


def run(*args):
    return CliRunner().invoke(cli, list(args))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_exit_codes_and_inputs_untouched():
    invalid = EXAMPLES / "invalid" / "start-before-built.ttl"
    before = digest(invalid)
    assert run("validate").exit_code == 0
    assert run("validate", str(EXAMPLES / "valid" / "two-communities.ttl")).exit_code == 0
    result = run("validate", str(invalid))
    assert result.exit_code == 1
    assert "the intervention starts before its community was built" in result.output
    assert "E neighbourly help team" in result.output  # focus node by its label
    assert digest(invalid) == before


def test_broken_turtle_exit_2_with_location_and_no_traceback():
    broken = EXAMPLES / "invalid" / "broken-turtle.ttl"
    before = digest(broken)
    proc = subprocess.run([sys.executable, "-m", "chuangshu.cli", "--lang", "en", "validate", str(broken)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    line = proc.stderr.strip()
    assert "\n" not in line
    assert line.startswith(f"{broken}:37:") and "syntax error" in line
    assert digest(broken) == before


def test_allow_warnings():
    warning_only = EXAMPLES / "invalid" / "missing-label.ttl"
    assert run("validate", str(warning_only)).exit_code == 1
    assert run("validate", "--allow-warnings", str(warning_only)).exit_code == 0
    violation = EXAMPLES / "invalid" / "unknown-capital-type.ttl"
    assert run("validate", "--allow-warnings", str(violation)).exit_code == 1


def test_messages_and_table_in_chinese():
    result = run("--lang", "zh", "validate", "--format", "table", str(EXAMPLES / "invalid" / "quotation-from-other-community.ttl"))
    assert result.exit_code == 1
    assert "引文出自另一社区的访谈" in result.output   # a SPARQL constraint's message, in zh
    assert "严重度" in result.output and "违规" in result.output
    assert "E1 引文" in result.output


def test_json_and_turtle_formats():
    f = str(EXAMPLES / "invalid" / "contract-steps-out-of-order.ttl")
    data = json.loads(run("validate", "--format", "json", f).output)
    assert data["conforms"] is False
    (hit,) = [r for r in data["results"] if r["severity"] == "Violation"]
    assert hit["focus"] == EX + "F1" and hit["value"].startswith(EX + "F1-sign")
    assert hit["file"].endswith("contract-steps-out-of-order.ttl") and hit["path"] == "cs:hasStepPerformance"
    ttl = run("validate", "--format", "turtle", f).output
    report = Graph().parse(data=ttl.rsplit("\n", 2)[0], format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    assert len(list(report.subjects(RDF.type, URIRef(sh + "ValidationResult")))) >= 1


def test_json_ld_and_n_triples_inputs(tmp_path):
    g = parse_file(EXAMPLES / "invalid" / "unknown-capital-type.ttl")
    nt = tmp_path / "case.nt"
    jsonld = tmp_path / "case.jsonld"
    g.serialize(nt, format="nt", encoding="utf-8")
    g.serialize(jsonld, format="json-ld", encoding="utf-8")
    for f in (nt, jsonld):
        report = validate_files([f])
        assert {(r.focus.removeprefix(EX), r.constraint) for r in report.results if r.severity == "Violation"} == \
            {("E-capital-type", "csh:Assessment-type")}


# ---- a second, independent engine ------------------------------------------------
# Constraints on which pySHACL and pyrudof disagree, with the reason; none at present.
KNOWN_DISAGREEMENTS: dict[str, str] = {}


def _pyrudof_results(files) -> set[tuple[str, str, str]]:
    pyrudof = pytest.importorskip("pyrudof")
    data = load_ontology() + parse_files(files)
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(data.serialize(format="nt"), format=pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(str(resources.resource_dir("shapes") / "case-data.ttl"), format=pyrudof.ShaclFormat.Turtle)
    report = rudof.validate_shacl()
    return {(str(v.severity), str(v.focus_node), compact(str(v.source_shape))) for v in report.violations}


CASES = [[p] for p in sorted(EXAMPLES.rglob("*.ttl")) if p.stem != "broken-turtle"] + [None]


@pytest.mark.parametrize("files", CASES, ids=lambda f: f[0].stem if f else "bundled-data")
def test_pyrudof_gives_the_same_results(files):
    files = files or resources.data_files()
    ours = {(r.severity, r.focus, r.shape) for r in validate_files(files).results}
    theirs = _pyrudof_results(files)
    disagreements = {d for d in ours ^ theirs if d[2] not in KNOWN_DISAGREEMENTS}
    assert disagreements == set()


@pytest.mark.parametrize("files", [None, sorted((REPO / "data" / "cases" / "DC11").glob("*.csv")),
                                   [EXAMPLES / "invalid" / "other-intervention-without-coding.ttl"],
                                   sorted((REPO / "data" / "cases").glob("*.ttl"))],
                         ids=["bundled", "spreadsheets", "example", "development-set"])
def test_large_inputs_are_validated_compiled_with_the_same_results_and_cells(files):
    """pySHACL's node-by-node SPARQL is slow (a 9,000-triple file took two minutes); the shapes run
    compiled on Oxigraph by default: the same results, pointing at the same files and cells."""
    reference = validate_files(files, engine="pyshacl")
    compiled = validate_files(files)
    key = lambda r: (r.severity, r.focus, r.constraint, r.path, r.value, r.message, r.file, r.sheet, r.row, r.column)  # noqa: E731
    assert [key(r) for r in compiled.results] == [key(r) for r in reference.results]
    assert compiled.report_graph is None and reference.report_graph is not None


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_invalid_example_gives_the_same_report_under_both_engines(name):
    files = [EXAMPLES / "invalid" / f"{name}.ttl"]
    key = lambda r: (r.severity, r.focus, r.constraint, r.path, r.value, r.message, r.file)  # noqa: E731
    assert [key(r) for r in validate_files(files).results] == [key(r) for r in validate_files(files, engine="pyshacl").results]


def test_an_ill_typed_literal_is_found_by_both_engines(tmp_path):
    f = tmp_path / "bad-date.ttl"
    text = (EXAMPLES / "valid" / "two-communities.ttl").read_text(encoding="utf-8")
    f.write_text(text.replace('cs:startDate "2020"^^<http://www.w3.org/2001/XMLSchema#gYear>',
                              'cs:startDate "2020-13-45"^^<http://www.w3.org/2001/XMLSchema#date>', 1), encoding="utf-8")
    for engine in ("compiled", "pyshacl"):
        report = validate_files([f], engine=engine)
        assert {(r.focus.removeprefix(EX), r.constraint) for r in report.results if r.severity == "Violation"} == \
            {("E2", "csh:Intervention-startDate")}, engine


def test_a_large_rdf_input_goes_straight_into_oxigraph_with_the_same_results(tmp_path, monkeypatch):
    import chuangshu.validate as v
    from chuangshu.synth import synthesize

    city = tmp_path / "city.nt"
    synthesize(30, 5, city)
    through_rdflib = validate_files([city])
    import chuangshu.engines as engines

    monkeypatch.setattr(engines, "LARGE_INPUT", 1)
    called = []
    real = v._validate_large
    monkeypatch.setattr(v, "_validate_large", lambda *a, **k: called.append(1) or real(*a, **k))
    direct = validate_files([city])
    assert called and [(r.severity, r.focus, r.constraint, r.value) for r in direct.results] == \
        [(r.severity, r.focus, r.constraint, r.value) for r in through_rdflib.results]


@pytest.mark.parametrize("name", ["wrong-datatype.ttl", "missing-label.ttl"])
def test_one_validation_read_in_both_languages_is_two_validations(name):
    """The report validates once for both languages (the compiled shapes' rows read twice): the same results as a
    validation in each language."""
    from chuangshu.load import load_sources
    from chuangshu.rdf import load_ontology
    from chuangshu.validate import validate_graph, validate_graph_in

    data, origin, problems = load_sources([REPO / "data" / "examples" / "invalid" / name])
    onto = load_ontology()
    both = validate_graph_in(("en", "zh"), data, origin, ontology=onto, problems=problems)
    for lang in ("en", "zh"):
        one = validate_graph(data, origin, lang=lang, ontology=onto, problems=problems)
        assert both[lang].results == one.results and both[lang].results
    assert both["en"].results[0].message != both["zh"].results[0].message
