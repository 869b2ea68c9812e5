"""The command line: languages, exit codes, and bad input handled without a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from chuangshu import __version__
from chuangshu.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"chuangshu {__version__}"


def test_summary_counts_the_ontology_in_both_languages():
    en = run("--lang", "en", "summary")
    zh = run("--lang", "zh", "summary")
    assert en.exit_code == zh.exit_code == 0
    assert "ontology classes" in en.output
    assert "本体类" in zh.output and "ontology classes" not in zh.output


def test_summary_json_matches_the_ontology():
    import json

    result = run("summary", "--format", "json")
    info = json.loads(result.output)
    assert info["classes"] >= 60 and info["triples"] > 2000


def test_broken_turtle_gives_one_located_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.ttl"
    text = '@prefix cs: <https://w3id.org/chuangshu/ontology#> .\ncs:a cs:b "unterminated .\n'
    bad.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "chuangshu.cli", "--lang", "en", "summary", str(bad)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{bad}:2:")
    assert "syntax error" in lines[0]
    assert bad.read_text(encoding="utf-8") == text  # input untouched


def test_missing_file_and_unknown_type_are_errors_in_chinese(tmp_path):
    result = run("--lang", "zh", "summary", str(tmp_path / "nope.ttl"))
    assert result.exit_code == 2 and "找不到文件" in result.output
    odd = tmp_path / "data.csvx"
    odd.write_text("x")
    result = run("--lang", "zh", "summary", str(odd))
    assert result.exit_code == 2 and "无法识别的 RDF 文件类型" in result.output


def test_fmt_check_flags_a_non_canonical_file_and_fmt_fixes_it(tmp_path):
    f = tmp_path / "x.ttl"
    f.write_text("@prefix cs: <https://w3id.org/chuangshu/ontology#> .\ncs:b cs:p cs:c . cs:a cs:p cs:c .\n")
    assert run("fmt", "--check", str(f)).exit_code == 1
    assert run("fmt", str(f)).exit_code == 0
    assert run("fmt", "--check", str(f)).exit_code == 0


def test_help_follows_lang():
    proc = subprocess.run([sys.executable, "-m", "chuangshu.cli", "--lang", "zh", "--help"],
                          capture_output=True, text=True)
    assert "显示本帮助并退出" in proc.stdout and "校验案例数据" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "chuangshu.cli", "--lang", "en", "--help"],
                          capture_output=True, text=True)
    assert "Show this message and exit" in proc.stdout


def test_a_stop_before_the_command_begins_or_after_it_has_ended_is_not_an_abort():
    """Click took a stop signal that came while it read the options, or after the command had ended,
    for an abort ("Aborted!", exit code 1). Before: "interrupted" and 128 + the signal (nothing to
    undo); after (the output whole): the process ends by the signal, as any program does."""
    import signal
    import subprocess
    import sys

    code = ("import os, signal, time\nimport chuangshu.cli as c\nc._PHASE[0] = {phase!r}\n"
            "signal.signal(signal.SIGTERM, c._stop)\nos.kill(os.getpid(), signal.SIGTERM)\ntime.sleep(5)\n")
    before = subprocess.run([sys.executable, "-c", code.format(phase="before")], capture_output=True, text=True, timeout=60)
    assert before.returncode == 128 + signal.SIGTERM and "interrupted" in before.stderr and "Aborted" not in before.stderr
    after = subprocess.run([sys.executable, "-c", code.format(phase="after")], capture_output=True, text=True, timeout=60)
    assert after.returncode == -signal.SIGTERM and after.stderr == ""


def test_a_stop_ends_the_process_even_when_its_cleanup_hangs(tmp_path):
    """DuckDB can wait forever for the tasks of a query a stop interrupted (its Executor::CancelTasks):
    the stop's cleanup then never returns. A watchdog ends the process regardless, STOP_GRACE seconds
    after the stop, the runs' folders removed first, with "interrupted" and 128 + the signal."""
    import signal

    folder = tmp_path / "chuangshu-duckdb-run"
    folder.mkdir()
    (folder / "spill.tmp").write_text("x")
    code = ("import os, signal, time\nimport chuangshu.cli as c\nimport chuangshu.engines.columnar as col\n"
            f"col._OPEN[{str(folder)!r}] = None\nc.STOP_GRACE = 0.5\nc._PHASE[0] = 'running'\n"
            "signal.signal(signal.SIGTERM, c._stop)\n"
            "try:\n    os.kill(os.getpid(), signal.SIGTERM)\n    time.sleep(5)\n"
            "except KeyboardInterrupt:\n    while True:\n        time.sleep(1)  # a cleanup that never ends\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM and "interrupted" in proc.stderr
    assert not folder.exists()


def test_the_leftover_check_sees_only_this_sessions_processes():
    """The session's end-of-run check (conftest) flags a process this suite started and left running,
    never an unrelated process of the same user whose command line says "chuangshu"."""
    import os
    import subprocess
    import sys
    import time

    from conftest import _MARK, _processes

    code = "import time; time.sleep(30)  # chuangshu"
    unrelated = subprocess.Popen([sys.executable, "-c", code], env={k: v for k, v in os.environ.items() if k != _MARK})
    ours = subprocess.Popen([sys.executable, "-c", code])
    try:
        time.sleep(0.3)
        found = _processes()
        assert ours.pid in found and unrelated.pid not in found
    finally:
        for p in (unrelated, ours):
            p.kill()
            p.wait()


def test_a_parameter_the_query_does_not_take_is_refused_naming_those_it_takes():
    r = CliRunner().invoke(cli, ["query", "cq05", "--param", "community=D"])
    assert r.exit_code == 2 and "cq05 has no parameter 'community'" in r.output and "none" in r.output
    r = CliRunner().invoke(cli, ["--lang", "zh", "query", "cq07", "--param", "x=1"])
    assert r.exit_code == 2 and "可用参数：in, notIn" in r.output
    listed = CliRunner().invoke(cli, ["query", "--list"]).output
    assert "cq07" in listed and "--param in (IRI, optional; default S), notIn" in listed
    ok = CliRunner().invoke(cli, ["query", "cq02", "--param", "community=D"])
    assert ok.exit_code == 0 and "csd:D" in ok.output and "csd:S" not in ok.output


def test_a_community_may_be_named_by_its_prefixed_name():
    r = CliRunner().invoke(cli, ["explain", "csd:D"])
    assert r.exit_code == 0 and r.output.startswith("D community")


def test_every_assess_format_can_be_written_with_o(tmp_path):
    for fmt, check in (("json", lambda t: json.loads(t)["communities"]), ("table", lambda t: "D community" in t),
                       ("turtle", lambda t: "prov:wasGeneratedBy" in t)):
        out = tmp_path / f"a.{fmt}"
        r = CliRunner().invoke(cli, ["assess", "--format", fmt, "-o", str(out)])
        assert r.exit_code == 0 and check(out.read_text(encoding="utf-8")), fmt
    r = CliRunner().invoke(cli, ["assess", "--format", "json", "-o", str(tmp_path / "missing" / "a.json")])
    assert r.exit_code == 2 and not (tmp_path / "missing").exists()


def test_summary_counts_what_the_paper_records_and_is_the_same_at_city_scale(tmp_path):
    """The paper's cases as cases.md counts them (D: D1–D8, five interviews, eight quotations; S: S1–S7,
    five interviews, six quotations), and the bulk-loaded city path gives what the ordinary path gives."""
    import json

    from chuangshu.load import load_graph
    from chuangshu.engines.oxigraph import OxigraphRun
    from chuangshu.summary import summarize, summarize_rows
    from chuangshu.synth import synthesize

    info = json.loads(run("summary", "--format", "json").output)
    counted = {c["iri"].rsplit("/", 1)[-1]: (c["interventions"], c["interviews"], c["quotations"]) for c in info["communities"]}
    assert counted == {"D": (8, 5, 8), "S": (7, 5, 6)}
    assert info["communities"][0]["form"] == "commodity-housing community"
    assert sum(info["communities"][0]["coded_dimensions"].values()) == 8
    city = tmp_path / "city.nt"
    synthesize(30, 3, city)
    with OxigraphRun() as store:
        store.load([city])
        bulk = {"triples": len(store), **summarize_rows(store.select_terms, "zh")}
    assert bulk == summarize(load_graph([city]), "zh") and len(bulk["communities"]) == 30
