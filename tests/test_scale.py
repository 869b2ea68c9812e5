"""The city-scale path (one Oxigraph store: SHACL compiled to SPARQL, entailment
updates, rules as INSERT) gives the same validation results and the same assessment
as the reference path; synthetic cases are deterministic and valid."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from chuangshu import resources
from chuangshu.assess import assess, parse_as_of
from chuangshu.cli import cli
from chuangshu.engines.columnar import ColumnarRun
from chuangshu.engines.sparql_sql import from_nt
from chuangshu.rdf import parse_files
from chuangshu.load import load_graph
from chuangshu.pipeline import run_pipeline
from chuangshu.synth import synthesize
from chuangshu.validate import validate_files

from conftest import REPO


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("synth") / "city.nt"
    synthesize(25, seed=11, output=path)
    return path


def _key(r):
    return (r.severity, r.focus, r.shape, r.constraint, str(r.path), str(r.value), r.message, r.focus_label)


CASES = [None] + [[p] for p in sorted((REPO / "data" / "examples").rglob("*.ttl")) if p.stem != "broken-turtle"]


ENGINES = ["oxigraph", "columnar"]
DEV_CASES = [[p] for p in sorted((REPO / "data" / "cases").glob("*.ttl"))]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("files", CASES + DEV_CASES, ids=lambda f: f[0].stem if f else "bundled")
def test_fast_validation_matches_pyshacl(files, engine):
    reference = validate_files(files, engine="pyshacl")
    _, fast, _ = run_pipeline(files or resources.data_files(), engine=engine, check=None)
    assert {_key(r) for r in fast.results} == {_key(r) for r in reference.results}
    assert fast.conforms == reference.conforms


@pytest.mark.parametrize("engine", ENGINES)
def test_an_ill_typed_value_is_found_where_a_shape_names_its_datatype_and_nowhere_else(tmp_path, engine):
    """The graph's ill-typed literals are found once (the columnar engine reads them from its
    dictionary) and reported only where a shape constrains the datatype: as pySHACL does."""
    text = (REPO / "data" / "examples" / "valid" / "two-communities.ttl").read_text(encoding="utf-8")
    bad = tmp_path / "ill-typed.ttl"
    bad.write_text(text.replace('cs:startDate "2020"^^<http://www.w3.org/2001/XMLSchema#gYear>',
                                'cs:startDate "2020-13-45"^^<http://www.w3.org/2001/XMLSchema#date>', 1)
                   + '\n<http://example.org/elsewhere> <http://example.org/note> '
                     '"2021-02-30"^^<http://www.w3.org/2001/XMLSchema#date> .\n', encoding="utf-8")
    reference = validate_files([bad], engine="pyshacl")
    _, fast, _ = run_pipeline([bad], engine=engine, check=None)
    assert {_key(r) for r in fast.results} == {_key(r) for r in reference.results}
    assert [r.severity for r in fast.results if "2020-13-45" in str(r.value)] == ["Violation"]
    assert not [r for r in fast.results if "2021-02-30" in str(r.value)]


@pytest.mark.parametrize("engine", ENGINES)
def test_fast_validation_matches_pyshacl_on_synthetic_data(synthetic, engine):
    reference = validate_files([synthetic], engine="pyshacl")
    _, fast, _ = run_pipeline([synthetic], engine=engine)
    assert reference.counts()["Violation"] == reference.counts()["Warning"] == 0   # synthetic data is valid
    assert {_key(r) for r in fast.results} == {_key(r) for r in reference.results}


def _assessment_triples_of_store(run) -> set:
    from chuangshu.rdf import from_oxigraph

    if isinstance(run, ColumnarRun):
        return {tuple(from_nt(x) for x in row) for row in run.con.execute(
            "SELECT s, p, o FROM graph WHERE contains(s, '/assessment')").fetchall()}
    out = set()
    for q in run.store.quads_for_pattern(None, None, None):
        if "/assessment" in q.subject.value:
            out.add((from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)))
    return out


def _assessment_triples(graph: Graph) -> set:
    # the reference path also records the run that generated each assessment (prov:wasGeneratedBy)
    generated = URIRef("http://www.w3.org/ns/prov#wasGeneratedBy")
    return {t for t in graph if "/assessment" in str(t[0]) and t[1] != generated}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("as_of", [None, "2022-07", "2021"])
def test_fast_assessment_matches_the_reference_on_the_bundled_data(as_of, engine):
    date = parse_as_of(as_of) if as_of else None
    reference = assess(load_graph(), as_of=date)
    run, _, rows = run_pipeline(resources.data_files(), as_of=date, engine=engine)
    assert _assessment_triples_of_store(run) == _assessment_triples(reference.graph)
    stages = {r["community"].rsplit("/", 1)[-1]: r["stage"].split("#")[1] for r in rows}
    assert stages == {c.community.iri.rsplit("/", 1)[-1]: c.stage.iri.split("#")[1] for c in reference.communities}


@pytest.mark.parametrize("engine", ENGINES)
def test_fast_assessment_matches_the_reference_on_synthetic_data(synthetic, engine):
    reference = assess(parse_files(resources.ontology_files() + [synthetic]), reasoner="owlrl")
    run, _, rows = run_pipeline([synthetic], engine=engine)
    assert _assessment_triples_of_store(run) == _assessment_triples(reference.graph)
    assert len(rows) >= 25 and {r["stage"].split("#")[1] for r in rows} >= {"IceBreaking", "Warming"}


def test_synthetic_data_is_deterministic_for_a_seed(tmp_path):
    a, b, c = tmp_path / "a.nt", tmp_path / "b.nt", tmp_path / "c.nt"
    synthesize(40, 3, a)
    synthesize(40, 3, b)
    synthesize(40, 4, c)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    text = a.read_text(encoding="utf-8")
    assert "https://w3id.org/chuangshu/data/paper" not in text          # never cites the paper
    assert text.count("AssumedBeyondSource") >= 40                      # every community marked


def test_synth_and_fast_assess_commands(tmp_path):
    out = tmp_path / "city.nt"
    result = CliRunner().invoke(cli, ["synth", "--communities", "12", "--seed", "5", "-o", str(out)])
    assert result.exit_code == 0 and out.is_file()
    result = CliRunner().invoke(cli, ["assess", "--fast", "--format", "json", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["communities"]) == 12 and {"stage", "ready", "first_recommendations"} <= set(data["communities"][0])
    # each community's first recommendations: those of its lowest priority, as the reference path ranks them
    reference = assess(parse_files(resources.ontology_files() + [out]), reasoner="owlrl")
    for c in reference.communities:
        first = min((r.priority for r in c.recommendations), default=None)
        names = sorted({(r.intervention_type or r.actor_kind).iri.rsplit("#", 1)[-1] for r in c.recommendations
                        if r.priority == first and (r.intervention_type or r.actor_kind)})
        row = next(x for x in data["communities"] if x["community"] == c.community.iri)
        assert (row["first_priority"], row["first_recommendations"]) == (first, names)
    bad = CliRunner().invoke(cli, ["assess", "--fast", str(REPO / "data" / "examples" / "invalid" / "unknown-dimension.ttl")])
    assert bad.exit_code == 1


def test_a_violation_stops_the_columnar_engine_although_validation_runs_beside_the_rules(tmp_path, monkeypatch):
    """Validation runs on a snapshot beside reasoning and the rules; its Violation still stops the run
    (exit 1, the report on stderr), no table is written and the engine's folder goes."""
    import tempfile

    city = tmp_path / "city.nt"
    assert CliRunner().invoke(cli, ["synth", "--communities", "30", "--seed", "2", "-o", str(city)]).exit_code == 0
    text = city.read_text(encoding="utf-8")
    date = re.search(r'"(\d{4}-\d{2}-\d{2})"\^\^<http://www.w3.org/2001/XMLSchema#date>', text).group(1)
    city.write_text(text.replace(f'"{date}"^^', '"2020-13-45"^^', 1), encoding="utf-8")
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))  # where the engine makes its folder
    table = tmp_path / "table.csv"
    result = CliRunner().invoke(cli, ["assess", "--fast", "--scale-engine", "duckdb", "--format", "csv", "-o", str(table), str(city)])
    assert result.exit_code == 1, result.output
    assert "2020-13-45" in result.output and "does not conform" in result.output
    assert not table.exists() and list(private.iterdir()) == []


