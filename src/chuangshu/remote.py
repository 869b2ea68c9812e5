"""Real SPARQL servers: serve the knowledge graph read-only with Oxigraph's server,
push it into any SPARQL 1.1 store, and run the rules on a remote endpoint.

Push uses the Graph Store Protocol (HTTP PUT of N-Triples), and falls back to SPARQL
Update ``INSERT DATA`` in bounded chunks (triples sharing a blank node stay in one
chunk, so blank nodes keep their identity). A final count in the target graph
verifies that nothing was lost.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from .errors import ChuangshuError

DEFAULT_GRAPH = "https://w3id.org/chuangshu/graph/knowledge"
ASSESSMENT_GRAPH = "https://w3id.org/chuangshu/graph/assessment"


class RemoteError(ChuangshuError):
    exit_code = 1


def oxigraph_binary() -> str:
    exe = shutil.which("oxigraph")
    if not exe:
        raise ChuangshuError("the Oxigraph server is not installed (pip install oxigraph)",
                             "未安装 Oxigraph 服务器（pip install oxigraph）")
    return exe


# ---- serve ----------------------------------------------------------------------------

def prepare_store(graph: Graph, location: Path) -> None:
    """Bulk-load ``graph`` into an Oxigraph database at ``location``."""
    nt = location.parent / "load.nt"
    graph.serialize(nt, format="nt", encoding="utf-8")
    proc = subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file", str(nt)],
                          capture_output=True, text=True)
    nt.unlink()
    if proc.returncode != 0:
        raise ChuangshuError(f"oxigraph load failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr else ''}",
                             f"oxigraph 加载失败：{proc.stderr.strip().splitlines()[-1] if proc.stderr else ''}")


def serve(graph: Graph, port: int, on_ready=None) -> int:
    """Serve ``graph`` read-only on 127.0.0.1:port until interrupted; returns the exit code."""
    with tempfile.TemporaryDirectory(prefix="chuangshu-serve-") as tmp:
        location = Path(tmp) / "db"
        prepare_store(graph, location)
        cmd = [oxigraph_binary(), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
        proc = subprocess.Popen(cmd)
        if on_ready:
            on_ready(f"http://127.0.0.1:{port}/query")
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            proc.wait(timeout=10)
            return 0


# ---- HTTP -----------------------------------------------------------------------------

@dataclass
class Endpoint:
    query: str
    update: str | None = None
    store: str | None = None
    user: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str, update: str | None = None, store: str | None = None,
                 user: str | None = None, password: str | None = None) -> "Endpoint":
        base = url.rstrip("/")
        if base.endswith("/query"):
            root = base[: -len("/query")]
            update = update or root + "/update"
            store = store or root + "/store"
        return cls(url, update or url, store, user, password)

    def _headers(self, content_type: str | None = None, accept: str | None = None) -> dict:
        h = {}
        if content_type:
            h["Content-Type"] = content_type
        if accept:
            h["Accept"] = accept
        if self.user:
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
            h["Authorization"] = f"Basic {token}"
        return h

    def request(self, url: str, method: str, body: bytes | None, content_type: str | None = None,
                accept: str | None = None, timeout: float = 120) -> tuple[int, bytes]:
        req = urllib.request.Request(url, data=body, method=method,
                                     headers=self._headers(content_type, accept))
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()
        except (urllib.error.URLError, OSError) as err:
            raise RemoteError(f"cannot reach the server: {getattr(err, 'reason', err)}",
                              f"无法连接服务器：{getattr(err, 'reason', err)}", where=url) from None

    def update_(self, text: str) -> None:
        status, body = self.request(self.update, "POST", text.encode("utf-8"), "application/sparql-update")
        if not 200 <= status < 300:
            raise _refused(self.update, status, body)

    def select(self, text: str, default_graphs: list[str] = ()) -> list[dict]:
        import json

        params = [("query", text)] + [("default-graph-uri", g) for g in default_graphs]
        status, body = self.request(self.query, "POST", urllib.parse.urlencode(params).encode(),
                                    "application/x-www-form-urlencoded", "application/sparql-results+json")
        if not 200 <= status < 300:
            raise _refused(self.query, status, body)
        data = json.loads(body)
        return data["results"]["bindings"]

    def construct(self, text: str, default_graphs: list[str] = ()) -> Graph:
        params = [("query", text)] + [("default-graph-uri", g) for g in default_graphs]
        status, body = self.request(self.query, "POST", urllib.parse.urlencode(params).encode(),
                                    "application/x-www-form-urlencoded", "application/n-triples")
        if not 200 <= status < 300:
            raise _refused(self.query, status, body)
        return Graph().parse(data=body.decode("utf-8"), format="nt")


def _refused(url: str, status: int, body: bytes) -> RemoteError:
    detail = body.decode("utf-8", "replace").strip().splitlines()[0][:200] if body else ""
    return RemoteError(f"the server refused: HTTP {status} {detail}".rstrip(),
                       f"服务器拒绝：HTTP {status} {detail}".rstrip(), where=url)


# ---- push -----------------------------------------------------------------------------

def chunks(graph: Graph, size: int) -> list[list[tuple]]:
    """Split ``graph`` into chunks of about ``size`` triples; triples that share a blank
    node (directly or through other blank nodes) always land in the same chunk."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for s, _, o in graph:
        if isinstance(s, BNode) and isinstance(o, BNode):
            parent[find(s)] = find(o)
    groups: dict = {}
    singles = []
    for t in sorted(graph):
        s, _, o = t
        key = find(s) if isinstance(s, BNode) else (find(o) if isinstance(o, BNode) else None)
        if key is None:
            singles.append([t])
        else:
            groups.setdefault(key, []).append(t)
    out, current = [], []
    for group in singles + list(groups.values()):
        if current and len(current) + len(group) > size:
            out.append(current)
            current = []
        current.extend(group)
    if current:
        out.append(current)
    return out


