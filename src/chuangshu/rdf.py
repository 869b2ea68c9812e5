"""RDF at the bottom of the data flow: the namespaces and prefixes, RDF files parsed into rdflib graphs
with exact locations on syntax errors, and the ontology.

Files are parsed by Oxigraph (fast, and it reports line and column of a syntax
error) and handed to rdflib, which the validation and reasoning layers use. A file
is only read, never written. (:mod:`chuangshu.load` puts RDF files and spreadsheets together.)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD, DCTERMS, FOAF, ORG

from . import resources
from .errors import InputError

CS = "https://w3id.org/chuangshu/ontology#"
ONTOLOGY_IRI = "https://w3id.org/chuangshu/ontology"

PREFIXES = {
    "cs": CS,
    "csd": "https://w3id.org/chuangshu/data/",
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "prov": str(PROV),
    "schema": "https://schema.org/",
    "vann": "http://purl.org/vocab/vann/",
    "vf": "https://w3id.org/valueflows/ont/vf#",
    "cdm1": "https://w3id.org/citydata/part1/v1/",
    "sh": "http://www.w3.org/ns/shacl#",
    "csh": "https://w3id.org/chuangshu/shapes#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
}

_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}


def compact(term) -> str:
    """``prefix:local`` for a term in a known namespace, otherwise the term's text."""
    text = str(term)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and len(text) > len(ns):
            return f"{prefix}:{text[len(ns):]}"
    return text


def expand(text: str) -> str:
    """The inverse of :func:`compact`: ``prefix:local`` to the full IRI (other text unchanged)."""
    prefix, sep, local = text.partition(":")
    return PREFIXES[prefix] + local if sep and prefix in PREFIXES else text


def is_named(key: str, iri: str, labels=()) -> bool:
    """Whether ``key`` — the IRI, a prefixed name (csd:D), the ID (the IRI's last segment) or one of
    ``labels`` — names ``iri``."""
    return key in (iri, *labels) or expand(key) == iri or iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] == key


# the paper's two communities, which the bundled data hold (--with-reference adds them to a user's files)
REFERENCE_COMMUNITIES = {"D": "D 社区", "S": "S 社区"}


def no_community_error(key: str, names: str) -> InputError:
    """The error for a community name that matches none of ``names``; naming the paper's D or S, it
    says how to have them beside one's own data."""
    en, zh = f"no community {key!r} in the data (there are: {names})", f"数据中没有社区 {key!r}（现有：{names}）"
    local = expand(key).rsplit("/", 1)[-1]
    if local in REFERENCE_COMMUNITIES or key in REFERENCE_COMMUNITIES.values() or key in (f"{c} community" for c in REFERENCE_COMMUNITIES):
        en += "; the paper's D and S come beside your files with --with-reference"
        zh += "；加 --with-reference 可将论文的 D、S 社区与您的文件并列"
    return InputError(en, zh)


def new_graph() -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, replace=True)
    return g


def rdf_format(path: Path) -> ox.RdfFormat:
    try:
        return _FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(_FORMATS))
        raise InputError(
            f"unknown RDF file type {path.suffix or '(none)'}; expected one of {known}",
            f"无法识别的 RDF 文件类型 {path.suffix or '（无扩展名）'}；应为 {known} 之一",
            where=str(path),
        ) from None


def from_oxigraph(t):
    """An rdflib term for an Oxigraph one, a literal's lexical form as it is (rdflib would rewrite an
    ill-typed "none"^^xsd:boolean as "false", or "01"^^xsd:integer as "1")."""
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if t.language:
        return Literal(t.value, lang=t.language)
    if t.datatype.value == _XSD_STRING:  # RDF 1.1: a simple literal is an xsd:string
        return Literal(t.value)
    return Literal(t.value, datatype=URIRef(t.datatype.value), normalize=False)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def require_file(path: Path) -> None:
    """An input named as a file must be one: a folder or a missing file is said as such."""
    if path.is_dir():
        raise InputError("a folder, not a file", "这是文件夹，不是文件", where=str(path))
    if not path.is_file():
        raise InputError("file not found", "找不到文件", where=str(path))


