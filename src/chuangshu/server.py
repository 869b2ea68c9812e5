"""``chuangshu serve``: a read-only SPARQL 1.1 endpoint on the loopback interface.

The knowledge graph is held in an in-memory Oxigraph store inside this process, and a small
HTTP server answers the SPARQL 1.1 Protocol's query operation on ``/query`` (GET, or POST as
a form or ``application/sparql-query``), with content negotiation: SPARQL results as JSON,
XML, CSV or TSV; graphs as Turtle, N-Triples, RDF/XML or JSON-LD. ``/`` is a query page that
works offline (no script or style from elsewhere).

What it refuses, and why:

- every update (``/update``, a POST of ``application/sparql-update``) and every Graph Store
  request (``/store``): the endpoint is read-only, and a full dump is ``chuangshu export``'s
  job, not the server's;
- a request whose ``Host`` header is not a loopback name (``127.0.0.1``, ``localhost``,
  ``[::1]``): a web page that rebinds its own DNS name to 127.0.0.1 cannot read the graph;
- ``SERVICE`` clauses: a query never makes the server contact another host.

The query library (competency questions, rules, report queries) is held as RDF in the named graph
``<https://w3id.org/chuangshu/queries>`` in the style of SIB's sparql-examples (each a
``sh:SPARQLExecutable`` with its text, its question in zh and en, keywords, and ``schema:target`` this
endpoint), so a researcher finds the questions from the endpoint itself; ``GET
/.well-known/sparql-examples`` returns that graph, and the query page offers them in a list.

There is no child process and no temporary database: SIGTERM, SIGINT and SIGHUP stop the
server and the process exits with nothing left behind.
"""

from __future__ import annotations

import html
import signal
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
from rdflib import Graph

from .errors import ChuangshuError
from .i18n import pick

LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}
MAX_QUERY_BYTES = 1 * 2**20

_RESULTS = [  # (media type, format) for SELECT and ASK, first = default
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("application/xml", ox.QueryResultsFormat.XML),
    ("text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
]
_GRAPHS = [  # for CONSTRUCT and DESCRIBE
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("text/plain", ox.RdfFormat.N_TRIPLES),
]


class _Stop(BaseException):
    """Raised by the signal handler to leave ``serve_forever``. Not an ``Exception``: library code
    that catches those (click's output helpers do) must not swallow a stop that lands in it."""


def _negotiate(accept: str, offers: list) -> tuple[str, object]:
    """The first offer the Accept header admits, by its q-values; the first offer otherwise."""
    ranked = []
    for i, part in enumerate((accept or "*/*").split(",")):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, i, fields[0].lower()))
    for neg_q, _, media in sorted(ranked):
        if neg_q == 0:
            break
        for offer in offers:
            if media in (offer[0], "*/*") or (media.endswith("/*") and offer[0].startswith(media[:-1])):
                return offer
    return offers[0]


def host_allowed(host_header: str | None) -> bool:
    """Whether a Host header names this machine's loopback interface."""
    if not host_header:
        return False
    host = host_header.strip().lower()
    if host.startswith("["):
        name = host[1:host.find("]")] if "]" in host else ""
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name in LOOPBACK_NAMES


def uses_service(query: str) -> bool:
    """Whether a SPARQL text has a SERVICE clause (outside comments, strings and IRIs)."""
    from .library import sparql_keywords

    return "SERVICE" in sparql_keywords(query)


