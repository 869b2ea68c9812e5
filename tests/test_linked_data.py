"""Export (four formats, round trip, VoID/DCAT, atomic writes) and real SPARQL servers
(serve, push, remote query and remote assess against Oxigraph's server)."""

from __future__ import annotations

import http.server
import json
import sys
import threading
import urllib.request

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, RDF, VOID

from chuangshu.cli import cli
from chuangshu.export import context_file
from chuangshu.library import find_query, library, parse_term, run_remote
from chuangshu.rdf import parse_file
from chuangshu.remote import ASSESSMENT_GRAPH, DEFAULT_GRAPH, Endpoint, RemoteError, chunks, push

from conftest import REPO
from servers import free_port, oxigraph_binary, spawn, start_virtuoso, stop, virtuoso_binary, wait_until_up


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def full_export(tmp_path_factory) -> Graph:
    out = tmp_path_factory.mktemp("export") / "kg.nt"
    assert run("export", "-o", out, "--with", "ontology", "--with", "data", "--with", "inferences").exit_code == 0
    return parse_file(out)


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".jsonld", ".rdf"])
def test_export_round_trips(tmp_path, full_export, suffix):
    out = tmp_path / f"kg{suffix}"
    result = run("export", "-o", out, "--with", "ontology", "--with", "data", "--with", "inferences")
    assert result.exit_code == 0, result.output
    back = parse_file(out)
    assert len(back) == len(full_export) and isomorphic(back, full_export)


def test_json_ld_is_compacted_with_the_versioned_context(tmp_path):
    out = tmp_path / "kg.jsonld"
    assert run("export", "-o", out).exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    ctx = json.loads(context_file().read_text(encoding="utf-8"))["@context"]
    assert doc["@context"] == ctx and ctx["@protected"] is True and ctx["id"] == "@id"
    from chuangshu.rdf import load_ontology
    from chuangshu.publish import ontology_version

    assert context_file().name == f"chuangshu-{ontology_version(load_ontology())}.jsonld"
    text = out.read_text(encoding="utf-8")
    assert '"csd:D1"' in text or '"id": "csd:D1"' in text
    keys = set()

    def walk(node):
        if isinstance(node, dict):
            keys.update(node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc.get("@graph", doc))
    assert {k for k in keys if ":" in k and k not in ctx} == set()   # every property has its term


def test_void_dcat_description(tmp_path):
    out = tmp_path / "data.ttl"
    assert run("export", "-o", out, "--with", "data").exit_code == 0
    void = parse_file(tmp_path / "data.ttl.void.ttl")
    ds = next(void.subjects(RDF.type, VOID.Dataset))
    assert (ds, RDF.type, DCAT.Dataset) in void
    assert int(void.value(ds, VOID.triples)) == len(parse_file(out))
    dist = void.value(ds, DCAT.distribution)
    assert str(void.value(dist, DCAT.mediaType)) == "text/turtle"
    assert int(void.value(dist, DCAT.byteSize)) == out.stat().st_size
    assert URIRef("https://w3id.org/chuangshu/ontology#") in set(void.objects(ds, VOID.vocabulary))


def test_a_failed_export_leaves_no_partial_file(tmp_path, monkeypatch):
    import chuangshu.export as export_module

    out = tmp_path / "kg.ttl"
    out.write_text("previous content\n", encoding="utf-8")

    def explode(graph, fmt):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_module, "serialize", explode)
    with pytest.raises(RuntimeError):
        export_module.export(Graph(), out, "turtle", ["data"])
    assert out.read_text(encoding="utf-8") == "previous content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.ttl"]


def test_export_refuses_unknown_format_and_missing_folder(tmp_path):
    assert run("export", "-o", tmp_path / "kg.csv").exit_code == 2
    assert run("export", "-o", tmp_path / "no" / "kg.ttl").exit_code == 2


# ---- real servers ----------------------------------------------------------------------

