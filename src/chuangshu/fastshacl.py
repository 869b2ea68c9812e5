"""SHACL as SPARQL: the shapes compiled into one SPARQL SELECT per constraint, run over the whole graph
at once (on Oxigraph, or compiled on to SQL for DuckDB) instead of node by node.

Every SHACL Core construct is translated, or refused by name before any data is read (a
:class:`ShapeUnsupported`, naming the shape and the construct) — nothing in a shapes graph is skipped
without a word; annotations (labels, messages, names, orders, groups, descriptions, default values)
are not constraints. Translated:

- targets: ``sh:targetNode``, ``sh:targetClass``, implicit class targets (a shape that is also an
  ``rdfs:Class``), ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, several per shape;
- shapes typed ``sh:NodeShape`` or ``sh:PropertyShape``, or untyped (a shape is what SHACL says a
  shape is: typed, targeted, holding a constraint, or referred to as one), ``sh:deactivated``,
  ``sh:severity``; property shapes under ``sh:property`` at any depth;
- paths: predicates, sequences, alternatives, ``sh:inversePath``, ``sh:zeroOrMorePath``,
  ``sh:oneOrMorePath``, ``sh:zeroOrOnePath``;
- constraints, on node shapes and property shapes alike: ``sh:class``, ``sh:datatype`` (the literal's
  lexical form checked too), ``sh:nodeKind``, ``sh:minCount``, ``sh:maxCount``, ``sh:minExclusive``,
  ``sh:minInclusive``, ``sh:maxExclusive``, ``sh:maxInclusive``, ``sh:minLength``, ``sh:maxLength``,
  ``sh:pattern`` (with ``sh:flags``), ``sh:languageIn``, ``sh:uniqueLang``, ``sh:equals``,
  ``sh:disjoint``, ``sh:lessThan``, ``sh:lessThanOrEquals``, ``sh:not``, ``sh:and``, ``sh:or``,
  ``sh:xone``, ``sh:node``, ``sh:qualifiedValueShape`` (with ``sh:qualifiedMinCount``,
  ``sh:qualifiedMaxCount``, ``sh:qualifiedValueShapesDisjoint``), ``sh:closed`` (with
  ``sh:ignoredProperties``), ``sh:hasValue``, ``sh:in``;
- SHACL-SPARQL constraints (``sh:sparql`` with ``sh:select``) on shapes with targets.

A shape checked inside another (``sh:node``, ``sh:not``, the logical lists, qualified shapes) becomes
a ``NOT EXISTS`` pattern over the value node; its counts there are joins of distinct values, up to
:data:`NESTED_COUNT` of them (a larger bound in a nested shape is refused), and a recursive shape
(undefined in SHACL) is refused. Pattern matching is SPARQL's ``REGEX``; a literal's lexical form is
checked against its datatype by rdflib at the top level (as pySHACL does) and by a regular expression
of the datatype's lexical space inside nested shapes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .errors import ChuangshuError

SH = "http://www.w3.org/ns/shacl#"
S = lambda name: URIRef(SH + name)  # noqa: E731
NESTED_COUNT = 4   # the largest count a shape checked inside another may bound (joins of that many values)


class ShapeUnsupported(ChuangshuError):
    """A construct of a shapes graph the compiled engines do not translate, named."""


@dataclass
class CompiledConstraint:
    query: str            # SELECT ?this ?value (and ?path where the path is found per result)
    severity: str
    shape: URIRef | BNode  # sh:sourceShape
    constraint: URIRef | BNode  # the property shape or SPARQL constraint (what the reports name)
    component: str        # e.g. sh:MinCountConstraintComponent
    path: str | None      # compact path for the report
    node: URIRef | BNode  # where the messages are
    datatypes: tuple = ()  # sh:datatype (or an sh:or of them): a value of one of these must be well formed
    lexical_query: str = ""  # SELECT ?this ?value of those datatypes, checked for well-formedness in Python
    # a count constraint as data, for engines that count all of a focus class's paths in one pass:
    # (target class, path IRI, inverse?, "<" for sh:minCount or ">" for sh:maxCount, the bound)
    count: tuple | None = None
    path_node: URIRef | BNode | None = None  # the shape's sh:path (sh:resultPath)


# the parameters of SHACL Core's constraint components, and what a shape may carry beside them
PARAMETERS = {"class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive", "maxExclusive",
              "maxInclusive", "minLength", "maxLength", "pattern", "flags", "languageIn", "uniqueLang", "equals",
              "disjoint", "lessThan", "lessThanOrEquals", "not", "and", "or", "xone", "node", "property",
              "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint",
              "closed", "ignoredProperties", "hasValue", "in", "sparql"}
TARGETS = {"targetNode", "targetClass", "targetSubjectsOf", "targetObjectsOf"}
ANNOTATIONS = {"path", "severity", "deactivated", "message", "name", "description", "order", "group", "defaultValue"}
SHAPE_VALUED = {"node", "not", "qualifiedValueShape", "property"}
SHAPE_LISTS = {"and", "or", "xone"}
COMPONENT = {"class": "Class", "datatype": "Datatype", "nodeKind": "NodeKind", "minCount": "MinCount",
             "maxCount": "MaxCount", "minExclusive": "MinExclusive", "minInclusive": "MinInclusive",
             "maxExclusive": "MaxExclusive", "maxInclusive": "MaxInclusive", "minLength": "MinLength",
             "maxLength": "MaxLength", "pattern": "Pattern", "languageIn": "LanguageIn", "uniqueLang": "UniqueLang",
             "equals": "Equals", "disjoint": "Disjoint", "lessThan": "LessThan",
             "lessThanOrEquals": "LessThanOrEquals", "not": "Not", "and": "And", "or": "Or", "xone": "Xone",
             "node": "Node", "closed": "Closed", "hasValue": "HasValue", "in": "In"}
TYPE_PATH = f"{RDF.type.n3()}/{RDFS.subClassOf.n3()}*"

# the lexical spaces of the datatypes a nested shape may name (top-level checks use rdflib's parsers)
_DAY = "(0[1-9]|[12][0-9]|3[01])"
_MONTH_DAY = "(((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01]))|((0[469]|11)-(0[1-9]|[12][0-9]|30))|(02-(0[1-9]|1[0-9]|2[0-9])))"
_ZONE = "(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_YEAR = "-?([1-9][0-9]{3,}|0[0-9]{3})"
_TIME = "(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\\\.[0-9]+)?|24:00:00(\\\\.0+)?)"
LEXICAL = {
    XSD.integer: "^[+-]?[0-9]+$", XSD.decimal: "^[+-]?([0-9]+(\\\\.[0-9]*)?|\\\\.[0-9]+)$",
    XSD.double: "^([+-]?([0-9]+(\\\\.[0-9]*)?|\\\\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN)$",
    XSD.float: "^([+-]?([0-9]+(\\\\.[0-9]*)?|\\\\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN)$",
    XSD.boolean: "^(true|false|1|0)$", XSD.date: f"^{_YEAR}-{_MONTH_DAY}{_ZONE}$",
    XSD.dateTime: f"^{_YEAR}-{_MONTH_DAY}T{_TIME}{_ZONE}$", XSD.time: f"^{_TIME}{_ZONE}$",
    XSD.gYear: f"^{_YEAR}{_ZONE}$", XSD.gYearMonth: f"^{_YEAR}-(0[1-9]|1[0-2]){_ZONE}$",
    XSD.gMonth: f"^--(0[1-9]|1[0-2]){_ZONE}$", XSD.gDay: f"^---{_DAY}{_ZONE}$",
    XSD.gMonthDay: f"^--{_MONTH_DAY}{_ZONE}$",
}
for _name in ("int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
              "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"):
    LEXICAL[XSD[_name]] = LEXICAL[XSD.integer]
# (integer subtypes: their lexical form; their value range is not checked inside nested shapes)


def _n3(term) -> str:
    return term.n3()


def _list(shapes: Graph, head) -> list:
    return list(Collection(shapes, head))


def _severity(shapes: Graph, node) -> str:
    """The local name of a shape's severity: Violation (the default), Warning, Info, or one of the shapes' own."""
    sev = shapes.value(node, S("severity"))
    return str(sev).rsplit("#", 1)[-1].rsplit("/", 1)[-1] if sev is not None else "Violation"


def _prefixes(shapes: Graph, sparql_node) -> str:
    lines = []
    for decl_holder in shapes.objects(sparql_node, S("prefixes")):
        for decl in shapes.objects(decl_holder, S("declare")):
            lines.append(f"PREFIX {shapes.value(decl, S('prefix'))}: <{shapes.value(decl, S('namespace'))}>")
    return "\n".join(sorted(set(lines)))


class ShapesCompiler:
    """One shapes graph compiled: :meth:`constraints` gives a query per constraint of every shape that
    has targets (and of the property shapes under it)."""

    def __init__(self, shapes: Graph):
        self.g = shapes
        self._fresh = itertools.count()
        self.shapes = self._shapes()

    # ---- what is a shape ------------------------------------------------------------------------
    def _shapes(self) -> set:
        g, out = self.g, set()
        out |= set(g.subjects(RDF.type, S("NodeShape"))) | set(g.subjects(RDF.type, S("PropertyShape")))
        for name in TARGETS | PARAMETERS - {"flags", "ignoredProperties", "qualifiedMinCount", "qualifiedMaxCount",
                                             "qualifiedValueShapesDisjoint"}:
            out |= set(g.subjects(S(name), None))
        for name in SHAPE_VALUED:
            out |= set(g.objects(None, S(name)))
        for name in SHAPE_LISTS:
            for head in g.objects(None, S(name)):
                out |= set(self._members(head, name))
        return {s for s in out if isinstance(s, (URIRef, BNode))}

    def _members(self, head, name) -> list:
        try:
            return _list(self.g, head)
        except Exception:  # noqa: BLE001 - a malformed list
            raise ShapeUnsupported(f"sh:{name} whose value is not a well-formed list", f"sh:{name} 的值不是合法的列表") from None

    def refuse(self, shape, what: str, what_zh: str):
        name = shape.n3() if isinstance(shape, URIRef) else f"a blank node{self._where(shape)}"
        raise ShapeUnsupported(f"the compiled engines do not translate {what} (shape {name})",
                               f"编译引擎不支持{what_zh}（约束 {name}）")

    def _where(self, node) -> str:
        """For a blank-node shape: the shape that points at it, if any."""
        owner = next(iter(self.g.subjects(None, node)), None)
        return f" under {owner.n3()}" if isinstance(owner, URIRef) else ""

    def deactivated(self, shape) -> bool:
        return self.g.value(shape, S("deactivated")) == Literal(True)

    def is_property(self, shape) -> bool:
        return self.g.value(shape, S("path")) is not None

    def params(self, shape) -> set[str]:
        """The SHACL parameters a shape holds; anything else in the SHACL namespace is refused."""
        names = set()
        for p in self.g.predicates(shape):
            if not str(p).startswith(SH):
                continue
            name = str(p)[len(SH):]
            if name in PARAMETERS or name in TARGETS:
                names.add(name)
            elif name not in ANNOTATIONS:
                self.refuse(shape, f"sh:{name}", f" sh:{name}")
        return names

    def all(self, shape, name) -> list:
        return sorted(self.g.objects(shape, S(name)), key=lambda x: (type(x).__name__, str(x)))

    def one(self, shape, name):
        values = self.all(shape, name)
        if len(values) > 1:
            self.refuse(shape, f"several values of sh:{name}", f"多个 sh:{name} 值")
        return values[0] if values else None

    def var(self, stem: str = "v") -> str:
        return f"?{stem}{next(self._fresh)}"

    # ---- targets, paths and value nodes ------------------------------------------------------------
    def targets(self, shape, v: str = "?this") -> str | None:
        """A pattern binding ``v`` to each focus node of the shape's targets once, or None without any."""
        g, parts = self.g, []
        nodes = sorted(g.objects(shape, S("targetNode")), key=str)
        if nodes:
            parts.append(f"VALUES {v} {{ {' '.join(_n3(n) for n in nodes)} }}")
        classes = set(g.objects(shape, S("targetClass")))
        if (shape, RDF.type, RDFS.Class) in g or (shape, RDF.type, OWL.Class) in g:
            if isinstance(shape, URIRef):
                classes.add(shape)
        for c in sorted(classes, key=str):
            parts.append(f"{v} {TYPE_PATH} {_n3(c)} .")
        for p in sorted(g.objects(shape, S("targetSubjectsOf")), key=str):
            parts.append(f"{v} {_n3(p)} {self.var('o')} .")
        for p in sorted(g.objects(shape, S("targetObjectsOf")), key=str):
            parts.append(f"{self.var('s')} {_n3(p)} {v} .")
        if not parts:
            return None
        if len(parts) == 1 and (nodes or classes):
            # one target of the nodes or of a class: a node comes once per type it has below the class, which
            # the queries' own DISTINCT (or grouping) makes once (a sub-select per query cost a city a second)
            return parts[0]
        union = " UNION ".join(f"{{ {p} }}" for p in parts)
        return f"{{ SELECT DISTINCT {v} WHERE {{ {union} }} }}"

    def path(self, shape, node=None) -> str:
        """SPARQL path text of a SHACL path."""
        g = self.g
        node = g.value(shape, S("path")) if node is None else node
        if isinstance(node, URIRef):
            return _n3(node)
        if isinstance(node, BNode):
            if (node, RDF.first, None) in g:
                items = self._members(node, "path")
                if len(items) < 2:
                    self.refuse(shape, "a sequence path of fewer than two members", "成员少于两个的序列路径")
                return "(" + "/".join(self.path(shape, x) for x in items) + ")"
            for name, fmt in (("inversePath", "^({})"), ("zeroOrMorePath", "({})*"), ("oneOrMorePath", "({})+"),
                              ("zeroOrOnePath", "({})?")):
                inner = g.value(node, S(name))
                if inner is not None:
                    return fmt.format(self.path(shape, inner))
            alt = g.value(node, S("alternativePath"))
            if alt is not None:
                items = self._members(alt, "alternativePath")
                return "(" + "|".join(self.path(shape, x) for x in items) + ")"
        self.refuse(shape, "this property path", "该属性路径")

    def values(self, shape, focus: str, v: str) -> str:
        """A pattern binding ``v`` to each value node of ``focus`` (a bound variable) for the shape."""
        if self.is_property(shape):
            return f"{focus} {self.path(shape)} {v} ."
        return f"BIND ({focus} AS {v})"

    # ---- value-type constraints: when a value node fails one ----------------------------------------
    def failing(self, shape, name: str, param, v: str, stack: tuple, top: bool) -> str:
        """A SPARQL expression true when the value node ``v`` fails the constraint (``name``, ``param``).
        ``top``: at a shape's own level (a datatype's lexical form is then checked by rdflib, outside)."""
        if name == "class":
            return f"NOT EXISTS {{ {v} {TYPE_PATH} {_n3(param)} }}"
        if name == "datatype":
            test = f"isLiteral({v}) && DATATYPE({v}) = {_n3(param)}"
            if not top and param in LEXICAL:
                test += f' && REGEX(STR({v}), "{LEXICAL[param]}")'
            return f"!({test})"
        if name == "nodeKind":
            kinds = {"IRI": f"isIRI({v})", "BlankNode": f"isBlank({v})", "Literal": f"isLiteral({v})",
                     "BlankNodeOrIRI": f"!isLiteral({v})", "BlankNodeOrLiteral": f"!isIRI({v})",
                     "IRIOrLiteral": f"!isBlank({v})"}
            local = str(param)[len(SH):] if str(param).startswith(SH) else None
            if local not in kinds:
                self.refuse(shape, f"sh:nodeKind {param.n3()}", f" sh:nodeKind {param.n3()}")
            return f"!({kinds[local]})"
        if name in ("minExclusive", "minInclusive", "maxExclusive", "maxInclusive"):
            op = {"minExclusive": ">", "minInclusive": ">=", "maxExclusive": "<", "maxInclusive": "<="}[name]
            return f"!COALESCE({v} {op} {_n3(param)}, false)"
        if name in ("minLength", "maxLength"):
            op = ">=" if name == "minLength" else "<="
            return f"(isBlank({v}) || !COALESCE(STRLEN(STR({v})) {op} {int(param)}, false))"
        if name == "pattern":
            flags = self.one(shape, "flags")
            extra = f", {Literal(str(flags)).n3()}" if flags is not None else ""
            return f"(isBlank({v}) || !COALESCE(REGEX(STR({v}), {Literal(str(param)).n3()}{extra}), false))"
        if name == "languageIn":
            ranges = self._members(param, "languageIn")
            tests = " || ".join(f"langMatches(LANG({v}), {Literal(str(r)).n3()})" for r in ranges) or "false"
            return f"!(isLiteral({v}) && ({tests}))"
        if name == "in":
            members = self._members(param, "in")
            tests = " || ".join(f"sameTerm({v}, {_n3(m)})" for m in members) or "false"
            return f"!({tests})"
        if name == "node":
            return self.violates(param, v, stack)
        if name == "not":
            return f"!({self.violates(param, v, stack)})"
        if name in ("and", "or", "xone"):
            members = self._members(param, name)
            fails = [self.violates(m, v, stack) for m in members]
            if name == "and":
                return " || ".join(f"({f})" for f in fails) or "false"
            if name == "or":
                return " && ".join(f"({f})" for f in fails) or "true"
            return "(" + " + ".join(f"IF({f}, 0, 1)" for f in fails) + ") != 1" if fails else "true"
        raise AssertionError(name)

    VALUE_TYPE = ("class", "datatype", "nodeKind", "minExclusive", "minInclusive", "maxExclusive", "maxInclusive",
                  "minLength", "maxLength", "pattern", "languageIn", "in", "node", "not", "and", "or", "xone")

    # ---- a shape inside another: does a node violate it? ----------------------------------------------
    def violates(self, shape, x: str, stack: tuple = ()) -> str:
        """A SPARQL expression true when the node bound to ``x`` does not conform to ``shape``."""
        if shape in stack:
            self.refuse(shape, "a recursive shape (SHACL leaves its meaning undefined)", "递归约束（SHACL 未定义其含义）")
        alternatives = self.violations(shape, x, stack + (shape,))
        if not alternatives:
            return "false"
        return "EXISTS { " + " UNION ".join(f"{{ {a} }}" for a in alternatives) + " }"

    def violations(self, shape, x: str, stack: tuple) -> list[str]:
        """Patterns, each matching when the node bound to ``x`` violates one constraint of ``shape``."""
        if self.deactivated(shape):
            return []
        names = self.params(shape)
        if "sparql" in names:
            self.refuse(shape, "a SPARQL-based constraint inside another shape", "嵌套约束中的 SPARQL 约束")
        prop = self.is_property(shape)
        path = self.path(shape) if prop else None
        out = []

        def each_value(body_for):
            """A pattern over the value nodes of ``x``: ``body_for(w)`` for a variable bound to each."""
            if not prop:
                return body_for(x)
            w = self.var("w")
            return f"{x} {path} {w} . {body_for(w)}"

        for name in sorted(names & set(self.VALUE_TYPE)):
            for param in self.all(shape, name):
                out.append(each_value(lambda w, n=name, p=param: f"FILTER ({self.failing(shape, n, p, w, stack, False)})"))
        for name in ("minCount", "maxCount", "uniqueLang", "qualifiedValueShape", "lessThan", "lessThanOrEquals"):
            if name in names and not prop:
                self.refuse(shape, f"sh:{name} on a node shape", f"节点约束上的 sh:{name}")
        for param in self.all(shape, "minCount"):
            n = int(param)
            if n > 0:
                out.append(f"FILTER NOT EXISTS {{ {self.distinct_values(shape, x, path, n)} }}")
        for param in self.all(shape, "maxCount"):
            out.append(self.distinct_values(shape, x, path, int(param) + 1))
        if self.one(shape, "uniqueLang") == Literal(True):
            a, b = self.var("w"), self.var("w")
            out.append(f"{x} {path} {a} . {x} {path} {b} . FILTER (!sameTerm({a}, {b}) && LANG({a}) != \"\" && "
                       f"LANG({a}) = LANG({b}))")
        for param in self.all(shape, "hasValue"):
            out.append(f"FILTER NOT EXISTS {{ {x} {path} {_n3(param)} }}" if prop else f"FILTER (!sameTerm({x}, {_n3(param)}))")
        for param in self.all(shape, "equals"):
            w = self.var("w")
            if prop:
                out.append(f"{x} {path} {w} . FILTER NOT EXISTS {{ {x} {_n3(param)} {w} }}")
                out.append(f"{x} {_n3(param)} {w} . FILTER NOT EXISTS {{ {x} {path} {w} }}")
            else:
                out.append(f"{x} {_n3(param)} {w} . FILTER (!sameTerm({w}, {x}))")
                out.append(f"FILTER NOT EXISTS {{ {x} {_n3(param)} {x} }}")
        for param in self.all(shape, "disjoint"):
            out.append(each_value(lambda w, p=param: f"{x} {_n3(p)} {w} ."))
        for name, op in (("lessThan", "<"), ("lessThanOrEquals", "<=")):
            for param in self.all(shape, name):
                o = self.var("o")
                out.append(each_value(lambda w, p=param, o=o, op=op:
                                      f"{x} {_n3(p)} {o} . FILTER (!COALESCE({w} {op} {o}, false))"))
        for q in self.all(shape, "qualifiedValueShape"):
            conforming = lambda w, q=q: self.qualified_test(shape, q, w, stack)  # noqa: E731
            low, high = self.one(shape, "qualifiedMinCount"), self.one(shape, "qualifiedMaxCount")
            if low is not None and int(low) > 0:
                out.append(f"FILTER NOT EXISTS {{ {self.distinct_values(shape, x, path, int(low), conforming)} }}")
            if high is not None:
                out.append(self.distinct_values(shape, x, path, int(high) + 1, conforming))
        if self.one(shape, "closed") == Literal(True):
            out.append(each_value(lambda w: self.closed_pattern(shape, w, self.var("p"), self.var("o"))))
        for child in self.all(shape, "property"):
            if child in stack:
                self.refuse(child, "a recursive shape (SHACL leaves its meaning undefined)", "递归约束（SHACL 未定义其含义）")
            w = self.var("w") if prop else x
            for alternative in self.violations(child, w, stack + (child,)):
                out.append(f"{x} {path} {w} . {alternative}" if prop else alternative)
        return out

    def distinct_values(self, shape, x: str, path: str, n: int, test=None) -> str:
        """A pattern matching when ``x`` has ``n`` distinct value nodes (each passing ``test``, if given)."""
        if n > NESTED_COUNT + 1:
            self.refuse(shape, f"a count above {NESTED_COUNT} inside another shape", f"嵌套约束中大于 {NESTED_COUNT} 的计数")
        ws = [self.var("w") for _ in range(n)]
        parts = [f"{x} {path} {w} ." for w in ws]
        conditions = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(ws, 2)]
        if test is not None:
            conditions += [test(w) for w in ws]
        return " ".join(parts) + (f" FILTER ({' && '.join(conditions)})" if conditions else "")

    def qualified_test(self, shape, q, w: str, stack: tuple) -> str:
        """``w`` conforms to the qualified value shape ``q`` (and, when the shapes are disjoint, to none
        of its siblings)."""
        tests = [f"!({self.violates(q, w, stack)})"]
        if self.one(shape, "qualifiedValueShapesDisjoint") == Literal(True):
            for sibling in self.siblings(shape, q):
                tests.append(f"({self.violates(sibling, w, stack)})")
        return "(" + " && ".join(tests) + ")"

    def siblings(self, shape, q) -> list:
        """The other qualified value shapes of the property shapes beside ``shape`` in its parents."""
        out = set()
        for parent in self.g.subjects(S("property"), shape):
            for ps in self.g.objects(parent, S("property")):
                out |= set(self.g.objects(ps, S("qualifiedValueShape")))
        out.discard(q)
        return sorted(out, key=str)

    def closed_pattern(self, shape, w: str, p: str, o: str) -> str:
        allowed = {self.g.value(ps, S("path")) for ps in self.g.objects(shape, S("property"))}
        allowed = {a for a in allowed if isinstance(a, URIRef)}
        ignored = self.one(shape, "ignoredProperties")
        if ignored is not None:
            allowed |= set(self._members(ignored, "ignoredProperties"))
        test = f"FILTER ({p} NOT IN ({', '.join(_n3(a) for a in sorted(allowed, key=str))}))" if allowed else ""
        return f"{w} {p} {o} . {test}"

    # ---- the queries of a shape with targets ------------------------------------------------------------
    def constraints(self) -> list[CompiledConstraint]:
        out: list[CompiledConstraint] = []
        for shape in sorted(self.shapes, key=lambda s: (isinstance(s, BNode), str(s))):
            self.params(shape)  # refuses what it does not know, whether targeted or not
            if self.deactivated(shape):
                continue
            if self.targets(shape) is None:
                continue  # checked where another shape refers to it, or never (a shape without targets)
            self.emit(shape, lambda v, s=shape: self.targets(s, v), out, single_class=self._single_class(shape))
        return out

    def _single_class(self, shape):
        """The one target class of a shape whose only target it is (what the engines count in one pass)."""
        g = self.g
        classes = list(g.objects(shape, S("targetClass")))
        implicit = (shape, RDF.type, RDFS.Class) in g or (shape, RDF.type, OWL.Class) in g
        others = any((shape, S(n), None) in g for n in ("targetNode", "targetSubjectsOf", "targetObjectsOf"))
        return classes[0] if len(classes) == 1 and not implicit and not others else None

    def emit(self, shape, focus, out: list, single_class=None, ctx: str = "") -> None:
        """The queries of ``shape``'s constraints for the focus nodes ``focus(v)`` binds to ``v``. ``ctx``:
        the variables of the focus nodes of the shapes above (a property shape under a property shape is
        checked once for each value node of each focus node above it, as SHACL reports it)."""
        if self.deactivated(shape):
            return
        names = self.params(shape)
        g = self.g
        sev = _severity(g, shape)
        prop = self.is_property(shape)
        path = self.path(shape) if prop else None
        path_node = g.value(shape, S("path"))
        shown = _path_text(g, path_node) if prop else None
        F = focus("?this")

        def add(query, component, **extra):
            out.append(CompiledConstraint(query, sev, shape, shape, f"sh:{component}ConstraintComponent", shown, shape,
                                          path_node=path_node, **extra))

        value_pattern = self.values(shape, "?this", "?value")
        # the top-level sh:or of datatypes (the case-data shapes' dates): rdflib checks the lexical forms
        for name in sorted(names & set(self.VALUE_TYPE)):
            for param in self.all(shape, name):
                datatypes = self._datatype_choice(param) if name == "or" else None
                if name == "datatype":
                    datatypes = (param,)
                if datatypes is not None:
                    test = f"!isLiteral(?value) || DATATYPE(?value) NOT IN ({', '.join(_n3(d) for d in datatypes)})"
                else:
                    test = self.failing(shape, name, param, "?value", (shape,), True)
                query = f"SELECT DISTINCT ?this ?value{ctx} WHERE {{ {F} {value_pattern} FILTER ({test}) }}"
                extra = {}
                if datatypes is not None:
                    extra = {"datatypes": tuple(datatypes), "lexical_query": (
                        f"SELECT DISTINCT ?this ?value{ctx} WHERE {{ {F} {value_pattern} FILTER (isLiteral(?value) && "
                        f"DATATYPE(?value) IN ({', '.join(_n3(d) for d in datatypes)})) }}")}
                add(query, COMPONENT[name], **extra)
        for name in ("minCount", "maxCount", "uniqueLang", "qualifiedValueShape", "lessThan", "lessThanOrEquals"):
            if name in names and not prop:
                self.refuse(shape, f"sh:{name} on a node shape", f"节点约束上的 sh:{name}")
        simple = isinstance(path_node, URIRef) or (isinstance(path_node, BNode) and isinstance(
            g.value(path_node, S("inversePath")), URIRef) and len(list(g.predicate_objects(path_node))) == 1)
        counted = None
        if single_class is not None and prop and simple:
            inverse = not isinstance(path_node, URIRef)
            counted = (str(single_class), str(path_node if not inverse else g.value(path_node, S("inversePath"))), inverse)
        for param in self.all(shape, "minCount"):
            n = int(param)
            if n == 0:
                continue
            if n == 1:  # the common case: one anti-join on an index
                add(f"SELECT DISTINCT ?this{ctx} WHERE {{ {F} FILTER NOT EXISTS {{ ?this {path} ?v }} }}", "MinCount",
                    count=counted + ("<", 1) if counted else None)
                continue
            add(f"""SELECT ?this{ctx} WHERE {{
  {{ SELECT ?this{ctx} (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {F} OPTIONAL {{ ?this {path} ?v }} }} GROUP BY ?this{ctx} }}
  FILTER (?n < {n})
}}""", "MinCount", count=counted + ("<", n) if counted else None)
        for param in self.all(shape, "maxCount"):
            add(f"""SELECT ?this{ctx} WHERE {{
  {{ SELECT ?this{ctx} (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {F} ?this {path} ?v . }} GROUP BY ?this{ctx} }}
  FILTER (?n > {int(param)})
}}""", "MaxCount", count=counted + (">", int(param)) if counted else None)
        if self.one(shape, "uniqueLang") == Literal(True):
            add(f"SELECT DISTINCT ?this ?lang{ctx} WHERE {{ {F} ?this {path} ?a . ?this {path} ?b . FILTER (!sameTerm(?a, ?b) "
                f"&& LANG(?a) != \"\" && LANG(?a) = LANG(?b)) BIND (LANG(?a) AS ?lang) }}", "UniqueLang")
        for param in self.all(shape, "hasValue"):
            test = f"FILTER NOT EXISTS {{ ?this {path} {_n3(param)} }}" if prop else f"FILTER (!sameTerm(?this, {_n3(param)}))"
            add(f"SELECT DISTINCT ?this{ctx} WHERE {{ {F} {test} }}", "HasValue")
        for param in self.all(shape, "equals"):
            # (each branch of the UNION with the focus pattern: a branch sees nothing bound outside it)
            if prop:
                body = (f"{{ {F} ?this {path} ?value . FILTER NOT EXISTS {{ ?this {_n3(param)} ?value }} }} UNION "
                        f"{{ {F} ?this {_n3(param)} ?value . FILTER NOT EXISTS {{ ?this {path} ?value }} }}")
            else:
                body = (f"{{ {F} BIND (?this AS ?value) FILTER NOT EXISTS {{ ?this {_n3(param)} ?this }} }} UNION "
                        f"{{ {F} ?this {_n3(param)} ?value . FILTER (!sameTerm(?value, ?this)) }}")
            add(f"SELECT DISTINCT ?this ?value{ctx} WHERE {{ {body} }}", "Equals")
        for param in self.all(shape, "disjoint"):
            add(f"SELECT DISTINCT ?this ?value{ctx} WHERE {{ {F} {value_pattern} ?this {_n3(param)} ?value . }}", "Disjoint")
        for name, op in (("lessThan", "<"), ("lessThanOrEquals", "<=")):
            for param in self.all(shape, name):
                # one result per pair of a value node and a value of the other property
                add(f"SELECT DISTINCT ?this ?value ?o{ctx} WHERE {{ {F} {value_pattern} ?this {_n3(param)} ?o . "
                    f"FILTER (!COALESCE(?value {op} ?o, false)) }}", COMPONENT[name])
        for q in self.all(shape, "qualifiedValueShape"):
            test = self.qualified_test(shape, q, "?v", (shape,))
            low, high = self.one(shape, "qualifiedMinCount"), self.one(shape, "qualifiedMaxCount")
            counting = f"{{ SELECT ?this{ctx} (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {F} OPTIONAL {{ ?this {path} ?v . FILTER ({test}) }} }} GROUP BY ?this{ctx} }}"
            if low is not None:
                add(f"SELECT ?this{ctx} WHERE {{ {counting} FILTER (?n < {int(low)}) }}", "QualifiedMinCount")
            if high is not None:
                add(f"SELECT ?this{ctx} WHERE {{ {counting} FILTER (?n > {int(high)}) }}", "QualifiedMaxCount")
        if self.one(shape, "closed") == Literal(True):
            if prop:
                pattern = f"?this {path} ?vn . {self.closed_pattern(shape, '?vn', '?path', '?value')}"
            else:
                pattern = self.closed_pattern(shape, "?this", "?path", "?value")
            add(f"SELECT DISTINCT ?this ?value ?path{ctx} WHERE {{ {F} {pattern} }}", "Closed")
        for sc in self.all(shape, "sparql"):
            self._sparql(shape, sc, F, out)
        for child in self.all(shape, "property"):
            if prop:
                parent = self.var("parent")

                def child_focus(v, f=focus, path=path, parent=parent):
                    return f"{{ SELECT DISTINCT {v} {parent}{ctx} WHERE {{ {f(parent)} {parent} {path} {v} . }} }}"
                self.emit(child, child_focus, out, ctx=f"{ctx} {parent}")
            else:
                self.emit(child, focus, out, single_class=single_class, ctx=ctx)

    def _datatype_choice(self, head):
        """The datatypes of an sh:or whose members each only name a datatype, else None."""
        members = self._members(head, "or")
        out = []
        for m in members:
            params = {str(p) for p in self.g.predicates(m) if str(p).startswith(SH)}
            if params != {SH + "datatype"} or len(self.all(m, "datatype")) != 1:
                return None
            out.append(self.one(m, "datatype"))
        return tuple(out) if out else None

    def _sparql(self, shape, sc, F: str, out: list) -> None:
        g = self.g
        if self.is_property(shape):
            self.refuse(shape, "a SPARQL-based constraint on a property shape ($PATH)", "属性约束上的 SPARQL 约束（$PATH）")
        select = g.value(sc, S("select"))
        if select is None:
            self.refuse(shape, "a SPARQL-based constraint without sh:select", "没有 sh:select 的 SPARQL 约束")
        if g.value(sc, S("deactivated")) == Literal(True):
            return
        text = str(select)
        for placeholder in ("$PATH", "$currentShape", "$shapesGraph"):
            if placeholder in text:
                self.refuse(shape, f"{placeholder} in a SPARQL-based constraint", f" SPARQL 约束中的 {placeholder}")
        head, _, body = text.replace("$this", "?this").partition("WHERE {")
        query = f"{_prefixes(g, sc)}\n{head}WHERE {{\n  {F}\n{body}"
        out.append(CompiledConstraint(query, _severity(g, shape), shape, sc, "sh:SPARQLConstraintComponent", None, sc))


