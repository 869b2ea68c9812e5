"""What a graph holds: counts a researcher can check at a glance."""

from __future__ import annotations

from collections import Counter

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .load import CS


def _local(iri: URIRef) -> str:
    return str(iri).split("#")[-1].rsplit("/", 1)[-1]


def _label(graph: Graph, node, lang: str) -> str:
    labels = {o.language: str(o) for o in graph.objects(node, RDFS.label) if getattr(o, "language", None)}
    return labels.get(lang) or labels.get("en") or labels.get("zh") or _local(node)


def summarize(graph: Graph, lang: str = "en") -> dict:
    """Counts of triples, ontology terms, instances per chuangshu class (with the class's label),
    and per community: its label, form, interventions (by dimension), interviews and quotations."""
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
    C = lambda name: URIRef(CS + name)  # noqa: E731
    communities = []
    for c in sorted(graph.subjects(RDF.type, C("Community")), key=str):
        interventions = set(graph.subjects(C("inCommunity"), c)) - set(graph.subjects(RDF.type, C("Interview")))
        interventions = {i for i in interventions if any(True for _ in graph.objects(i, RDF.type))
                         and (i, RDF.type, C("Claim")) not in graph}
        dims = Counter(_label(graph, d, lang) for i in interventions for d in graph.objects(i, C("builds")))
        interviews = set(graph.subjects(C("inCommunity"), c)) & set(graph.subjects(RDF.type, C("Interview")))
        quotes = {q for v in interviews for q in graph.subjects(C("fromInterview"), v)}
        form = graph.value(c, C("hasForm"))
        communities.append({"iri": str(c), "label": _label(graph, c, lang),
                            "form": _label(graph, form, lang) if form is not None else None,
                            "interventions": len(interventions), "coded_dimensions": dict(sorted(dims.items())),
                            "interviews": len(interviews), "quotations": len(quotes)})
    return {
        "triples": len(graph),
        "classes": len(classes),
        "properties": len(props),
        "individuals": len(cs_terms - classes - props),
        "labelled_terms": len({s for s in cs_terms if (s, RDFS.label, None) in graph}),
        "instances": dict(sorted(instances.items())),
        "instance_labels": {name: _label(graph, C(name), lang) for name in instances},
        "communities": communities,
    }