def test_the_benchmark_measures_the_cli_s_fast_assessment_end_to_end(tmp_path):
    """benchmarks/run.py's DuckDB measurement runs assess --fast as the CLI does and reports what the
    table it wrote holds (a stranger's run must not break on a change of the CLI)."""
    import subprocess
    import sys

    out = tmp_path / "city.nt"
    assert CliRunner().invoke(cli, ["synth", "--communities", "12", "--seed", "5", "-o", str(out)]).exit_code == 0
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--child", "duckdb", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    assert figures["communities"] == 12 and figures["results"]["Violation"] == 0
    assert {"load", "validate", "reason", "rules", "assess", "details"} <= set(figures["steps_s"])
    # validation runs beside reasoning and the rules: its time overlaps theirs
    steps = figures["steps_s"]
    assert figures["assess_s"] >= max(steps["validate"], sum(v for k, v in steps.items() if k != "validate"))
    assert figures["peak_rss_mb"] > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["city.nt"]   # the table went to a temporary folder


def _handles_stop_signals(proc) -> bool:
    """Whether the process has installed its own SIGTERM handler (the CLI does so first thing in
    ``main``): Linux's /proc says which signals a process catches; elsewhere, half a second."""
    import signal
    import time

    try:
        with open(f"/proc/{proc.pid}/status") as status:
            caught = next(int(line.split()[1], 16) for line in status if line.startswith("SigCgt:"))
    except (OSError, StopIteration):
        time.sleep(0.5)
        return True
    return bool(caught >> (signal.SIGTERM - 1) & 1)