class Store:
    """A writable SPARQL 1.1 server on loopback: its query URL and the options that log in."""

    def __init__(self, kind: str, url: str, args: tuple = (), env: dict | None = None):
        self.kind, self.url, self.args, self.env = kind, url, list(args), env or {}

    def endpoint(self) -> Endpoint:
        return Endpoint.from_url(self.url, user="dba" if self.kind == "virtuoso" else None,
                                 password="dba" if self.kind == "virtuoso" else None)

    def run(self, *args):
        return CliRunner().invoke(cli, [str(a) for a in args] + self.args, env=self.env)


STORES = ["oxigraph", pytest.param("virtuoso", marks=pytest.mark.skipif(
    not virtuoso_binary(), reason="Virtuoso is not installed (.ci/run installs Debian's virtuoso-opensource-7-bin)"))]


@pytest.fixture(scope="module", params=STORES)
def store(request, tmp_path_factory):
    """The same tests against Oxigraph's server and against Virtuoso 7 (HTTP Digest, its own URL
    layout and limits: chuangshu.sparql_client.DIALECTS)."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "oxigraph":
        port = free_port()
        proc = spawn([oxigraph_binary(), "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"])
        url = f"http://127.0.0.1:{port}/query"
        wait_until_up(url, proc)
        yield Store("oxigraph", url)
    else:
        proc, url = start_virtuoso(folder)
        yield Store("virtuoso", url, ("--user", "dba"), {"CHUANGSHU_PASSWORD": "dba"})
    stop(proc)


@pytest.fixture(scope="module")
def served():
    """`chuangshu serve` on a free loopback port."""
    port = free_port()
    proc = spawn([sys.executable, "-m", "chuangshu.cli", "serve", "--port", str(port)])
    url = f"http://127.0.0.1:{port}/query"
    wait_until_up(url, proc, 120)
    yield url
    stop(proc)


def test_serve_answers_queries_and_refuses_updates(served):
    table = run_remote(find_query("cq05"), served, {})
    stages = {str(r["community"]).rsplit("/", 1)[-1]: str(r["stage"]).split("#")[1] for r in table.rows}
    assert stages == {"D": "IceBreaking", "S": "BoundaryExtended"}
    update = served.replace("/query", "/update")
    req = urllib.request.Request(update, data=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                 headers={"Content-Type": "application/sparql-update"}, method="POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code >= 400
    page = urllib.request.urlopen(served.replace("/query", "/"), timeout=10).read()
    assert b"<html" in page.lower() or b"<!doctype" in page.lower()   # the query page for the browser


def test_a_push_to_a_read_only_server_is_refused(served):
    result = run("push", "--endpoint", served, "--with", "data")
    assert result.exit_code != 0
    assert "refused" in result.output and "HTTP" in result.output


def test_push_by_graph_store_protocol_then_query_and_assess_remotely(store):
    result = store.run("push", "--endpoint", store.url)
    assert result.exit_code == 0, result.output
    assert "graph store protocol" in result.output and "verified" in result.output
    out = store.run("assess", "--endpoint", store.url, "--format", "json")
    assert out.exit_code == 0, out.output
    # the library's queries over the pushed graph and the assessment the rules made on the server
    table = run_remote(find_query("cq01"), store.endpoint(), {"community": parse_term("csd:D")},
                       default_graphs=[DEFAULT_GRAPH, ASSESSMENT_GRAPH])
    assert sorted(str(r["caseLabel"]) for r in table.rows) == ["D1", "D2"]
    data = json.loads(out.output)
    stages = {c["community"]["iri"].rsplit("/", 1)[-1]: c["stage"]["iri"].split("#")[1] for c in data["communities"]}
    assert stages == {"D": "IceBreaking", "S": "BoundaryExtended"}
    local = json.loads(run("assess", "--format", "json").output)
    first = lambda d, k: [r["intervention_type"] and r["intervention_type"]["iri"] for r in  # noqa: E731
                          next(c for c in d["communities"] if c["community"]["iri"].endswith(k))["recommendations"]]
    assert first(data, "/D") == first(local, "/D")
    early = json.loads(store.run("assess", "--endpoint", store.url, "--as-of", "2022-07", "--format", "json").output)
    # before S's programme: both at ice-breaking and ready to move on (D by its interventions, S by its pre-existing capital)
    assert {c["community"]["iri"].rsplit("/", 1)[-1]: (c["stage"]["iri"].split("#")[1], c["ready_to_move_on"])
            for c in early["communities"]} == {"D": ("IceBreaking", True), "S": ("IceBreaking", True)}
    for q in library():   # every library query runs on the store
        run_remote(q, store.endpoint(), {}, default_graphs=[DEFAULT_GRAPH, ASSESSMENT_GRAPH])


def test_push_by_sparql_update_in_chunks_keeps_blank_nodes(store):
    result = store.run("push", "--endpoint", store.url, "--no-gsp", "--chunk", "97", "--with", "ontology",
                       "--graph", "https://example.org/g")
    assert result.exit_code == 0, result.output
    assert "SPARQL Update" in result.output
    back = store.endpoint().construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://example.org/g> { ?s ?p ?o } }")
    from chuangshu.rdf import load_ontology

    assert isomorphic(back, load_ontology())


def test_chunks_keep_blank_node_components_together():
    from chuangshu.rdf import load_ontology

    g = load_ontology()
    parts = chunks(g, 50)
    assert sum(len(p) for p in parts) == len(g)
    seen = {}
    for i, part in enumerate(parts):
        for t in part:
            for term in (t[0], t[2]):
                if term.__class__.__name__ == "BNode":
                    assert seen.setdefault(term, i) == i


class _FlakyStore(http.server.BaseHTTPRequestHandler):
    """No Graph Store Protocol; accepts two INSERT chunks, then fails every update."""

    updates: list = []

    def log_message(self, *args):
        pass

    def do_PUT(self):
        self.send_response(405)
        self.end_headers()

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        type(self).updates.append(self.rfile.read(length).decode("utf-8"))
        ok = len(type(self).updates) <= 2
        self.send_response(204 if ok else 500)
        if not ok:
            self.send_header("Content-Type", "text/plain")
        self.end_headers()
        if not ok:
            self.wfile.write(b"storage backend failed")


def test_a_partial_failure_leaves_the_target_graph_untouched():
    _FlakyStore.updates = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _FlakyStore)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/query"
        g = parse_file(REPO / "data" / "d-community.ttl")
        with pytest.raises(RemoteError) as err:
            push(g, Endpoint.from_url(url), DEFAULT_GRAPH, chunk_size=100, progress=False)
        message = err.value.message("en")
        assert "HTTP 500" in message and "chunk 3 of" in message
        assert "200 of" in message and "target graph is unchanged" in message
        sent = _FlakyStore.updates
        # chunks went only to a staging graph; the target was never cleared or written; the staging graph is dropped
        assert all(DEFAULT_GRAPH not in u for u in sent)
        assert not any(u.lstrip().upper().startswith(("CLEAR", "MOVE")) for u in sent)
        assert sent[-1].startswith("DROP SILENT GRAPH <urn:uuid:")
        _FlakyStore.updates = []
        result = run("push", "--endpoint", url, "--chunk", "100", "--with", "data")
        assert result.exit_code != 0 and "unchanged" in result.output
    finally:
        server.shutdown()
        server.server_close()


def test_a_hostile_graph_name_is_refused_before_anything_is_sent():
    hostile = "https://example.org/g> } ; DROP ALL ; INSERT DATA { GRAPH <https://example.org/h"
    with pytest.raises(Exception) as err:
        push(Graph(), Endpoint.from_url("http://127.0.0.1:9/query"), hostile, progress=False)
    assert "not a graph IRI" in str(err.value.message("en") if hasattr(err.value, "message") else err.value)


def test_a_failed_push_keeps_the_previous_graph_on_a_real_store(store, monkeypatch):
    from chuangshu.rdf import load_ontology
    from chuangshu.sparql_client import Endpoint as Client

    ep = store.endpoint()
    first = load_ontology()
    push(first, ep, "https://example.org/g2", prefer_gsp=False, chunk_size=500, progress=False)
    real_update, sent = Client.update_, []

    def fail_on_the_third_insert(self, text):
        sent.append(text)
        if text.startswith("INSERT") and sum(t.startswith("INSERT") for t in sent) == 3:
            raise RemoteError("the server refused: HTTP 503", "服务器拒绝：HTTP 503")
        return real_update(self, text)

    monkeypatch.setattr(Client, "update_", fail_on_the_third_insert)
    with pytest.raises(RemoteError) as err:
        push(parse_file(REPO / "data" / "d-community.ttl"), ep, "https://example.org/g2", prefer_gsp=False,
             chunk_size=100, progress=False)
    assert "unchanged" in err.value.message("en")
    monkeypatch.setattr(Client, "update_", real_update)
    back = ep.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://example.org/g2> { ?s ?p ?o } }")
    assert isomorphic(back, first)
    graphs = {r["g"]["value"] for r in ep.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert not any(g.startswith("urn:uuid:") for g in graphs)  # the staging graph was dropped


def test_the_endpoint_holds_the_query_library_as_rdf(served):
    """sparql-examples style: a researcher finds the competency questions from the endpoint itself."""
    from chuangshu.library import Query, query_form

    find = Query("examples", """
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        PREFIX schema: <https://schema.org/>
        SELECT ?q ?label ?question ?text ?target WHERE {
          GRAPH <https://w3id.org/chuangshu/queries> {
            ?q a sh:SPARQLExecutable ; rdfs:label ?label ; sh:select ?text ; schema:target ?target ;
               dcterms:isPartOf <https://w3id.org/chuangshu/queries> ; rdfs:comment ?question .
            FILTER (LANG(?question) = "zh")
          }
        }""")
    rows = run_remote(find, served, {}).rows
    assert {str(r["label"]) for r in rows} == {q.name.upper() for q in library() if query_form(q.text) == "SELECT"}
    assert {str(r["target"]) for r in rows} == {served}
    cq05 = next(r for r in rows if str(r["label"]) == "CQ05")
    assert "阶段" in str(cq05["question"])
    # the text found there runs there, and gives what the library's own file gives
    found = run_remote(Query("cq05", str(cq05["text"])), served, {})
    assert {(str(r["community"]), str(r["stage"])) for r in found.rows} == \
        {(str(r["community"]), str(r["stage"])) for r in run_remote(find_query("cq05"), served, {}).rows}
    turtle = urllib.request.urlopen(served.replace("/query", "/.well-known/sparql-examples"), timeout=10)
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    from rdflib import Graph

    assert len(Graph().parse(data=turtle.read().decode("utf-8"), format="turtle")) > 100
    page = urllib.request.urlopen(served.replace("/query", "/"), timeout=10).read().decode("utf-8")
    assert 'data-query="' in page and "CQ05" in page


def test_json_ld_keeps_blank_nodes_under_properties_typed_as_iris(tmp_path):
    """rdflib writes a blank-node object of a term typed @id as a bare "_:b" and drops its statements;
    the export leaves such a property untyped in the document's context, and loses nothing."""
    src = tmp_path / "case.ttl"
    src.write_text("""PREFIX cs: <https://w3id.org/chuangshu/ontology#>
PREFIX csd: <https://w3id.org/chuangshu/data/>
csd:I cs:inCommunity [ a cs:Community ; cs:hasForm cs:OldCity ] ; cs:builds cs:GeneralizedTrust .
csd:J cs:inCommunity csd:D .
""", encoding="utf-8")
    out = tmp_path / "case.jsonld"
    result = run("export", src, "-o", out, "--with", "data")
    assert result.exit_code == 0, result.output
    assert isomorphic(parse_file(out), parse_file(src))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert "@type" not in doc["@context"]["inCommunity"] and doc["@context"]["builds"]["@type"] == "@id"
