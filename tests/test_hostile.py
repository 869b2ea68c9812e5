"""Hostile and broken inputs over every command: one line saying what and where, the documented exit
code (0 fine, 1 does not conform / refused by a server, 2 unusable input, 3 a bug), no traceback,
no hang, nothing written on failure and no input file touched."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from rdflib import URIRef
from rdflib.namespace import FOAF, RDF

from chuangshu.cli import cli
from chuangshu.rdf import CS, parse_file

from conftest import REPO

TTL = """@prefix cs: <https://w3id.org/chuangshu/ontology#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def run(*args, **kw):
    return CliRunner().invoke(cli, ["--lang", "en", *map(str, args)], **kw)


def one_line_error(result, code: int, *words: str) -> None:
    assert result.exit_code == code, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    for w in words:
        assert w in result.output, (w, result.output)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- files that would exhaust memory or time ------------------------------------------------

def billion_laughs(path: Path) -> Path:
    ents, prev = ['<!ENTITY a "lollollollollollollollollollol">'], "a"
    for i in range(1, 9):
        name = chr(97 + i)
        ents.append(f'<!ENTITY {name} "' + f"&{prev};" * 10 + '">')
        prev = name
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(ents) + ']>\n'
                    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex.org/">'
                    f'<rdf:Description rdf:about="http://ex.org/s"><ex:p>&{prev};</ex:p></rdf:Description></rdf:RDF>')
    return path


def deep_xml(path: Path, depth: int = 20_000) -> Path:
    open_ = "".join(f'<ex:p><rdf:Description rdf:about="http://ex.org/s{i}">' for i in range(depth))
    close = "</rdf:Description></ex:p>" * depth
    path.write_text('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex.org/">'
                    f'<rdf:Description rdf:about="http://ex.org/s">{open_}{close}</rdf:Description></rdf:RDF>')
    return path


@pytest.mark.parametrize("make, words", [(billion_laughs, ["expansion bomb", "refused"]),
                                         (deep_xml, ["nested more than 1000 deep"])])
def test_rdf_xml_bombs_are_refused_before_parsing(tmp_path, make, words):
    f = make(tmp_path / "bomb.rdf")
    before = digest(f)
    for command in ("validate", "assess", "summary"):
        result = run(command, f)
        one_line_error(result, 2, *words)
        assert result.output.startswith(str(f))
    assert digest(f) == before


def test_a_thousand_deep_turtle_list_is_one_line_not_a_crash(tmp_path):
    f = tmp_path / "list.ttl"
    f.write_text("@prefix ex: <http://ex.org/> .\nex:s ex:p " + "(" * 1000 + " 1 " + ")" * 1000 + " .\n")
    before = digest(f)
    one_line_error(run("fmt", f), 2, "nests too deeply")
    assert digest(f) == before


def _rewrite_xlsx(src: Path, dst: Path, edit) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, edit(item.filename, zin.read(item.filename)))
    return dst