def test_ctrl_c_sigterm_and_sighup_stop_the_columnar_engine_at_any_step_and_leave_nothing(tmp_path):
    """SIGINT, SIGTERM or SIGHUP while starting, loading, validating (beside the rules) or running the
    rules: "interrupted", exit code 128 + the signal, no traceback, no temporary folder left (the
    database of a city is gigabytes), no table half written. (A signal as DuckDB was imported or the
    folder made left the folder, or died by the signal; one inside a library's code came out as
    another error: "'numpy' is required".) The moments count from the CLI's handlers being in place,
    not from the process's start: before them Python's own start-up is running (a signal then ends
    the process as it ends any program), and on a busy machine that start-up alone took 0.45 s."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from chuangshu.synth import synthesize

    city = tmp_path / "city.nt"
    synthesize(2000, seed=3, output=city)
    temp = tmp_path / "tmp"
    temp.mkdir()
    stopped = 0
    # seconds after the handlers: the command's imports, DuckDB imported, the run's folder made,
    # loading, validating beside the rules, the rules (measured on an idle machine: DuckDB at 0.09,
    # the folder at 0.13, the table at 2.1)
    for sig, delay in ((signal.SIGINT, 0.0), (signal.SIGTERM, 0.09), (signal.SIGHUP, 0.13), (signal.SIGINT, 0.3),
                       (signal.SIGTERM, 0.9), (signal.SIGHUP, 1.5), (signal.SIGINT, 2.1)):
        out = tmp_path / f"table-{delay}.csv"
        proc = subprocess.Popen([sys.executable, "-m", "chuangshu.cli", "assess", "--fast", "--scale-engine", "duckdb",
                                 "--format", "csv", "-o", str(out), str(city)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(temp)})
        deadline = time.monotonic() + 30
        while not _handles_stop_signals(proc) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(delay)
        proc.send_signal(sig)
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()  # never left running past the test
            proc.communicate()
            raise
        assert "Traceback" not in err
        if proc.returncode == 128 + sig or (proc.returncode == -signal.SIGINT and err.strip() == "interrupted"):
            # (rarely, on a busy machine, a stopped run ends by SIGINT after saying so and cleaning up:
            # known, not yet explained; what matters here holds — nothing written, nothing left)
            stopped += 1
            assert "interrupted" in err and not out.exists()
        else:  # it had finished: the table whole, the signal at exit at most
            assert proc.returncode in (0, -sig) and out.exists(), err
        assert list(temp.iterdir()) == []
    assert stopped


def test_fast_assess_stops_on_a_violation_on_either_engine():
    bad = REPO / "data" / "examples" / "invalid" / "unknown-dimension.ttl"
    for engine in ("duckdb", "oxigraph"):
        result = CliRunner().invoke(cli, ["assess", "--fast", "--scale-engine", engine, str(bad)])
        assert result.exit_code == 1 and "does not conform" in result.output and "Traceback" not in result.output
        good = CliRunner().invoke(cli, ["assess", "--fast", "--scale-engine", engine, "--format", "json"])
        assert good.exit_code == 0 and {c["stage"] for c in json.loads(good.output)["communities"]} == {"IceBreaking", "BoundaryExtended"}
        listed = [c["community"] for c in json.loads(good.output)["communities"]]
        assert listed == sorted(listed)  # by IRI on either engine, whatever order the engine's rows come in


def test_the_fast_table_says_what_the_reference_concludes_community_by_community(synthetic, tmp_path):
    """`assess --fast --format parquet|csv|xlsx`: one row per community, the recommendations ranked as the
    reference path ranks them, the gaps as its gaps, and the validation summary beside it."""
    import duckdb
    reference = assess(parse_files(resources.ontology_files() + [synthetic]), reasoner="owlrl", lang="zh")
    out = tmp_path / "city.parquet"
    result = CliRunner().invoke(cli, ["assess", "--fast", str(synthetic), "--format", "parquet", "-o", str(out)])
    assert result.exit_code == 0, result.output
    con = duckdb.connect()
    rows = {r[0]: r for r in con.execute(
        "SELECT community, label_zh, stage, ready_to_move_on, advanced_cycle_closed, missing, recommendations, "
        f"recommendations_zh, first_priority FROM '{out}'").fetchall()}
    assert len(rows) == len(reference.communities) >= 25
    local = lambda t: t.iri.split("#")[1]  # noqa: E731
    for c in reference.communities:
        iri, label, stage, ready, advanced, missing, recs, recs_zh, first = rows[c.community.iri]
        assert (label, stage, ready, advanced) == (c.community.label, local(c.stage), c.ready_to_move_on,
                                                   c.advanced_cycle_closed)
        ranked = sorted(c.recommendations, key=lambda r: (r.priority, (r.intervention_type or r.actor_kind or r.kind).iri))
        assert recs == "; ".join(f"{local(r.intervention_type or r.actor_kind or r.kind)} ({r.priority})" for r in ranked)
        assert recs_zh == "；".join((r.intervention_type or r.actor_kind or r.kind).label for r in ranked)
        assert first == (ranked[0].priority if ranked else None)
        assert missing == "; ".join(f"{g['dimension']['iri'].split('#')[1]} × {g['scope_group']['iri'].split('#')[1]}"
                                    for g in sorted(c.gaps, key=lambda g: g["rank"]))
    summary = con.execute(f"SELECT severity, results FROM '{tmp_path / 'city.validation.parquet'}'").fetchall()
    assert sum(n for _, n in summary) == len(validate_files([synthetic]).results)
    con.close()
    csv_out = CliRunner().invoke(cli, ["assess", "--fast", str(synthetic), "--format", "csv"]).output
    assert csv_out.count("\n") == len(reference.communities) + 1
    # to a file DuckDB writes the table itself: the same cells, in the same order (by community), as Excel opens them
    assert CliRunner().invoke(cli, ["assess", "--fast", str(synthetic), "--format", "csv", "-o", str(tmp_path / "c.csv")]).exit_code == 0
    written = (tmp_path / "c.csv").read_bytes()
    assert written.startswith(b"\xef\xbb\xbf") and written[3:].decode("utf-8").replace("\r\n", "\n") == csv_out
    assert [line.split(",", 1)[0] for line in csv_out.splitlines()[1:]] == sorted(rows)


@pytest.mark.parametrize("case", DEV_CASES, ids=lambda f: f[0].stem)
def test_the_columnar_engine_concludes_what_the_reference_does_on_real_communities(case):
    """Every assessment triple (stages, steps, gaps, recommendations with their reasons and PROV-O) of
    each development case, at two dates, equal to the reference path's."""
    for as_of in (None, "2019"):
        date = parse_as_of(as_of) if as_of else None
        reference = assess(parse_files(resources.ontology_files() + case), reasoner="owlrl", as_of=date)
        run, _, _ = run_pipeline(case, engine="columnar", as_of=date)
        assert _assessment_triples_of_store(run) == _assessment_triples(reference.graph)


