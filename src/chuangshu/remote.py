"""Push the knowledge graph into any SPARQL 1.1 store, and run the rules on a remote endpoint.

Push uses the Graph Store Protocol (one HTTP PUT of N-Triples, which replaces the graph in
one request), and falls back to SPARQL Update when the store has no Graph Store (404, 405,
415, 501): ``INSERT DATA`` in bounded chunks into a fresh *staging* graph (triples sharing a
blank node stay in one chunk, so blank nodes keep their identity), a count of the staging
graph, then one ``MOVE`` onto the target. Until that last request the target graph is not
touched, so a failure half-way loses nothing: the staging graph is dropped and the previous
data stays. A final count in the target graph verifies the result. All HTTP goes through
:mod:`chuangshu.sparql_client`.
"""

from __future__ import annotations

import uuid

from rdflib import BNode, Graph, Literal, URIRef

from .errors import ChuangshuError
from .slots import BAD_IRI
from .sparql_client import Endpoint, RemoteError, refused

__all__ = ["ASSESSMENT_GRAPH", "DEFAULT_GRAPH", "Endpoint", "RemoteError", "assess_remote", "chunks", "count", "push"]

DEFAULT_GRAPH = "https://w3id.org/chuangshu/graph/knowledge"
ASSESSMENT_GRAPH = "https://w3id.org/chuangshu/graph/assessment"
_NO_GRAPH_STORE = {404, 405, 415, 501}


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

    if graph_iri is None:
        return None
    if BAD_IRI.search(graph_iri) or not graph_iri.startswith(("http://", "https://", "urn:")):
        raise ChuangshuError(f"not a graph IRI: {graph_iri!r}", f"不是图 IRI：{graph_iri!r}", where="--graph")
    return URIRef(graph_iri).n3()


def count(endpoint: Endpoint, graph_iri: str | None) -> int:
    pattern = f"GRAPH {checked_graph_iri(graph_iri)} {{ ?s ?p ?o }}" if graph_iri else "?s ?p ?o"
    rows = endpoint.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    try:
        return int(rows[0]["n"]["value"])
    except (IndexError, KeyError, TypeError, ValueError):
        raise RemoteError("the endpoint answered the count with no number; whether the graph holds what was sent is not known",
                          "端点对计数的回答中没有数字；无法确认图中是否为所发送的内容", where=endpoint.query) from None


def push(graph: Graph, endpoint: Endpoint, graph_iri: str | None, *, chunk_size: int = 5000,
         progress: bool = True, prefer_gsp: bool = True) -> dict:
    """Replace ``graph_iri`` on the endpoint by ``graph``; verify the count. The previous
    contents are replaced only by a complete upload."""
    graph_term = checked_graph_iri(graph_iri)
    method = None
    if prefer_gsp and endpoint.store:
        reply = endpoint.put_graph(graph_iri, _nt(graph).encode("utf-8"))
        if reply.ok:
            method = "graph store protocol"
        elif reply.status not in _NO_GRAPH_STORE:
            err = refused(endpoint.store, reply)
            raise RemoteError(f"{err.en} — the Graph Store upload failed; not retried another way",
                              f"{err.zh} —— 图存储上传失败；未改用其他方式重试", where=err.where)
    if method is None:
        method = "SPARQL Update"
        _push_by_update(graph, endpoint, graph_term, min(chunk_size, endpoint.dialect.max_chunk), progress)
    stored = count(endpoint, graph_iri)
    if stored != len(graph):
        raise RemoteError(f"verify failed: the target graph holds {stored} triples, {len(graph)} were sent",
                          f"校验失败：目标图有 {stored} 个三元组，发送了 {len(graph)} 个", where=endpoint.query)
    return {"method": method, "triples": len(graph), "verified": stored}


