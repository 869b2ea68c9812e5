"""Export the knowledge graph as linked data, with a VoID/DCAT description (``NAME.void.ttl`` beside the file).

Formats: Turtle (canonical), N-Triples (sorted), JSON-LD (compacted with the versioned
context ``ontology/context/chuangshu-<version>.jsonld``, embedded so that the file
reads offline) and RDF/XML. Every file is written atomically: a failed export leaves
no partial file, and an existing file is replaced only by a complete one.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, VOID, XSD

from . import resources
from .canon import canonical_turtle, write_all_atomic, write_atomic
from .rdf import ONTOLOGY_IRI, PREFIXES, new_graph

FORMATS = {
    "turtle": (".ttl", "text/turtle"),
    "nt": (".nt", "application/n-triples"),
    "jsonld": (".jsonld", "application/ld+json"),
    "xml": (".rdf", "application/rdf+xml"),
}
DATASET = "https://w3id.org/chuangshu/dataset/"


def context_file() -> Path:
    """The newest versioned context (generated from the ontology by ``chuangshu release --update``)."""
    def version(p: Path) -> tuple:
        return tuple(int(x) if x.isdigit() else x for x in p.stem.removeprefix("chuangshu-").split("."))

    return max((resources.resource_dir("ontology") / "context").glob("chuangshu-*.jsonld"), key=version)


def _expand(curie: str, context: dict) -> str:
    prefix, _, local = curie.partition(":")
    ns = context.get(prefix)
    return ns + local if isinstance(ns, str) and local else curie


def serialize(graph: Graph, fmt: str) -> str:
    if fmt == "turtle":
        return canonical_turtle(graph)
    if fmt == "nt":
        lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return "\n".join(sorted(line for line in lines if line.strip())) + "\n"
    if fmt == "jsonld":
        context = json.loads(context_file().read_text(encoding="utf-8"))["@context"]
        # rdflib (7.6) writes the object of a term typed @id as a bare "_:b" string and drops that blank
        # node's own statements; a property that has a blank node as object in this graph is therefore
        # left untyped in the context embedded in the document (its values become {"id": …} objects)
        with_blank = {str(p) for _, p, o in graph if isinstance(o, BNode)}
        for name, term in list(context.items()):
            if isinstance(term, dict) and term.get("@type") == "@id" and _expand(term["@id"], context) in with_blank:
                context[name] = {k: v for k, v in term.items() if k != "@type"}
        return graph.serialize(format="json-ld", context=context, auto_compact=True)
    if fmt == "xml":
        g = new_graph()
        for t in graph:
            g.add(t)
        try:
            return g.serialize(format="xml")  # not pretty-xml: it drops statements on list nodes
        except ValueError as err:
            from .errors import InputError

            import re

            found = re.search(r"'([^']*)'\s*$", str(err))
            iri = found.group(1) if found else str(err)
            raise InputError(f"cannot be written as RDF/XML: the property <{iri}> has no local name (it ends in "
                             f"/ or #); write Turtle, N-Triples or JSON-LD instead",
                             f"无法写为 RDF/XML：属性 <{iri}> 没有本地名（以 / 或 # 结尾）；请改用 Turtle、N-Triples 或 JSON-LD") from None
    raise ValueError(fmt)


def describe(graph: Graph, parts: list[str], fmt: str, filename: str, size: int, meta: dict | None = None) -> Graph:
    """A VoID and DCAT description of an exported dataset: what the file holds (parts, size,
    communities), with the title, licence, creators and sources the user gives. The paper and CC BY 4.0
    are claimed only for the bundled data; the sources default to the ones the data cite."""
    meta = meta or {}
    d = new_graph()
    ds = URIRef(DATASET + "-".join(parts))
    dist = URIRef(str(ds) + "/" + fmt)
    d.add((ds, RDF.type, VOID.Dataset))
    d.add((ds, RDF.type, DCAT.Dataset))
    names = {"ontology": ("本体", "ontology"), "data": ("案例数据", "case data"), "entailments": ("OWL 蕴涵", "OWL entailments"),
             "assessment": ("评估", "assessment"), "inferences": ("推理结果", "inferences")}
    if meta.get("title"):
        d.add((ds, DCTERMS.title, Literal(meta["title"])))
    else:
        d.add((ds, DCTERMS.title, Literal("创熟知识图谱：" + "、".join(names[p][0] for p in parts), lang="zh")))
        d.add((ds, DCTERMS.title, Literal("chuangshu knowledge graph: " + ", ".join(names[p][1] for p in parts), lang="en")))
    communities = sorted({str(c) for c in graph.subjects(RDF.type, URIRef(PREFIXES["cs"] + "Community"))})
    public = " Public export: persons, interviews, quotations and free-text notes left out." if meta.get("public") else ""
    public_zh = "公开导出：已去除个人、访谈、引文及自由文本备注。" if meta.get("public") else ""
    d.add((ds, DCTERMS.description, Literal(
        f"{'、'.join(names[p][0] for p in parts)}；{len(communities)} 个社区；{len(graph)} 个三元组。{public_zh}", lang="zh")))
    d.add((ds, DCTERMS.description, Literal(
        f"{', '.join(names[p][1] for p in parts)}; {len(communities)} communities; {len(graph)} triples.{public}", lang="en")))
    licence = meta.get("licence") or ("https://creativecommons.org/licenses/by/4.0/" if meta.get("bundled", True) else None)
    if licence:
        d.add((ds, DCTERMS.license, URIRef(licence)))
    for creator in meta.get("creators") or []:
        d.add((ds, DCTERMS.creator, Literal(creator)))
    sources = meta.get("sources") or sorted({o for c in communities for o in graph.objects(URIRef(c), DCTERMS.source)
                                             if isinstance(o, URIRef)}, key=str)
    for source in sources:
        d.add((ds, DCTERMS.source, URIRef(source)))
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


def export(graph: Graph, output: Path, fmt: str, parts: list[str], *, void: bool = True,
           meta: dict | None = None) -> tuple[Path, Path | None]:
    """Write ``graph`` to ``output`` (and its description beside it), both or neither."""
    text = serialize(graph, fmt)
    size = len(text.encode("utf-8"))
    if not void:
        write_atomic(output, text)
        return output, None
    description = output.with_name(output.name + ".void.ttl")
    write_all_atomic([(output, text), (description, canonical_turtle(describe(graph, parts, fmt, output.name, size, meta)))])
    return output, description