def test_the_columnar_engine_equals_the_oxigraph_store_triple_for_triple(synthetic):
    ox_run, _, ox_rows = run_pipeline([synthetic])
    col_run, _, col_rows = run_pipeline([synthetic], engine="columnar")
    assert len(col_run) == len(ox_run)
    assert sorted(map(str, col_rows)) == sorted(map(str, ox_rows))
    assert col_run.details() == ox_run.details() or all(
        sorted(map(str, col_run.details()[k])) == sorted(map(str, ox_run.details()[k])) for k in ox_run.details())


def test_a_construct_the_compiler_does_not_translate_is_refused_by_name():
    from chuangshu.engines.sparql_sql import Unsupported, compile_query

    with pytest.raises(Unsupported, match=r"rules/99-x.rq: the columnar engine does not support .*SERVICE"):
        compile_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", source="rules/99-x.rq")
    with pytest.raises(Unsupported, match="the function SHA512"):
        compile_query("SELECT ?x WHERE { ?s ?p ?o BIND (SHA512(STR(?o)) AS ?x) }", source="q")
    # named graphs and a query's own dataset: only where the caller keeps named graphs, never ignored
    with pytest.raises(Unsupported, match=r"GRAPH \(named graphs"):
        compile_query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", source="q")
    with pytest.raises(Unsupported, match="FROM and FROM NAMED"):
        compile_query("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", source="q")
    compile_query("SELECT * FROM <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }", source="q", graphs=[])


def test_the_columnar_engine_reads_turtle_and_says_where_a_file_is_broken(tmp_path):
    from chuangshu.errors import InputError

    with ColumnarRun() as run:
        run.load(resources.data_files())
        assert len(run) > 1000
    broken = REPO / "data" / "examples" / "invalid" / "broken-turtle.ttl"
    with pytest.raises(InputError) as err, ColumnarRun() as run:
        run.load([broken])
    assert "syntax error" in str(err.value) and str(broken) in str(err.value.where)
    nt = tmp_path / "bad.nt"
    nt.write_text("<http://x/a> <http://x/b> <http://x/c> .\n<http://x/a> <http://x/b> \"open .\n", encoding="utf-8")
    with pytest.raises(InputError) as err, ColumnarRun() as run:
        run.load([nt])
    assert f"{nt}:2" in str(err.value.where)


def test_escaping_in_sql_writes_and_reads_literals_as_n_triples_does():
    """rdf_escape and rdf_unescape (SQL) give what the Python escaping gives, on every control
    character, quotes, backslashes before escapes, NUL and characters outside the BMP."""
    import random

    import duckdb

    from chuangshu.engines.sparql_sql import _escape, install

    con = duckdb.connect()
    install(con)
    alphabet = [chr(c) for c in range(0x20)] + ["\x7f", '"', "\\", "u", "n", "0", "A", "中", "\U0001F600"]
    rng = random.Random(7)
    texts = ["", "plain", "\\", "\\n", "\\u0001", "\\\\\"", "\x00"] + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16))) for _ in range(2000)]
    escaped = con.execute("SELECT list_transform(?::VARCHAR[], lambda v: rdf_escape(v))", [texts]).fetchone()[0]
    assert escaped == [_escape(t) for t in texts]
    assert con.execute("SELECT list_transform(?::VARCHAR[], lambda v: rdf_unescape(v))", [escaped]).fetchone()[0] == texts
    con.close()