def _path_text(g: Graph, node) -> str:
    """The report's compact form of a path: an IRI compacted, an inverse as ^, the rest as in SPARQL."""
    from .rdf import compact

    if isinstance(node, URIRef):
        return compact(node)
    if (node, RDF.first, None) in g:
        return "(" + "/".join(_path_text(g, x) for x in _list(g, node)) + ")"
    for name, fmt in (("inversePath", "^{}"), ("zeroOrMorePath", "{}*"), ("oneOrMorePath", "{}+"), ("zeroOrOnePath", "{}?")):
        inner = g.value(node, S(name))
        if inner is not None:
            return fmt.format(_path_text(g, inner))
    alt = g.value(node, S("alternativePath"))
    if alt is not None:
        return "(" + "|".join(_path_text(g, x) for x in _list(g, alt)) + ")"
    return str(node)


def compile_shapes(shapes: Graph) -> list[CompiledConstraint]:
    """One query per constraint of every shape that has targets (:class:`ShapesCompiler`); what is not
    translated is refused, naming the shape and the construct."""
    return ShapesCompiler(shapes).constraints()


def _template(shapes: Graph, c: CompiledConstraint, lang: str) -> str:
    """A constraint's sh:message in ``lang``, placeholders ({?var}, {$this}) unfilled."""
    from .shapes import _text

    return _text(shapes, c.node, URIRef(SH + "message"), lang) or ""


