"""Tables for papers and notebooks (issue #13): assessments as CSV and XLSX, the cross-case comparison
in the shape of the paper's D-vs-S reading, the QCA data matrix, pandas data frames, and the tutorial
notebook, executed."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from chuangshu.cli import cli

from conftest import REPO

CS = "https://w3id.org/chuangshu/ontology#"
D, S = "https://w3id.org/chuangshu/data/D", "https://w3id.org/chuangshu/data/S"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.fixture(scope="module")
def assessment():
    import chuangshu

    return chuangshu.assess(chuangshu.load_graph())


# --- assess --format csv | xlsx ---------------------------------------------------------------------------

def test_assess_csv_has_a_row_per_community_and_recommendation_with_iris_apart(assessment):
    result = run("--lang", "en", "assess", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = rows_of(result.output)
    for c in assessment.communities:
        mine = [r for r in rows if r["community_iri"] == c.community.iri]
        assert [int(r["rank"]) for r in mine] == list(range(1, len(c.recommendations) + 1))
        assert [r["intervention_type_iri"] or None for r in mine] == \
            [r.intervention_type.iri if r.intervention_type else None for r in c.recommendations]
    d1 = next(r for r in rows if r["community_iri"] == D)
    assert d1["stage"] == "ice-breaking" and d1["stage_iri"] == CS + "IceBreaking" and d1["ready_to_move_on"] == "1"
    assert d1["intervention_type_iri"] == CS + "MerchantSupport" and d1["intervention_type"] == "merchant support"
    assert "advanced cycle" in d1["reason"]
    zh = rows_of(run("--lang", "zh", "assess", "--format", "csv").output)
    assert zh[0]["stage"] == "破冰" and zh[0]["stage_iri"] == CS + "IceBreaking"     # names alike, labels in the language
    quoted = [r for r in zh if "（20231116-S 社区居委会 Z 主任）" in r["quotations"]]
    assert quoted, "the quotations travel with their interview codes"


def test_assess_xlsx_writes_two_sheets_whole_and_never_over_an_input(tmp_path, assessment):
    from openpyxl import load_workbook

    out = tmp_path / "assessment.xlsx"
    result = run("assess", "--format", "xlsx", "-o", out)
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["recommendations", "communities"]
    communities = list(wb["communities"].iter_rows(values_only=True))
    assert [r[1] for r in communities[1:]] == [D, S]
    recs = list(wb["recommendations"].iter_rows(values_only=True))
    assert len(recs) - 1 == sum(max(1, len(c.recommendations)) for c in assessment.communities)
    assert run("assess", "--format", "xlsx").exit_code == 2                         # no -o: no bytes to a terminal
    data = tmp_path / "d.ttl"
    data.write_bytes((REPO / "data" / "d-community.ttl").read_bytes())
    before = data.read_bytes()
    result = run("assess", data, REPO / "data" / "s-community.ttl", "--format", "csv", "-o", data)
    assert result.exit_code == 2 and "overwrite the input" in result.output
    assert data.read_bytes() == before
    result = run("assess", data, REPO / "data" / "s-community.ttl", "--format", "json", "-o", data)
    assert result.exit_code == 2 and "overwrite the input" in result.output    # -o is for every format, inputs spared
    assert data.read_bytes() == before


def test_a_label_that_starts_like_a_formula_is_text_in_both_formats(tmp_path):
    case = tmp_path / "e.ttl"
    case.write_text((REPO / "data" / "examples" / "valid" / "two-communities.ttl").read_text(encoding="utf-8")
                    .replace('"E community"@en', '"=HYPERLINK(\\"http://x\\")"@en'), encoding="utf-8")
    text = run("--lang", "en", "assess", case, "--format", "csv").output
    assert "'=HYPERLINK" in text
    run("--lang", "en", "assess", case, "--format", "xlsx", "-o", tmp_path / "e.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "e.xlsx")["communities"]
    cell = ws["A2"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"
    # every spreadsheet writer, headers too: compare has one column per community, named by its label
    assert run("--lang", "en", "compare", "--data", case, "--format", "xlsx", "-o", tmp_path / "c.xlsx").exit_code == 0
    import zipfile

    with zipfile.ZipFile(tmp_path / "c.xlsx") as z:
        sheets = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any("<f>" in x for x in sheets)
    header = [c.value for c in load_workbook(tmp_path / "c.xlsx").active[1]]
    assert any(str(v).startswith("=HYPERLINK") for v in header)


# --- compare ---------------------------------------------------------------------------------------------

def test_compare_sets_D_against_S_as_the_paper_does():
    rows = {r["aspect"]: r for r in rows_of(run("--lang", "en", "compare", "--format", "csv").output)}
    assert rows["community form"]["D community"] == "commodity-housing community"
    assert rows["community form"]["S community"] == "work-unit community"
    assert (rows["built in"]["D community"], rows["built in"]["S community"]) == ("2015", "1990s")
    assert (rows["residents"]["D community"], rows["residents"]["S community"]) == ("more than 16,000", "more than 7,000")
    assert rows["stage (action)"]["D community"].startswith("ice-breaking")
    assert rows["stage (action)"]["S community"] == "boundary extended"
    assert rows["initial cycle"]["S community"] == "closed (closed by pre-existing capital)"
    assert rows["advanced cycle"]["D community"] == "open"
    # the paper's contrast: goodwill nurtures trust among residents in D; relieving merchants increases it in S
    assert "gather goodwill to nurture trust" in rows["generalized trust: mechanisms"]["D community"]
    assert "relieve enterprises to increase trust" in rows["generalized trust: mechanisms"]["S community"]
    assert "D7" in rows["reciprocity norm: interventions"]["D community"]
    assert "S5" in rows["reciprocity norm: interventions"]["S community"]
    assert rows["gaps of the cycles due to close"]["S community"] == "—"


def test_compare_one_community_as_text_and_markdown():
    text = run("--lang", "zh", "compare", "S").output
    assert text.splitlines()[0].split() == ["方面", "S", "社区"]
    assert "立契约保互惠" in text and "D 社区" not in text
    md = run("compare", "D", "S", "--format", "markdown").output
    assert md.startswith("| aspect | D community | S community |\n|---|---|---|\n")
    assert run("compare", "Z").exit_code == 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_compare_as_text_keeps_its_columns_with_long_chinese_cells(lang):
    """Every line fits the 120 columns the table is laid out for, measured as a terminal shows it
    (a Chinese character takes two), and the last column starts at the same place on every line."""
    from chuangshu.columns import width

    lines = run("--lang", lang, "compare", "D", "S").output.splitlines()
    assert len(lines) > 20 and max(width(line) for line in lines) <= 120
    label = "S 社区" if lang == "zh" else "S community"
    start = width(lines[0][:lines[0].index(label)])
    s_cells = [r for r in rows_of(run("--lang", lang, "compare", "D", "S", "--format", "csv").output)]
    assert s_cells
    for line in lines[1:]:
        cut = next((i for i in range(len(line) + 1) if width(line[:i]) >= start), None)
        if cut is not None and cut < len(line):
            assert width(line[:cut]) == start and line[cut - 2:cut] == "  "   # the gap before the last column


def test_compare_is_the_same_on_every_engine():
    """compare reads the one result model: the reference engine (HermiT), Oxigraph and DuckDB give the
    same table, cell for cell, on the paper's cases beside the example's."""
    mine = REPO / "data" / "examples" / "valid" / "two-communities.ttl"
    outs = {engine: run("--lang", "zh", "compare", "--data", mine, "--with-reference", "--format", "csv",
                        "--engine", engine).output for engine in ("reference", "oxigraph", "duckdb")}
    assert outs["reference"] == outs["oxigraph"] == outs["duckdb"]
    assert len(rows_of(outs["duckdb"])) > 10 and "S 社区" in outs["duckdb"]


def test_your_communities_beside_the_papers_with_reference():
    mine = REPO / "data" / "examples" / "valid" / "two-communities.ttl"
    refused = run("--lang", "en", "compare", "D", "E", "--data", mine)
    assert refused.exit_code == 2 and "no community 'D'" in refused.output and "--with-reference" in refused.output
    rows = rows_of(run("--lang", "en", "compare", "D", "E", "--data", mine, "--with-reference", "--format", "csv").output)
    assert list(rows[0])[1:] == ["D community", "E community"]
    assert {r["case"] for r in rows_of(run("qca", mine, "--with-reference").output)} == {"D", "S", "E", "F"}
    assert {r["case"] for r in rows_of(run("qca", mine).output)} == {"E", "F"}       # only when asked


def test_wrap_breaks_a_phrase_wider_than_a_line():
    from chuangshu.columns import width, wrap

    text = "居委会 " + "社区居民自发组织的邻里互助与志愿服务活动" * 3 + " done"
    lines = wrap(text, 24)
    assert all(width(line) <= 24 for line in lines) and "".join(lines).replace(" ", "") == text.replace(" ", "")


# --- QCA ---------------------------------------------------------------------------------------------------

def test_the_qca_matrix_codes_each_dimension_and_scope_with_the_stage_as_outcome():
    crisp = {r["case"]: r for r in rows_of(run("qca").output)}
    assert set(crisp) == {"D", "S"}
    d, s = crisp["D"], crisp["S"]
    assert len(d) == 1 + 3 * 8 + 2
    assert (d["GT_RR"], d["PN_RC"], d["RN_RR"], d["GT_RMU"]) == ("1", "1", "1", "0")
    assert (s["GT_RR"], s["GT_CMU"], s["PN_RMU"], s["RN_RMU"]) == ("0", "1", "1", "1")
    assert (d["STAGE"], d["OUT"], s["STAGE"], s["OUT"]) == ("1", "0", "3", "1")
    assert all(v in ("0", "1") for r in crisp.values() for k, v in r.items() if k not in ("case", "STAGE"))
    fuzzy = {r["case"]: r for r in rows_of(run("qca", "--fuzzy").output)}
    assert fuzzy["D"]["PN_RC"] == "1.0"           # D4, D5, D6: three or more
    assert fuzzy["D"]["RN_RR"] == "0.67"          # D7, D8
    assert fuzzy["D"]["GT_RR"] == "0.33"          # D1
    assert fuzzy["D"]["OUT"] == "0.33"            # ice-breaking, ready to move on
    assert fuzzy["S"]["OUT"] == "1.0"
    group = {r["case"]: r for r in rows_of(run("qca", "--conditions", "group").output)}
    assert list(group["D"]) == ["case", "GT_CS", "GT_ES", "PN_CS", "PN_ES", "RN_CS", "RN_ES", "STAGE", "OUT"]
    assert [group["D"][k] for k in ("GT_CS", "GT_ES", "RN_ES")] == ["1", "0", "0"]
    assert [group["S"][k] for k in ("GT_CS", "GT_ES", "RN_ES")] == ["0", "1", "1"]
    codebook = {r["column"]: r for r in rows_of(run("qca", "--codebook").output)}
    assert codebook["PN_RMU"]["meaning"] == "participation network × resident–merchant/unit"
    assert codebook["PN_RMU"]["scope_iris"] == CS + "ResidentMerchantUnit"


# --- data frames -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_csv_xlsx_parquet_and_frames_name_their_columns_alike(tmp_path, lang, assessment):
    """One naming convention: the same snake_case names in every file and frame, whatever the language;
    the language's header is the XLSX note a person reads."""
    pytest.importorskip("pandas")
    import duckdb
    from openpyxl import load_workbook

    for fmt in ("csv", "xlsx", "parquet"):
        assert run("--lang", lang, "assess", "--format", fmt, "-o", tmp_path / f"a.{fmt}").exit_code == 0
    csv_cols = next(csv.reader(io.StringIO((tmp_path / "a.csv").read_text(encoding="utf-8-sig"))))
    sheet = load_workbook(tmp_path / "a.xlsx")["recommendations"]
    xlsx_cols = [c.value for c in sheet[1]]
    parquet_cols = [r[0] for r in duckdb.sql(f"DESCRIBE SELECT * FROM '{tmp_path / 'a.parquet'}'").fetchall()]
    frame_cols = list(assessment.to_frame("recommendations").columns)
    assert csv_cols == xlsx_cols == parquet_cols == frame_cols
    assert {"community", "capital_type", "capital_type_iri", "stage", "ready_to_move_on", "rank", "reason"} <= set(csv_cols)
    notes = {c.value: c.comment.text for c in sheet[1] if c.comment}
    assert notes["capital_type"] == ("社会资本类型" if lang == "zh" else "capital type")
    md = run("--lang", lang, "compare", "D", "S", "--format", "markdown").output   # Markdown: the language's header
    assert md.startswith("| 方面 |" if lang == "zh" else "| aspect |")