def parse_file(path: str | Path, into: Graph | None = None) -> Graph:
    """Parse one RDF file into ``into`` (or a new graph) and return the graph.

    Raises :class:`InputError` naming ``file:line:column`` and what went wrong.
    """
    path = Path(path)
    fmt = rdf_format(path)
    require_file(path)
    graph = into if into is not None else new_graph()
    if fmt == ox.RdfFormat.RDF_XML:
        check_xml(path)
    # a relative IRI in case data names a record of the data namespace (csd:), never a path on this
    # machine (file:///tmp/…, which would leak into exports); a document's own @base or xml:base wins
    base = PREFIXES["csd"]
    # a UTF-8 byte-order mark (what Windows editors write) is not part of the text
    source = {"path": str(path)}
    if fmt != ox.RdfFormat.RDF_XML:
        with open(path, "rb") as f:
            if f.read(3) == b"\xef\xbb\xbf":
                source = {"input": path.read_bytes()[3:]}
    try:
        triples = [
            (from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object))
            for q in ox.parse(**source, format=fmt, base_iri=base)
        ]
    except SyntaxError as err:
        line, col = err.lineno, err.offset
        reason = str(err.msg if hasattr(err, "msg") else err)
        # Oxigraph puts the location in the message as well; keep only the reason.
        if ": " in reason and reason.startswith("Parser error"):
            reason = reason.split(": ", 1)[1]
        raise InputError(
            f"syntax error: {reason}",
            f"语法错误：{reason}",
            where=f"{path}:{line}:{col}" if line else str(path),
        ) from None
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise InputError(
            f"cannot read RDF: {err}", f"无法读取 RDF：{err}", where=str(path)
        ) from None
    for t in triples:
        graph.add(t)
    return graph


MAX_XML_DEPTH = 1_000


def check_xml(path: Path) -> None:
    """Refuse RDF/XML that would exhaust memory or time before the RDF parser sees it: entities that
    refer to other entities or to outside files (billion laughs, external entities), input
    amplification beyond expat's limits, elements nested more than MAX_XML_DEPTH deep."""
    import xml.parsers.expat as expat

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def refuse(en: str, zh: str):
        raise InputError(en, zh, where=f"{path}:{parser.CurrentLineNumber}:{parser.CurrentColumnNumber + 1}")

    def start(name, attrs):
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            refuse(f"elements nested more than {MAX_XML_DEPTH} deep; refused", f"元素嵌套超过 {MAX_XML_DEPTH} 层；拒绝读取")

    def end(name):
        nonlocal depth
        depth -= 1

    def entity(name, is_parameter, value, base, system_id, public_id, notation):
        if system_id or public_id or is_parameter:
            refuse(f"the document declares an external or parameter entity ({name}); refused",
                   f"文档声明了外部实体或参数实体（{name}）；拒绝读取")
        if value and "&" in value:
            refuse(f"the entity {name} refers to other entities (an expansion bomb); refused",
                   f"实体 {name} 引用其他实体（展开炸弹）；拒绝读取")

    parser.StartElementHandler, parser.EndElementHandler, parser.EntityDeclHandler = start, end, entity
    try:
        with open(path, "rb") as fh:
            parser.ParseFile(fh)
    except expat.ExpatError as err:
        raise InputError(f"syntax error: {expat.errors.messages[err.code]}", f"语法错误：{expat.errors.messages[err.code]}",
                         where=f"{path}:{err.lineno}:{err.offset + 1}") from None


def parse_files(paths: Iterable[str | Path], into: Graph | None = None) -> Graph:
    graph = into if into is not None else new_graph()
    for p in paths:
        parse_file(p, graph)
    return graph


def load_ontology() -> Graph:
    """The chuangshu ontology (with the declarations of the external terms it uses)."""
    return parse_files(resources.ontology_files())
