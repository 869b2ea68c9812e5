"""Release artefacts of one version of the ontology, the way the best-kept ontologies publish them.

One command (``chuangshu release``) writes ``DIR/VERSION/``:

- the ontology in Turtle, RDF/XML and JSON-LD, **full** (everything the source file says, with the
  subclass axioms HermiT infers asserted, as an OBO/ODK full release) and **base** (the ontology's own
  axioms, with declarations of the external terms they mention and nothing said about those terms);
  both are OWL 2 DL on their own;
- the SHACL shapes, the JSON-LD context (``ontology/context/chuangshu-VERSION.jsonld``, generated
  from the ontology: a term for every property the ontology declares, with its type), the query
  library and the rules as RDF in the style of SIB's sparql-examples (``sh:SPARQLExecutable``), the
  case data, the changelog entry and the citation file;
- ``void.ttl``, a VoID/DCAT description of the release: every file with its media type, size,
  SHA-256 checksum and licence;
- ``docs/``, the documentation site (``chuangshu.docs``).

The version is the ontology's ``owl:versionInfo``; the release is refused when CHANGELOG.md has no
entry for it, or when the ontology fails its quality report. Everything is built in a temporary
folder beside the target and moved into place whole.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, SKOS, VOID, XSD

from . import resources
from .canon import canonical_turtle, new_folder, write_atomic
from .docs import build_site
from .errors import ChuangshuError, InputError
from .rdf import CS, ONTOLOGY_IRI, PREFIXES, load_ontology, new_graph, parse_files
from .versions import changelog_entry, ontology_version

SH = "http://www.w3.org/ns/shacl#"
SCHEMA = "https://schema.org/"
SPEX = "https://purl.expasy.org/sparql-examples/ontology#"
SPDX = "http://spdx.org/rdf/terms#"
PROJECT = "https://w3id.org/chuangshu/"
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
MIT = URIRef("https://spdx.org/licenses/MIT")
IANA = "https://www.iana.org/assignments/media-types/"


# --- base and full ----------------------------------------------------------------------------

def _own(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(PROJECT)


def base_ontology(ontology: Graph, version: str) -> Graph:
    """The ontology's own axioms and annotations, with the declarations (``rdf:type``) of the external
    terms it uses and nothing else said about them (no hierarchy of ORG, PROV-O, FOAF…)."""
    out = new_graph()
    for s, p, o in ontology:
        if isinstance(s, URIRef) and not _own(s) and p != RDF.type:
            continue
        out.add((s, p, o))
    _header(out, version, "base", "基础版",
            "The base release: the ontology's own axioms, and declarations of the external terms they use "
            "(nothing else is said of those terms), for merging into other ontologies.",
            "基础版：仅含本体自身的公理，以及所用外部术语的声明（不含关于这些术语的其他陈述），便于并入其他本体。")
    return out


def full_ontology(ontology: Graph, version: str) -> Graph:
    """Everything the source says, with the named superclasses HermiT infers asserted."""
    from .reason import inferred_superclasses

    out = new_graph()
    for t in ontology:
        out.add(t)
    inferred = sorted(inferred_superclasses(ontology))
    for sub, sup in inferred:
        out.add((sub, RDFS.subClassOf, sup))
    _header(out, version, None, "完整版",
            f"The full release: the source ontology with the {len(inferred)} subclass axioms the OWL 2 DL reasoner "
            f"HermiT infers asserted (the classification of the defined classes).",
            f"完整版：源本体，并写明 OWL 2 DL 推理机 HermiT 推出的 {len(inferred)} 条子类公理（定义类的分类结果）。")
    return out


def _header(g: Graph, version: str, variant: str | None, zh_name: str, en_note: str, zh_note: str) -> None:
    ont = URIRef(ONTOLOGY_IRI)
    g.set((ont, OWL.versionIRI, URIRef(f"{ONTOLOGY_IRI}/{version}" + (f"/{variant}" if variant else ""))))
    g.add((ont, SKOS.editorialNote, Literal(en_note, lang="en")))
    g.add((ont, SKOS.editorialNote, Literal(zh_note, lang="zh")))


# --- the JSON-LD context ----------------------------------------------------------------------

_ALIASES = {  # the short names of 0.1.0, kept
    "label": str(RDFS.label), "comment": str(RDFS.comment), "definition": str(SKOS.definition),
    "source": str(DCTERMS.source),
}
_PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
_BUILT_INS = (RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, RDFS.subClassOf, RDFS.domain, RDFS.range)


def _curie(iri: str) -> str | None:
    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(PREFIXES[best])):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else None


def _coercion(prop: URIRef, ontology: Graph, usage: Graph) -> str | None:
    if (prop, RDF.type, OWL.ObjectProperty) in ontology:
        return "@id"
    values = list(usage.objects(None, prop))
    ranges = [r for r in ontology.objects(prop, RDFS.range) if isinstance(r, URIRef)]
    if (prop, RDF.type, OWL.DatatypeProperty) in ontology and len(ranges) == 1 and str(ranges[0]).startswith(str(XSD)):
        # typed only when every value the data give has that very datatype (13 is an xsd:integer, which
        # an xsd:decimal range admits but a term typed xsd:decimal would not compact)
        if ranges[0] != XSD.string and all(isinstance(v, Literal) and v.datatype == ranges[0] for v in values):
            return _curie(str(ranges[0]))
        return None
    if values and all(isinstance(v, URIRef) for v in values):
        return "@id"   # (one with blank-node values, such as owl:equivalentClass, stays untyped: nested objects)
    return None


def jsonld_context(ontology: Graph, usage: Graph) -> dict:
    """A context with the project's prefixes and a term for every property the ontology declares or
    ``usage`` (the ontology and the case data) uses, OWL's and RDFS's own included: the ontology's
    properties by their local name, others by their compact IRI; object properties (and properties
    used only with IRIs) typed ``@id``, datatype properties with one XSD range typed with it when
    the data keep to it."""
    ctx: dict = {"@version": 1.1, "@protected": True, "id": "@id", "type": "@type"}
    for prefix in sorted(PREFIXES):
        ctx[prefix] = PREFIXES[prefix]
    props = {p for kind in _PROPERTY_KINDS for p in ontology.subjects(RDF.type, kind) if isinstance(p, URIRef)}
    props |= set(_BUILT_INS) | {p for p in usage.predicates() if isinstance(p, URIRef)}
    by_iri = {v: k for k, v in _ALIASES.items()}
    terms = {}
    for p in sorted(props, key=str):
        iri = str(p)
        name = by_iri.get(iri) or (iri[len(CS):] if iri.startswith(CS) else _curie(iri))
        if name is None:
            raise InputError(f"no prefix for the property <{iri}>: add one to chuangshu.load.PREFIXES",
                             f"属性 <{iri}> 没有前缀：请在 chuangshu.load.PREFIXES 中添加")
        if name in terms or name in ctx:
            raise InputError(f"two properties would share the context term {name!r}",
                             f"两个属性将共用上下文词项 {name!r}")
        definition = {"@id": _curie(iri) if not iri.startswith(CS) else f"cs:{name}"}
        kind = _coercion(p, ontology, usage)
        if kind:
            definition["@type"] = kind
        terms[name] = definition
    for name in sorted(terms, key=lambda n: (":" in n, n.lower(), n)):
        ctx[name] = terms[name]
    return {"@context": ctx}


def context_text(ontology: Graph | None = None) -> str:
    ontology = ontology if ontology is not None else load_ontology()
    usage = parse_files(resources.reference_files())
    usage += ontology
    return json.dumps(jsonld_context(ontology, usage), ensure_ascii=False, indent=2) + "\n"


def context_path(version: str) -> Path:
    return resources.resource_dir("ontology") / "context" / f"chuangshu-{version}.jsonld"


# --- the query library as RDF (SIB sparql-examples style) ---------------------------------------

_META_LINE = re.compile(r"^#\s*[a-z]+(@(zh|en))?:.*$")
_FORMS = {"SELECT": ("SPARQLSelectExecutable", SH + "select"), "ASK": ("SPARQLAskExecutable", SH + "ask"),
          "CONSTRUCT": ("SPARQLConstructExecutable", SH + "construct"),
          "DESCRIBE": (None, SPEX + "describe")}
QUERIES = PROJECT + "queries"
RULES = PROJECT + "rules"
REPORT = PROJECT + "queries/report"
PREFIX_DECLARATIONS = URIRef(PROJECT + "queries/prefixes")


def _runnable_text(text: str) -> str:
    from .library import with_common_prefixes

    body = "\n".join(line for line in text.splitlines() if not _META_LINE.match(line)).strip() + "\n"
    return with_common_prefixes(body)


def query_library_graph(target: str | None = None) -> Graph:
    """The competency queries, the assessment rules and the ontology report queries as RDF, each a
    ``sh:SPARQLExecutable`` with its text, its questions or labels in zh and en, and keywords;
    ``target`` (an endpoint's URL) becomes ``schema:target``."""
    from .library import library, query_form, read_query

    g = new_graph()
    g.bind("spex", SPEX)
    g.bind("schema", SCHEMA)
    queries_dir = resources.resource_dir("queries")
    collections = [
        (URIRef(QUERIES), "competency questions", "能力问题查询", library(), "question"),
        (URIRef(RULES), "assessment rules (run in this order)", "评估规则（按此顺序执行）",
         [read_query(p) for p in sorted((queries_dir / "rules").glob("*.rq"))], "label"),
        (URIRef(REPORT), "ontology quality report", "本体质量报告",
         [read_query(p) for p in sorted((queries_dir / "report").glob("*.rq"))], "label"),
    ]
    for collection, en, zh, queries, title_key in collections:
        g.add((collection, RDF.type, DCAT.Dataset))
        g.add((collection, DCTERMS.title, Literal(f"chuangshu {en}", lang="en")))
        g.add((collection, DCTERMS.title, Literal(f"创熟{zh}", lang="zh")))
        g.add((collection, DCTERMS.license, MIT))
        for position, q in enumerate(queries, start=1):
            if collection == URIRef(RULES):
                node = URIRef(q.meta["rule"]) if "rule" in q.meta else URIRef(f"{RULES}/{q.path.stem}")
            else:
                node = URIRef(f"{collection}/{q.name}")
            form = query_form(q.text)
            kind, text_prop = _FORMS[form]
            g.add((node, RDF.type, URIRef(SH + "SPARQLExecutable")))
            if kind:
                g.add((node, RDF.type, URIRef(SH + kind)))
            g.add((node, URIRef(text_prop), Literal(_runnable_text(q.text))))
            g.add((node, URIRef(SH + "prefixes"), PREFIX_DECLARATIONS))
            g.add((node, DCTERMS.isPartOf, collection))
            g.add((node, URIRef(SCHEMA + "position"), Literal(position, datatype=XSD.integer)))
            g.add((node, RDFS.label, Literal(q.name.upper() if title_key == "question" else q.name)))
            for lang in ("en", "zh"):
                for key in (title_key, "comment"):
                    text = q.meta.get(f"{key}@{lang}")
                    if text:
                        g.add((node, RDFS.comment, Literal(text, lang=lang)))
            for word in (w.strip() for w in q.meta.get("keywords", "").split(",")):
                if word:
                    g.add((node, URIRef(SCHEMA + "keywords"), Literal(word)))
            for key in ("needs", "params", "level"):
                if key in q.meta:
                    g.add((node, URIRef(SCHEMA + "description"), Literal(f"{key}: {q.meta[key]}", lang="en")))
            if q.path is not None:
                g.add((node, RDFS.seeAlso, Literal(q.path.relative_to(queries_dir.parent).as_posix())))
            if target:
                g.add((node, URIRef(SCHEMA + "target"), URIRef(target)))
    for prefix, ns in sorted(PREFIXES.items()):
        d = BNode(f"prefix-{prefix}")
        g.add((PREFIX_DECLARATIONS, URIRef(SH + "declare"), d))
        g.add((d, URIRef(SH + "prefix"), Literal(prefix)))
        g.add((d, URIRef(SH + "namespace"), Literal(ns, datatype=XSD.anyURI)))
    return g


# --- the release -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Artefact:
    name: str
    media: str
    licence: URIRef
    en: str
    zh: str


def _media(name: str) -> str:
    return {".ttl": "text/turtle", ".rdf": "application/rdf+xml", ".jsonld": "application/ld+json",
            ".md": "text/markdown", ".cff": "application/x-yaml", ".html": "text/html"}[Path(name).suffix]


def _artefacts(version: str) -> list[Artefact]:
    rows = [
        ("chuangshu.ttl", CC_BY, "the ontology, full release (Turtle)", "本体完整版（Turtle）"),
        ("chuangshu.rdf", CC_BY, "the ontology, full release (RDF/XML)", "本体完整版（RDF/XML）"),
        ("chuangshu.jsonld", CC_BY, "the ontology, full release (JSON-LD)", "本体完整版（JSON-LD）"),
        ("chuangshu-base.ttl", CC_BY, "the ontology, base release (Turtle)", "本体基础版（Turtle）"),
        ("chuangshu-base.rdf", CC_BY, "the ontology, base release (RDF/XML)", "本体基础版（RDF/XML）"),
        ("chuangshu-base.jsonld", CC_BY, "the ontology, base release (JSON-LD)", "本体基础版（JSON-LD）"),
        ("shapes.ttl", CC_BY, "the SHACL shapes (case data, assessment, ontology)", "SHACL 约束（案例数据、评估、本体）"),
        ("context.jsonld", CC_BY, f"the JSON-LD context {version}", f"JSON-LD 上下文 {version}"),
        ("queries.ttl", MIT, "competency queries, rules and report queries as sh:SPARQLExecutable",
         "能力问题查询、评估规则与报告查询（sh:SPARQLExecutable）"),
        ("data.ttl", CC_BY, "the case data: communities D and S from the paper, and the development set from public reports",
         "案例数据：论文中的 D、S 社区，以及取自公开报道的开发集"),
        ("CHANGELOG.md", CC_BY, f"what changed in {version}", f"{version} 的变更"),
        ("CITATION.cff", CC_BY, "how to cite the ontology and the paper", "如何引用本体与论文"),
    ]
    return [Artefact(n, _media(n), lic, en, zh) for n, lic, en, zh in rows]


def _serialize(graph: Graph, suffix: str) -> str:
    from .export import serialize

    return serialize(graph, {".ttl": "turtle", ".rdf": "xml", ".jsonld": "jsonld"}[suffix])


def release_description(version: str, date: str, folder: Path, artefacts: list[Artefact], docs: bool) -> Graph:
    """VoID/DCAT: the release as a dataset, every file a distribution with size, checksum and licence."""
    d = new_graph()
    d.bind("spdx", SPDX)
    rel = URIRef(f"{PROJECT}releases/{version}")
    d.add((rel, RDF.type, DCAT.Dataset))
    d.add((rel, RDF.type, VOID.Dataset))
    d.add((rel, DCTERMS.title, Literal(f"chuangshu ontology {version}: release artefacts", lang="en")))
    d.add((rel, DCTERMS.title, Literal(f"创熟本体 {version}：发布件", lang="zh")))
    d.add((rel, DCTERMS.issued, Literal(date, datatype=XSD.date)))
    d.add((rel, OWL.versionInfo, Literal(version)))
    d.add((rel, DCTERMS.conformsTo, URIRef(f"{ONTOLOGY_IRI}/{version}")))
    d.add((rel, DCTERMS.creator, URIRef(PROJECT + "contributors")))
    d.add((rel, DCTERMS.license, CC_BY))
    d.add((rel, VOID.uriSpace, Literal(str(CS))))
    d.add((rel, VOID.vocabulary, URIRef(ONTOLOGY_IRI)))
    d.add((rel, DCAT.landingPage, URIRef(f"{PROJECT}ontology")))
    listed = list(artefacts)
    if docs:
        listed.append(Artefact("docs/index.html", "text/html", CC_BY, "the documentation site", "文档站点"))
    for a in listed:
        path = folder / a.name
        data = path.read_bytes()
        dist = URIRef(f"{PROJECT}releases/{version}/{a.name}")
        d.add((rel, DCAT.distribution, dist))
        d.add((dist, RDF.type, DCAT.Distribution))
        d.add((dist, DCTERMS.title, Literal(a.en, lang="en")))
        d.add((dist, DCTERMS.title, Literal(a.zh, lang="zh")))
        d.add((dist, DCAT.downloadURL, dist))
        d.add((dist, DCAT.mediaType, URIRef(IANA + a.media)))
        d.add((dist, DCTERMS.license, a.licence))
        d.add((dist, DCAT.byteSize, Literal(len(data), datatype=XSD.nonNegativeInteger)))
        checksum = BNode(f"sha256-{a.name.replace('/', '-')}")
        d.add((dist, URIRef(SPDX + "checksum"), checksum))
        d.add((checksum, URIRef(SPDX + "algorithm"), URIRef(SPDX + "checksumAlgorithm_sha256")))
        d.add((checksum, URIRef(SPDX + "checksumValue"), Literal(hashlib.sha256(data).hexdigest(), datatype=XSD.hexBinary)))
        if a.media in ("text/turtle", "application/rdf+xml", "application/ld+json") and a.name != "context.jsonld":
            d.add((dist, VOID.triples, Literal(len(Graph().parse(data=data, format=_rdf_format(a.name))), datatype=XSD.integer)))
    return d


def _rdf_format(name: str) -> str:
    return {".ttl": "turtle", ".rdf": "xml", ".jsonld": "json-ld"}[Path(name).suffix]


def build_release(out_dir: Path, *, docs: bool = True, overwrite: bool = False, check: bool = True) -> Path:
    """Write every artefact of the current version into ``out_dir/VERSION``; return that folder."""
    from .ontology_report import run_report

    ontology = load_ontology()
    version = ontology_version(ontology)
    entry = changelog_entry(version)
    if check:
        errors = [f for f in run_report(ontology) if f.level == "ERROR"]
        if errors:
            f = errors[0]
            raise ChuangshuError(f"the ontology fails its quality report ({len(errors)} error(s); first: {f.rule} {f.entity}); "
                                 f"run chuangshu check-ontology",
                                 f"本体未通过质量报告（{len(errors)} 个错误；首个：{f.rule} {f.entity}）；请运行 chuangshu check-ontology")
    context = context_path(version)
    if not context.exists() or context.read_text(encoding="utf-8") != context_text(ontology):
        raise ChuangshuError(f"the JSON-LD context {context.name} is missing or out of date: run chuangshu release --update",
                             f"JSON-LD 上下文 {context.name} 缺失或已过时：请运行 chuangshu release --update")
    target = out_dir / version
    with new_folder(target, overwrite=overwrite) as work:
        full = full_ontology(ontology, version)
        base = base_ontology(ontology, version)
        for stem, graph in (("chuangshu", full), ("chuangshu-base", base)):
            for suffix in (".ttl", ".rdf", ".jsonld"):
                (work / f"{stem}{suffix}").write_text(_serialize(graph, suffix), encoding="utf-8")
        shapes = parse_files(resources.shapes_files())
        (work / "shapes.ttl").write_text(canonical_turtle(shapes), encoding="utf-8")
        shutil.copyfile(context, work / "context.jsonld")
        (work / "queries.ttl").write_text(canonical_turtle(query_library_graph()), encoding="utf-8")
        (work / "data.ttl").write_text(canonical_turtle(parse_files(resources.reference_files())), encoding="utf-8")
        (work / "CHANGELOG.md").write_text(entry.text, encoding="utf-8")
        shutil.copyfile(resources.project_file("CITATION.cff"), work / "CITATION.cff")
        if docs:
            downloads = [a for a in _artefacts(version) if (work / a.name).exists()]
            build_site(work / "docs", ontology=full, version=version, date=entry.date, downloads=downloads)
        description = release_description(version, entry.date, work, _artefacts(version), docs)
        (work / "void.ttl").write_text(canonical_turtle(description), encoding="utf-8")
    return target


# --- the w3id redirect rules -----------------------------------------------------------------------

HOSTING = "https://chuangshu.github.io/chuangshu/"   # where the release folders are published (GitHub Pages)


def htaccess_text(version: str, hosting: str = HOSTING) -> str:
    """The w3id.org redirect rules for ``https://w3id.org/chuangshu/`` (to submit to w3id.org's
    repository as ``chuangshu/.htaccess``): 303 redirects with content negotiation (Accept: Turtle,
    RDF/XML, JSON-LD, else HTML; Accept-Language zh for the Chinese pages) into the release folders."""
    rel = f"{hosting}releases/{version}/"
    v = r"([0-9]+\.[0-9]+\.[0-9]+)"
    lines = [
        "# w3id.org/chuangshu: persistent IRIs of the chuangshu (创熟) ontology, its shapes, context, queries and data.",
        "# Generated by `chuangshu release --update` from the ontology's version; submit to",
        "# https://github.com/perma-id/w3id.org as chuangshu/.htaccess. Releases are published under",
        f"# {hosting}releases/VERSION/ (chuangshu release -o releases). Contact: the chuangshu contributors.",
        "Options +FollowSymLinks",
        "RewriteEngine on",
        "",
    ]

    def negotiate(pattern: str, base: str, stem: str, html_en: str, html_zh: str, formats=(".ttl", ".rdf", ".jsonld")):
        media = {".ttl": ("text/turtle", "application/x-turtle"), ".rdf": ("application/rdf\\+xml",),
                 ".jsonld": ("application/ld\\+json",)}
        for suffix in formats:
            conds = media[suffix]
            for i, m in enumerate(conds):
                lines.append(f"RewriteCond %{{HTTP_ACCEPT}} {m} [NC{',OR' if i + 1 < len(conds) else ''}]")
            lines.append(f"RewriteRule {pattern} {base}{stem}{suffix} [R=303,L]")
        lines.append("RewriteCond %{HTTP:Accept-Language} ^zh [NC]")
        lines.append(f"RewriteRule {pattern} {base}{html_zh} [R=303,L,NE]")
        lines.append(f"RewriteRule {pattern} {base}{html_en} [R=303,L,NE]")
        lines.append("")

    lines.append("# the ontology (terms: …/ontology#Term), latest release")
    negotiate("^ontology$", rel, "chuangshu", "docs/en/ontology.html", "docs/zh/ontology.html")
    lines.append("# one version of the ontology, full and base")
    negotiate(f"^ontology/{v}$", f"{hosting}releases/$1/", "chuangshu", "docs/en/ontology.html", "docs/zh/ontology.html")
    negotiate(f"^ontology/{v}/base$", f"{hosting}releases/$1/", "chuangshu-base", "docs/en/ontology.html",
              "docs/zh/ontology.html")
    lines += [
        "# a serialization asked for by name",
        f"RewriteRule ^ontology\\.ttl$ {rel}chuangshu.ttl [R=303,L]",
        f"RewriteRule ^ontology\\.(rdf|owl)$ {rel}chuangshu.rdf [R=303,L]",
        f"RewriteRule ^ontology\\.jsonld$ {rel}chuangshu.jsonld [R=303,L]",
        "",
        "# the JSON-LD context: always JSON-LD",
        f"RewriteRule ^context(\\.jsonld)?$ {rel}context.jsonld [R=303,L]",
        f"RewriteRule ^context/{v}$ {hosting}releases/$1/context.jsonld [R=303,L]",
        "",
        "# the shapes (…/shapes#Shape): Turtle for RDF clients, else the shapes' pages",
    ]
    negotiate("^shapes$", rel, "shapes", "docs/en/shapes/index.html", "docs/zh/shapes/index.html", (".ttl",))
    lines.append("# the query library (…/queries/cq05) and the rules (…/rules/established) as sh:SPARQLExecutable")
    negotiate("^queries$", rel, "queries", "docs/en/queries/index.html", "docs/zh/queries/index.html", (".ttl",))
    negotiate("^queries/(cq[0-9]+)$", rel, "queries", "docs/en/queries/$1.html", "docs/zh/queries/$1.html", (".ttl",))
    negotiate("^queries/report/([a-z-]+)$", rel, "queries", "docs/en/rules.html#report-$1",
              "docs/zh/rules.html#report-$1", (".ttl",))
    negotiate("^rules(/([a-z-]+))?$", rel, "queries", "docs/en/rules.html#$2", "docs/zh/rules.html#$2", (".ttl",))
    lines.append("# case data (…/data/D, …/data/D1): the data of the release")
    negotiate("^data(/.*)?$", rel, "data", "docs/en/index.html", "docs/zh/index.html", (".ttl",))
    lines += [
        "# release files by their own name (the downloadURL of every distribution in void.ttl)",
        f"RewriteRule ^releases/(.+)$ {hosting}releases/$1 [R=303,L]",
        "",
        "# the project and its creator",
    ]
    negotiate("^contributors$", rel, "void", "docs/en/index.html#citation", "docs/zh/index.html#citation", (".ttl",))
    lines.append(f"RewriteRule ^$ {rel}docs/index.html [R=303,L]")
    return "\n".join(lines) + "\n"


def htaccess_path() -> Path:
    return resources.project_file("w3id") / ".htaccess"


def update_generated() -> list[Path]:
    """Write the repository's generated files for the current version: the JSON-LD context
    (``ontology/context/chuangshu-VERSION.jsonld``) and the w3id rules (``w3id/.htaccess``)."""
    ontology = load_ontology()
    version = ontology_version(ontology)
    written = [(context_path(version), context_text(ontology)), (htaccess_path(), htaccess_text(version))]
    for path, text in written:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    return [p for p, _ in written]
