"""One community's part of a larger data graph: what the reference path needs to assess that community
exactly as it would in the whole graph, so that `explain` and `assess --community` on a city's file
reason over one community, not twenty thousand.

    load → (cut here) → validate → reason → rules → assess

A community's part is
  * its own nodes: the community and every node that points, directly or through other such nodes, at
    it (its interventions, interviews, stakeholders, capital-type assessments, wishes, the quotations
    that evidence its interventions, contract steps…), never passing through another community;
  * what those nodes point at, described (quantities, sources, interviews, blank nodes…), again never
    another community; and
  * the documented cases of other communities, as the reference-case rule (queries/rules/
    65-reference-cases.rq) reads them: interventions whose source is a publication, news report or
    government page, with their community, quotations, interviews and sources.
The rules conclude about one community from its own part, except that rule, which looks at the
documented cases of others: with both, the conclusions about the community are the same (the tests
compare them on synthetic cities and the development cases).
"""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from .rdf import CS, is_named, no_community_error

C = lambda n: URIRef(CS + n)  # noqa: E731
DOCUMENTED = ("Publication", "NewsReport", "GovernmentPage")


def _subclasses(ontology: Graph, roots) -> set:
    out, todo = set(roots), list(roots)
    while todo:
        for sub in ontology.subjects(RDFS.subClassOf, todo.pop()):
            if sub not in out:
                out.add(sub)
                todo.append(sub)
    return out


def communities(data: Graph, ontology: Graph) -> set:
    kinds = _subclasses(ontology, [C("Community")])
    return {s for k in kinds for s in data.subjects(RDF.type, k)}


def find_community(data: Graph, ontology: Graph, key: str) -> URIRef:
    """The community a user names by its IRI (or prefixed name: csd:C003000005), its ID (the IRI's last
    segment) or a label."""
    found = communities(data, ontology)
    for c in sorted(found, key=str):
        if is_named(key, str(c), [str(label) for label in data.objects(c, RDFS.label)]):
            return c
    names = ", ".join(sorted(str(c).rsplit("/", 1)[-1] for c in found)) or "—"
    raise no_community_error(key, names)


def community_subgraph(data: Graph, ontology: Graph, seeds) -> Graph:
    """The part of ``data`` (case data, without the ontology) that the communities ``seeds`` need."""
    every = communities(data, ontology)
    seeds = set(seeds)
    others = every - seeds
    owned, todo = set(seeds), list(seeds)
    while todo:                                   # whatever points at what is owned is owned
        node = todo.pop()
        for s in data.subjects(None, node):
            if s not in owned and s not in others and isinstance(s, (URIRef, BNode)):
                owned.add(s)
                todo.append(s)
    described, todo = set(owned), list(owned)
    while todo:                                   # and what it points at is described
        for o in data.objects(todo.pop(), None):
            if isinstance(o, (URIRef, BNode)) and o not in described and o not in others:
                described.add(o)
                todo.append(o)
    out = Graph()
    for node in described:
        for t in data.triples((node, None, None)):
            if t[2] not in others:
                out.add(t)
    kinds = _subclasses(ontology, [C(k) for k in DOCUMENTED])
    documented = {s for k in kinds for s in data.subjects(RDF.type, k)}
    for other in others:                          # the documented cases of every other community
        cases = {i for i in data.subjects(C("inCommunity"), other)
                 if any(src in documented for src in data.objects(i, DCTERMS.source))}
        if not cases:
            continue
        quotes = {q for i in cases for q in data.subjects(C("evidences"), i)}
        nodes = {other} | cases | quotes | {v for q in quotes for v in data.objects(q, C("fromInterview"))}
        nodes |= {src for x in cases | {other} for src in data.objects(x, DCTERMS.source)}
        for node in nodes:
            for t in data.triples((node, None, None)):
                out.add(t)
    for prefix, ns in data.namespaces():
        out.bind(prefix, ns, override=False)
    return out
