"""SHACL as SPARQL, for city-scale validation on Oxigraph.

Compiles the case-data shapes — the SHACL Core components they use (min/max count,
datatype, an ``sh:or`` of datatypes, language, value set, class, node kind, pattern,
``sh:xone`` of required properties) and their SHACL-SPARQL constraints — into one
SPARQL SELECT per constraint, run over the whole store at once instead of node by node.
The reference path (pySHACL) and this one give the same results on the bundled data,
the examples and synthetic sets (tests compare them). Not covered, and refused when
met: other components (such as qualified shapes), and the lexical well-formedness of
typed literals, which pySHACL checks and this path does not.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from .errors import ChuangshuError

SH = "http://www.w3.org/ns/shacl#"
S = lambda name: URIRef(SH + name)  # noqa: E731


@dataclass
class CompiledConstraint:
    query: str            # SELECT ?this ?value
    severity: str
    shape: URIRef         # sh:sourceShape
    constraint: URIRef    # the property shape or SPARQL constraint (what the reports name)
    component: str        # e.g. sh:MinCountConstraintComponent
    path: str | None      # compact path for the report
    node: URIRef | BNode  # where the messages are
    datatypes: tuple = ()  # sh:datatype (or an sh:or of them): a value of one of these must be well formed
    lexical_query: str = ""  # SELECT ?this ?value of those datatypes, checked for well-formedness in Python
    # a count constraint as data, for engines that count all of a focus class's paths in one pass:
    # (target class, path IRI, inverse?, "<" for sh:minCount or ">" for sh:maxCount, the bound)
    count: tuple | None = None


def _n3(term) -> str:
    return term.n3()


def _list(shapes: Graph, head) -> list:
    return list(Collection(shapes, head))


def _severity(shapes: Graph, node) -> str:
    sev = shapes.value(node, S("severity"))
    return str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation"


def _path(shapes: Graph, path) -> tuple[str, str]:
    """SPARQL path text and the report's compact form."""
    from .load import compact

    if isinstance(path, URIRef):
        return _n3(path), compact(path)
    inverse = shapes.value(path, S("inversePath"))
    if isinstance(inverse, URIRef):
        return "^" + _n3(inverse), "^" + compact(inverse)
    raise ChuangshuError("unsupported property path in a shape", "约束中的属性路径不受支持")


def _prefixes(shapes: Graph, sparql_node) -> str:
    lines = []
    for decl_holder in shapes.objects(sparql_node, S("prefixes")):
        for decl in shapes.objects(decl_holder, S("declare")):
            lines.append(f"PREFIX {shapes.value(decl, S('prefix'))}: <{shapes.value(decl, S('namespace'))}>")
    return "\n".join(sorted(set(lines)))


