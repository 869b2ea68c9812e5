"""The reference cases — the paper's D and S, and the communities of public reports in ``data/cases`` —
always at hand beside the data assessed, so that a recommendation has its evidence whatever file is
assessed: every engine adds the same triples (:func:`reference_triples`)."""

from __future__ import annotations

from functools import lru_cache

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF

from . import resources
from .model import C
from .rdf import parse_files


@lru_cache(maxsize=1)
def reference_graph() -> Graph:
    """The reference cases (the paper's D and S, and the communities of public reports in
    ``data/cases``): always at hand, so that recommendations have evidence whatever file is assessed."""
    return parse_files(resources.reference_files())


def reference_triples(own) -> list[tuple]:
    """The triples that bring in every reference community not among ``own`` (community IRIs),
    marked ``cs:referenceOnly`` (its interventions are evidence; it is not assessed): the community,
    its interventions, the quotations and interviews that evidence them and their sources. A
    community the data holds is never mixed with its reference copy, so an edited D stays as edited."""
    reference = reference_graph()
    out, nodes = [], set()
    for c in sorted(set(reference.subjects(RDF.type, C("Community"))) - set(own)):
        out.append((c, C("referenceOnly"), Literal(True)))
        cases = set(reference.subjects(C("inCommunity"), c))
        quotes = {q for i in cases for q in reference.subjects(C("evidences"), i)}
        nodes |= {c} | cases | quotes
        nodes |= {v for q in quotes for v in reference.objects(q, C("fromInterview"))}
        nodes |= {src for x in cases | {c} for src in reference.objects(x, DCTERMS.source)}
    for node in nodes:
        out.extend(reference.triples((node, None, None)))
    return out


def with_reference_cases(graph: Graph) -> Graph:
    """``graph`` plus the reference communities it does not hold (:func:`reference_triples`)."""
    out = Graph()
    for t in graph:
        out.add(t)
    for t in reference_triples(graph.subjects(RDF.type, C("Community"))):
        out.add(t)
    return out