def test_the_term_functions_read_every_kind_of_term_as_rdflib_does():
    """The SQL macros the compiled queries use to take terms apart (lexical form, datatype, language,
    STR, numeric value) and to write literals (escaping as N-Triples) agree with rdflib."""
    import duckdb
    from rdflib import Literal, URIRef

    from chuangshu.engines.sparql_sql import install, nt

    con = duckdb.connect()
    install(con)
    xsd = "http://www.w3.org/2001/XMLSchema#"
    terms = [Literal("a"), Literal('a"b\\c\n\x01\t', lang="en"), Literal("x", lang="zh-Hans"), Literal(1),
             Literal('q"^^<x>', datatype=URIRef("http://example.org/dt")), URIRef("http://example.org/a"),
             Literal("社区中", lang="zh"), Literal("2.5", datatype=URIRef(xsd + "decimal")), Literal('"@x'),
             Literal("2021-05", datatype=URIRef(xsd + "gYearMonth")),
             Literal("2002-10-10T12:00:00-05:00", datatype=URIRef(xsd + "dateTime")),
             Literal("2002-10-10T17:00:00", datatype=URIRef(xsd + "dateTime")), Literal("2002-10-10", datatype=URIRef(xsd + "date")),
             Literal("true", datatype=URIRef(xsd + "boolean")), Literal("1", datatype=URIRef(xsd + "boolean"))]
    for t in terms:
        n = nt(t)
        lex, dt, lang, text, num, escaped, value = con.execute(
            "SELECT rdf_lex($t), rdf_dt($t), rdf_lang($t), rdf_str($t), rdf_num($t), "
            "'\"' || rdf_esc(rdf_lex($t)) || '\"', rdf_value($t)", {"t": n}).fetchone()
        assert text == value == str(t)
        if isinstance(t, URIRef):
            assert lex is None and dt is None
            continue
        assert lex == str(t) and (lang or None) == (t.language.lower() if t.language else None)
        assert dt == str(t.datatype or (RDF_LANGSTRING if t.language else xsd + "string"))
        assert num == (float(t) if t.datatype in (URIRef(xsd + "integer"), URIRef(xsd + "decimal")) else None)
        assert n.startswith(escaped)
    assert con.execute("SELECT rdf_value('_:b1'), rdf_value(NULL)").fetchone() == ("b1", None)
    # each macro's two forms (binding its argument once, or repeating a column) agree on every term
    from chuangshu.engines.sparql_sql import _BODIES, _PAIRS

    con.execute("CREATE TABLE t AS SELECT unnest(?::VARCHAR[]) AS x", [[nt(t) for t in terms] + ["_:b1", None]])
    for name in _BODIES:
        assert con.execute(f"SELECT count(*) FROM t WHERE {name}(x) IS DISTINCT FROM {name}_c(x)").fetchone()[0] == 0, name
    pairs = {"rdf_eq": ("a.x", "b.x"), "rdf_promote": ("rdf_dt(a.x)", "rdf_dt(b.x)"),
             "rdf_numterm": ("rdf_num(a.x)", "rdf_dt(b.x)"), "rdf_dtcmp": ("a.x", "b.x")}
    assert set(pairs) == set(_PAIRS)
    for name, (a, b) in pairs.items():
        assert con.execute(f"SELECT count(*) FROM t AS a, t AS b WHERE {name}({a}, {b}) IS DISTINCT FROM "
                           f"{name}_c({a}, {b})").fetchone()[0] == 0, name


RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def test_the_lean_run_gives_the_same_table_without_reasons_or_provenance(synthetic, request):
    """At city scale a rule adds only what a later rule or the results read: the same summary and
    details, and no cs:reason, prov:wasDerivedFrom or basis of a reading (the coding rule's variable
    predicate ?pBasis) in the graph."""
    full, lean = ColumnarRun(), ColumnarRun(lean=True)
    request.addfinalizer(full.close)
    request.addfinalizer(lean.close)
    for run in (full, lean):
        run.load([synthetic])
        run.add_reference_cases()
        run.reason()
        run.rules()
    assert sorted(map(str, lean.assess())) == sorted(map(str, full.assess()))
    assert {k: sorted(map(str, v)) for k, v in lean.details().items()} == {k: sorted(map(str, v)) for k, v in full.details().items()}
    count = ("SELECT count(*) FROM graph WHERE p IN ('<https://w3id.org/chuangshu/ontology#reason>', "
             "'<http://www.w3.org/ns/prov#wasDerivedFrom>', '<https://w3id.org/chuangshu/ontology#dimensionBasis>') "
             "AND contains(s, '/assessment')")
    assert lean.con.execute(count).fetchone()[0] == 0 < full.con.execute(count).fetchone()[0]
    assert len(lean) < len(full)


def test_auto_takes_oxigraph_for_a_small_input_and_duckdb_for_a_city(tmp_path, monkeypatch):
    """--scale-engine auto: the bundled cases (kilobytes) on Oxigraph, a file past the threshold on DuckDB;
    either way the same table."""
    import chuangshu.engines as engines_module

    small = json.loads(CliRunner().invoke(cli, ["assess", "--fast", "--format", "json"]).output)
    assert small["engine"] == "oxigraph"
    monkeypatch.setattr(engines_module, "SMALL_FOR_OXIGRAPH", 1)
    big = json.loads(CliRunner().invoke(cli, ["assess", "--fast", "--format", "json"]).output)
    assert big["engine"] == "duckdb" and big["communities"] == small["communities"]


ID_GRAPH = """
@prefix : <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
:a :p :b , "1"^^xsd:integer , "x"@en , _:n , "1"^^xsd:decimal , "2"^^xsd:integer .
:b :p :a , "y" .
_:n :p :a .
:a :q :a .
:c :r "z"@zh , "w"@en-us , "v"@fr , "u" , "1"^^xsd:integer , :a , _:n .
"""

