"""The documentation site: generated from the ontology, the shapes and the query library, in Chinese
and in English, readable offline (no script, style, font or image from elsewhere).

``DIR/index.html`` chooses a language; ``DIR/en/`` and ``DIR/zh/`` hold the same pages:
``index.html`` (overview, the stage-model diagram, downloads, citation, changes), ``ontology.html``
(every term: labels, definitions, kind, hierarchy, axioms, annotations, instances), ``shapes/`` (one
page per shape with its constraints, severities and messages), ``queries/`` (one page per
competency question with its text and its result on the bundled data), ``rules.html``. The
diagram ``stage-model-LANG.svg`` is drawn from the ontology's stages, cycles and steps.
Pages come from the Jinja templates in ``templates/docs/``; every value is escaped.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from . import resources
from .diagrams import stage_model_svg
from .i18n import pick as L, text_in
from .rdf import CS, ONTOLOGY_IRI, PREFIXES, load_ontology
from .versions import changelog_entry, ontology_version

LANGS = ("en", "zh")
SH = "http://www.w3.org/ns/shacl#"
_TEMPLATES = Path(__file__).resolve().parent / "templates" / "docs"


def _text(g: Graph, node, prop, lang: str) -> str | None:
    return text_in(g.objects(node, prop), lang)


def _other(lang: str) -> str:
    return "zh" if lang == "en" else "en"


def curie(iri: str) -> str:
    best = max((p for p, ns in PREFIXES.items() if iri.startswith(ns)), key=lambda p: len(PREFIXES[p]), default=None)
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


# --- the ontology reference --------------------------------------------------------------------

KINDS = [  # (key, rdf:type, en, zh)
    ("classes", OWL.Class, "Classes", "类"),
    ("object-properties", OWL.ObjectProperty, "Object properties", "对象属性"),
    ("datatype-properties", OWL.DatatypeProperty, "Datatype properties", "数据属性"),
    ("annotation-properties", OWL.AnnotationProperty, "Annotation properties", "注释属性"),
    ("individuals", None, "Individuals", "个体"),
]
_SHOWN = {RDFS.label, SKOS.definition, RDFS.isDefinedBy, RDF.type}


@dataclass
class Row:
    name: str
    values: list[Markup]


@dataclass
class TermPage:
    anchor: str
    iri: str
    label: str
    other_label: str | None
    definition: str | None
    other_definition: str | None
    kinds: list[Markup]
    rows: list[Row] = field(default_factory=list)


class Renderer:
    """Terms as links in one language: the ontology's own to their anchor on the reference page,
    external ones to their IRI (a link the reader may follow, nothing the page loads)."""

    def __init__(self, g: Graph, lang: str, reference: str):
        self.g, self.lang, self.reference = g, lang, reference

    def label(self, term) -> str:
        return _text(self.g, term, RDFS.label, self.lang) or curie(str(term))

    def link(self, term) -> Markup:
        iri = str(term)
        if iri.startswith(CS):
            return Markup('<a href="{}#{}" title="{}">{}</a>').format(self.reference, iri[len(CS):], curie(iri), self.label(term))
        return Markup('<a class="external" href="{}"><code>{}</code></a>').format(iri, curie(iri))

    def value(self, node) -> Markup:
        if isinstance(node, URIRef):
            return self.link(node)
        if isinstance(node, Literal):
            text = escape(str(node))
            if node.language:
                return Markup('<span lang="{}">{}</span> <small>@{}</small>').format(node.language, text, node.language)
            if node.datatype is not None:
                return Markup("{} <small>{}</small>").format(text, curie(str(node.datatype)))
            return Markup(text)
        return self.expression(node)

    def _list(self, node) -> list:
        return list(Collection(self.g, node))

    def expression(self, node) -> Markup:
        """A class expression or an axiom node in a Manchester-like notation."""
        g = self.g
        on = g.value(node, OWL.onProperty)
        if on is not None:
            prop = self.value(on)
            for p, word in ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only"), (OWL.hasValue, "value")):
                v = g.value(node, p)
                if v is not None:
                    return Markup("({} <em>{}</em> {})").format(prop, word, self.value(v))
            for p, word in ((OWL.cardinality, "exactly"), (OWL.qualifiedCardinality, "exactly"),
                            (OWL.minCardinality, "min"), (OWL.minQualifiedCardinality, "min"),
                            (OWL.maxCardinality, "max"), (OWL.maxQualifiedCardinality, "max")):
                v = g.value(node, p)
                if v is not None:
                    target = g.value(node, OWL.onClass)
                    return Markup("({} <em>{}</em> {}{})").format(
                        prop, word, v, Markup(" ") + self.value(target) if target is not None else "")
        for p, word in ((OWL.intersectionOf, "and"), (OWL.unionOf, "or")):
            items = g.value(node, p)
            if items is not None:
                return Markup("(") + Markup(f" <em>{word}</em> ").join(self.value(i) for i in self._list(items)) + Markup(")")
        items = g.value(node, OWL.oneOf)
        if items is not None:
            return Markup("{") + Markup(", ").join(self.value(i) for i in self._list(items)) + Markup("}")
        complement = g.value(node, OWL.complementOf)
        if complement is not None:
            return Markup("(<em>not</em> {})").format(self.value(complement))
        if (node, RDF.first, None) in g:
            return Markup("(") + Markup(", ").join(self.value(i) for i in self._list(node)) + Markup(")")
        return Markup("<em>{}</em>").format(L(self.lang, "an anonymous node", "匿名节点"))


def _kind_of(g: Graph, term) -> str:
    types = set(g.objects(term, RDF.type))
    for key, cls, _, _ in KINDS:
        if cls is not None and cls in types:
            return key
    return "individuals"


def ontology_sections(g: Graph, lang: str, reference: str = "ontology.html") -> list[dict]:
    r = Renderer(g, lang, reference)
    terms = sorted({s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(CS)}, key=str)
    predicates_label = lambda p: _text(g, p, RDFS.label, lang) or curie(str(p))  # noqa: E731
    sections = {key: [] for key, *_ in KINDS}
    for t in terms:
        kinds = [r.value(k) for k in sorted(g.objects(t, RDF.type), key=str)]
        page = TermPage(str(t)[len(CS):], str(t), r.label(t), _text(g, t, RDFS.label, _other(lang)),
                        _text(g, t, SKOS.definition, lang), _text(g, t, SKOS.definition, _other(lang)), kinds)
        by_pred: dict = {}
        for p, o in g.predicate_objects(t):
            if p in _SHOWN or (p == RDFS.label):
                continue
            by_pred.setdefault(p, []).append(o)
        for p in sorted(by_pred, key=lambda x: (predicates_label(x).lower(), str(x))):
            values = sorted(by_pred[p], key=lambda o: (isinstance(o, BNode), str(o)))
            page.rows.append(Row(predicates_label(p), [r.value(o) for o in values]))
        inverse = [  # what points here, by kind of link
            (RDFS.subClassOf, "subclasses", "子类"), (RDFS.subPropertyOf, "subproperties", "子属性"),
            (RDF.type, "instances", "实例"), (RDFS.domain, "in the domain of", "作为其定义域"),
            (RDFS.range, "in the range of", "作为其值域"),
        ]
        for p, en, zh in inverse:
            found = sorted((s for s in g.subjects(p, t) if isinstance(s, URIRef)), key=str)
            if found:
                page.rows.append(Row(L(lang, en, zh), [r.value(s) for s in found]))
        sections[_kind_of(g, t)].append(page)
    return [{"key": key, "title": L(lang, en, zh), "terms": sections[key]} for key, _, en, zh in KINDS if sections[key]]


# --- shapes ------------------------------------------------------------------------------------

_CONSTRAINTS = ["class", "datatype", "nodeKind", "minCount", "maxCount", "in", "hasValue", "pattern", "languageIn",
                "uniqueLang", "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "minLength", "maxLength",
                "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "node", "or", "and", "not", "xone",
                "equals", "disjoint", "lessThan", "closed"]


def _sh(name: str) -> URIRef:
    return URIRef(SH + name)


def shape_pages(shapes: Graph, ontology: Graph, lang: str) -> list[dict]:
    g = shapes + ontology
    r = Renderer(g, lang, "../ontology.html")

    def message(node) -> tuple[str | None, str | None]:
        return _text(g, node, _sh("message"), lang), _text(g, node, _sh("message"), _other(lang))

    def severity(node, default=None) -> str:
        s = g.value(node, _sh("severity")) or default or _sh("Violation")
        return str(s)[len(SH):]

    def path_text(node) -> Markup:
        path = g.value(node, _sh("path"))
        if isinstance(path, URIRef):
            return r.value(path)
        inverse = g.value(path, _sh("inversePath"))
        if inverse is not None:
            return Markup("^") + r.value(inverse)
        alternatives = g.value(path, _sh("alternativePath"))
        if alternatives is not None:
            return Markup(" | ").join(r.value(x) for x in Collection(g, alternatives))
        if (path, RDF.first, None) in g:
            return Markup(" / ").join(r.value(x) for x in Collection(g, path))
        return r.value(path)

    def constraint_value(node) -> Markup:
        if isinstance(node, BNode) and (node, RDF.first, None) in g:
            return Markup(", ").join(constraint_value(x) for x in Collection(g, node))
        if isinstance(node, BNode):
            parts = [Markup("{} {}").format(str(p)[len(SH):] if str(p).startswith(SH) else curie(str(p)), constraint_value(o))
                     for p, o in sorted(g.predicate_objects(node), key=lambda x: str(x[0]))]
            return Markup("[") + Markup("; ").join(parts) + Markup("]")
        return r.value(node)

    pages = []
    for shape in sorted(set(shapes.subjects(RDF.type, _sh("NodeShape"))), key=str):
        name = str(shape).split("#")[-1]
        targets = []
        for p in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"):
            for o in g.objects(shape, _sh(p)):
                targets.append(Markup("{}: {}").format(p, r.value(o)))
        for t in g.objects(shape, _sh("target")):
            targets.append(Markup("SPARQL: <pre>{}</pre>").format(str(g.value(t, _sh("select")) or "").strip()))
        default = g.value(shape, _sh("severity"))
        properties = []
        for prop in g.objects(shape, _sh("property")):
            constraints = [Markup("{} {}").format(c, constraint_value(o)) for c in _CONSTRAINTS
                           for o in sorted(g.objects(prop, _sh(c)), key=str)]
            own, other = message(prop)
            properties.append({"path": path_text(prop), "constraints": constraints, "severity": severity(prop, default),
                               "message": own, "other_message": other, "sort": (str(g.value(prop, _sh("path"))), own or "")})
        properties.sort(key=lambda p: p["sort"])
        sparql = []
        for c in g.objects(shape, _sh("sparql")):
            own, other = message(c)
            sparql.append({"severity": severity(c, default), "message": own, "other_message": other,
                           "select": str(g.value(c, _sh("select")) or "").strip()})
        sparql.sort(key=lambda s: s["message"] or "")
        own, other = message(shape)
        source = next((p.name for p in resources.shapes_files() if (shape, RDF.type, _sh("NodeShape")) in _parsed(p)), "")
        pages.append({"name": name, "iri": str(shape), "label": _text(g, shape, RDFS.label, lang) or name,
                      "other_label": _text(g, shape, RDFS.label, _other(lang)),
                      "comment": _text(g, shape, RDFS.comment, lang), "targets": targets, "properties": properties,
                      "sparql": sparql, "message": own, "other_message": other, "file": f"shapes/{source}",
                      "closed": str(g.value(shape, _sh("closed")) or "") == "true"})
    return pages


_PARSED: dict = {}


def _parsed(path: Path) -> Graph:
    if path not in _PARSED:
        from .rdf import parse_file

        _PARSED[path] = parse_file(path)
    return _PARSED[path]


# --- the query library with its results on the bundled data ---------------------------------------

def query_pages(lang: str, graph: Graph, max_rows: int = 200) -> list[dict]:
    from .library import library, run_local, term_labels

    pages = []
    for q in library():
        bindings = {"lang": Literal(lang)} if "lang" in q.params else {}
        table = run_local(q, graph, bindings)
        labels = term_labels(graph, {v for row in table.rows for v in row.values()}, lang)
        r = Renderer(graph, lang, "../ontology.html")

        def cell(v):
            if isinstance(v, URIRef):
                text = labels.get(str(v))
                if str(v).startswith(CS):
                    return r.link(v)
                return Markup('<span title="{}">{}</span>').format(str(v), text or curie(str(v)))
            return r.value(v) if v is not None else Markup("")

        if table.ask:
            rows = [[Markup(str(table.rows[0]["boolean"]))]]
            variables = ["boolean"]
        else:
            variables = table.variables
            rows = [[cell(row.get(v)) for v in variables] for row in table.rows[:max_rows]]
        pages.append({"id": q.name, "question": q.meta.get(f"question@{lang}", q.name),
                      "other_question": q.meta.get(f"question@{_other(lang)}"), "keywords": q.meta.get("keywords", ""),
                      "needs": q.meta.get("needs", ""), "params": q.meta.get("params", ""),
                      "file": q.path.relative_to(resources.resource_dir("queries").parent).as_posix(),
                      "text": q.text, "variables": variables, "rows": rows, "total": len(table.rows),
                      "shown": min(len(table.rows), max_rows)})
    return pages


def rule_pages(lang: str) -> list[dict]:
    from .library import read_query

    out = []
    for kind, folder in (("rules", "rules"), ("report", "report")):
        for p in sorted((resources.resource_dir("queries") / folder).glob("*.rq")):
            q = read_query(p)
            iri = q.meta.get("rule", "")
            out.append({"kind": kind, "id": p.stem, "iri": iri, "anchor": iri.rsplit("/", 1)[-1] if iri else "",
                        "label": q.meta.get(f"label@{lang}", p.stem), "comment": q.meta.get(f"comment@{lang}", ""),
                        "level": q.meta.get("level", ""), "file": f"queries/{folder}/{p.name}", "text": q.text})
    return out


# --- the site ----------------------------------------------------------------------------------

def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return env


def build_site(out: Path, *, ontology: Graph | None = None, version: str | None = None, date: str | None = None,
               downloads=(), as_of: str | None = None) -> Path:
    """Write the site into ``out`` (a new folder). ``downloads``: the release artefacts beside ``out``
    (:class:`chuangshu.publish.Artefact`), listed as downloads. Query results are those on the bundled data as of
    ``as_of`` (default: the release date), so that the site is the same wherever it is built."""
    from .assess import knowledge_graph, parse_as_of
    from .rdf import parse_files
    from .load import load_graph

    ontology = ontology if ontology is not None else load_ontology()
    version = version or ontology_version(ontology)
    entry = changelog_entry(version)
    date = date or entry.date
    shapes = parse_files(resources.shapes_files())
    graph = knowledge_graph(load_graph(), as_of=parse_as_of(as_of or date))
    env = _environment()
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_TEMPLATES / "style.css", out / "style.css")
    ont = URIRef(ONTOLOGY_IRI)
    downloads = list(downloads)
    (out / "index.html").write_text(env.get_template("choose.html").render(
        version=version, title_en=_text(ontology, ont, DCTERMS.title, "en"),
        title_zh=_text(ontology, ont, DCTERMS.title, "zh")), encoding="utf-8")
    for lang in LANGS:
        (out / f"stage-model-{lang}.svg").write_text(stage_model_svg(ontology, lang), encoding="utf-8")
        root = out / lang
        (root / "shapes").mkdir(parents=True)
        (root / "queries").mkdir()
        common = {"lang": lang, "other": _other(lang), "L": lambda en, zh, _l=lang: L(_l, en, zh), "version": version,
                  "date": date, "as_of": as_of or date}
        shape_list = shape_pages(shapes, ontology, lang)
        queries = query_pages(lang, graph)
        pages = [
            ("index.html", "index.html", {
                "title": _text(ontology, ont, DCTERMS.title, lang), "description": _text(ontology, ont, DCTERMS.description, lang),
                "citation": str(ontology.value(ont, DCTERMS.bibliographicCitation) or ""), "changelog": entry.text,
                "downloads": downloads, "iri": ONTOLOGY_IRI, "version_iri": str(ontology.value(ont, OWL.versionIRI)),
                "prior": str(ontology.value(ont, OWL.priorVersion) or ""), "licence": str(ontology.value(ont, DCTERMS.license)),
                "shapes": shape_list, "queries": queries, "depth": ""}),
            ("ontology.html", "ontology.html", {"sections": ontology_sections(ontology, lang), "depth": "",
                                                "external": _external_terms(ontology, lang)}),
            ("rules.html", "rules.html", {"rules": rule_pages(lang), "depth": ""}),
            ("shapes/index.html", "shapes.html", {"shapes": shape_list, "depth": "../"}),
            ("queries/index.html", "queries.html", {"queries": queries, "depth": "../"}),
        ]
        pages += [(f"shapes/{s['name']}.html", "shape.html", {"shape": s, "depth": "../"}) for s in shape_list]
        pages += [(f"queries/{q['id']}.html", "query.html", {"query": q, "depth": "../"}) for q in queries]
        for path, template, values in pages:
            html = env.get_template(template).render(page=path, **common, **values)
            (root / path).write_text(html, encoding="utf-8")
    return out


def _external_terms(g: Graph, lang: str) -> list[dict]:
    r = Renderer(g, lang, "ontology.html")
    out = []
    for t in sorted({s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef) and not str(s).startswith("https://w3id.org/chuangshu/")
                     and str(s) != ONTOLOGY_IRI}, key=str):
        out.append({"link": r.link(t), "kinds": [r.value(k) for k in sorted(g.objects(t, RDF.type), key=str)]})
    return out