@pytest.fixture
def small_xlsx(tmp_path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "communities"
    ws.append(["id", "label_en", "form"])
    ws.append(["X", "x community", "OldCity"])
    path = tmp_path / "small.xlsx"
    wb.save(path)
    return path


def test_an_xlsx_declaring_a_huge_range_is_read_as_it_is(tmp_path, small_xlsx):
    bomb = _rewrite_xlsx(small_xlsx, tmp_path / "dim.xlsx", lambda n, d: d.replace(
        b'<dimension ref="A1:C2" />', b'<dimension ref="A1:XFD1048576" />') if n.endswith("sheet1.xml") else d)
    assert b"XFD1048576" in zipfile.ZipFile(bomb).read("xl/worksheets/sheet1.xml")
    result = run("import", bomb, "-o", tmp_path / "out.ttl", "--force")
    assert result.exit_code in (0, 1) and "1 records" in result.output


@pytest.mark.parametrize("kind", ["whitespace", "entities", "truncated"])
def test_hostile_xlsx_files_are_refused_in_one_line(tmp_path, small_xlsx, kind):
    if kind == "whitespace":
        f = _rewrite_xlsx(small_xlsx, tmp_path / "ws.xlsx", lambda n, d: d.replace(
            b"<sheetData>", b"<sheetData>" + b" " * 20_000_000) if n.endswith("sheet1.xml") else d)
        words = ["unpacks to", "refused"]
    elif kind == "entities":
        f = _rewrite_xlsx(small_xlsx, tmp_path / "ent.xlsx", lambda n, d: d.replace(
            b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><worksheet', 1)
            if n.endswith("sheet1.xml") else d)
        words = ["not a readable XLSX workbook"]
    else:
        f = tmp_path / "cut.xlsx"
        f.write_bytes(small_xlsx.read_bytes()[:500])
        words = ["not a readable XLSX workbook"]
    out = tmp_path / "out.ttl"
    for args in (["import", f, "-o", out], ["validate", f], ["assess", f]):
        one_line_error(run(*args), 2, *words)
    assert not out.exists()


def test_case_data_cannot_change_the_ontology(tmp_path):
    """A 1,500-link chain made transitive hung assess for minutes: schema statements in case data
    are ignored, with a warning that says so."""
    lines = [TTL, "@prefix owl: <http://www.w3.org/2002/07/owl#> .", "cs:partOfIntervention a owl:TransitiveProperty .",
             'cs:VolunteerService cs:defaultDimension cs:ReciprocityNorm .',
             'ex:C a cs:Community ; rdfs:label "C"@en ; cs:hasForm cs:OldCity .']
    lines += [f"ex:i{i} a cs:VolunteerService ; cs:inCommunity ex:C ; cs:partOfIntervention ex:i{i + 1} ." for i in range(1500)]
    f = tmp_path / "chain.ttl"
    f.write_text("\n".join(lines) + "\n")
    result = run("validate", "--allow-warnings", f)
    assert result.exit_code == 0 and "2 statement(s) about the ontology's vocabulary ignored" in result.output
    assessed = run("assess", "--format", "json", f)
    assert assessed.exit_code == 0
    assert '"GeneralizedTrust"' in assessed.output or "GeneralizedTrust" in assessed.output  # the catalogue unchanged


# ---- answers that were wrong or crashed ---------------------------------------------------------

def test_full_width_as_of_is_read_not_ignored():
    wide = run("assess", "--as-of", "２０２２－０７", "--format", "json")
    ascii_ = run("assess", "--as-of", "2022-07", "--format", "json")
    assert wide.exit_code == 0 and wide.output == ascii_.output and '"as_of": "2022-07"' in wide.output


@pytest.mark.parametrize("text, expected", [
    ("PREFIX cs: <https://w3id.org/chuangshu/ontology#> ASK { ?a cs:currentStage cs:IceBreaking }", '"boolean": true'),
    ("PREFIX cs: <https://w3id.org/chuangshu/ontology#> CONSTRUCT { ?c cs:currentStage ?s } "
     "WHERE { ?a cs:assessedCommunity ?c ; cs:currentStage ?s }", '"@id"'),
    ("DESCRIBE <https://w3id.org/chuangshu/data/D>", '"@id"'),
])
def test_ask_construct_and_describe_are_answered(tmp_path, text, expected):
    q = tmp_path / "q.rq"
    q.write_text(text)
    result = run("query", q, "--format", "json")
    assert result.exit_code == 0 and expected in result.output, result.output
    table = run("query", q)
    assert table.exit_code == 0 and "Traceback" not in table.output


@pytest.mark.parametrize("text, words", [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", ["this is an update (INSERT)", "nothing was changed"]),
    ("LOAD <http://example.org/x>", ["this is an update (LOAD)"]),
    ("SELECT * WHERE { ?s ?p }", ["bad query: line"]),
    ("just words", ["not a SPARQL query"]),
])
def test_updates_and_broken_queries_are_refused_in_one_line(tmp_path, text, words):
    q = tmp_path / "q.rq"
    q.write_text(text)
    for engine in ("oxigraph", "rdflib"):
        one_line_error(run("query", q, "--engine", engine), 2, *words)


def test_a_query_file_that_is_not_utf8(tmp_path):
    q = tmp_path / "q.rq"
    q.write_bytes("SELECT ?名 WHERE { ?名 ?p ?o }".encode("gbk"))
    one_line_error(run("query", q), 2, "not UTF-8 text")


def test_a_local_query_that_runs_too_long_is_stopped(tmp_path):
    q = tmp_path / "q.rq"
    q.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    one_line_error(run("query", q, "--timeout", "2"), 2, "longer than 2 s", "--timeout")


def test_integers_of_thousands_of_digits(tmp_path):
    big = "9" * 5000
    f = tmp_path / "big.ttl"
    f.write_text(TTL + f'ex:C a cs:Community ; rdfs:label "C"@en ; cs:hasForm cs:OldCity ; cs:hasQuantity ex:q .\n'
                       f"ex:q a cs:Quantity ; cs:measures cs:ResidentPopulation ; cs:exactValue {big} .\n")
    result = run("validate", f)
    assert result.exit_code == 1 and "Traceback" not in result.output and "csh:Quantity-exactValue" in result.output
    param = run("query", "cq01", "--param", f"community={big}")
    assert param.exit_code == 2 and "no such community" in param.output and "Traceback" not in param.output
    number = run("query", "-", "--param", f"n={big}", input="SELECT ?n WHERE { VALUES ?n { UNDEF } }")
    assert number.exit_code == 0 and big in number.output


def test_rdf_xml_export_of_a_property_without_a_local_name(tmp_path):
    f = tmp_path / "slash.ttl"
    f.write_text(TTL + 'ex:C a cs:Community ; <http://ex.org/p/> "x" .\n')
    out = tmp_path / "out.rdf"
    one_line_error(run("export", f, "-o", out, "--with", "data"), 2, "cannot be written as RDF/XML", "http://ex.org/p/")
    assert not out.exists() and not (tmp_path / "out.rdf.void.ttl").exists()


def test_fmt_refuses_what_it_cannot_rewrite(tmp_path):
    (tmp_path / "x.jsonld").write_text("{}")
    one_line_error(run("fmt", tmp_path / "x.jsonld"), 2, "Turtle files (.ttl) only")
    one_line_error(run("fmt", tmp_path / "missing.ttl"), 2, "file not found")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_one_line(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        one_line_error(run("export", "-o", ro / "kg.ttl", "--with", "data"), 2, "cannot write")
    finally:
        ro.chmod(0o700)


def test_a_full_disk_leaves_no_half_set_of_templates(tmp_path, monkeypatch):
    import chuangshu.canon as canon

    real, calls = canon.os.fdopen, []

    def full_after_three(fd, mode):
        calls.append(fd)
        if len(calls) > 3:
            os.close(fd)
            raise OSError(28, "No space left on device")
        return real(fd, mode)

    monkeypatch.setattr(canon.os, "fdopen", full_after_three)
    result = run("template", "-o", tmp_path)
    one_line_error(result, 2, "No space left on device", "nothing was written")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_terminal_that_cannot_show_chinese_gets_escapes_not_a_crash():
    env = dict(os.environ, PYTHONIOENCODING="latin-1")
    proc = subprocess.run([sys.executable, "-m", "chuangshu.cli", "--lang", "zh", "validate"], capture_output=True, env=env)
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr
    assert b"\\u" in proc.stdout          # the Chinese text, escaped


def test_control_characters_in_labels_never_reach_the_terminal(tmp_path):
    f = tmp_path / "ansi.ttl"
    f.write_text(TTL + 'ex:C a cs:Community ; rdfs:label "C\\u001b]0;pwned\\u0007\\u001b[31mred"@en ; cs:hasForm cs:OldCity .\n')
    for args in (["assess", f], ["validate", f], ["explain", "C", f]):
        result = run(*args)
        assert "\x1b" not in result.output and "\x07" not in result.output, args
        assert "C?]0;pwned??[31mred" in result.output


def test_a_broken_java_falls_back_to_the_pure_python_reasoner(tmp_path):
    java = tmp_path / "java"
    java.write_text("#!/bin/sh\necho broken >&2\nexit 1\n")
    java.chmod(0o755)
    env = dict(os.environ, PATH=f"{tmp_path}{os.pathsep}{os.environ['PATH']}", CHUANGSHU_CACHE="off")
    # (the reference engine reasons with HermiT; the others do not need Java)
    proc = subprocess.run([sys.executable, "-m", "chuangshu.cli", "--lang", "en", "assess", "--engine", "reference"],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "warning: HermiT failed" in proc.stderr and "Traceback" not in proc.stderr
    assert "OWL 2 RL (owlrl; HermiT failed)" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "chuangshu.cli", "--lang", "en", "assess"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0 and "HermiT" not in proc.stderr and "compiled entailments" in proc.stdout


def test_an_unexpected_error_is_one_line_and_exit_3(monkeypatch):
    import chuangshu.summary as summary

    monkeypatch.setattr(summary, "summarize", lambda *args: 1 / 0)
    one_line_error(run("summary"), 3, "internal error (ZeroDivisionError", "CHUANGSHU_DEBUG=1")


# ---- what leaves the machine ------------------------------------------------------------------------

def test_relative_iris_name_data_records_not_local_paths(tmp_path):
    f = tmp_path / "rel.ttl"
    f.write_text("@prefix cs: <https://w3id.org/chuangshu/ontology#> .\n<X> a cs:Community .\n")
    out = tmp_path / "out.nt"
    assert run("export", f, "-o", out, "--with", "data").exit_code == 0
    text = out.read_text()
    assert "<https://w3id.org/chuangshu/data/X>" in text and "file:" not in text and str(tmp_path) not in text


PERSONAL = [FOAF.name, URIRef(CS + "quotationText"), URIRef(CS + "interviewCode"), URIRef(CS + "interviewDate"),
            URIRef(CS + "interviewee"), URIRef(CS + "intervieweeRole"), URIRef(CS + "fromInterview"),
            URIRef(CS + "citedAs"), URIRef(CS + "assumptionNote"), URIRef(CS + "sourceWording")]


def test_a_public_export_leaves_out_every_personal_field(tmp_path):
    out = tmp_path / "public.ttl"
    result = run("export", "-o", out, "--with", "ontology", "--with", "data", "--with", "inferences", "--public")
    assert result.exit_code == 0, result.output
    g = parse_file(out)
    assert not list(g.subjects(RDF.type, FOAF.Person))
    for p in PERSONAL:
        # (an organization's name, such as the ontology's creator "chuangshu contributors", is not personal)
        assert not [s for s in g.subjects(p, None) if (s, RDF.type, FOAF.Organization) not in g], p
    for kind in ("Interview", "Quotation"):
        assert not list(g.subjects(RDF.type, URIRef(CS + kind))), kind
    data_comments = [s for s, _, _ in g.triples((None, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"), None))
                     if str(s).startswith("https://w3id.org/chuangshu/data/")]
    assert data_comments == []
    # what is kept: the communities, their interventions and what they built
    assert (URIRef("https://w3id.org/chuangshu/data/D1"), URIRef(CS + "whatWasDone"), None) in g
    assert "Public export" in (tmp_path / "public.ttl.void.ttl").read_text()


def test_the_void_description_of_a_researchers_data_claims_only_what_is_given(tmp_path):
    out = tmp_path / "dc02.ttl"
    plain = run("export", REPO / "data" / "cases" / "DC02.ttl", "-o", out, "--with", "data")
    assert plain.exit_code == 0
    void = (tmp_path / "dc02.ttl.void.ttl").read_text()
    assert "creativecommons" not in void and "csd:paper" not in void and "csd:DC02-source" in void
    given = run("export", REPO / "data" / "cases" / "DC02.ttl", "-o", out, "--with", "data", "--title", "My study",
                "--licence", "https://creativecommons.org/licenses/by-nc/4.0/", "--creator", "Wang")
    assert given.exit_code == 0
    void = (tmp_path / "dc02.ttl.void.ttl").read_text()
    assert '"My study"' in void and "by-nc" in void and '"Wang"' in void
    bundled = run("export", "-o", tmp_path / "b.ttl", "--with", "data")
    assert bundled.exit_code == 0 and "creativecommons.org/licenses/by/4.0" in (tmp_path / "b.ttl.void.ttl").read_text()


def test_inputs_are_never_modified_by_any_command(tmp_path):
    f = tmp_path / "d.ttl"
    f.write_bytes((REPO / "data" / "d-community.ttl").read_bytes())
    f.chmod(0o444)
    before = (digest(f), stat.S_IMODE(f.stat().st_mode))
    for args in (["validate", f], ["assess", f, "--format", "turtle"], ["summary", f], ["explain", "D", f],
                 ["export", f, "-o", tmp_path / "x.ttl"], ["template", "-o", tmp_path, "--from", f, "--overwrite"]):
        run(*args)
    assert (digest(f), stat.S_IMODE(f.stat().st_mode)) == before


# ---- the last holes of the attack run (issue #29) ------------------------------------------------

def test_fmt_gives_one_line_for_what_it_cannot_rewrite_and_never_drops_a_comment(tmp_path):
    big = tmp_path / "big.ttl"
    big.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b " + "9" * 4400 + " .\n", encoding="utf-8")
    one_line_error(run("fmt", big), 2, "big.ttl", "4300 digits")
    one_line_error(run("fmt", "--check", tmp_path / "missing.ttl"), 2, "file not found")
    (tmp_path / "folder.ttl").mkdir()
    one_line_error(run("fmt", tmp_path / "folder.ttl"), 2, "a folder")
    noted = tmp_path / "noted.ttl"
    noted.write_text('@prefix ex: <http://example.org/> .\n# why a is b\nex:a ex:b "x#y" ; ex:c <http://e.org/#f> .  # really\n'
                     'ex:d ex:e """two\n# lines, one string""" .\n', encoding="utf-8")
    before = digest(noted)
    one_line_error(run("fmt", noted), 2, "noted.ttl:2", "2 comment(s) would be lost", "--force")
    assert digest(noted) == before                                          # nothing rewritten
    result = run("fmt", "--check", noted)
    assert result.exit_code == 1 and "2 comment(s)" in result.output
    from chuangshu.canon import comment_lines

    assert run("fmt", "--force", noted).exit_code == 0
    assert comment_lines(noted.read_text(encoding="utf-8")) == [] and "# lines, one string" in noted.read_text(encoding="utf-8")


def test_an_empty_as_of_is_refused_not_taken_for_today():
    one_line_error(run("assess", "--as-of", ""), 2, "not a date", "--as-of")
    one_line_error(run("qca", "--as-of", ""), 2, "not a date")


def test_turtle_with_a_byte_order_mark_is_read(tmp_path):
    marked = tmp_path / "d.ttl"
    marked.write_bytes(b"\xef\xbb\xbf" + (REPO / "data" / "d-community.ttl").read_bytes())
    assert len(parse_file(marked)) == len(parse_file(REPO / "data" / "d-community.ttl"))
    result = run("validate", marked, REPO / "data" / "s-community.ttl")
    assert result.exit_code == 0, result.output
    (tmp_path / "x.ttl").mkdir()
    with pytest.raises(Exception, match="a folder, not a file"):
        parse_file(tmp_path / "x.ttl")


def test_synth_writes_n_triples_under_its_own_name_and_never_over_a_file(tmp_path):
    one_line_error(run("synth", "--communities", "2", "-o", tmp_path / "city.xlsx"), 2, "FILE.nt")
    assert not (tmp_path / "city.xlsx").exists()
    kept = tmp_path / "city.nt"
    kept.write_text("mine\n")
    one_line_error(run("synth", "--communities", "2", "-o", kept), 2, "exists", "--overwrite")
    assert kept.read_text() == "mine\n"
    assert run("synth", "--communities", "2", "-o", kept, "--overwrite").exit_code == 0 and "mine" not in kept.read_text()


def test_unvalidated_data_that_redefine_the_ontology_are_ignored_with_the_warning(tmp_path):
    redefine = tmp_path / "redefine.ttl"
    redefine.write_text("@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                        "@prefix cs: <https://w3id.org/chuangshu/ontology#> .\ncs:builds a owl:TransitiveProperty .\n",
                        encoding="utf-8")
    result = run("qca", REPO / "data" / "d-community.ttl", redefine, "--no-validate")
    assert result.exit_code == 0
    assert "redefine.ttl: 1 statement(s) about the ontology's vocabulary ignored" in result.output
    assert "cs:builds rdf:type owl:TransitiveProperty" in result.output


@pytest.mark.parametrize("engine", ["reference/hermit", "reference/owlrl", "oxigraph", "duckdb", "fast/duckdb"])
def test_an_individual_of_nothing_stops_every_engine_the_same_way(tmp_path, engine, monkeypatch):
    from chuangshu.reason import java_available

    if engine == "reference/hermit" and not java_available():
        pytest.skip("HermiT needs Java")
    monkeypatch.setenv("CHUANGSHU_CACHE", "off")
    empty = tmp_path / "nothing.ttl"
    empty.write_text("@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                     "<https://w3id.org/chuangshu/data/x> a owl:Nothing .\n", encoding="utf-8")
    kind, _, detail = engine.partition("/")
    options = {"reference": ["--engine", "reference", "--reasoner", detail], "fast": ["--fast", "--engine", detail]}.get(
        kind, ["--engine", kind])
    result = run("assess", *options, REPO / "data" / "d-community.ttl", empty, "--no-validate")
    one_line_error(result, 2, "the ontology and data are inconsistent")


def test_what_a_killed_export_left_beside_its_output_goes_on_the_next_run(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    left = tmp_path / f".out.nt.{gone.pid}.k1ll3d.tmp"                  # a SIGKILL runs no cleanup
    left.write_text("half")
    running = tmp_path / f".out.nt.{os.getpid()}.st1ll.tmp"             # another run, still writing
    running.write_text("busy")
    mine = tmp_path / ".out.nt.notes.tmp"                                 # not one of ours
    mine.write_text("keep")
    assert run("export", "-o", tmp_path / "out.nt", "--with", "data").exit_code == 0
    assert not left.exists() and running.exists() and mine.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp") and p not in (running, mine)]
