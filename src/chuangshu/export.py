"""Export the knowledge graph as linked data, with a VoID/DCAT description (``NAME.void.ttl`` beside the file).

Formats: Turtle (canonical), N-Triples (sorted), JSON-LD (compacted with the versioned
context ``ontology/context/chuangshu-<version>.jsonld``, embedded so that the file
reads offline) and RDF/XML. Every file is written atomically: a failed export leaves
no partial file, and an existing file is replaced only by a complete one.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, VOID, XSD

from . import resources
from .canon import canonical_turtle, write_atomic
from .load import ONTOLOGY_IRI, PREFIXES, new_graph

FORMATS = {
    "turtle": (".ttl", "text/turtle"),
    "nt": (".nt", "application/n-triples"),
    "jsonld": (".jsonld", "application/ld+json"),
    "xml": (".rdf", "application/rdf+xml"),
}
DATASET = "https://w3id.org/chuangshu/dataset/"


def context_file() -> Path:
    files = sorted((resources.resource_dir("ontology") / "context").glob("chuangshu-*.jsonld"))
    return files[-1]


def serialize(graph: Graph, fmt: str) -> str:
    if fmt == "turtle":
        return canonical_turtle(graph)
    if fmt == "nt":
        lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return "\n".join(sorted(line for line in lines if line.strip())) + "\n"
    if fmt == "jsonld":
        context = json.loads(context_file().read_text(encoding="utf-8"))["@context"]
        return graph.serialize(format="json-ld", context=context, auto_compact=True)
    if fmt == "xml":
        g = new_graph()
        for t in graph:
            g.add(t)
        return g.serialize(format="xml")  # not pretty-xml: it drops statements on list nodes
    raise ValueError(fmt)


def describe(graph: Graph, parts: list[str], fmt: str, filename: str, size: int) -> Graph:
    """A VoID and DCAT description of an exported dataset."""
    d = new_graph()
    ds = URIRef(DATASET + "-".join(parts))
    dist = URIRef(str(ds) + "/" + fmt)
    d.add((ds, RDF.type, VOID.Dataset))
    d.add((ds, RDF.type, DCAT.Dataset))
    d.add((ds, DCTERMS.title, Literal("创熟知识图谱：" + "、".join(
        {"ontology": "本体", "data": "案例数据", "entailments": "OWL 蕴涵", "assessment": "评估",
         "inferences": "推理结果"}[p] for p in parts), lang="zh")))
    d.add((ds, DCTERMS.title, Literal("chuangshu knowledge graph: " + ", ".join(parts), lang="en")))
    d.add((ds, DCTERMS.description, Literal(
        "城市社区“递进式创熟”知识图谱的导出：本体、D 与 S 社区的案例数据及推理所得的评估。", lang="zh")))
    d.add((ds, DCTERMS.description, Literal(
        "An export of the gradual community familiarization knowledge graph: the ontology, the case data of "
        "communities D and S, and the assessment the rules infer.", lang="en")))
    d.add((ds, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    d.add((ds, DCTERMS.source, URIRef(PREFIXES["csd"] + "paper")))
    version = graph.value(URIRef(ONTOLOGY_IRI), OWL.versionIRI) or URIRef(ONTOLOGY_IRI)
    d.add((ds, DCTERMS.conformsTo, version))
    d.add((ds, VOID.triples, Literal(len(graph), datatype=XSD.integer)))
    d.add((ds, VOID.entities, Literal(len({s for s in graph.subjects() if isinstance(s, URIRef)}), datatype=XSD.integer)))
    d.add((ds, VOID.classes, Literal(len(set(graph.objects(None, RDF.type))), datatype=XSD.integer)))
    d.add((ds, VOID.properties, Literal(len(set(graph.predicates())), datatype=XSD.integer)))
    d.add((ds, VOID.uriSpace, Literal(PREFIXES["csd"])))
    used = {str(p) for p in graph.predicates()} | {str(o) for o in graph.objects(None, RDF.type)}
    for prefix, ns in sorted(PREFIXES.items()):
        if any(u.startswith(ns) for u in used):
            d.add((ds, VOID.vocabulary, URIRef(ns)))
    d.add((ds, DCAT.distribution, dist))
    d.add((dist, RDF.type, DCAT.Distribution))
    d.add((dist, DCAT.mediaType, Literal(FORMATS[fmt][1])))
    d.add((dist, DCTERMS.title, Literal(filename)))
    d.add((dist, DCAT.byteSize, Literal(size, datatype=XSD.integer)))
    return d


def export(graph: Graph, output: Path, fmt: str, parts: list[str], *, void: bool = True) -> tuple[Path, Path | None]:
    """Write ``graph`` to ``output`` (and its description beside it), atomically."""
    text = serialize(graph, fmt)
    size = len(text.encode("utf-8"))
    description = None
    if void:
        description = output.with_name(output.name + ".void.ttl")
        void_text = canonical_turtle(describe(graph, parts, fmt, output.name, size))
    write_atomic(output, text)
    if description is not None:
        write_atomic(description, void_text)
    return output, description