def compile_shapes(shapes: Graph) -> list[CompiledConstraint]:
    out: list[CompiledConstraint] = []
    handled = {S(x) for x in ("minCount", "maxCount", "datatype", "or", "languageIn", "in", "class",
                              "nodeKind", "pattern", "path", "severity", "message", "name", "description")}
    for shape in sorted(set(shapes.subjects(RDF.type, S("NodeShape"))), key=str):
        targets = list(shapes.objects(shape, S("targetClass")))
        if len(targets) != 1:
            raise ChuangshuError(f"shape {shape} needs exactly one sh:targetClass for the fast path",
                                 f"约束 {shape} 在快速路径中须恰有一个 sh:targetClass")
        target = f"?this {_n3(RDF.type)}/{_n3(RDFS.subClassOf)}* {_n3(targets[0])} ."
        for ps in shapes.objects(shape, S("property")):
            unknown = {p for p in shapes.predicates(ps) if p != RDF.type} - handled
            if unknown:
                raise ChuangshuError(f"the fast path does not support {sorted(unknown)} (in {ps})",
                                     f"快速路径不支持 {sorted(unknown)}（见 {ps}）")
            path, shown = _path(shapes, shapes.value(ps, S("path")))
            sev = _severity(shapes, ps)
            add = lambda q, comp: out.append(CompiledConstraint(q, sev, ps, ps, comp, shown, ps))  # noqa: E731
            raw = shapes.value(ps, S("path"))
            counted = (str(targets[0]), str(raw), False) if isinstance(raw, URIRef) else \
                (str(targets[0]), str(shapes.value(raw, S("inversePath"))), True)
            lo, hi = shapes.value(ps, S("minCount")), shapes.value(ps, S("maxCount"))
            if lo is not None and int(lo) == 1:  # the common case: one anti-join on an index
                add(f"SELECT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {path} ?v }} }}", "sh:MinCountConstraintComponent")
                out[-1].count = counted + ("<", 1)
                lo = None
            for bound, op, comp in ((lo, "<", "sh:MinCountConstraintComponent"), (hi, ">", "sh:MaxCountConstraintComponent")):
                if bound is not None:  # a node without values counts 0: it matters to minCount only
                    values = f"OPTIONAL {{ ?this {path} ?v }}" if op == "<" else f"?this {path} ?v ."
                    add(f"""SELECT ?this WHERE {{
  {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {target} {values} }} GROUP BY ?this }}
  FILTER (?n {op} {int(bound)})
}}""", comp)
                    out[-1].count = counted + (op, int(bound))
            value_tests = []
            dt = shapes.value(ps, S("datatype"))
            if dt is not None:
                value_tests.append((f"!isLiteral(?v) || DATATYPE(?v) != {_n3(dt)}", "sh:DatatypeConstraintComponent"))
            alt = shapes.value(ps, S("or"))
            if alt is not None:
                dts = [shapes.value(a, S("datatype")) for a in _list(shapes, alt)]
                if None in dts:
                    raise ChuangshuError("the fast path supports sh:or of datatypes only", "快速路径只支持由数据类型构成的 sh:or")
                value_tests.append((f"!isLiteral(?v) || DATATYPE(?v) NOT IN ({', '.join(_n3(d) for d in dts)})",
                                    "sh:OrConstraintComponent"))
            langs = shapes.value(ps, S("languageIn"))
            if langs is not None:
                any_lang = " || ".join(f'langMatches(LANG(?v), "{str(l)}")' for l in _list(shapes, langs))
                value_tests.append((f"!isLiteral(?v) || LANG(?v) = \"\" || !({any_lang})", "sh:LanguageInConstraintComponent"))
            values = shapes.value(ps, S("in"))
            if values is not None:
                value_tests.append((f"?v NOT IN ({', '.join(_n3(v) for v in _list(shapes, values))})", "sh:InConstraintComponent"))
            kind = shapes.value(ps, S("nodeKind"))
            if kind is not None:
                if kind != S("IRI"):
                    raise ChuangshuError("the fast path supports sh:nodeKind sh:IRI only", "快速路径只支持 sh:nodeKind sh:IRI")
                value_tests.append(("!isIRI(?v)", "sh:NodeKindConstraintComponent"))
            pattern = shapes.value(ps, S("pattern"))
            if pattern is not None:
                value_tests.append((f"isBlank(?v) || !REGEX(STR(?v), {Literal(str(pattern)).n3()})",
                                    "sh:PatternConstraintComponent"))
            for test, comp in value_tests:
                add(f"SELECT ?this ?value WHERE {{ {target} ?this {path} ?value . BIND (?value AS ?v) FILTER ({test}) }}", comp)
                if comp in ("sh:DatatypeConstraintComponent", "sh:OrConstraintComponent"):
                    # a literal of the right datatype but an impossible lexical form ("2022-13-45"^^xsd:date)
                    # is ill-typed: SPARQL cannot tell, rdflib can (Literal.ill_typed), as pySHACL does
                    dts = (dt,) if comp == "sh:DatatypeConstraintComponent" else tuple(dts)
                    out[-1].datatypes = dts
                    out[-1].lexical_query = (f"SELECT ?this ?value WHERE {{ {target} ?this {path} ?value . "
                                             f"FILTER (isLiteral(?value) && DATATYPE(?value) IN ({', '.join(_n3(d) for d in dts)})) }}")
            cls = shapes.value(ps, S("class"))
            if cls is not None:
                # MINUS (an anti-join Oxigraph hashes) rather than a NOT EXISTS evaluated per value
                add(f"""SELECT ?this ?value WHERE {{ {target} ?this {path} ?value .
  MINUS {{ ?value {_n3(RDF.type)}/{_n3(RDFS.subClassOf)}* {_n3(cls)} }} }}""", "sh:ClassConstraintComponent")
        xone = shapes.value(shape, S("xone"))
        if xone is not None:
            tests = []
            for alt in _list(shapes, xone):
                alt_path, _ = _path(shapes, shapes.value(alt, S("path")))
                if shapes.value(alt, S("minCount")) != Literal(1):
                    raise ChuangshuError("the fast path supports sh:xone of required properties only",
                                         "快速路径只支持由必需属性构成的 sh:xone")
                tests.append(f"IF(EXISTS {{ ?this {alt_path} ?x{len(tests)} }}, 1, 0)")
            out.append(CompiledConstraint(
                f"SELECT ?this (?this AS ?value) WHERE {{ {target} FILTER (({' + '.join(tests)}) != 1) }}",
                _severity(shapes, shape), shape, shape, "sh:XoneConstraintComponent", None, shape))
        for sc in shapes.objects(shape, S("sparql")):
            select = str(shapes.value(sc, S("select"))).replace("$this", "?this")
            head, _, body = select.partition("WHERE {")
            query = f"{_prefixes(shapes, sc)}\n{head}WHERE {{\n  {target}\n{body}"
            out.append(CompiledConstraint(query, _severity(shapes, shape), shape, sc,
                                          "sh:SPARQLConstraintComponent", None, sc))
    return out