ID_QUERIES = [
    # isIRI/isBLANK/isLITERAL read the kind from the id; =, IN and sameTerm on ids (numbers by value)
    "SELECT ?o (isIRI(?o) AS ?i) (isBLANK(?o) AS ?b) (isLITERAL(?o) AS ?l) WHERE { :a :p ?o }",
    "SELECT ?x ?y WHERE { :a :p ?x . :a :p ?y FILTER (?x = ?y) }",
    "SELECT ?x ?y WHERE { :a :p ?x . :a :p ?y FILTER (sameTerm(?x, ?y) && ?x != :b) }",
    "SELECT ?x WHERE { :a :p ?x FILTER (?x IN (:b, 1, \"x\"@en)) }",
    "SELECT ?x WHERE { :a :p ?x FILTER (?x NOT IN (:b, \"y\")) }",
    # a term an expression makes, joined with the graph's ids and kept through UNION and OPTIONAL
    "SELECT ?s ?o WHERE { BIND (IRI(CONCAT(STR(:), \"b\")) AS ?s) ?s :p ?o }",
    "SELECT ?v WHERE { { :a :q ?v } UNION { BIND (\"made\" AS ?v) } UNION { BIND (IRI(\"http://example.org/new\") AS ?v) } }",
    "SELECT ?s ?w WHERE { ?s :p ?o OPTIONAL { ?s :q ?q BIND (COALESCE(?q, :none) AS ?w) } }",
    "SELECT ?s (IF(BOUND(?q), ?q, ?s) AS ?w) WHERE { ?s :p :a OPTIONAL { ?s :q ?q } }",
    "SELECT ?s (COUNT(DISTINCT ?o) AS ?n) (SAMPLE(?s) AS ?t) WHERE { ?s :p ?o } GROUP BY ?s",
    "SELECT ?s WHERE { VALUES ?s { :a :b :absent } ?s :p ?o FILTER NOT EXISTS { ?s :q ?s } }",
    "SELECT ?s ?o WHERE { ?s :p ?o MINUS { BIND (:b AS ?s) } }",
    # filters moved down to where their variables are bound, or kept above when they are not
    "SELECT ?s ?o ?l WHERE { ?s :p ?o OPTIONAL { ?o :p ?l } FILTER (isLITERAL(?o) && !BOUND(?l)) }",
    "SELECT ?s ?x WHERE { ?s :p ?o . ?s :q ?q BIND (STR(?o) AS ?x) FILTER (?x != \"y\" && ?q != :b) }",
    "SELECT ?s ?o ?z WHERE { { ?s :p ?o } UNION { ?s :q ?z } FILTER (!BOUND(?z) && ?s != :b) }",
    "SELECT ?s ?o WHERE { ?s :p ?o { SELECT ?s WHERE { ?s :q ?x } } FILTER (?s = :a && isIRI(?o)) }",
    "SELECT ?s ?o ?x WHERE { ?s :p ?o { ?o :p ?x FILTER (?x = :a) } FILTER (?o != :b && isIRI(?x)) }",
    "SELECT ?s ?e ?z WHERE { ?s :p ?e . ?s :p ?z FILTER (LANG(?e) = \"en\" && DATATYPE(?z) = xsd:integer) }",
    # LANG(?x) = "en", "zh" or "" read from the id (en-us is not en); of an IRI or a blank node an error
    "SELECT ?o (LANG(?o) = \"en\" AS ?en) (\"zh\" = LANG(?o) AS ?zh) (LANG(?o) = \"\" AS ?none) "
    "(LANG(?o) = \"fr\" AS ?fr) WHERE { :c :r ?o }",
    "SELECT ?o WHERE { :c :r ?o FILTER (!(LANG(?o) = \"en\") && LANG(?o) != \"zh\") }",
    # a constant IRI where an id will do (BIND, COALESCE, IF, =) is its id; where text is needed, its text
    "SELECT ?s ?k ?w ?z WHERE { ?s :p ?o OPTIONAL { ?o :q ?q } BIND (:kind AS ?k) BIND (COALESCE(?q, :dflt) AS ?w) "
    "BIND (IF(isLITERAL(?o), CONCAT(STR(?o), \"!\"), :none) AS ?z) FILTER (?k = :kind && ?w != :a) }",
    "SELECT ?s (SAMPLE(:x) AS ?x) (COUNT(:y) AS ?n) (CONCAT(STR(COALESCE(:z, ?s)), \"/\") AS ?c) WHERE { ?s :q ?o } GROUP BY ?s",
    # a term's text compared with a constant IRI: the same term or not (DATATYPE of an IRI an error)
    "SELECT ?o (DATATYPE(?o) = xsd:integer AS ?i) (DATATYPE(?o) NOT IN (xsd:decimal, xsd:string) AS ?n) "
    "(COALESCE(DATATYPE(?o) != <http://www.w3.org/1999/02/22-rdf-syntax-ns#langString>, \"err\") AS ?l) WHERE { ?s :p|:r ?o }",
    # STR of a number a BIND computed: its lexical form, without a term made and read back
    "SELECT ?o (STR(xsd:integer(?o) * 2 + 100000) AS ?s) (CONCAT(STR(xsd:integer(?o) + 1), \"/\") AS ?t) WHERE { :a :p ?o }",
    # the datatype of arithmetic on constants, decided while compiling (integer < decimal < float < double)
    "SELECT (DATATYPE(1 + 2) AS ?a) (DATATYPE(1 + 2.5) AS ?b) (DATATYPE(1.0e0 * 2) AS ?c) (DATATYPE(4 / 2) AS ?d) "
    "(DATATYPE(xsd:float(1) - 2.5) AS ?e) (STR(7 * 3 - 1) AS ?f) WHERE {}",
    # a VALUES variable no row binds is unbound wherever it is read; one some rows bind joins as usual
    "SELECT ?x ?y (COALESCE(STR(?x), \"none\") AS ?s) WHERE { VALUES ?x { UNDEF } :a :q ?y }",
    "SELECT ?x ?y WHERE { VALUES ?x { UNDEF UNDEF } ?x :q ?y }",
    "SELECT ?x ?y WHERE { VALUES (?x ?y) { (UNDEF :a) (UNDEF UNDEF) } ?y :q ?z }",
    # IF of two numbers stays a number: its datatype from the branch taken; an error in the condition, unbound
    "SELECT ?o (IF(isLITERAL(?o), 1, 2.5) + 1 AS ?n) (IF(?o > 1, 10, 20) * 2 AS ?m) WHERE { :a :p ?o }",
    # property paths: * and ? match each node of the graph (or a constant end) once, cycles included
    "SELECT ?x ?y WHERE { ?x :p* ?y }",
    "SELECT ?x ?y WHERE { ?x (:p|:q)? ?y }",
    "SELECT ?y WHERE { :a (:p|:q)* ?y }",
    "SELECT ?x WHERE { ?x :p+ :a }",
    "SELECT ?x ?y WHERE { ?x :q* :a . ?y :p? ?x }",
    # … or, when a plain pattern of the BGP binds an end, each node that pattern gives
    "SELECT ?x ?y ?z WHERE { ?x :q ?z . ?x :p* ?y }",
    "SELECT ?x ?y WHERE { ?y :p :a . ?x (:p|:q)? ?y }",
    "SELECT ?x ?y WHERE { ?x ^:p* ?y . :c :r ?x }",
    # MIN and MAX of simple literals (strings a BIND made): by code point, the result a string again; a
    # group whose values are all unbound has none. (One unbound among others is left out by rdflib, the
    # reference, and by this engine; Oxigraph makes the whole aggregate unbound.)
    "SELECT ?s (MIN(?k) AS ?lo) (SUBSTR(MAX(?k), 2) AS ?hi) WHERE { ?s :p ?o "
    "BIND (IF(isIRI(?o), CONCAT(\"~\", STR(?o), \"中\"), IF(isBLANK(?o), \"\", STR(?o))) AS ?k) } GROUP BY ?s",
    "SELECT ?s (MAX(?k) AS ?m) (MIN(CONCAT(?k, \"é\")) AS ?n) WHERE { ?s :p ?o BIND (STR(?s) AS ?k) } GROUP BY ?s",
    # BINDs and OPTIONALs moved into the side of a join that holds what they read, or kept above
    "SELECT ?s ?v ?d ?e WHERE { ?s :p ?o { ?s :q ?v } UNION { ?o :p ?v } OPTIONAL { ?s :q ?d } BIND (STR(?d) AS ?e) }",
    "SELECT ?s ?v ?d WHERE { { ?s :p ?o OPTIONAL { ?o :q ?d } } { ?s :q ?v } UNION { ?s :p ?d } OPTIONAL { ?s :q ?d } }",
    "SELECT ?s ?o ?n WHERE { ?s :p ?o . ?o :p ?x OPTIONAL { ?o :q ?n FILTER (?x != :a) } BIND (isIRI(?x) AS ?i) }",
]