class _Handler(BaseHTTPRequestHandler):
    server_version = "chuangshu"
    sys_version = ""
    store: ox.Store
    page: bytes

    def log_message(self, *args):  # quiet: the terminal shows the one "serving" line
        pass

    # ---- plumbing ---------------------------------------------------------------------

    def _reply(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, status: int, text: str) -> None:
        self._reply(status, (text + "\n").encode("utf-8"))

    def _guard(self) -> bool:
        if not host_allowed(self.headers.get("Host")):
            self._text(403, "forbidden: this endpoint answers only requests addressed to 127.0.0.1, localhost or [::1]")
            return False
        return True

    # ---- methods ----------------------------------------------------------------------

    def do_GET(self):
        if not self._guard():
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            self._reply(200, self.page, "text/html; charset=utf-8")
        elif url.path == "/query":
            params = urllib.parse.parse_qs(url.query)
            if "query" not in params:
                self._reply(200, self.page, "text/html; charset=utf-8")
                return
            self._answer(params["query"][0], params)
        elif url.path == EXAMPLES_PATH and self.examples:
            self._reply(200, self.examples, "text/turtle; charset=utf-8")
        elif url.path in ("/update", "/store"):
            self._text(403, "forbidden: this endpoint is read-only (use chuangshu export for a dump)")
        else:
            self._text(404, "not found: the SPARQL endpoint is /query")

    do_HEAD = do_GET

    def do_POST(self):
        if not self._guard():
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/query":
            self._text(403 if url.path in ("/update", "/store") else 404,
                       "forbidden: this endpoint is read-only" if url.path in ("/update", "/store") else "not found")
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_QUERY_BYTES:
            self._text(413, f"a query may have at most {MAX_QUERY_BYTES} bytes")
            return
        body = self.rfile.read(length)
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            if kind == "application/sparql-query":
                params = urllib.parse.parse_qs(url.query)
                text = body.decode("utf-8")
            elif kind == "application/x-www-form-urlencoded":
                params = urllib.parse.parse_qs(body.decode("utf-8"))
                if "update" in params:
                    self._text(403, "forbidden: this endpoint is read-only")
                    return
                text = params.get("query", [""])[0]
            elif kind == "application/sparql-update":
                self._text(403, "forbidden: this endpoint is read-only")
                return
            else:
                self._text(415, "send the query as application/sparql-query or application/x-www-form-urlencoded")
                return
        except UnicodeDecodeError:
            self._text(400, "the query is not UTF-8 text")
            return
        self._answer(text, params)

    def do_PUT(self):
        if self._guard():
            self._text(405, "method not allowed: this endpoint is read-only")

    do_DELETE = do_PATCH = do_PUT

    def _answer(self, text: str, params: dict) -> None:
        if not text.strip():
            self._text(400, "no query")
            return
        if uses_service(text):
            self._text(403, "forbidden: SERVICE clauses are not run (the endpoint never contacts other hosts)")
            return
        graphs = [ox.NamedNode(g) for g in params.get("default-graph-uri", [])]
        try:
            result = self.store.query(text, default_graph=graphs or None,
                                      named_graphs=[ox.NamedNode(g) for g in params.get("named-graph-uri", [])] or None)
        except SyntaxError as err:
            self._text(400, f"bad query: {err}")
            return
        except (ValueError, OSError, RuntimeError) as err:
            self._text(400, f"the query failed: {err}")
            return
        try:
            if isinstance(result, ox.QueryTriples):
                media, fmt = _negotiate(self.headers.get("Accept", ""), _GRAPHS)
                body = result.serialize(format=fmt)
            else:
                media, fmt = _negotiate(self.headers.get("Accept", ""), _RESULTS)
                body = result.serialize(format=fmt)
        except (ValueError, OSError, RuntimeError) as err:
            self._text(500, f"the results could not be written: {err}")
            return
        self._reply(200, body, media + ("; charset=utf-8" if media.startswith("text/") else ""))


EXAMPLES_GRAPH = "https://w3id.org/chuangshu/queries"
EXAMPLES_PATH = "/.well-known/sparql-examples"


def _examples_options(examples: Graph | None, lang: str) -> str:
    """<option>s of the competency questions for the query page (text in a data attribute, escaped)."""
    if examples is None:
        return ""
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS, RDFS

    sh = "http://www.w3.org/ns/shacl#"
    rows = []
    for node in examples.subjects(DCTERMS.isPartOf, URIRef(EXAMPLES_GRAPH)):
        text = examples.value(node, URIRef(sh + "select")) or examples.value(node, URIRef(sh + "ask"))
        if text is None:
            continue
        comments = {o.language: str(o) for o in examples.objects(node, RDFS.comment) if isinstance(o, Literal)}
        rows.append((str(examples.value(node, RDFS.label)), comments.get(lang) or comments.get("en", ""), str(text)))
    return "".join(f'<option value="{html.escape(label)}" data-query="{html.escape(text)}">{html.escape(label)} '
                   f'{html.escape(question)}</option>' for label, question, text in sorted(rows))