def _push_by_update(graph: Graph, endpoint: Endpoint, graph_term: str | None, chunk_size: int, progress: bool) -> None:
    """Chunks into a fresh staging graph, counted, then moved onto the target in one request."""
    from tqdm import tqdm

    staging_iri = f"urn:uuid:{uuid.uuid4()}"
    staging = URIRef(staging_iri).n3()
    target = f"GRAPH {graph_term}" if graph_term else "DEFAULT"
    parts = chunks(graph, chunk_size)
    done = 0
    bar = tqdm(total=len(graph), unit="triples", desc="push", disable=not progress, leave=False)
    try:
        for i, part in enumerate(parts, 1):
            try:
                # INSERT … WHERE {} rather than INSERT DATA: the same in SPARQL 1.1, and Virtuoso accepts blank
                # nodes only in a template (a chunk's blank nodes stay one node each within the request)
                endpoint.update_(f"INSERT {{ GRAPH {staging} {{\n{_nt(part)}}} }} WHERE {{}}")
            except RemoteError as err:
                raise RemoteError(
                    f"{err.en} — chunk {i} of {len(parts)} failed after {done} of {len(graph)} triples were staged; "
                    f"the target graph is unchanged",
                    f"{err.zh} —— 第 {i}/{len(parts)} 块失败，此前已暂存 {done}/{len(graph)} 个三元组；目标图未改动",
                    where=err.where) from None
            done += len(part)
            bar.update(len(part))
        staged = count(endpoint, staging_iri)
        if staged != len(graph):
            raise RemoteError(f"the staging graph holds {staged} triples, {len(graph)} were sent; the target graph is unchanged",
                              f"暂存图有 {staged} 个三元组，发送了 {len(graph)} 个；目标图未改动", where=endpoint.query)
        endpoint.update_(f"MOVE SILENT GRAPH {staging} TO {target}")
    except BaseException:
        try:  # best effort: leave no staging graph behind
            endpoint.update_(f"DROP SILENT GRAPH {staging}")
        except (RemoteError, ChuangshuError):
            pass
        raise
    finally:
        bar.close()


# ---- remote rules ---------------------------------------------------------------------------

def assess_remote(endpoint: Endpoint, graph_iri: str, *, as_of: Literal | None = None, lang: str = "en"):
    """Run the rules over ``graph_iri`` on the endpoint, the conclusions going to the assessment graph,
    and read the assessment back. A store that cannot run the rule files (its dialect says so) gets the
    same conclusions computed here from its graph and written back."""
    from .assess import Assessment
    from .slots import fill_slots
    from .results import read as read_results
    from .rules import OxigraphEngine, load_rules, run_rules

    dialect = endpoint.dialect
    endpoint.update_(f"CLEAR SILENT GRAPH <{ASSESSMENT_GRAPH}>")
    dataset = [graph_iri, ASSESSMENT_GRAPH]
    bindings = {"asOf": as_of} if as_of is not None else {}
    if dialect.runs_rules:
        concluded = Graph()
        for rule in load_rules():
            text, _ = fill_slots(rule.text, bindings)
            triples = endpoint.construct(text, dataset)
            _insert(endpoint, triples, dialect.max_chunk)
            concluded += triples
            rule.describe(concluded)
    else:
        pushed = endpoint.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", [graph_iri])
        concluded = run_rules(pushed, bindings)
        _insert(endpoint, concluded, dialect.max_chunk)
    # the results queries over the graph and its assessment, as fetched (one request, whatever the dialect)
    view = endpoint.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", dataset)
    communities = read_results(OxigraphEngine(view + concluded).select, lang)  # (with the rules' descriptions)
    where = "remote: " + endpoint.query + ("" if dialect.runs_rules else f" (rules run here: {dialect.name} cannot run them)")
    return Assessment(communities, concluded, "as pushed to the server", where, str(as_of) if as_of is not None else None,
                      lang)


def _insert(endpoint: Endpoint, triples: Graph, chunk_size: int) -> None:
    for part in chunks(triples, chunk_size) if len(triples) else []:
        endpoint.update_(f"INSERT {{ GRAPH <{ASSESSMENT_GRAPH}> {{\n{_nt(part)}}} }} WHERE {{}}")