@pytest.mark.parametrize("query", ID_QUERIES)
def test_queries_over_term_ids_answer_as_oxigraph_does(query):
    """The columnar engine joins and compares term ids and looks their text up only where an
    expression needs it: the answers are Oxigraph's (blank nodes, labelled differently by each,
    compared as blank)."""
    import pyoxigraph as ox
    from rdflib import Graph

    from chuangshu.engines.columnar import ColumnarRun
    from chuangshu.engines.sparql_sql import compile_query

    text = "PREFIX : <http://example.org/>\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + query
    graph = Graph().parse(data=ID_GRAPH, format="turtle")
    store = ox.Store()
    store.load(ID_GRAPH.encode("utf-8"), ox.RdfFormat.TURTLE)
    result = store.query(text)
    names = [v.value for v in result.variables]
    blank = lambda t: "_" if t.startswith("_:") else t  # noqa: E731
    want = sorted(sorted((n, blank(str(row[n]))) for n in names if row[n] is not None) for row in result)
    with ColumnarRun() as run:
        run.add_triples(graph)
        got = sorted(sorted((k, blank(v)) for k, v in r.items()) for r in run.select(compile_query(text)))
    assert got == want and got


def test_filters_binds_and_optionals_go_down_to_where_their_variables_are_bound():
    """A FILTER condition goes down to the pattern that binds its variables, a BIND and an OPTIONAL into
    the side of a join that holds what they read (a rule's date arithmetic per intervention, not per
    reading); a condition on an OPTIONAL's variable stays above. ID_QUERIES check the answers."""
    from rdflib.plugins.sparql import prepareQuery

    from chuangshu.engines.sparql_sql import push_down

    def pushed(where):
        return push_down(prepareQuery("PREFIX : <http://example.org/> SELECT * WHERE { " + where + " }").algebra.p.p)

    top = pushed("?s :p ?o OPTIONAL { ?s :q ?q } ?o :r ?r . ?o :t ?t BIND (STR(?s) AS ?x) "
                 "FILTER (LANG(?r) = 'en' && !BOUND(?q))")
    assert top.name == "Filter" and str(top.expr.expr.arg) == "q"   # !BOUND(?q): above the join
    join = top.p
    assert join.name == "Join" and join.p1.name == "Extend" and join.p1.p.name == "LeftJoin"   # BIND before the join
    assert join.p2.name == "Filter" and join.p2.p.name == "BGP"   # LANG(?r) on ?o :r ?r ; :t ?t
    assert {str(t[1]) for t in join.p2.p.triples} == {"http://example.org/r", "http://example.org/t"}
    top = pushed("?s :p ?o { ?s :q ?v } UNION { ?s :r ?v } OPTIONAL { ?s :d ?d } BIND (STR(?d) AS ?e)")
    assert top.name == "Join" and top.p2.name == "Union"   # the OPTIONAL and the BIND on ?s :p ?o alone
    assert top.p1.name == "Extend" and top.p1.p.name == "LeftJoin" and top.p1.p.p1.name == "BGP"
    top = pushed("?s :p ?o { ?s :q ?v } UNION { ?s :r ?d } OPTIONAL { ?s :d ?d }")
    assert top.name == "Join" and top.p2.name == "LeftJoin" and top.p2.p1.name == "Union"   # ?d is the UNION's
    top = pushed("{ ?s :p ?o OPTIONAL { ?o :x ?d } } { ?s :q ?v } UNION { ?s :r ?d } OPTIONAL { ?s :d ?d }")
    assert top.name == "LeftJoin"   # either side may bind ?d, or not: the OPTIONAL stays above