def test_results_become_data_frames_with_labels(assessment):
    pytest.importorskip("pandas")
    import chuangshu

    frame = assessment.to_frame()
    assert list(frame["community_iri"]) == [D, S] and list(frame["stage"]) == ["ice-breaking", "boundary extended"]
    assert frame["ready_to_move_on"].tolist() == [True, False]
    recs = assessment.to_frame("recommendations")
    assert recs.loc[0, "intervention_type_iri"] == CS + "MerchantSupport" and recs.loc[0, "rank"] == 1
    report = chuangshu.validate_files().to_frame()
    assert set(report["severity"]) == {"Info"} and len(report) == 6
    stages = chuangshu.query("cq05", lang="zh").to_frame()
    assert list(stages.columns) == ["community", "community_label", "stage", "stage_label", "ready"]
    assert dict(zip(stages["community_label"], stages["stage_label"])) == {"D 社区": "破冰", "S 社区": "边界已扩展"}
    assert stages["ready"].tolist() == [True, False]
    with pytest.raises(ValueError):
        assessment.to_frame("nothing")


def test_the_tutorial_notebook_runs(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("matplotlib")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(REPO / "docs" / "tutorial.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "keep the notebook without outputs"
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)       # the stage distribution was plotted
    assert list(tmp_path.iterdir()) == []                                 # the synthetic city's file is gone


def test_the_qca_guide_shows_what_the_command_prints():
    guide = (REPO / "docs" / "qca.md").read_text(encoding="utf-8")
    shown = guide.split("$ chuangshu qca --conditions group\n", 1)[1].split("```", 1)[0]
    assert run("qca", "--conditions", "group").output == shown


def test_compare_reads_the_files_among_its_arguments():
    cases = REPO / "data" / "cases"
    result = run("--lang", "en", "compare", "DC04", cases / "DC01.ttl", "DC01", cases / "DC04.ttl", "--format", "csv")
    assert result.exit_code == 0, result.output
    header = next(csv.reader(io.StringIO(result.output)))
    assert header == ["aspect", "Xiaohe community, Hexin north and south courts", "Jin'an community (Xiamen)"]
    rows = {r["aspect"]: r for r in rows_of(result.output)}
    assert rows["community form"]["Jin'an community (Xiamen)"] == "affordable-housing community"


def test_assess_csv_to_a_file_puts_the_community_table_beside_it(tmp_path):
    out = tmp_path / "a.csv"
    result = run("--lang", "en", "assess", "--format", "csv", "-o", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.communities.csv", "a.csv"]
    communities = rows_of((tmp_path / "a.communities.csv").read_text(encoding="utf-8-sig"))
    assert [r["community_iri"] for r in communities] == [D, S]
    assert communities[1]["first_recommendation"] == "extend the boundary to: social organization"


def test_a_table_duckdb_writes_is_byte_for_byte_the_csv_python_writes():
    """The city table is written by DuckDB (``COPY``), every other table by Python's csv module: the same
    cells give the same bytes — byte-order mark, CRLF, quoting, formula-like text (numbers' text too)
    neutralised, an empty text and a missing value both an empty cell, booleans as 1/0."""
    import duckdb

    from chuangshu.tables import QueryTable, Table, table_bytes

    rows = [("=1+2", "a,b", True, 5), ("'=x", "", False, None), ("''+3", None, None, -7),
            ("l1\nl2", 'x"y', True, 0), ("\tt", "\rr", False, 1), ("-", "@", True, 2),
            ("合成 社区", "'", False, 3), (" lead", "trail ", True, 4), ("", "''", None, None)]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (a VARCHAR, b VARCHAR, c BOOLEAN, d BIGINT)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
    header = ["a", "名称 b", 'c "q"', "d"]
    copied = table_bytes([QueryTable("t", header, con, "SELECT * FROM t ORDER BY d, a")], "csv")
    written = table_bytes([Table("t", header, [list(r) for r in con.execute("SELECT * FROM t ORDER BY d, a").fetchall()])], "csv")
    con.close()
    assert copied == written
    assert copied.startswith(b"\xef\xbb\xbfa,") and b"'=1+2" in copied and b"'''+3" in copied and b"'-7" in copied
