"""Issue #14: from a blank template to a report the first time — what the template says is required,
labels in the template's language, a filled example, messages that name the column, commands that
take files alike, and queries that show names."""

from __future__ import annotations

import json

from click.testing import CliRunner
from openpyxl import load_workbook

from chuangshu.cli import cli
from chuangshu.template import CODES_TITLE, WORKBOOK

from conftest import REPO


def run(*args, **kw):
    return CliRunner().invoke(cli, [str(a) for a in args], **kw)


def _dropdown(ws, letter):
    for dv in ws.data_validations.dataValidation:
        if any(str(r).startswith(f"{letter}2:") for r in dv.sqref.ranges):
            return dv.formula1
    raise AssertionError(letter)


def test_required_columns_are_marked_and_explained(tmp_path):
    assert run("template", "-o", tmp_path, "--format", "xlsx").exit_code == 0
    wb = load_workbook(tmp_path / WORKBOOK)
    ws = wb["interventions｜举措"]
    header = {c.value.split("｜")[0]: c for c in ws[1]}
    required = {k for k, c in header.items() if c.fill.fgColor.rgb.endswith("F8CBAD")}
    assert required == {"id", "type", "community"}
    assert header["builds"].comment.text.startswith("[required when type is OtherIntervention")
    readme = [[c.value for c in row] for row in wb["README｜说明"].iter_rows()]
    need = {(r[0], r[1].split("｜")[0]): r[2] for r in readme if r[0] and r[1]}
    assert need[("quotations", "text")].startswith("required, together with text_lang")
    assert need[("interventions", "mechanism")] == "optional｜选填"
    assert any("chuangshu template --example" in (r[3] or "") for r in readme)


def test_drop_downs_speak_the_templates_language_and_any_form_imports(tmp_path):
    zh, en = tmp_path / "zh", tmp_path / "en"
    zh.mkdir()
    en.mkdir()
    assert run("--lang", "zh", "template", "-o", zh, "--format", "xlsx").exit_code == 0
    assert run("--lang", "en", "template", "-o", en, "--format", "xlsx").exit_code == 0
    for folder, column in ((zh, "C"), (en, "D")):
        ws = load_workbook(folder / WORKBOOK)["interventions｜举措"]
        assert f"'{CODES_TITLE}'!${column}$" in _dropdown(ws, "D")   # the type column: labels
    csv = tmp_path / "csv"
    csv.mkdir()
    (csv / "communities.csv").write_text("id,label_zh,form,source\nC,C 社区,商品房社区,src\n", encoding="utf-8")
    (csv / "sources.csv").write_text("id,label_en,type\nsrc,my notes,Document\n", encoding="utf-8")
    (csv / "interventions.csv").write_text(
        "id,label_en,type,community,source\ni1,team,志愿服务,C,src\ni2,points,volunteer points exchange,C,src\n"
        "i3,day,DeliberationDay,C,src\n",
        encoding="utf-8")
    result = run("import", *sorted(csv.glob("*.csv")), "-o", tmp_path / "c.ttl")
    assert result.exit_code == 0, result.output


def test_the_filled_example_assesses_like_the_bundled_data(tmp_path):
    assert run("template", "-o", tmp_path, "--example", "--format", "xlsx").exit_code == 0
    a = json.loads(run("assess", tmp_path / WORKBOOK, "--format", "json").output)
    b = json.loads(run("assess", "--format", "json").output)
    assert [c["stage"] for c in a["communities"]] == [c["stage"] for c in b["communities"]]


def test_every_case_command_takes_the_files_alike(tmp_path):
    sheets = sorted((REPO / "data" / "cases" / "DC11").glob("*.csv"))
    for args in (["assess", *sheets], ["validate", *sheets], ["explain", "DC11", *sheets], ["timeline", "DC11", *sheets],
                 ["query", "cq05", *sheets], ["summary", *sheets]):
        result = run("--lang", "en", *args)
        assert result.exit_code in (0, 1), (args, result.output)
        assert "Traceback" not in result.output
    assert "DC11" in run("--lang", "en", "query", "cq05", *sheets).output


def test_a_missing_value_is_reported_at_its_column(tmp_path):
    (tmp_path / "interventions.csv").write_text("id,label_en,type,community\ni1,team,VolunteerService,\n", encoding="utf-8")
    result = run("--lang", "en", "validate", tmp_path / "interventions.csv")
    assert "row 2, column D (community)" in result.output and "cs:inCommunity —" not in result.output


def test_query_shows_names_and_takes_ids_labels_or_iris():
    out = run("--lang", "zh", "query", "cq05").output
    assert "csd:D (D 社区)" in out and "cs:IceBreaking (破冰)" in out
    only = run("--lang", "en", "query", "cq05", "--labels", "only").output
    assert "D community" in only and "csd:D" not in only
    csv = run("--lang", "en", "query", "cq05", "--format", "csv").output.splitlines()
    assert csv[0] == "community,community_label,stage,stage_label,ready"
    by_id = run("query", "cq01", "--param", "community=S", "--format", "csv").output
    by_label = run("query", "cq01", "--param", "community=S 社区", "--format", "csv").output
    by_iri = run("query", "cq01", "--param", "community=csd:S", "--format", "csv").output
    assert by_id == by_label == by_iri and "S1" in by_id
    nothing = run("--lang", "en", "query", "cq01", "--param", "community=Atlantis")
    assert nothing.exit_code == 2 and "no such community in the graph" in nothing.output
    # a library query's own texts follow --lang
    assert "信任迁移" in run("--lang", "zh", "query", "cq09").output


def test_ad_hoc_queries_have_the_common_prefixes_and_clear_errors():
    ok = run("query", "-", input="SELECT ?c WHERE { ?c a cs:Community ; rdfs:label ?l FILTER(lang(?l) = 'en') }")
    assert ok.exit_code == 0 and "csd:D" in ok.output
    bad = run("--lang", "en", "query", "-", input="SELECT * WHERE {\n  ?s ex:p ?o }")
    assert bad.exit_code == 2
    assert "line 2, column 6: unknown prefix `ex:` — declare it or use one of the predefined prefixes" in bad.output
    zh = run("--lang", "zh", "query", "-", input="SELECT * WHERE { ?s ex:p ?o }")
    assert "未知前缀 `ex:`" in zh.output


def test_clicks_own_messages_follow_lang():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "chuangshu.cli", "--lang", "zh", "assess", "--format", "xyz"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "用法：" in proc.stderr and "的值无效" in proc.stderr and "Usage" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "chuangshu.cli", "--lang", "zh", "export", "--help"],
                          capture_output=True, text=True)
    assert "选项" in proc.stdout and "Options" not in proc.stdout


def test_summary_and_timeline_speak_of_the_communities():
    out = run("--lang", "en", "summary").output
    assert "volunteer service (cs:VolunteerService)" in out
    assert "D community — commodity-housing community; 8 interventions" in out
    timeline = run("--lang", "en", "timeline", "DC04", REPO / "data" / "cases" / "DC04.ttl").output
    assert "2018: ice-breaking; warming begun early" in timeline and "DC04-3 merchants' self-governance committee — starts" in timeline
    assert "DC04-5 joint meeting plans drying and parking/charging areas for shopkeepers — planned, not counted" in timeline