def _page(lang: str, triples: int, examples: Graph | None = None) -> bytes:
    title = pick(lang, "chuangshu — read-only SPARQL endpoint", "创熟——只读 SPARQL 端点")
    hint = pick(lang, f"{triples} triples. Queries go to /query; updates are refused.",
                f"共 {triples} 个三元组。查询发往 /query；拒绝更新。")
    run = pick(lang, "Run", "运行")
    example = ("PREFIX cs: <https://w3id.org/chuangshu/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
               "SELECT ?community ?label ?stage WHERE {\n  ?a cs:assesses ?community ; cs:currentStage ?stage .\n"
               "  OPTIONAL { ?community rdfs:label ?label }\n} ORDER BY ?community")
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:70em}}textarea{{width:100%;height:12em;font-family:monospace}}
table{{border-collapse:collapse;margin-top:1em}}td,th{{border:1px solid #999;padding:.2em .5em;text-align:left;vertical-align:top}}</style>
</head><body><h1>{html.escape(title)}</h1><p>{html.escape(hint)}</p>
<form id="f"><p><label>{html.escape(pick(lang, "Competency questions", "能力问题"))}:
<select id="examples"><option value="">—</option>{_examples_options(examples, lang)}</select></label>
<small>{html.escape(pick(lang, f"(also as RDF: GET {EXAMPLES_PATH}, or the graph <{EXAMPLES_GRAPH}>)",
                           f"（RDF 形式：GET {EXAMPLES_PATH}，或图 <{EXAMPLES_GRAPH}>）"))}</small></p>
<textarea id="q" name="query">{html.escape(example)}</textarea><br><button>{html.escape(run)}</button></form>
<div id="out"></div>
<script>
document.getElementById('examples').addEventListener('change', (e) => {{
  const o = e.target.selectedOptions[0]; if (o && o.dataset.query) document.getElementById('q').value = o.dataset.query;
}});
document.getElementById('f').addEventListener('submit', async (e) => {{
  e.preventDefault();
  const out = document.getElementById('out'); out.textContent = '…';
  const r = await fetch('/query', {{method: 'POST', headers: {{'Content-Type': 'application/sparql-query',
    'Accept': 'application/sparql-results+json, text/turtle;q=0.9'}}, body: document.getElementById('q').value}});
  const text = await r.text();
  if (!r.ok || !(r.headers.get('Content-Type') || '').includes('json')) {{ const pre = document.createElement('pre');
    pre.textContent = text; out.replaceChildren(pre); return; }}
  const data = JSON.parse(text);
  if ('boolean' in data) {{ out.textContent = String(data.boolean); return; }}
  const table = document.createElement('table'); const head = table.insertRow();
  for (const v of data.head.vars) {{ const th = document.createElement('th'); th.textContent = v; head.appendChild(th); }}
  for (const b of data.results.bindings) {{ const row = table.insertRow();
    for (const v of data.head.vars) {{ row.insertCell().textContent = b[v] ? b[v].value : ''; }} }}
  out.replaceChildren(table);
}});
</script></body></html>
""".encode("utf-8")


def make_server(graph: Graph, port: int, lang: str = "en", examples: bool = True) -> ThreadingHTTPServer:
    """Bind the server (a port in use is an error here, before anything says "serving"); with
    ``examples``, the query library as RDF in its named graph, ``schema:target`` this endpoint."""
    from .rules import to_ox

    store = ox.Store()
    store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph)
    handler = type("Handler", (_Handler,), {"store": store, "page": _page(lang, len(graph)), "examples": b""})
    ThreadingHTTPServer.allow_reuse_address = False
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as err:
        raise ChuangshuError(f"cannot listen on 127.0.0.1:{port}: {err.strerror or err}"
                             + (" (the port is in use; choose another with --port)" if err.errno in (98, 48) else ""),
                             f"无法在 127.0.0.1:{port} 上监听：{err.strerror or err}"
                             + ("（端口已被占用；请用 --port 另选）" if err.errno in (98, 48) else ""), where="--port") from None
    server.daemon_threads = True
    if examples:
        from .publish import query_library_graph

        library = query_library_graph(target=f"http://127.0.0.1:{server.server_address[1]}/query")
        named = ox.NamedNode(EXAMPLES_GRAPH)
        store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), named) for s, p, o in library)
        handler.examples = library.serialize(format="turtle").encode("utf-8")
        handler.page = _page(lang, len(graph), library)
    return server


def serve(graph: Graph, port: int, on_ready=None, lang: str = "en") -> int:
    """Serve ``graph`` read-only on 127.0.0.1:port until SIGINT, SIGTERM or SIGHUP; returns the exit
    code every command gives for the stop: 128 + the signal's number (130, 143, 129).
    The signals are caught from the start, so one that comes while the store is being filled
    (after the port is bound) stops the server as cleanly as one that comes later — and is
    remembered, so that a stop raised inside code that swallows it still keeps the server from
    starting to serve."""
    stopping = threading.Event()
    stopped_by = [signal.SIGINT]  # Ctrl-C, unless a handler says otherwise

    def stop(signum, frame):
        stopped_by[0] = signum
        stopping.set()
        raise _Stop()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if sig is not None:
                previous[sig] = signal.signal(sig, stop)
    server = None
    try:
        server = make_server(graph, port, lang)
        if on_ready:
            on_ready(f"http://127.0.0.1:{server.server_address[1]}/query")
        if not stopping.is_set():
            server.serve_forever(poll_interval=0.2)
    except (_Stop, KeyboardInterrupt):
        stopping.set()
    finally:
        if server is not None:
            server.server_close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 128 + int(stopped_by[0]) if stopping.is_set() else 0
