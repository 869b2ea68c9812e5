"""What a graph holds: counts a researcher can check at a glance."""

from __future__ import annotations

from collections import Counter

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .load import CS


def _local(iri: URIRef) -> str:
    return str(iri).split("#")[-1].rsplit("/", 1)[-1]


def summarize(graph: Graph) -> dict:
    """Counts of triples, ontology terms, and instances per chuangshu class."""
    cs_terms = {
        s for s in graph.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(CS)
    }
    classes = {s for s in cs_terms if (s, RDF.type, OWL.Class) in graph}
    props = {
        s for s in cs_terms
        if any((s, RDF.type, k) in graph for k in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty))
    }
    instances = Counter()
    for s, o in graph.subject_objects(RDF.type):
        if o in classes and not str(s).startswith(CS):
            instances[_local(o)] += 1
    return {
        "triples": len(graph),
        "classes": len(classes),
        "properties": len(props),
        "individuals": len(cs_terms - classes - props),
        "labelled_terms": len({s for s in cs_terms if (s, RDFS.label, None) in graph}),
        "instances": dict(sorted(instances.items())),
    }