def _nt(triples) -> str:
    g = Graph()
    for t in triples:
        g.add(t)
    return g.serialize(format="nt", encoding="utf-8").decode("utf-8")


def checked_graph_iri(graph_iri: str | None) -> str | None:
    """The graph IRI as a SPARQL term, after checking it is an IRI and nothing more: SPARQL
    Update has no way to bind a graph name, so the term is serialized by rdflib."""
    from .library import _BAD_IRI

    if graph_iri is None:
        return None
    if _BAD_IRI.search(graph_iri) or not graph_iri.startswith(("http://", "https://", "urn:")):
        raise ChuangshuError(f"not a graph IRI: {graph_iri!r}", f"不是图 IRI：{graph_iri!r}", where="--graph")
    return URIRef(graph_iri).n3()


def count(endpoint: Endpoint, graph_iri: str | None) -> int:
    pattern = f"GRAPH {checked_graph_iri(graph_iri)} {{ ?s ?p ?o }}" if graph_iri else "?s ?p ?o"
    rows = endpoint.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    return int(rows[0]["n"]["value"])


def push(graph: Graph, endpoint: Endpoint, graph_iri: str | None, *, chunk_size: int = 5000,
         progress: bool = True, prefer_gsp: bool = True) -> dict:
    """Load ``graph`` into ``graph_iri`` (replacing it) on the endpoint; verify the count."""
    from tqdm import tqdm

    graph_term = checked_graph_iri(graph_iri)
    method = None
    if prefer_gsp and endpoint.store:
        target = endpoint.store + ("?" + urllib.parse.urlencode({"graph": graph_iri}) if graph_iri else "?default")
        body = _nt(graph).encode("utf-8")
        status, reply = endpoint.request(target, "PUT", body, "application/n-triples")
        if 200 <= status < 300:
            method = "graph store protocol"
        elif status in (401, 403):
            raise _refused(target, status, reply)
        # otherwise (404, 405, 415, 501 …): the store speaks no GSP here; use SPARQL Update
    if method is None:
        method = "SPARQL Update"
        target = f"GRAPH {graph_term}" if graph_iri else "DEFAULT"
        endpoint.update_(f"CLEAR SILENT {target}")
        parts = chunks(graph, chunk_size)
        done = 0
        bar = tqdm(total=len(graph), unit="triples", desc="push", disable=not progress, leave=False)
        try:
            for i, part in enumerate(parts, 1):
                data = _nt(part)
                text = (f"INSERT DATA {{ GRAPH {graph_term} {{\n{data}}} }}" if graph_iri
                        else f"INSERT DATA {{\n{data}}}")
                try:
                    endpoint.update_(text)
                except RemoteError as err:
                    raise RemoteError(
                        f"{err.en} — chunk {i} of {len(parts)} failed after {done} of {len(graph)} triples were stored; "
                        f"the target graph is incomplete",
                        f"{err.zh} —— 第 {i}/{len(parts)} 块失败，此前已存入 {done}/{len(graph)} 个三元组；目标图不完整",
                        where=err.where) from None
                done += len(part)
                bar.update(len(part))
        finally:
            bar.close()
    stored = count(endpoint, graph_iri)
    if stored != len(graph):
        raise RemoteError(f"verify failed: the target graph holds {stored} triples, {len(graph)} were sent",
                          f"校验失败：目标图有 {stored} 个三元组，发送了 {len(graph)} 个", where=endpoint.query)
    return {"method": method, "triples": len(graph), "verified": stored}


# ---- remote rules ---------------------------------------------------------------------------

def assess_remote(endpoint: Endpoint, graph_iri: str, *, as_of: Literal | None = None, lang: str = "en"):
    """Run the rules on the endpoint over ``graph_iri``; conclusions go to the assessment
    graph; read the assessment back."""
    from .assess import Assessment, C, _read
    from .library import fill_slots
    from .rules import load_rules

    endpoint.update_(f"CLEAR SILENT GRAPH <{ASSESSMENT_GRAPH}>")
    dataset = [graph_iri, ASSESSMENT_GRAPH]
    concluded = Graph()
    for rule in load_rules():
        text, _ = fill_slots(rule.text, {"asOf": as_of} if as_of is not None else {})
        triples = endpoint.construct(text, dataset)
        if len(triples):
            endpoint.update_(f"INSERT DATA {{ GRAPH <{ASSESSMENT_GRAPH}> {{\n{_nt(triples)}}} }}")
        concluded += triples
        rule.describe(concluded)
    view = endpoint.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", dataset)
    from rdflib.namespace import RDF

    communities = [_read(view, a, lang) for a in concluded.subjects(RDF.type, C("CommunityAssessment"))]
    communities.sort(key=lambda c: c.community.iri)
    return Assessment(communities, concluded, "as pushed to the server", "remote: " + endpoint.query,
                      str(as_of) if as_of is not None else None)