def _template(shapes: Graph, c: CompiledConstraint, lang: str) -> str:
    """A constraint's sh:message in ``lang``, placeholders ({?var}, {$this}) unfilled."""
    from .validate import _text

    return _text(shapes, c.node, URIRef(SH + "message"), lang) or ""


def fixed_message(shapes: Graph, c: CompiledConstraint, lang: str, label) -> str | None:
    """A constraint's message when it names no value of a result (the same for all its results), else None."""
    from .validate import humanize

    template = _template(shapes, c, lang)
    return humanize(template, lambda iri: label(URIRef(iri))) if "{" not in template else None


def tallied(c: CompiledConstraint, shapes: Graph, lang: str, itemize_info: bool) -> bool:
    """Whether a constraint's results are only counted: Info results with a fixed message, when the
    caller does not want them listed (a city's summary table counts them by message anyway)."""
    return not itemize_info and c.severity == "Info" and "{" not in _template(shapes, c, lang)


def build_report(shapes: Graph, found, label, *, lang: str, allow_warnings: bool, counted=()):
    """The validation report from each compiled constraint's rows (``found``: pairs of a
    :class:`CompiledConstraint` and its rows, {variable: rdflib term}; ``counted``: pairs of a
    constraint and how many results it has, counted rather than listed); ``label(iri)`` names an IRI
    in ``lang`` or gives None. Shared by every engine that runs the compiled constraints."""
    from .load import compact
    from .validate import Report, Result, fill_message, format_value

    name = lambda iri: label(URIRef(iri))  # noqa: E731
    tallies: dict = {}
    for c, n in counted:
        if n:
            key = (c.severity, compact(c.constraint), compact(c.shape), fixed_message(shapes, c, lang, label))
            tallies[key] = tallies.get(key, 0) + n
    results = []
    for c, rows in found:
        if not rows:
            continue
        # what is the same for every result of a constraint, once (a city has ~10⁵ results of one)
        fixed = fixed_message(shapes, c, lang, label)
        template = _template(shapes, c, lang) if fixed is None else ""
        constraint, shape = compact(c.constraint), compact(c.shape)
        for row in rows:
            focus = row["this"]
            value, path = row.get("value"), row.get("path")
            if value is None and c.component == "sh:SPARQLConstraintComponent":
                value = focus  # SHACL: a node shape's value node is its focus node
            results.append(Result(
                severity=c.severity, focus=str(focus), focus_label=label(focus) or compact(focus),
                path=compact(path) if path is not None else c.path,
                value=format_value(value, label(value)) if value is not None else None,
                message=fixed if fixed is not None else fill_message(template, {k: str(v) for k, v in row.items()}, name),
                constraint=constraint, shape=shape, component=c.component, file=None))
    results.sort(key=lambda x: ({"Violation": 0, "Warning": 1, "Info": 2}[x.severity], x.focus, x.constraint, x.value or ""))
    return Report(results=results, allow_warnings=allow_warnings, report_graph=None, tallies=tallies)


def ill_typed(terms) -> set:
    """Those of ``terms`` (literals) whose lexical form their datatype does not allow, as rdflib
    (and so pySHACL) tells: "2022-13-45"^^xsd:date. Each distinct literal is checked once."""
    return {t for t in set(terms) if getattr(t, "ill_typed", False)}
