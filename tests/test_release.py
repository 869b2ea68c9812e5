"""Publishing (issue #16): the release artefacts of one command, the JSON-LD context, the query
library as RDF, the documentation site (checked statically and in headless Chromium), citation and
licences, and the w3id redirect rules."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tomllib
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS

from chuangshu.dlprofile import check_dl_profile, checker_available
from chuangshu.rdf import load_ontology, parse_file, parse_files
from chuangshu.publish import (ONTOLOGY_IRI, _runnable_text, changelog_entry, context_path, context_text,
                               ontology_version, query_library_graph)
from chuangshu.reason import java_available

from conftest import CS, REPO
from html_check import check_links, chromium, needs_chromium, parse_html

SPDX = "http://spdx.org/rdf/terms#"
SH = "http://www.w3.org/ns/shacl#"
ONT = URIRef(ONTOLOGY_IRI)
needs_java = pytest.mark.skipif(not java_available(), reason="the full release is classified by HermiT (Java); CI installs it")
needs_jdk = pytest.mark.skipif(not checker_available(), reason="the OWL 2 DL profile check needs a JDK; CI installs one")


@pytest.fixture(scope="module")
def version() -> str:
    return ontology_version(load_ontology())


# --- one version everywhere, a changelog entry, citation and licences ----------------------------

def test_one_version_everywhere(version):
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    onto = load_ontology()
    assert project["version"] == citation["version"] == version
    assert str(onto.value(ONT, OWL.versionIRI)) == f"{ONTOLOGY_IRI}/{version}"
    prior = onto.value(ONT, OWL.priorVersion)
    assert prior is not None and str(prior) != f"{ONTOLOGY_IRI}/{version}"
    entry = changelog_entry(version)
    assert entry.date == citation["date-released"] == str(onto.value(ONT, DCTERMS.issued))
    for heading in ("### Added", "### Changed"):
        assert heading in entry.text
    assert f"## {str(prior).rsplit('/', 1)[1]} — " in (REPO / "CHANGELOG.md").read_text(encoding="utf-8")


def test_licences_are_stated_per_artefact(version):
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT AND CC-BY-4.0"
    assert all((REPO / f).exists() for f in project["license-files"])
    onto = load_ontology()
    assert onto.value(ONT, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    creator = onto.value(ONT, DCTERMS.creator)
    assert isinstance(creator, URIRef) and onto.value(creator, DCTERMS.identifier) is not None
    assert (creator, RDF.type, FOAF.Organization) in onto


def test_citation_cites_the_software_and_the_paper():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0" and citation["type"] == "software"
    assert set(citation["license"]) == {"MIT", "CC-BY-4.0"}
    assert all("name" in a or "family-names" in a for a in citation["authors"])
    paper = citation["references"][0]
    assert paper["type"] == "article" and paper["title"] == "“递进式创熟”：城市社区治理共同体的柔性建构之道"
    assert [(a["family-names"], a["given-names"], a["alias"]) for a in paper["authors"]] == [
        ("Chen", "Zepeng", "陈泽鹏"), ("Lei", "Xiaokang", "雷晓康")]
    # what the source does not give is said to be missing, not made up
    assert "journal" not in paper and "doi" not in paper and "not given" in paper["notes"]
    text = (REPO / "../shared/paper/chuangshu-paper-zh.txt").resolve()
    if text.exists():   # the paper's own lines (absent from a clean clone)
        paper_text = text.read_text(encoding="utf-8")
        assert "陈泽鹏  雷晓康" in paper_text and "Chang’an University" in paper_text


def test_a_release_needs_its_changelog_entry(tmp_path):
    from chuangshu.errors import InputError

    log = tmp_path / "CHANGELOG.md"
    log.write_text("# Changelog\n\n## 0.1.0 — 2026-11-25\n\nFirst.\n", encoding="utf-8")
    assert changelog_entry("0.1.0", log).date == "2026-11-25"
    with pytest.raises(InputError, match="no entry `## 9.9.9"):
        changelog_entry("9.9.9", log)


# --- the JSON-LD context ---------------------------------------------------------------------------

def test_the_context_is_generated_from_the_ontology_and_up_to_date(version):
    path = context_path(version)
    assert path.read_text(encoding="utf-8") == context_text(), "run: chuangshu release --update"


def test_the_context_covers_every_property_the_data_and_the_assessment_use(version):
    from chuangshu.assess import knowledge_graph
    from chuangshu.reference import with_reference_cases
    from chuangshu.load import load_graph

    ctx = json.loads(context_path(version).read_text(encoding="utf-8"))["@context"]
    expanded = set()
    for name, term in ctx.items():
        if isinstance(term, dict):
            prefix, _, local = term["@id"].partition(":")
            expanded.add(ctx[prefix] + local)
    graph = knowledge_graph(with_reference_cases(load_graph()))
    used = {str(p) for p in graph.predicates()}
    assert used - expanded == set()
    assert len([t for t in ctx.values() if isinstance(t, dict)]) > 150
    assert ctx["hasForm"] == {"@id": "cs:hasForm", "@type": "@id"}
    assert ctx["stageOrder"] == {"@id": "cs:stageOrder", "@type": "xsd:integer"}
    assert "@type" not in ctx["interviewDate"]   # the data give dates at day, month or year precision


# --- the query library as RDF ----------------------------------------------------------------------

def test_the_query_library_as_rdf_has_every_query_and_its_text():
    from chuangshu.library import library, read_query

    g = query_library_graph()
    for q in library():
        node = URIRef(f"https://w3id.org/chuangshu/queries/{q.name}")
        assert (node, RDF.type, URIRef(SH + "SPARQLExecutable")) in g, q.name
        text = next(o for p in ("select", "ask", "construct") for o in g.objects(node, URIRef(SH + p)))
        assert str(text) == _runnable_text(q.text)
        assert {o.language for o in g.objects(node, RDFS.comment)} == {"zh", "en"}
        assert (node, URIRef(SH + "prefixes"), None) in g
    rules = sorted((REPO / "queries" / "rules").glob("*.rq"))
    for position, path in enumerate(rules, start=1):
        node = URIRef(read_query(path).meta["rule"])
        assert (node, URIRef(SH + "construct"), None) in g, path.name
        assert int(g.value(node, URIRef("https://schema.org/position"))) == position
    # the prefix declarations as SHACL wants them
    declared = {str(g.value(d, URIRef(SH + "prefix"))) for d in g.objects(None, URIRef(SH + "declare"))}
    assert {"cs", "csd", "rdfs", "prov"} <= declared


def test_a_query_taken_from_the_rdf_gives_what_the_file_gives(ontology):
    from chuangshu.assess import knowledge_graph
    from chuangshu.library import Query, find_query, run_local
    from chuangshu.load import load_graph

    graph = knowledge_graph(load_graph())
    g = query_library_graph()
    for name in ("cq05", "cq09", "cq13"):
        text = str(next(g.objects(URIRef(f"https://w3id.org/chuangshu/queries/{name}"), URIRef(SH + "select"))))
        ours = run_local(Query(name, text), graph, {})
        theirs = run_local(find_query(name), graph, {})
        assert ours.rows == theirs.rows and ours.rows, name


# --- the release -------------------------------------------------------------------------------------

EXPECTED = {"chuangshu.ttl", "chuangshu.rdf", "chuangshu.jsonld", "chuangshu-base.ttl", "chuangshu-base.rdf",
            "chuangshu-base.jsonld", "shapes.ttl", "context.jsonld", "queries.ttl", "data.ttl", "CHANGELOG.md",
            "CITATION.cff", "void.ttl", "docs"}


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    if not java_available():
        pytest.skip("the full release is classified by HermiT (Java); CI installs it")
    from chuangshu.publish import build_release

    out = tmp_path_factory.mktemp("release")
    folder = build_release(out)
    return folder


def test_release_writes_every_artefact_and_nothing_else(released, version):
    assert released.name == version
    assert {p.name for p in released.iterdir()} == EXPECTED
    assert [p.name for p in released.parent.iterdir()] == [version]   # no work folder left behind


def test_release_serializations_agree_and_carry_their_version_iris(released, version):
    full = [parse_file(released / f"chuangshu{s}") for s in (".ttl", ".rdf", ".jsonld")]
    base = [parse_file(released / f"chuangshu-base{s}") for s in (".ttl", ".rdf", ".jsonld")]
    assert isomorphic(full[0], full[1]) and isomorphic(full[0], full[2])
    assert isomorphic(base[0], base[1]) and isomorphic(base[0], base[2])
    full, base = full[0], base[0]
    assert str(full.value(ONT, OWL.versionIRI)) == f"{ONTOLOGY_IRI}/{version}"
    assert str(base.value(ONT, OWL.versionIRI)) == f"{ONTOLOGY_IRI}/{version}/base"
    assert full.value(ONT, OWL.priorVersion) == base.value(ONT, OWL.priorVersion) is not None
    # full: the classification HermiT infers, asserted; the source does not state it
    source = load_ontology()
    for defined, parent in ((CS.TrustBuildingIntervention, CS.Intervention), (CS.HighSocialCapitalCommunity, CS.Community)):
        assert (defined, RDFS.subClassOf, parent) in full and (defined, RDFS.subClassOf, parent) not in source
    assert any("HermiT" in str(n) for n in full.objects(ONT, URIRef("http://www.w3.org/2004/02/skos/core#editorialNote")))
    # base: the ontology's own axioms; external terms declared, nothing more said of them
    org = URIRef("http://www.w3.org/ns/org#Organization")
    assert (org, RDF.type, OWL.Class) in base and (org, RDFS.subClassOf, None) not in base
    assert (org, RDFS.subClassOf, None) in full
    named = lambda g: {c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}  # noqa: E731
    assert named(base) == named(source)


@needs_jdk
def test_release_ontologies_are_owl2_dl_on_their_own(released):
    for name in ("chuangshu.rdf", "chuangshu-base.rdf"):
        assert check_dl_profile(parse_file(released / name)).violations == [], name


def test_release_description_lists_every_file_with_its_checksum_and_licence(released, version):
    void = parse_file(released / "void.ttl")
    rel = URIRef(f"https://w3id.org/chuangshu/releases/{version}")
    dists = set(void.objects(rel, DCAT.distribution))
    names = {str(d).split(f"/{version}/", 1)[1] for d in dists}
    assert names == (EXPECTED - {"docs", "void.ttl"}) | {"docs/index.html"}
    for d in dists:
        path = released / str(d).split(f"/{version}/", 1)[1]
        data = path.read_bytes()
        assert int(void.value(d, DCAT.byteSize)) == len(data)
        checksum = void.value(d, URIRef(SPDX + "checksum"))
        assert str(void.value(checksum, URIRef(SPDX + "checksumValue"))) == hashlib.sha256(data).hexdigest()
        licence = str(void.value(d, DCTERMS.license))
        assert licence == ("https://spdx.org/licenses/MIT" if path.name == "queries.ttl"
                           else "https://creativecommons.org/licenses/by/4.0/")
        assert str(void.value(d, DCAT.mediaType)).startswith("https://www.iana.org/assignments/media-types/")
    assert str(void.value(rel, DCTERMS.issued)) == changelog_entry(version).date


def test_release_shapes_data_and_context_are_the_repositorys(released, version):
    from chuangshu import resources

    assert isomorphic(parse_file(released / "shapes.ttl"), parse_files(resources.shapes_files()))
    assert isomorphic(parse_file(released / "data.ttl"), parse_files(resources.reference_files()))
    assert (released / "context.jsonld").read_bytes() == context_path(version).read_bytes()
    assert (released / "CHANGELOG.md").read_text(encoding="utf-8") == changelog_entry(version).text


def test_release_refuses_to_overwrite_unless_asked_and_then_replaces_whole(released, tmp_path, monkeypatch):
    from chuangshu.errors import InputError
    from chuangshu.publish import build_release

    out = tmp_path / "r"
    shutil.copytree(released, out / released.name)
    (out / released.name / "stray.txt").write_text("old")
    with pytest.raises(InputError, match="--overwrite"):
        build_release(out, docs=False)
    assert (out / released.name / "stray.txt").exists()
    build_release(out, docs=False, overwrite=True)
    assert {p.name for p in (out / released.name).iterdir()} == EXPECTED - {"docs"}
    assert [p.name for p in out.iterdir()] == [released.name]


def test_a_failed_release_leaves_nothing(tmp_path, monkeypatch):
    import chuangshu.publish as publish

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(publish, "query_library_graph", boom)
    with pytest.raises(RuntimeError):
        publish.build_release(tmp_path, docs=False)
    assert list(tmp_path.iterdir()) == []


# --- the documentation site ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(released):
    return released / "docs"


def test_the_site_has_every_page_in_both_languages(site):
    from chuangshu.library import library
    from chuangshu import resources

    shapes = parse_files(resources.shapes_files())
    shape_names = {str(s).split("#")[1] for s in shapes.subjects(RDF.type, URIRef(SH + "NodeShape"))}
    for lang in ("en", "zh"):
        root = site / lang
        assert {p.stem for p in (root / "shapes").glob("*.html")} == shape_names | {"index"}
        assert {p.stem for p in (root / "queries").glob("*.html")} == {q.name for q in library()} | {"index"}
        ids = parse_html(root / "ontology.html").ids
        terms = {str(s)[len(str(CS)):] for s in load_ontology().subjects(RDF.type, None) if str(s).startswith(str(CS))}
        assert terms - ids == set()
        svg = (site / f"stage-model-{lang}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "http://www.w3.org/2000/svg" in svg
    zh = (site / "zh" / "ontology.html").read_text(encoding="utf-8")
    assert 'lang="zh"' in zh and "破冰" in zh and "ice-breaking" in zh   # the other language beside
    assert "破冰" in (site / "stage-model-zh.svg").read_text(encoding="utf-8")
    assert "ice-breaking" in (site / "stage-model-en.svg").read_text(encoding="utf-8")


def test_a_query_page_shows_its_result_on_the_bundled_data(site):
    en = (site / "en" / "queries" / "cq05.html").read_text(encoding="utf-8")
    zh = (site / "zh" / "queries" / "cq05.html").read_text(encoding="utf-8")
    assert "SELECT ?community ?stage ?ready" in en
    assert "boundary extended" in en and "ice-breaking" in en        # S and D, by the stage's label
    assert "边界已扩展" in zh and "破冰" in zh
    shape = (site / "en" / "shapes" / "CommunityShape.html").read_text(encoding="utf-8")
    assert "Violation" in shape and 'lang="zh"' in shape


def test_the_site_has_no_broken_link_and_loads_nothing_from_elsewhere(site):
    assert len(sorted(site.rglob("*.html"))) > 100
    check_links(site, outside_ok=site.parent)     # downloads beside docs/ in the release folder
    css = (site / "style.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css


@needs_chromium
def test_the_site_renders_in_headless_chromium_offline(site):
    sync_api = pytest.importorskip("playwright.sync_api")
    requested, errors = [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("request", lambda r: requested.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())   # the network is not there
            page.goto((site / "index.html").as_uri())
            page.click("a[hreflang=zh]")
            assert page.url.endswith("/zh/index.html")
            assert "阶段模型" in page.inner_text("main")
            width = page.evaluate("document.querySelector('img.diagram').naturalWidth")
            assert width > 300      # the diagram loaded and drew
            page.click("text=English")
            assert page.url.endswith("/en/index.html")
            page.click("header >> text=Reference")
            assert page.locator("#IceBreaking h3").inner_text().startswith("ice-breaking")
            page.goto((site / "en" / "queries" / "cq05.html").as_uri())
            assert page.locator("table.results tbody tr").count() >= 2
            page.goto((site / "en" / "shapes" / "CommunityShape.html").as_uri())
            assert page.locator("td.severity").count() > 0
        finally:
            browser.close()
    assert errors == []
    assert [u for u in requested if not u.startswith("file:")] == []


# --- resolvable IRIs: the w3id rules, applied on loopback ---------------------------------------------

def test_the_w3id_rules_are_generated_for_this_version(version):
    from chuangshu.publish import htaccess_path, htaccess_text

    assert htaccess_path().read_text(encoding="utf-8") == htaccess_text(version), "run: chuangshu release --update"


@pytest.fixture(scope="module")
def w3id(released):
    """w3id.org and the release host, both on 127.0.0.1: /chuangshu/… answers with the rules of
    w3id/.htaccess (the host name of the release site replaced by this server's /host/), /host/…
    serves the release folder as a static site would."""
    import http.server
    import threading

    from rewrite import apply, read_rules

    from chuangshu.publish import HOSTING
    from servers import free_port

    rules = read_rules((REPO / "w3id" / ".htaccess").read_text(encoding="utf-8"))
    root = released.parent
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    types = {".ttl": "text/turtle", ".rdf": "application/rdf+xml", ".jsonld": "application/ld+json",
             ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml", ".css": "text/css", ".md": "text/markdown",
             ".cff": "application/x-yaml"}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            path = urlsplit(self.path).path
            if path.startswith("/chuangshu/"):
                found = apply(rules, path[len("/chuangshu/"):], dict(self.headers))
                if found is None:
                    self.send_error(404)
                    return
                status, location = found
                assert location.startswith(HOSTING), location
                self.send_response(status)
                self.send_header("Location", f"{base}/host/{location[len(HOSTING):]}")
                self.end_headers()
            elif path.startswith("/host/releases/"):
                file = (root / unquote(path[len("/host/releases/"):])).resolve()
                if root.resolve() not in file.parents or not file.is_file():
                    self.send_error(404)
                    return
                body = file.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", types[file.suffix])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


def _resolve(base: str, iri: str, accept: str, language: str = "en") -> tuple[str, str, bytes, int]:
    """Follow the redirects of ``iri`` (an https://w3id.org/chuangshu/ IRI) on the loopback server:
    (final URL, content type, body, status of the first answer)."""
    import requests

    parts = urlsplit(iri)
    assert parts.netloc == "w3id.org"
    first = requests.get(f"{base}{parts.path}", headers={"Accept": accept, "Accept-Language": language},
                         allow_redirects=False, timeout=10)
    final = requests.get(f"{base}{parts.path}", headers={"Accept": accept, "Accept-Language": language}, timeout=10)
    final.raise_for_status()
    return final.url, final.headers["Content-Type"], final.content, first.status_code


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def test_ontology_iris_resolve_by_content_negotiation(w3id, version):
    for accept, fmt, suffix in (("text/turtle", "turtle", ".ttl"), ("application/rdf+xml", "xml", ".rdf"),
                                ("application/ld+json", "json-ld", ".jsonld")):
        for iri in ("https://w3id.org/chuangshu/ontology", str(CS.IceBreaking)):
            url, ctype, body, status = _resolve(w3id, iri, accept)
            assert status == 303 and url.endswith(f"/releases/{version}/chuangshu{suffix}"), (iri, accept, url)
            g = Graph().parse(data=body, format=fmt)
            assert (CS.IceBreaking, RDF.type, CS.Stage) in g
            assert str(g.value(ONT, OWL.versionIRI)) == f"{ONTOLOGY_IRI}/{version}"
    url, ctype, body, _ = _resolve(w3id, f"{ONTOLOGY_IRI}/{version}/base", "text/turtle")
    assert url.endswith("chuangshu-base.ttl")
    assert str(Graph().parse(data=body, format="turtle").value(ONT, OWL.versionIRI)).endswith("/base")
    # a linked-data client with its own Accept header (rdflib lists several RDF formats) follows the
    # redirect and reads what it gets
    g = Graph().parse(f"{w3id}/chuangshu/ontology/{version}")
    assert str(g.value(ONT, OWL.versionIRI)) == f"{ONTOLOGY_IRI}/{version}" and len(g) > 3000
    url, ctype, body, _ = _resolve(w3id, "https://w3id.org/chuangshu/ontology.owl", "*/*")
    assert url.endswith("chuangshu.rdf")


def test_a_browser_gets_the_documentation_in_its_language(w3id, version):
    url, ctype, body, status = _resolve(w3id, str(CS.IceBreaking), BROWSER)
    assert status == 303 and ctype.startswith("text/html") and url.endswith("/docs/en/ontology.html")
    assert b'id="IceBreaking"' in body      # the browser keeps #IceBreaking across the redirect
    url, ctype, body, _ = _resolve(w3id, str(CS.IceBreaking), BROWSER, language="zh-CN,zh;q=0.9")
    assert url.endswith("/docs/zh/ontology.html") and "破冰" in body.decode("utf-8")
    url, *_ = _resolve(w3id, "https://w3id.org/chuangshu/", BROWSER)
    assert url.endswith("/docs/index.html")


def test_shapes_queries_rules_context_data_and_files_resolve(w3id, version):
    url, ctype, body, _ = _resolve(w3id, "https://w3id.org/chuangshu/shapes#CommunityShape", "text/turtle")
    assert url.endswith("shapes.ttl") and (URIRef("https://w3id.org/chuangshu/shapes#CommunityShape"), None, None) in \
        Graph().parse(data=body, format="turtle")
    url, ctype, body, _ = _resolve(w3id, "https://w3id.org/chuangshu/shapes#CommunityShape", BROWSER)
    assert url.endswith("/docs/en/shapes/index.html") and b'id="CommunityShape"' in body
    url, ctype, body, _ = _resolve(w3id, "https://w3id.org/chuangshu/queries/cq05", "text/turtle")
    g = Graph().parse(data=body, format="turtle")
    assert (URIRef("https://w3id.org/chuangshu/queries/cq05"), URIRef(SH + "select"), None) in g
    url, ctype, body, _ = _resolve(w3id, "https://w3id.org/chuangshu/queries/cq05", BROWSER, "zh")
    assert url.endswith("/docs/zh/queries/cq05.html")
    url, ctype, body, _ = _resolve(w3id, "https://w3id.org/chuangshu/rules/established", BROWSER)
    assert url.endswith("/docs/en/rules.html#established") and b'id="established"' in body
    for iri in ("https://w3id.org/chuangshu/context", f"https://w3id.org/chuangshu/context/{version}"):
        url, ctype, body, _ = _resolve(w3id, iri, BROWSER)
        assert ctype == "application/ld+json" and "@context" in json.loads(body)
    url, ctype, body, _ = _resolve(w3id, "https://w3id.org/chuangshu/data/D", "text/turtle")
    assert (URIRef("https://w3id.org/chuangshu/data/D"), RDF.type, CS.Community) in Graph().parse(data=body, format="turtle")
    # every downloadURL of the release description resolves to its file
    body = _resolve(w3id, f"https://w3id.org/chuangshu/releases/{version}/void.ttl", "text/turtle")[2]
    description = Graph().parse(data=body, format="turtle")
    for d in description.subjects(RDF.type, DCAT.Distribution):
        url, ctype, body, status = _resolve(w3id, str(description.value(d, DCAT.downloadURL)), "*/*")
        assert status == 303 and len(body) == int(description.value(d, DCAT.byteSize))


def test_the_rules_reader_refuses_what_it_does_not_understand():
    from rewrite import apply, read_rules

    with pytest.raises(ValueError, match="line 2"):
        read_rules("RewriteEngine on\nRedirectMatch 301 ^/x https://example.org/\n")
    rules = read_rules("RewriteCond %{HTTP_ACCEPT} text/turtle [NC,OR]\nRewriteCond %{HTTP_ACCEPT} x-turtle [NC]\n"
                       "RewriteRule ^a/(b)$ https://h/$1.ttl [R=303,L]\nRewriteRule ^a/(b)$ https://h/$1.html [R=303,L,NE]\n")
    assert apply(rules, "a/b", {"Accept": "TEXT/TURTLE"}) == (303, "https://h/b.ttl")
    assert apply(rules, "a/b", {"Accept": "text/html"}) == (303, "https://h/b.html")
    assert apply(rules, "a/c", {}) is None
