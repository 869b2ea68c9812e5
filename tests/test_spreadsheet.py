"""Spreadsheets: templates generated from the ontology, import with cell-level problems,
the round trip of the bundled cases, and bad input that loses nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, XSD

from chuangshu import resources
from chuangshu.cli import cli
from chuangshu.rdf import parse_files
from chuangshu.sheets import ALL_SHEETS, SHEETS, code_lists, identifier_of, mint
from chuangshu.spreadsheet import import_files, parse_date, parse_number, to_rows
from chuangshu.tabular import column_letter
from chuangshu.template import CSV_DIR, WORKBOOK, write_templates

from conftest import CS, REPO

CSD = "https://w3id.org/chuangshu/data/"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def bundled():
    return parse_files(resources.data_files())


@pytest.fixture(scope="module")
def filled(tmp_path_factory, bundled):
    """The bundled cases written to the template format (XLSX and CSV)."""
    out = tmp_path_factory.mktemp("filled")
    write_templates(out, graph=bundled)
    return out


def csv_files(folder: Path) -> list[Path]:
    return sorted((folder / CSV_DIR).glob("*.csv"))


def read_csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def write_csv_rows(path: Path, rows, encoding="utf-8-sig") -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def copy_case(filled: Path, dest: Path) -> Path:
    dest.mkdir(exist_ok=True)
    for f in csv_files(filled):
        (dest / f.name).write_bytes(f.read_bytes())
    return dest


# --- templates ----------------------------------------------------------------------------

def test_blank_template_has_bilingual_headers_readme_and_codes(tmp_path):
    result = run("template", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    wb = load_workbook(tmp_path / WORKBOOK)
    keys = [t.split("｜")[0] for t in wb.sheetnames]
    assert keys == ["README"] + [s.key for s in ALL_SHEETS] + ["codes"]
    for sheet in ALL_SHEETS:
        ws = wb[sheet.title]
        headers = [c.value for c in ws[1]]
        assert headers == [c.header for c in sheet.columns]
        assert all("｜" in h and any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in headers)
        assert ws.max_row == 1  # blank
    readme = [r for r in wb["README｜说明"].iter_rows(values_only=True)]
    described = {(r[0], r[1]) for r in readme}
    assert all((s.key, c.header) in described for s in ALL_SHEETS for c in s.columns)
    # the CSV files carry the same headers, as UTF-8 with a byte-order mark
    for sheet in ALL_SHEETS:
        path = tmp_path / CSV_DIR / f"{sheet.key}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        assert read_csv_rows(path)[0] == [c.header for c in sheet.columns]


def _dropdown_values(wb, ws, column_letter: str) -> set[str]:
    for dv in ws.data_validations.dataValidation:
        if any(str(r).startswith(f"{column_letter}2:") for r in dv.sqref.ranges):
            sheet, cells = dv.formula1.split("!")
            first, last = cells.replace("$", "").split(":")
            codes = wb[sheet.strip("'")]
            return {codes[f"B{r}"].value for r in range(int(first[1:]), int(last[1:]) + 1)}
    raise AssertionError(f"no drop-down on column {column_letter}")


def test_dropdowns_are_the_ontology_code_lists(tmp_path, ontology):
    write_templates(tmp_path, fmt="xlsx")
    wb = load_workbook(tmp_path / WORKBOOK)
    ws = wb["interventions｜举措"]
    letter = lambda sheet, key: column_letter([c.key for c in sheet.columns].index(key))  # noqa: E731
    interventions = next(s for s in SHEETS if s.key == "interventions")
    # intervention types: the catalogue, the paper's 15 and the extensions (read from the ontology here)
    types = {str(c)[len(str(CS)):] for c in ontology.subjects(CS.catalogueOrigin, None)
             if (c, RDFS.subClassOf, CS.Intervention) in ontology}
    paper = {t for t in types if (CS[t], CS.catalogueOrigin, CS.FromThePaper) in ontology}
    assert _dropdown_values(wb, ws, letter(interventions, "type")) == types and len(paper) == 15
    assert "OtherIntervention" in types and len(types) > 25
    mechanisms = {str(s)[len(str(CS)):] for s in ontology.subjects(RDF.type, CS.Mechanism)}
    assert _dropdown_values(wb, ws, letter(interventions, "mechanism")) == mechanisms
    assert _dropdown_values(wb, ws, letter(interventions, "status")) == {"Planned", "Ongoing", "Implemented", "Discontinued"}
    scopes = {str(s)[len(str(CS)):] for s in ontology.subjects(RDF.type, CS.RelationScope)}
    assert _dropdown_values(wb, ws, letter(interventions, "scope")) == scopes
    dims = {str(s)[len(str(CS)):] for s in ontology.subjects(RDF.type, CS.SocialCapitalDimension)}
    assert _dropdown_values(wb, ws, letter(interventions, "builds")) == dims
    communities = next(s for s in SHEETS if s.key == "communities")
    forms = {str(s)[len(str(CS)):] for s in ontology.subjects(RDF.type, CS.CommunityForm)}
    assert _dropdown_values(wb, wb["communities｜社区"], letter(communities, "form")) == forms
    # single-valued code columns refuse other values; several-valued ones only warn
    styles = {next(iter(dv.sqref.ranges)).coord.split(":")[0]: dv.errorStyle for dv in ws.data_validations.dataValidation}
    assert styles[f"{letter(interventions, 'type')}2"] == "stop"
    assert styles[f"{letter(interventions, 'builds')}2"] == "warning"


def test_template_never_overwrites_unless_asked(tmp_path):
    target = tmp_path / WORKBOOK
    target.write_bytes(b"a researcher's filled workbook")
    result = run("template", "-o", tmp_path)
    assert result.exit_code == 2 and "already exists" in result.output and "Traceback" not in result.output
    assert target.read_bytes() == b"a researcher's filled workbook"
    assert not (tmp_path / CSV_DIR).exists()  # nothing half-written either
    assert run("template", "-o", tmp_path, "--overwrite").exit_code == 0
    assert load_workbook(target).sheetnames[0] == "README｜说明"


# --- round trip ------------------------------------------------------------------------------

def test_bundled_cases_fill_the_sheets_without_leftovers(bundled):
    rows = to_rows(bundled)
    assert rows["statements"] == []  # every triple of D and S has a column
    assert len(rows["interventions"]) == 15 and len(rows["quotations"]) == 14 and len(rows["interviews"]) == 10
    assert len(rows["communities"]) == 2


def test_round_trip_xlsx_is_isomorphic(filled, bundled):
    imported = import_files([filled / WORKBOOK])
    assert imported.problems == []
    assert isomorphic(imported.graph, bundled)


def test_round_trip_csv_is_isomorphic(filled, bundled):
    imported = import_files(csv_files(filled))
    assert imported.problems == []
    assert isomorphic(imported.graph, bundled)


@pytest.mark.parametrize("community", ["d-community.ttl", "s-community.ttl"])
def test_each_community_alone_round_trips(tmp_path, community):
    files = [REPO / "data" / "source.ttl", REPO / "data" / community]
    graph = parse_files(files)
    write_templates(tmp_path, fmt="xlsx", graph=graph)
    assert isomorphic(import_files([tmp_path / WORKBOOK]).graph, graph)


def test_statements_sheet_keeps_what_no_column_holds(tmp_path, bundled):
    graph = parse_files(resources.data_files())
    extra = [
        (URIRef(CSD + "D"), URIRef("http://example.org/vocab#nickname"), Literal("D 社区", lang="zh-hans")),
        (URIRef(CSD + "D"), RDFS.seeAlso, URIRef("http://example.org/page?a=1&b=2")),
        (BNode("n1"), RDFS.label, Literal("a node without an IRI")),
        (URIRef(CSD + "D1"), RDFS.label, Literal("second English label", lang="en")),  # the column holds one
        (URIRef(CSD + "D1"), CS.startDate, Literal("2022-08-01T10:00:00", datatype=XSD.dateTime)),
    ]
    for t in extra:
        graph.add(t)
    rows = to_rows(graph)
    assert len(rows["statements"]) == len(extra)
    write_templates(tmp_path, fmt="csv", graph=graph)
    assert isomorphic(import_files(csv_files(tmp_path)).graph, graph)


def test_assess_reads_the_spreadsheets_and_gives_the_golden_assessment(filled):
    """The same stages, recommendations and evidence as from the bundled Turtle, byte for byte."""
    result = run("assess", "--format", "turtle", filled / WORKBOOK)
    assert result.exit_code == 0, result.output
    assert result.stdout == (REPO / "tests" / "expected" / "assessment.ttl").read_text(encoding="utf-8")


def test_validate_reads_csv_and_xlsx(filled):
    for args in ([filled / WORKBOOK], csv_files(filled)):
        result = run("validate", "--format", "json", *args)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["counts"]["Violation"] == 0


# --- problems at the cell -------------------------------------------------------------------

def _edit(folder: Path, sheet: str, edit) -> None:
    path = folder / f"{sheet}.csv"
    rows = read_csv_rows(path)
    edit(rows)
    write_csv_rows(path, rows)


def _col(rows, key):
    return [h.split("｜")[0] for h in rows[0]].index(key)


def _row_of(rows, ident):
    return next(i for i, r in enumerate(rows) if r and r[0] == ident)


def test_every_problem_names_file_row_column_and_value(tmp_path, filled):
    case = copy_case(filled, tmp_path / "case")

    def interventions(rows):
        rows[_row_of(rows, "D1")][_col(rows, "builds")] = "GeneralizedTrust; Trustiness"
        rows[_row_of(rows, "D2")][_col(rows, "start_date")] = "2022年13月"
        rows[_row_of(rows, "D4")][_col(rows, "community")] = "DD"
        rows.append([""] * len(rows[0]))                     # an empty row: skipped, counted
        rows.append(["", "只有标签"] + [""] * (len(rows[0]) - 2))  # values but no ID
        rows.append(list(rows[_row_of(rows, "D5")]))          # a duplicate ID

    _edit(case, "interventions", interventions)
    report = run("validate", "--format", "json", *sorted(case.glob("*.csv")))
    assert report.exit_code == 1
    results = json.loads(report.stdout)["results"]
    got = {(r["constraint"], r["file"].rsplit("/", 1)[-1], r["row"], (r["column"] or "").split(" ")[0], r["value"]) for r in results
           if r["severity"] != "Info"}
    rows = read_csv_rows(case / "interventions.csv")
    n = len(rows)
    L = lambda key: column_letter(_col(rows, key))  # noqa: E731
    row = lambda ident: _row_of(rows, ident) + 1  # noqa: E731
    assert ("import:bad-code", "interventions.csv", row("D1"), L("builds"), "Trustiness") in got
    assert ("import:bad-date", "interventions.csv", row("D2"), L("start_date"), "2022年13月") in got
    assert ("import:undefined-id", "interventions.csv", row("D4"), L("community"), "DD") in got
    # the shapes' result lands on the same cell: the intervention has no community
    assert ("csh:Intervention-community", "interventions.csv", row("D4"), L("community"), "csd:DD") in got
    assert ("import:missing-id", "interventions.csv", n - 1, "A", None) in got
    assert ("import:duplicate-id", "interventions.csv", n, "A", "D5") in got
    zh = run("--lang", "zh", "validate", *sorted(case.glob("*.csv")))
    assert "第 %d 行" % row("D2") in zh.stdout and "不是日期" in zh.stdout


def test_unknown_sheet_and_column_are_violations_not_silent_losses(tmp_path, filled):
    case = copy_case(filled, tmp_path / "case")
    _edit(case, "claims", lambda rows: [r.append("x") for r in rows])  # an extra column "x"
    (case / "notes.csv").write_text("id,text\nn1,a note\n", encoding="utf-8")
    result = run("import", *sorted(case.glob("*.csv")), "-o", tmp_path / "out.ttl", "--format", "json")
    results = json.loads(result.stdout)["results"]
    codes = {r["constraint"] for r in results}
    assert {"import:unknown-column", "import:unknown-sheet", "import:sheet-skipped"} <= codes
    assert result.exit_code == 1 and not (tmp_path / "out.ttl").exists()


def test_values_under_a_blank_header_are_reported(tmp_path):
    path = tmp_path / "claims.csv"
    write_csv_rows(path, [["id", "", "label_zh"], ["c1", "lost?", "论断"], ["c2", "", "论断二", "beyond"]])
    problems = {(p.code, p.cell.row, p.cell.column, p.value) for p in import_files([path]).problems}
    assert ("import:value-without-header", 2, "B", "lost?") in problems
    assert ("import:value-without-header", 3, "D", "beyond") in problems


def test_import_writes_nothing_on_violation_unless_forced(tmp_path, filled):
    case = copy_case(filled, tmp_path / "case")
    _edit(case, "communities", lambda rows: rows[1].__setitem__(_col(rows, "form"), "Skyscraper"))
    before = {p.name: p.read_bytes() for p in case.iterdir()}
    out = tmp_path / "case.ttl"
    result = run("import", *sorted(case.glob("*.csv")), "-o", out)
    assert result.exit_code == 1 and not out.exists()
    assert "nothing written" in result.output and "Traceback" not in result.output
    forced = run("import", *sorted(case.glob("*.csv")), "-o", out, "--force")
    assert forced.exit_code == 1 and out.exists()
    assert {p.name: p.read_bytes() for p in case.iterdir()} == before  # inputs never modified
    good = run("import", *csv_files(filled), "-o", tmp_path / "good.ttl")
    assert good.exit_code == 0
    from chuangshu.canon import is_canonical

    assert is_canonical(tmp_path / "good.ttl")


def test_import_refuses_rdf_and_overwriting_an_input(tmp_path, filled):
    ttl = REPO / "data" / "d-community.ttl"
    assert run("import", ttl, "-o", tmp_path / "x.ttl").exit_code == 2
    src = tmp_path / "interventions.csv"
    src.write_bytes((filled / CSV_DIR / "interventions.csv").read_bytes())
    result = run("import", src, "-o", src.with_suffix(".ttl"))
    assert result.exit_code in (0, 1)
    bad = run("import", src, "-o", tmp_path / "out.csv")
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_unreadable_inputs_give_one_line_and_exit_2(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    result = run("validate", broken)
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "broken.xlsx" in result.output
    undecodable = tmp_path / "interventions.csv"
    undecodable.write_bytes(b"id,label_zh\nD1,\xff\xff\n")  # neither UTF-8 nor GB18030
    result = run("validate", undecodable)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.startswith(f"{undecodable}: not UTF-8") and "offset 15" in result.output


def test_gbk_utf8_bom_and_utf16_csv_give_the_same_graph(tmp_path, filled):
    rows = read_csv_rows(filled / CSV_DIR / "interviews.csv")
    graphs = []
    for enc in ("utf-8-sig", "utf-8", "gbk", "utf-16"):
        path = tmp_path / enc / "interviews.csv"
        path.parent.mkdir()
        write_csv_rows(path, rows, enc)
        imported = import_files([path])
        assert not [p for p in imported.problems if p.severity == "Violation"]
        graphs.append(imported.graph)
    assert all(isomorphic(graphs[0], g) for g in graphs[1:])
    assert len(set(graphs[0].subjects(RDF.type, CS.Interview))) == 10


def _quantities_workbook(*rows):
    """A workbook with a quantities sheet holding ``rows`` (id, label_zh, label_en, community,
    measures, exact_value, more_than) as openpyxl writes them."""
    from openpyxl import Workbook

    sheet = next(s for s in SHEETS if s.key == "quantities")
    wb = Workbook()
    ws = wb.active
    ws.title = "quantities"
    ws.append([c.header for c in sheet.columns])
    for row in rows:
        ws.append(list(row))
    return wb


def test_xlsx_cells_of_other_types_are_read(tmp_path):
    """Excel date cells, numbers typed as numbers, percentages."""
    wb = _quantities_workbook(["q1", "数量", None, None, "ResidentPopulation", 16000.0, None],
                              ["q2", "比例", None, None, "LocalFoodMerchantShare", None, 0.6])
    ws2 = wb.create_sheet("interviews")
    ws2.append(["id", "date", "code"])
    ws2.append(["i1", dt.datetime(2022, 9, 13), "20220913-D 社区居民"])
    wb.save(tmp_path / "w.xlsx")
    g = import_files([tmp_path / "w.xlsx"]).graph
    assert (mint("q1"), CS.exactValue, Literal("16000", datatype=XSD.integer)) in g
    assert (mint("q2"), CS.moreThan, Literal("0.6", datatype=XSD.decimal)) in g
    assert (mint("i1"), CS.interviewDate, Literal("2022-09-13", datatype=XSD.date)) in g


def test_a_formula_never_calculated_is_reported_not_read_as_empty(tmp_path):
    wb = _quantities_workbook(["q1", "数量", None, None, "ResidentPopulation", "=1000*16", None])
    wb.save(tmp_path / "w.xlsx")  # openpyxl stores the formula without a value, as scripts do
    problems = import_files([tmp_path / "w.xlsx"]).problems
    assert [(p.code, p.cell.row, p.cell.column) for p in problems] == [("import:uncalculated-formula", 2, "F")]


# --- normalisations ------------------------------------------------------------------------

@pytest.mark.parametrize("text, lexical, datatype", [
    ("2022-08", "2022-08", XSD.gYearMonth),
    ("2022年8月", "2022-08", XSD.gYearMonth),
    ("2022/8", "2022-08", XSD.gYearMonth),
    ("2022/8/1", "2022-08-01", XSD.date),
    ("2022年8月1日", "2022-08-01", XSD.date),
    ("2022.08.01", "2022-08-01", XSD.date),
    ("20220801", "2022-08-01", XSD.date),
    ("２０２２年８月", "2022-08", XSD.gYearMonth),
    ("2022-08-01 00:00:00", "2022-08-01", XSD.date),
    ("2022", "2022", XSD.gYear),
    ("2022年", "2022", XSD.gYear),
    (dt.datetime(2022, 8, 1), "2022-08-01", XSD.date),
    (dt.date(2022, 8, 1), "2022-08-01", XSD.date),
    (2022, "2022", XSD.gYear),
])
def test_dates_keep_the_precision_written(text, lexical, datatype):
    assert parse_date(text) == Literal(lexical, datatype=datatype)


@pytest.mark.parametrize("text", ["2022-02-30", "2022/13", "八月", "2022-8-1-1", "22/8/1", "", 44805, "2022-08-01 10:30"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize("value, lexical, datatype", [
    ("16000", "16000", XSD.integer), ("16,000", "16000", XSD.integer), ("１６０００", "16000", XSD.integer),
    (16000.0, "16000", XSD.integer), ("0.6", "0.6", XSD.decimal), (0.6, "0.6", XSD.decimal),
    ("60%", "0.6", XSD.decimal), (13, "13", XSD.integer),
])
def test_numbers(value, lexical, datatype):
    assert parse_number(value) == Literal(lexical, datatype=datatype)


@pytest.mark.parametrize("value", ["16000余", "one", "1e5", "nan", "", True, float("inf")])
def test_non_numbers_are_refused(value):
    with pytest.raises(ValueError):
        parse_number(value)


def test_codes_by_label_or_prefixed_name(tmp_path, filled):
    case = copy_case(filled, tmp_path / "case")

    zh_label = next(c.zh for c in code_lists()["scopes"] if c.code == "ResidentResident")

    def relabel(rows):
        rows[_row_of(rows, "D1")][_col(rows, "scope")] = zh_label
        rows[_row_of(rows, "D2")][_col(rows, "builds")] = "cs:GeneralizedTrust"

    _edit(case, "interventions", relabel)
    imported = import_files(sorted(case.glob("*.csv")))
    assert not [p for p in imported.problems if p.severity == "Violation"]
    assert (mint("D1"), CS.targetsScope, CS.ResidentResident) in imported.graph
    assert (mint("D2"), CS.builds, CS.GeneralizedTrust) in imported.graph


def test_ids_are_minted_safely_and_deterministically():
    hostile = 'x> . <http://evil.example/> <p> "o" } ; DROP ALL #'
    iri = mint(hostile)
    assert str(iri).startswith(CSD) and not set(str(iri)) & set(' <>"{}|\\^`')
    assert identifier_of(iri) == hostile and mint(hostile) == iri
    assert mint("社区A-1") == URIRef(CSD + "社区A-1")


# ---- the spreadsheet path without traps (issue #28) ------------------------------------------------------

def test_the_readme_spreadsheet_path_works_as_written_in_both_forms(tmp_path, monkeypatch):
    """template -o makes its folder; the filled CSV folder and the filled workbook both validate and
    assess; --lang after the command is taken; the blank workbook says it holds no community and names
    the CSV folder beside it (and the other way round), in the chosen language, exit 2."""
    monkeypatch.chdir(tmp_path)
    run = lambda *args: CliRunner().invoke(cli, [str(a) for a in args])  # noqa: E731
    assert run("--lang", "zh", "template", "--example", "-o", "example/nested").exit_code == 0
    assert run("template", "-o", "mine").exit_code == 0
    csv_dir, book = Path("example/nested") / CSV_DIR, Path("example/nested") / WORKBOOK
    for form in (book, csv_dir):
        assert run("validate", form).exit_code == 0, form
        out = run("assess", "--lang", "zh", "--format", "json", form)
        assert out.exit_code == 0, out.output
        assert {c["community"]["label"] for c in json.loads(out.output)["communities"]} >= {"D 社区", "S 社区"}
    blank = run("assess", "--lang", "zh", Path("mine") / WORKBOOK)
    assert blank.exit_code == 2 and "没有找到社区" in blank.output and str(Path("mine") / CSV_DIR) in blank.output
    blank = run("--lang", "en", "validate", Path("mine") / CSV_DIR)
    assert blank.exit_code == 2 and "no community found" in blank.output and WORKBOOK in blank.output
    assert "conforms" in blank.output  # the report itself, then why it says little


def test_a_template_that_cannot_be_written_leaves_no_folder_behind(tmp_path, monkeypatch):
    import chuangshu.template as template

    def full_disk(items):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(template, "write_all_atomic", full_disk)
    with pytest.raises(OSError):
        write_templates(tmp_path / "a" / "b")
    assert not (tmp_path / "a").exists()
    (tmp_path / "file").write_text("x")
    assert run_cli_exit(["template", "-o", str(tmp_path / "file")]) == 2


def run_cli_exit(args) -> int:
    return CliRunner().invoke(cli, args).exit_code


def test_every_code_list_value_reads_in_both_languages():
    lists = code_lists()
    assert all(c.en and c.zh for codes in lists.values() for c in codes), \
        [c.code for codes in lists.values() for c in codes if not (c.en and c.zh)]


def _example_csv(tmp_path, sheet: str, row: int, column: str, value: str) -> Path:
    out = tmp_path / "ex"
    out.mkdir()
    assert CliRunner().invoke(cli, ["template", "--bundled", "-o", str(out)]).exit_code == 0
    path = out / CSV_DIR / f"{sheet}.csv"
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    rows[row][[h.split("｜")[0] for h in rows[0]].index(column)] = value
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return out / CSV_DIR


def test_a_message_fits_its_column_and_never_contradicts_the_one_before(tmp_path):
    folder = _example_csv(tmp_path, "communities", 1, "built_in_decade", "1990年代")
    r = CliRunner().invoke(cli, ["--lang", "zh", "validate", str(folder)])
    assert r.exit_code == 1 and "不是数字：请写 1990" in r.output and "16000" not in r.output
    folder = _example_csv(tmp_path / "b", "sources", 1, "type", "访谈活动") if (tmp_path / "b").mkdir() is None else None
    r = CliRunner().invoke(cli, ["--lang", "zh", "validate", str(folder)])
    assert "未知代码" in r.output and "prov:Activity（活动" in r.output
    assert "未注明" not in r.output  # the type was given (unknown): no second message saying it is empty