def fixed_message(shapes: Graph, c: CompiledConstraint, lang: str, label) -> str | None:
    """A constraint's message when it names no value of a result (the same for all its results), else None."""
    from .shapes import humanize

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
    from .rdf import compact
    from .shapes import SEVERITY_ORDER, Report, Result, fill_message, format_value

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
                constraint=constraint, shape=shape, component=c.component, file=None,
                terms=(focus, path if path is not None else c.path_node, value, c.shape,
                       URIRef(SH + c.component[3:]), shapes.value(c.node, S("severity")) or S("Violation"))))
    results.sort(key=lambda x: (SEVERITY_ORDER.get(x.severity, 3), x.focus, x.constraint, x.value or ""))
    return Report(results=results, allow_warnings=allow_warnings, report_graph=None, tallies=tallies)


def ill_typed(terms) -> set:
    """Those of ``terms`` (literals) whose lexical form their datatype does not allow, as pySHACL tells:
    rdflib finds it ill-typed ("2022-13-45"^^xsd:date), or its value is not of the datatype's kind
    ("2011-01-01"^^xsd:dateTime is read as a date). Each distinct literal is checked once."""
    return {t for t in set(terms) if getattr(t, "ill_typed", False) or not _value_fits(t)}


def _value_fits(t) -> bool:
    """The Python value rdflib makes of a literal is of its datatype's kind (as pySHACL checks it)."""
    import datetime as dt
    from decimal import Decimal

    kinds = {XSD.integer: int, XSD.float: float, XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: dt.date,
             XSD.time: dt.time, XSD.dateTime: dt.datetime}
    kind = kinds.get(getattr(t, "datatype", None))
    if kind is None:
        return True
    value = Literal(str(t), datatype=t.datatype).value  # parsed afresh (rdflib parses at construction)
    if kind is int and isinstance(value, bool):
        return False
    if kind is dt.date and isinstance(value, dt.datetime):
        return False
    return isinstance(value, kind)