def test_two_terms_with_one_id_stop_the_run_instead_of_being_taken_for_one():
    from chuangshu.engines.columnar import ColumnarRun
    from chuangshu.errors import InputError

    with ColumnarRun() as run:
        run.add_triples([])
        run.con.execute("INSERT INTO terms VALUES (rdf_id('<http://example.org/a>'), '<http://example.org/b>')")
        with pytest.raises(InputError, match="same id"):
            run._register("SELECT '<http://example.org/a>' AS t")


def test_the_fast_table_orders_a_community_s_details_the_same_whatever_order_the_engine_gives():
    """Gaps in the order the cycles close (rank as a number), then by name; recommendations by
    priority as a number, then by IRI; a missing label falls back to the local name, a missing en
    name of the community to its plain label. The rows in any order give one table."""
    from chuangshu.engines.base import detail_tables
    from chuangshu.tables import fast_table

    cs = "https://w3id.org/chuangshu/ontology#"
    gaps = [{"community": "c", "rank": r, "dimension": cs + d, "group": cs + g}
            for r, d, g in (("10", "ReciprocityNorm", "ExtendedScope"), ("1", "ReciprocityNorm", "CoreScope"),
                            ("1", "GeneralizedTrust", "CoreScope"), ("2", "GeneralizedTrust", "ExtendedScope"))]
    recs = [{"community": "c", "priority": p, "kind": cs + "BuildDimension", "what": cs + w, **labels}
            for p, w, labels in (("1050", "Festival", {"zh": "节庆", "en": "Festival"}),
                                 ("120", "VolunteerTeam", {"en": "Volunteer team"}),
                                 ("120", "Council", {"zh": "议事会", "en": "Council"}))]
    names = [{"community": "c", "label": ("丙社区", "zh")}, {"community": "c", "label": ("C", None)}]
    community = {"community": "c", "capital_type": None, "capital_type_basis": None, "capital_type_conflict": False,
                 "stage": None, "ready": False, "warming_begun_early": True, "initial_cycle_closed": False,
                 "advanced_cycle_closed": False}
    tables = {tuple(map(str, row)) for order in (slice(None), slice(None, None, -1))
              for row in fast_table([community], detail_tables({"labels": names[order], "gaps": gaps[order],
                                                                "recommendations": recs[order]})).rows}
    assert len(tables) == 1
    (row,) = tables
    assert row[1:3] == ("丙社区", "C") and row[8] == "True"
    assert row[11] == ("GeneralizedTrust × CoreScope; ReciprocityNorm × CoreScope; "
                       "GeneralizedTrust × ExtendedScope; ReciprocityNorm × ExtendedScope")
    assert row[12:] == ("Council (120); VolunteerTeam (120); Festival (1050)", "议事会；VolunteerTeam；节庆",
                        "Council; Volunteer team; Festival", "120")


def test_duckdb_s_memory_follows_the_input_within_its_bounds(monkeypatch):
    from chuangshu.engines.columnar import memory_limit

    monkeypatch.delenv("CHUANGSHU_MEMORY_LIMIT", raising=False)
    cap = int(memory_limit()[:-2])
    assert 256 <= cap <= 2048
    assert memory_limit(170 * 2**20) == f"{min(cap, 680)}MB"        # a city of 20,000 communities
    assert memory_limit(10_000) == f"{min(cap, 512)}MB"            # a few communities: the floor
    assert memory_limit(50 * 2**30) == f"{cap}MB"                  # a province: the cap
    monkeypatch.setenv("CHUANGSHU_MEMORY_LIMIT", "3GB")
    assert memory_limit(10_000) == "3GB"


@pytest.mark.parametrize("engine", ["oxigraph", "columnar"])
def test_a_city_s_info_results_with_a_fixed_message_are_counted_not_listed(synthetic, engine):
    """assess --fast counts the Info results whose message names no value (a city has ~10⁵ of one):
    the same counts, the same conformance and the same validation summary as the listed report."""
    from chuangshu.tables import validation_summary

    _, listed, _ = run_pipeline([synthetic], engine=engine)
    _, counted, _ = run_pipeline([synthetic], engine=engine, itemize_info=False)
    assert listed.counts() == counted.counts() and listed.counts()["Info"] > 0
    assert counted.tallies and len(counted.results) < len(listed.results)
    assert listed.conforms == counted.conforms
    for lang in ("en", "zh"):
        assert validation_summary(listed, lang).rows == validation_summary(counted, lang).rows
