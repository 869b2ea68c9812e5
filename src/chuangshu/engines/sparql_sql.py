"""SPARQL → SQL: the rule files, entailment updates and compiled shapes as DuckDB SQL.

The columnar engine keeps the graph dictionary-encoded: ``terms(id, t)`` holds each RDF term once
in canonical N-Triples form (``<iri>``, ``_:b``, ``"lex"``, ``"lex"@lang``, ``"lex"^^<dt>``,
escaped as Oxigraph writes them) with its id, ``rdf_id(t)`` (a 60-bit hash, two bits saying
IRI, blank node, literal, literal with a datatype, and two a literal's language: none, en, zh,
another), and ``triples(s, p, o)`` holds ids. A query is parsed and translated to SPARQL algebra
by rdflib, and each algebra operator becomes one SQL sub-select whose columns are the variables,
as ids; joins, DISTINCT, GROUP BY and term equality work on the ids, and an expression that needs
a term's text (STR, LANG, a number's value…) looks it up in ``terms`` (the texts a relation needs
in one read of the dictionary):

    BGP → self-joins of ``triples``     Join / LeftJoin → JOIN / LEFT JOIN on the shared variables
    Union → UNION ALL BY NAME           Minus / NOT EXISTS → anti-joins     Filter → WHERE
    Extend (BIND) → a computed column   Group + aggregates → GROUP BY       VALUES → a VALUES list
    property paths → joins, UNION and recursive CTEs (+, *, ?)

Expressions are typed while compiling (a term's id, a term's text, an SQL boolean, a number
with its datatype, or a plain string), so that ``?a = ?b`` on terms compares ids and
``?order > 1`` numbers; a term an expression makes stays text until a template adds it to the
dictionary; an error in SPARQL is NULL in SQL, which gives the same
results in FILTER, BIND, IF, COALESCE, ``&&`` and ``||``. What this compiler does not
translate is refused with :class:`Unsupported`, naming the construct — never guessed.

Known differences from a full SPARQL 1.1 engine (none of them met by the rules, the
entailments or the shapes; tests compare the results with Oxigraph and rdflib):
value equality is term equality except between numbers (so ``"01"^^xsd:integer =
1`` holds but two xsd:date literals of equal value and different lexical forms differ),
numbers are computed as doubles, string functions drop the language tag of their
argument, and ``ORDER BY`` on terms orders numbers by value and other literals by their
lexical form.
"""

from __future__ import annotations

import itertools
import re
import sys
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath

from ..errors import ChuangshuError

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
INTEGER = XSD + "integer"
DECIMAL = XSD + "decimal"
DOUBLE = XSD + "double"
BOOLEAN = XSD + "boolean"
STRING = XSD + "string"
INTEGER_TYPES = [XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                                   "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong",
                                   "unsignedShort", "unsignedByte")]
NUMERIC_TYPES = INTEGER_TYPES + [DECIMAL, DOUBLE, XSD + "float"]


class Unsupported(ChuangshuError):
    """A SPARQL construct this compiler does not translate."""


def sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _escape(text: str) -> str:
    """A literal's lexical form escaped as in N-Triples (as Oxigraph writes it)."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\n\r\t\b\f":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    return "".join(out)


_UNESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")


def _unescape(text: str) -> str:
    def one(m):
        s = m.group(1)
        if s[0] in "uU":
            return chr(int(s[1:], 16))
        return {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}.get(s, s)
    return _UNESCAPE.sub(one, text)


def nt(term) -> str:
    """The canonical N-Triples form of an rdflib term (the form the table holds)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        lex = '"' + _escape(str(term)) + '"'
        if term.language:
            return lex + "@" + term.language.lower()
        if term.datatype is not None and str(term.datatype) != STRING:
            return lex + f"^^<{term.datatype}>"
        return lex
    raise Unsupported(f"not an RDF term: {term!r}", f"不是 RDF 项：{term!r}")


def from_nt(text: str):
    """An rdflib term from its N-Triples form (the inverse of :func:`nt`)."""
    if text.startswith("<"):
        return URIRef(text[1:-1])
    if text.startswith("_:"):
        return BNode(text[2:])
    m = re.fullmatch(r'"(.*)"(?:@([^"]*)|\^\^<([^>]*)>)?', text, re.S)
    if not m:
        raise ValueError(f"not an N-Triples term: {text!r}")
    lex = _unescape(m.group(1)) if "\\" in m.group(1) else m.group(1)
    # the lexical form as it is (rdflib would rewrite "01"^^xsd:integer as "1")
    return Literal(lex, lang=m.group(2) or None, datatype=URIRef(m.group(3)) if m.group(3) else None, normalize=False)


# :func:`_escape` and :func:`_unescape` in SQL (for the forms a canonical term holds: \" \\ \n \r \t \b
# \f and \u00XX for the other control characters), each naming its argument once. (They were Python
# functions: registering one imports numpy, a twentieth of a second at every start.)
_CONTROL = [c for c in range(0x20) if chr(c) not in "\n\r\t\b\f"] + [0x7F]
# each character (SQL) and its escape (SQL), besides the quote and the backslash
_ESCAPED = ([(f"chr({ord(ch)})", f"'\\{letter}'") for ch, letter in (("\n", "n"), ("\r", "r"), ("\t", "t"), ("\b", "b"), ("\f", "f"))]
            + [(f"chr({c})", f"'\\u{c:04X}'") for c in _CONTROL])


def _replacing(sql: str, pairs) -> str:
    for old, new in pairs:
        sql = f"replace({sql}, {old}, {new})"
    return sql


def _escape_sql() -> str:
    return _replacing("replace(replace(x, '\\', '\\\\'), '\"', '\\\"')", _ESCAPED)


def _unescape_sql() -> str:
    # between two escaped backslashes every backslash starts an escape: split there, decode, join
    piece = _replacing("replace(s, '\\\"', '\"')", [(escape, ch) for ch, escape in _ESCAPED])
    return f"array_to_string(list_transform(string_split(x, '\\\\'), lambda s: {piece}), '\\')"


# the bits 2–3 of a literal's id for its language tag (see rdf_id): LANG(?x) = "en" reads the id only
LANG_BITS = {"": 0, "en": 1, "zh": 2}

# SQL macros over terms, created once per connection by :func:`install`
_IN_NUMERIC = ", ".join(sql_str(t) for t in NUMERIC_TYPES)
_IN_INTEGER = ", ".join(sql_str(t) for t in INTEGER_TYPES)
_IN_DATES = ", ".join(sql_str(XSD + t) for t in ("dateTime", "date"))
# datatypes whose values order as their lexical forms do (besides strings): the Gregorian parts without
# a time zone (gYear "2020" before "2021") — what the rules compare; anything else is not ordered (error)
_IN_ORDERED_LEX = ", ".join(sql_str(XSD + t) for t in ("gYear", "gYearMonth", "gMonth", "gDay", "gMonthDay", "time"))
# Every macro names its argument once (``list_transform([t], lambda x: …)[1]``): a macro that
# repeats its parameter copies the argument's whole expression at each use, and nested calls then
# grew DuckDB's expression trees (and its planning) exponentially.
_BODIES = {
    # a term's id: its hash with the last two bits saying what it is (0 an IRI, 1 a blank node, 2 a
    # simple or language-tagged literal, 3 a literal with a datatype: ends with '>') and the two
    # before them a literal's language (LANG_BITS: 0 none, 1 en, 2 zh, 3 another), so that
    # isIRI/isLITERAL, a template's checks, "may be a number" and LANG(?x) = "en" need no look-up
    # of the text; NULL for NULL (whose hash is a number)
    "rdf_id": """CAST(((hash(x) >> 4) << 4) + CASE left(x, 1) WHEN '<' THEN 0 WHEN '_' THEN 1
        WHEN '"' THEN CASE WHEN ends_with(x, '>') THEN 3 WHEN ends_with(x, '"') THEN 2
        WHEN ends_with(x, '"@en') THEN 6 WHEN ends_with(x, '"@zh') THEN 10 ELSE 14 END END AS UBIGINT)""",
    "rdf_islit": "left(x, 1) = '\"'",
    "rdf_isiri": "left(x, 1) = '<'",
    "rdf_isblank": "left(x, 2) = '_:'",
    "rdf_rawlex": """CASE WHEN left(x, 1) <> '"' THEN NULL
        WHEN strpos(x, '\\') > 0 THEN regexp_extract(x, '^"(.*)"(?:@[^"]*|\\^\\^<[^>]*>)?$', 1)
        WHEN ends_with(x, '"') THEN substr(x, 2, length(x) - 2)
        ELSE substr(x, 2, strpos(substr(x, 2), '"') - 1) END""",
    "rdf_lex": """CASE WHEN left(x, 1) <> '"' THEN NULL
        WHEN strpos(x, '\\') > 0 THEN rdf_unescape(regexp_extract(x, '^"(.*)"(?:@[^"]*|\\^\\^<[^>]*>)?$', 1))
        WHEN ends_with(x, '"') THEN substr(x, 2, length(x) - 2)
        ELSE substr(x, 2, strpos(substr(x, 2), '"') - 1) END""",
    "rdf_esc": """CASE WHEN regexp_matches(x, '["\\\\\\x00-\\x1f\\x7f]') THEN rdf_escape(x) ELSE x END""",
    "rdf_lang": """CASE WHEN left(x, 1) <> '"' THEN NULL WHEN ends_with(x, '"') OR ends_with(x, '>') THEN ''
        ELSE regexp_extract(x, '"@([^"]*)$', 1) END""",
    "rdf_dt": f"""CASE WHEN left(x, 1) <> '"' THEN NULL
        WHEN ends_with(x, '"') THEN {sql_str(STRING)}
        WHEN NOT ends_with(x, '>') THEN {sql_str(RDF_LANGSTRING)}
        WHEN strpos(x, '\\') > 0 THEN regexp_extract(x, '"\\^\\^<([^>"]*)>$', 1)
        ELSE substr(x, strpos(x, '"^^<') + 4, length(x) - strpos(x, '"^^<') - 4) END""",
    "rdf_num": f"""CASE WHEN left(x, 1) = '"' AND ends_with(x, '>') AND strpos(x, '\\') = 0
        AND substr(x, strpos(x, '"^^<') + 4, length(x) - strpos(x, '"^^<') - 4) IN ({_IN_NUMERIC})
        THEN TRY_CAST(substr(x, 2, strpos(x, '"^^<') - 2) AS DOUBLE) END""",
    # an xsd:dateTime or xsd:date as seconds since the epoch (a value without a time zone read as UTC; see
    # rdf_hastz), else NULL
    # (the datatype and the lexical form bound once: the macros are expanded where they are called)
    "rdf_dtsec": f"""list_transform([struct_pack(d := rdf_dt(x), l := rdf_rawlex(x))], lambda z:
        CASE WHEN z.d = {sql_str(XSD + 'dateTime')} THEN epoch(TRY_CAST(CASE WHEN regexp_matches(z.l,
            '(Z|[+-][0-9][0-9]:[0-9][0-9])$') THEN z.l ELSE z.l || 'Z' END AS TIMESTAMPTZ))
        WHEN z.d = {sql_str(XSD + 'date')} THEN epoch(TRY_CAST(regexp_replace(z.l,
            '^(-?[0-9]+-[0-9][0-9]-[0-9][0-9])(.*)$', '\\1T00:00:00\\2') || CASE WHEN regexp_matches(z.l,
            '(Z|[+-][0-9][0-9]:[0-9][0-9])$') THEN '' ELSE 'Z' END AS TIMESTAMPTZ)) END)[1]""",
    "rdf_hastz": "regexp_matches(rdf_rawlex(x), '(Z|[+-][0-9][0-9]:[0-9][0-9])$')",
    "rdf_str": "CASE WHEN left(x, 1) = '<' THEN substr(x, 2, length(x) - 2) ELSE rdf_lex(x) END",
    # what a term says as a plain value: an IRI, a blank node's label or a literal's lexical form
    "rdf_value": "CASE WHEN left(x, 2) = '_:' THEN substr(x, 3) ELSE rdf_str(x) END",
    "rdf_strlit": "CASE WHEN left(x, 1) = '\"' AND NOT ends_with(x, '>') THEN rdf_lex(x) END",
    "rdf_ebv": f"""CASE WHEN left(x, 1) <> '"' THEN NULL
        WHEN rdf_dt(x) = {sql_str(BOOLEAN)} THEN rdf_rawlex(x) IN ('true', '1')
        WHEN NOT ends_with(x, '>') THEN length(rdf_rawlex(x)) > 0
        WHEN rdf_num(x) IS NOT NULL THEN rdf_num(x) <> 0 AND NOT isnan(rdf_num(x)) END""",
    "rdf_key": """struct_pack(
        k := CASE WHEN x IS NULL THEN 0 WHEN left(x, 2) = '_:' THEN 1 WHEN left(x, 1) = '<' THEN 2
                  WHEN rdf_num(x) IS NOT NULL THEN 3 ELSE 4 END,
        n := COALESCE(rdf_num(x), 0), s := COALESCE(rdf_lex(x), x))""",
}
_PAIRS = {  # two arguments, bound once each as x.a and x.b
    "rdf_eq": f"""CASE WHEN x.a IS NULL OR x.b IS NULL THEN NULL WHEN x.a = x.b THEN true
        WHEN rdf_num(x.a) IS NOT NULL AND rdf_num(x.b) IS NOT NULL THEN rdf_num(x.a) = rdf_num(x.b)
        WHEN rdf_dt(x.a) = {sql_str(BOOLEAN)} AND rdf_dt(x.b) = {sql_str(BOOLEAN)}
            THEN (rdf_rawlex(x.a) IN ('true', '1')) = (rdf_rawlex(x.b) IN ('true', '1'))
        WHEN rdf_dt(x.a) IN ({_IN_DATES}) AND rdf_dt(x.a) = rdf_dt(x.b) THEN rdf_dtcmp(x.a, x.b) = 0
        ELSE false END""",
    # two xsd:dateTime (or xsd:date) values: -1, 0 or 1, or NULL when one has a time zone and the other,
    # within 14 hours of it, not (XML Schema's partial order: indeterminate)
    "rdf_dtcmp": """list_transform([struct_pack(sa := rdf_dtsec(x.a), sb := rdf_dtsec(x.b), wa := CASE WHEN rdf_hastz(x.a)
        THEN 0 ELSE 50400 END, wb := CASE WHEN rdf_hastz(x.b) THEN 0 ELSE 50400 END)], lambda y:
        CASE WHEN y.wa = y.wb THEN sign(y.sa - y.sb) WHEN y.sa + y.wa < y.sb - y.wb THEN -1
        WHEN y.sa - y.wa > y.sb + y.wb THEN 1 END)[1]""",
    "rdf_promote": f"""CASE WHEN x.a = {sql_str(DOUBLE)} OR x.b = {sql_str(DOUBLE)} THEN {sql_str(DOUBLE)}
        WHEN x.a = {sql_str(XSD + 'float')} OR x.b = {sql_str(XSD + 'float')} THEN {sql_str(XSD + 'float')}
        WHEN x.a = {sql_str(DECIMAL)} OR x.b = {sql_str(DECIMAL)} THEN {sql_str(DECIMAL)}
        WHEN x.a IS NULL OR x.b IS NULL THEN NULL ELSE {sql_str(INTEGER)} END""",
    "rdf_numterm": f"""CASE WHEN x.a IS NULL OR x.b IS NULL THEN NULL
        WHEN x.b IN ({_IN_INTEGER}) THEN '"' || CAST(CAST(x.a AS HUGEINT) AS VARCHAR) || '"^^<{INTEGER}>'
        ELSE '"' || CAST(x.a AS VARCHAR) || '"^^<' || x.b || '>' END""",
}


def _promote(a: str, b: str) -> str:
    """SQL of the datatype of an operation on numbers of datatypes ``a`` and ``b`` (SQL): rdf_promote,
    or, when both are constants, what it would give, decided now rather than for every row."""
    if re.fullmatch(r"'[^']*'", a) and re.fullmatch(r"'[^']*'", b):
        for wider in (sql_str(DOUBLE), sql_str(XSD + "float"), sql_str(DECIMAL)):
            if wider in (a, b):
                return wider
        return sql_str(INTEGER)  # two integer types
    return fn('rdf_promote', a, b)


_CALLS = re.compile(r"\b(" + "|".join(list(_BODIES) + list(_PAIRS)) + r")\((x\b|x\.)")


def _on_columns(body: str) -> str:
    """A macro body whose calls of other macros name a column (or a lambda's variable): the plain forms."""
    return _CALLS.sub(r"\1_c(\2", body)


# Each macro twice: NAME binds its argument once (``list_transform([t], lambda x: …)[1]``), since a
# macro that repeats its parameter copies the argument's whole expression at each use and nested
# calls then grew DuckDB's expression trees (and its planning) exponentially; NAME_c repeats it, for
# an argument that is a column or a constant, where that costs nothing and the list a lambda needs
# is not built for each row (half the time). :func:`fn` picks one.
MACROS = ";\n".join(
    [f"CREATE OR REPLACE MACRO rdf_escape(x) AS {_escape_sql()}", f"CREATE OR REPLACE MACRO rdf_unescape(x) AS {_unescape_sql()}"]
    + [f"CREATE OR REPLACE MACRO {name}_c(x) AS {_on_columns(body)}" for name, body in _BODIES.items()]
    + [f"CREATE OR REPLACE MACRO {name}_c(a, b) AS {_on_columns(body).replace('x.a', 'a').replace('x.b', 'b')}"
       for name, body in _PAIRS.items()]
    + [f"CREATE OR REPLACE MACRO {name}(t) AS list_transform([t], lambda x: {_on_columns(body)})[1]"
       if len(re.findall(r"\bx\b", body)) > 1 else f"CREATE OR REPLACE MACRO {name}(x) AS {body}"
       for name, body in _BODIES.items()]
    + [f"CREATE OR REPLACE MACRO {name}(a, b) AS list_transform([struct_pack(a := a, b := b)], lambda x: "
       f"{_on_columns(body)})[1]" for name, body in _PAIRS.items()]) + ";\n"

_SIMPLE = re.compile(r'^(?:[\w.]+|"[^"]*"|[\w]+\."[^"]*"|\'[^\']*\'|CAST\(NULL AS \w+\))$')


def fn(name: str, *args: str) -> str:
    """SQL calling the term macro ``name``: its plain form when every argument is a column or a
    constant, else the form that binds each argument once."""
    return f"{name}{'_c' if all(_SIMPLE.match(a) for a in args) else ''}({', '.join(args)})"


def install(con) -> None:
    """The term macros on a DuckDB connection."""
    for statement in MACROS.strip().split(";\n"):
        if statement.strip():
            con.execute(statement)


# ---- expressions ------------------------------------------------------------------------------------

@dataclass
class Expr:
    """A compiled expression: ``sql`` of ``kind`` id (a term's id in the graph's dictionary), term
    (N-Triples text), bool, num (with ``dt``, the SQL of its datatype IRI) or str (the lexical form
    of a simple literal)."""
    sql: str
    kind: str
    dt: str = ""
    text: str = ""  # of an id that is a constant: its N-Triples text as SQL (no look-up needed)


NULL_TERM = Expr("CAST(NULL AS VARCHAR)", "term")
SQL_TYPE = {"id": "UBIGINT", "term": "VARCHAR", "str": "VARCHAR", "bool": "BOOLEAN", "num": "DOUBLE"}
ID = ("id", "")  # a column's kind unless Rel.kinds says otherwise


def _bool_term(sql: str) -> str:
    return (f"(CASE WHEN ({sql}) THEN '\"true\"^^<{BOOLEAN}>' WHEN NOT ({sql}) THEN '\"false\"^^<{BOOLEAN}>' END)")


@dataclass
class Scope:
    """Where an expression finds its variables: their SQL and which are always bound. With
    ``lets`` (a list), each compiled sub-expression becomes a column of its own, computed in a
    projection below the one that uses it (``alias`` names them all): nested functions then
    refer to a column instead of repeating their argument's SQL, which the term macros would
    otherwise expand at every use (a rule's expression grew to seconds of DuckDB planning)."""
    cols: dict[str, str]
    bound: set[str] = field(default_factory=set)
    alias: str = ""
    lets: list | None = None
    kinds: dict = field(default_factory=dict)  # variable → (kind, dt) of a column that holds no id


@dataclass
class Rel:
    sql: str
    vars: list[str]
    bound: frozenset = frozenset()
    # a column holds a term's id, unless it is listed here: a variable bound by BIND to a term's text
    # ("term", ""), a string, a boolean or a number of a known datatype (kind, dt) keeps that until
    # something needs another form (a join with ids, the result)
    kinds: dict = field(default_factory=dict)

    def kind(self, v: str) -> tuple:
        return self.kinds.get(v, ID)


class _Lookup(str):
    """The SQL that looks up the text of the id ``id_sql`` in the dictionary (see Compiler.layered)."""

    def __new__(cls, sql: str, id_sql: str):
        out = super().__new__(cls, sql)
        out.id_sql = id_sql
        return out


def _is_comp(x) -> bool:
    """Whether ``x`` is a node of rdflib's SPARQL algebra. (rdflib's SPARQL package is imported only to
    compile: a run that reads its compiled SQL from the cache starts 0.07 s sooner. Without it no node
    can exist.)"""
    module = sys.modules.get("rdflib.plugins.sparql.parserutils")
    return module is not None and isinstance(x, module.CompValue)


def _comp(name: str, **values):
    """A node of rdflib's SPARQL algebra."""
    from rdflib.plugins.sparql.parserutils import CompValue

    return CompValue(name, **values)


def with_texts(source: str, alias: str, looked, tag, terms: str = "terms", replace: bool = False) -> str:
    """A SELECT of ``source`` (a FROM item named ``alias``) with, for each (name, id column) of
    ``looked``, the text of that id as the column ``name`` (in that column's place, with ``replace``):
    the relation materialized, the ids it needs read from the dictionary in one pass, then a join each
    with those few (a look-up of its own reads the whole dictionary each). ``tag`` makes the names of
    its parts unique."""
    ids = ", ".join(col for _, col in looked)
    texts = ", ".join(f"d{i}.t AS {name}" for i, (name, _) in enumerate(looked))
    joins = " ".join(f"LEFT JOIN k{tag} AS d{i} ON d{i}.id = {col}" for i, (_, col) in enumerate(looked))
    return (f"WITH b{tag} AS MATERIALIZED (SELECT * FROM {source}), k{tag} AS MATERIALIZED (SELECT d.id, "
            f"any_value(d.t) AS t FROM {terms} AS d WHERE d.id IN (SELECT unnest([{ids}]) FROM b{tag} AS {alias}) "
            f"GROUP BY d.id) SELECT {alias}.* {f'REPLACE ({texts})' if replace else f', {texts}'} FROM b{tag} AS {alias} {joins}")


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Compiler:
    def __init__(self, table: str = "triples", source: str = "query", terms: str = "terms"):
        self.table = table
        self.terms = terms
        self.source = source
        self.constants: set[str] = set()  # the constant terms whose ids the SQL may give as values
        self.textual: set[str] = set()  # variables some expression reads as text (see text_read)
        self._n = itertools.count(1)
        # the scopes around the EXISTS patterns being compiled, innermost last: a variable a pattern inside
        # does not bind is the solution's value outside (SPARQL substitutes it), a correlated reference
        self._outer: list[Scope] = []

    def alias(self) -> str:
        return f"t{next(self._n)}"

    def refuse(self, what: str, what_zh: str):
        raise Unsupported(f"{self.source}: the columnar engine does not support {what}",
                          f"{self.source}：列式引擎不支持{what_zh}")

    def const(self, term) -> str:
        """The id of a constant term (folded to a number by DuckDB), which the engine puts into the
        dictionary before the query runs."""
        text = nt(term)
        self.constants.add(text)
        return fn('rdf_id', sql_str(text))

    def decode(self, sql: str) -> str:
        """The N-Triples text of the id ``sql``, as a correlated look-up (as an aggregate, DuckDB looks
        up the distinct ids only; as a plain join it built a hash table of the whole dictionary for
        each: 3× slower). Hoisted into a scope, the look-ups of a relation's columns become one read
        of the dictionary for all of them (:meth:`layered`)."""
        return _Lookup(f"(SELECT any_value(d.t) FROM {self.terms} AS d WHERE d.id = {sql})", sql)

    # ---- graph patterns -------------------------------------------------------------------------
    def rel(self, node) -> Rel:
        name = getattr(node, "name", type(node).__name__)
        method = getattr(self, "op_" + name, None)
        if method is None:
            self.refuse(f"the SPARQL operator {name}", f" SPARQL 运算 {name}")
        return method(node)

    def _select(self, items: dict[str, str], src: str, where: str = "", extra: str = "") -> str:
        cols = ", ".join(f"{sql} AS {q(v)}" for v, sql in items.items()) or "1 AS __unit"
        return f"SELECT {cols} FROM {src}" + (f" WHERE {where}" if where else "") + extra

    def textify(self, a: Rel, which=None, natives_only: bool = False) -> Rel:
        """``a`` with the columns among ``which`` (all when None) holding ids or native values turned
        into N-Triples text (only the native ones with ``natives_only``)."""
        todo = [v for v in a.vars if (which is None or v in which) and a.kind(v) != ("term", "")
                and not (natives_only and a.kind(v) == ID)]
        if not todo:
            return a
        t = self.alias()
        cols = {v: f"{t}.{q(v)}" for v in a.vars}
        scope = Scope(dict(cols), alias=t, lets=[])
        for v in todo:
            kind, dt = a.kind(v)
            cols[v] = self.hoist(self.decode(cols[v]), scope) if kind == "id" else self.as_term(Expr(cols[v], kind, dt), scope)
        return Rel(self._select(cols, self.layered(a.sql, t, scope)), a.vars, a.bound,
                   {**a.kinds, **{v: ("term", "") for v in todo}})

    def _comparable(self, a: Rel, b: Rel, shared) -> tuple[Rel, Rel]:
        """``a`` and ``b`` with each shared variable in forms that compare: the same kind, or an id
        on one side and the text on the other (compared through the text's id); anything else as text
        (an id is never turned into text for a comparison)."""
        differ = {v for v in shared if a.kind(v) != b.kind(v)}
        return (self.textify(a, {v for v in differ if a.kind(v) != ID}),
                self.textify(b, {v for v in differ if b.kind(v) != ID}))

    def same(self, x: str, kx: tuple, y: str, ky: tuple) -> str:
        """SQL that two comparable columns (see :meth:`_comparable`) hold the same term."""
        if kx == ky:
            return f"{x} = {y}"
        return f"{fn('rdf_id', x)} = {y}" if kx[0] == "term" else f"{x} = {fn('rdf_id', y)}"

    def op_BGP(self, node) -> Rel:
        triples = node.triples
        if not triples:
            return Rel("SELECT 1 AS __unit", [], frozenset())
        cols: dict[str, str] = {}
        froms, conds = [], []
        # for a path, the nodes some plain pattern of the BGP puts at a variable: only those can match
        # it (the path's zero-length matches are limited to them, not every node of the graph)
        domains: dict = {}
        plain = ([t for t in triples if isinstance(t[1], URIRef)]
                 if any(isinstance(t[1], Path) for t in triples) else [])
        for s, p, o in plain:
            for end, pos, other, other_pos in ((s, "s", o, "o"), (o, "o", s, "s")):
                if isinstance(end, Variable) and end != other and end not in domains:
                    fixed = "" if isinstance(other, (Variable, BNode)) else f" AND {other_pos} = {self.const(other)}"
                    domains[end] = f"SELECT {pos} AS x FROM {self.table} WHERE p = {self.const(p)}{fixed}"
        for s, p, o in triples:
            t = self.alias()
            if isinstance(p, Path):
                froms.append(f"({self.path(p, s, o, domains.get(s) or domains.get(o))}) AS {t}")
                parts = (("s", s), ("o", o))
            else:
                froms.append(f"{self.table} AS {t}")
                parts = (("p", p), ("s", s), ("o", o))  # the table is sorted by p: row groups skipped
            for pos, term in parts:
                if isinstance(term, (Variable, BNode)):
                    var = str(term) if isinstance(term, Variable) else f"_bnode_{term}"
                    if var in cols:
                        conds.append(f"{t}.{pos} = {cols[var]}")
                    else:
                        cols[var] = f"{t}.{pos}"
                else:
                    conds.append(f"{t}.{pos} = {self.const(term)}")
        return Rel(self._select(cols, ", ".join(froms), " AND ".join(conds)), list(cols), frozenset(cols))

    def path(self, p, s=None, o=None, domain: str | None = None) -> str:
        """SQL of (s, o) id pairs linked by the property path ``p`` (``s`` and ``o``, when they are
        constants, limit the zero-length matches of ``*`` and ``?`` to those nodes; else ``domain``,
        a SELECT of the nodes an end can be, does)."""
        if isinstance(p, URIRef):
            return f"SELECT s, o FROM {self.table} WHERE p = {self.const(p)}"
        if isinstance(p, InvPath):
            return f"SELECT o AS s, s AS o FROM ({self.path(p.arg, o, s, domain)})"
        if isinstance(p, SequencePath):
            n = len(p.args)  # the constant ends reach the first and the last step
            parts = [self.path(a, s if i == 0 else None, o if i == n - 1 else None) for i, a in enumerate(p.args)]
            aliases = [self.alias() for _ in parts]
            joins = f"({parts[0]}) AS {aliases[0]}"
            for prev, a, sql in zip(aliases, aliases[1:], parts[1:]):
                joins += f" JOIN ({sql}) AS {a} ON {prev}.o = {a}.s"
            return f"SELECT {aliases[0]}.s AS s, {aliases[-1]}.o AS o FROM {joins}"
        if isinstance(p, AlternativePath):
            return " UNION ALL ".join(f"({self.path(a, s, o, domain)})" for a in p.args)
        if isinstance(p, MulPath):
            step = self.path(p.path)
            r = self.alias()
            closure = (f"WITH RECURSIVE {r}(s, o) AS (SELECT s, o FROM ({step}) UNION "
                       f"SELECT {r}.s, x.o FROM {r} JOIN ({step}) AS x ON {r}.o = x.s) SELECT s, o FROM {r}")
            if p.mod == "+":
                return closure
            one = f"SELECT DISTINCT s, o FROM ({step})" if p.mod == "?" else closure
            ends = [t for t in (s, o) if t is not None and not isinstance(t, (Variable, BNode))]
            # the zero-length matches: the constant ends, else every node of the graph (each once:
            # a DISTINCT of ids, not of pairs); with the other matches, those of length ≥ 1 between
            # two different nodes, the pairs are distinct without a DISTINCT over millions of them
            nodes = (" UNION ".join(f"SELECT {self.const(e)} AS x" for e in ends) if ends
                     else f"SELECT DISTINCT x FROM ({domain})" if domain
                     else f"SELECT s AS x FROM {self.table} UNION SELECT o FROM {self.table}")
            return f"SELECT s, o FROM ({one}) WHERE s <> o UNION ALL SELECT x AS s, x AS o FROM ({nodes})"
        if isinstance(p, NegatedPath):
            self.refuse("negated property paths (!p)", "取反的属性路径（!p）")
        self.refuse(f"the property path {p}", f"属性路径 {p}")

    def _join_parts(self, a: Rel, b: Rel, ta: str, tb: str):
        cols, conds, kinds = {}, [], {}
        for v in a.vars:
            cols[v], kinds[v] = f"{ta}.{q(v)}", a.kind(v)
        for v in b.vars:
            if v not in cols:
                cols[v], kinds[v] = f"{tb}.{q(v)}", b.kind(v)
                continue
            x, y = f"{ta}.{q(v)}", f"{tb}.{q(v)}"
            eq = self.same(x, a.kind(v), y, b.kind(v))
            if v in a.bound and v in b.bound:
                conds.append(eq)
            else:
                conds.append(f"({eq} OR {x} IS NULL OR {y} IS NULL)")
                if v in b.bound and v not in a.bound:
                    cols[v], kinds[v] = y, b.kind(v)
                elif v not in a.bound:
                    cols[v] = f"COALESCE({x}, {y})"  # of one kind: see _join
        return cols, conds, {v: k for v, k in kinds.items() if k != ID}

    def op_Join(self, node) -> Rel:
        return self._join(self.rel(node.p1), self.rel(node.p2), left=False)

    def op_LeftJoin(self, node) -> Rel:
        a, b = self.rel(node.p1), self.rel(node.p2)
        expr = node.expr
        if expr is not None and getattr(expr, "name", None) == "TrueFilter":
            expr = None
        if expr is not None and _expr_vars(expr) <= (set(b.bound) | (set(b.vars) - set(a.vars))):
            # OPTIONAL { … FILTER (…) } whose filter reads only what the optional part binds: filter it
            # there, on the optional part's rows that can join (the labels of a few types, not every
            # label of the graph, get their language looked up)
            keys = [v for v in b.vars if v in a.bound and v in b.bound and a.kind(v) == b.kind(v) == ID]
            if keys:
                x, k, r = self.alias(), self.alias(), self.alias()
                cols = ", ".join(q(v) for v in keys)
                on = " AND ".join(f"{r}.{q(v)} = {k}.{q(v)}" for v in keys)
                reduced = Rel(f"SELECT {r}.* FROM ({b.sql}) AS {r} SEMI JOIN (SELECT DISTINCT {cols} FROM {x}) AS {k} ON {on}",
                              b.vars, b.bound, b.kinds)
                joined = self._join(Rel(f"SELECT * FROM {x}", a.vars, a.bound, a.kinds), self._filtered(reduced, expr), left=True)
                return Rel(f"WITH {x} AS MATERIALIZED ({a.sql}) SELECT * FROM ({joined.sql})", joined.vars, joined.bound, joined.kinds)
            b, expr = self._filtered(b, expr), None
        # what only the optional part binds and an expression reads as text: looked up there, on its
        # few columns, not later over the whole joined relation (DuckDB materializes that for each)
        b = self.textify(b, {v for v in b.vars if v not in a.vars and v in self.textual and b.kind(v) == ID})
        return self._join(a, b, left=True, expr=expr)

    def _join(self, a: Rel, b: Rel, *, left: bool, expr=None) -> Rel:
        """Join on the shared variables. A variable that may be unbound on one side only would make
        the condition an OR, which no hash join takes: that side is split in two instead, the rows
        where it is bound (joined on equality) and the rest (usually none)."""
        shared = [v for v in b.vars if v in a.vars]
        a, b = self._comparable(a, b, shared)
        unbound_both = {v for v in shared if v not in a.bound and v not in b.bound and a.kind(v) != b.kind(v)}
        a, b = self.textify(a, unbound_both), self.textify(b, unbound_both)  # COALESCE(x, y) needs one kind
        if not left and any(v not in b.bound for v in shared) and all(v in a.bound for v in shared):
            a, b = b, a  # inner joins commute: let the side with unbound values be the first
        maybe = [v for v in shared if v not in a.bound]
        if not maybe or not all(v in b.bound for v in shared):
            return self._join_simple(a, b, left=left, expr=expr)
        x = self.alias()
        bound = " AND ".join(f"{q(v)} IS NOT NULL" for v in maybe)
        whole = self._join_simple(Rel(f"SELECT * FROM {x} WHERE {bound}", a.vars, a.bound | set(maybe), a.kinds), b,
                                  left=left, expr=expr)
        rest = self._join_simple(Rel(f"SELECT * FROM {x} WHERE NOT ({bound})", a.vars, a.bound, a.kinds), b,
                                 left=left, expr=expr)
        if whole.kinds != rest.kinds:  # a shared variable's column from a in one part, from b in the other
            differ = {v for v in whole.vars if whole.kind(v) != rest.kind(v)}
            whole, rest = self.textify(whole, differ), self.textify(rest, differ)
        sql = f"WITH {x} AS MATERIALIZED ({a.sql}) ({whole.sql}) UNION ALL BY NAME ({rest.sql})"
        return Rel(sql, whole.vars, rest.bound, whole.kinds)

    def _join_simple(self, a: Rel, b: Rel, *, left: bool, expr=None) -> Rel:
        ta, tb = self.alias(), self.alias()
        cols, conds, kinds = self._join_parts(a, b, ta, tb)
        if expr is not None:
            scope = Scope(cols, set(a.bound | b.bound), kinds=kinds)
            conds.append(self.as_bool(self.expr(expr, scope), scope))
        on = " AND ".join(conds) or "true"
        kind = "LEFT JOIN" if left else "JOIN"
        return Rel(self._select(cols, f"({a.sql}) AS {ta} {kind} ({b.sql}) AS {tb} ON {on}"), list(cols),
                   a.bound if left else a.bound | b.bound, kinds)

    def _filtered(self, a: Rel, expr) -> Rel:
        t = self.alias()
        cols = {v: f"{t}.{q(v)}" for v in a.vars}
        scope = Scope(cols, set(a.bound), t, [], dict(a.kinds))
        cond = self.as_bool(self.expr(expr, scope), scope)
        return Rel(self._select(cols, self.layered(a.sql, t, scope), cond), a.vars, a.bound, a.kinds)

    def op_Filter(self, node) -> Rel:
        return self._filtered(self.rel(node.p), node.expr)

    def op_Extend(self, node) -> Rel:
        a = self.rel(node.p)
        t = self.alias()
        cols = {v: f"{t}.{q(v)}" for v in a.vars}
        var = str(node.var)
        scope = Scope(dict(cols), set(a.bound), t, [], dict(a.kinds))
        e = self.expr(node.expr, scope, ids=True)
        kinds = {k: v for k, v in a.kinds.items() if k != var}
        if e.kind in ("id", "term", "str", "bool") or (e.kind == "num" and re.fullmatch(r"'[^']*'", e.dt or "")):
            cols[var] = e.sql  # kept as it is: no term to build and parse again
            if e.kind != "id":
                kinds[var] = (e.kind, e.dt)
        else:
            cols[var], kinds[var] = self.as_term(e, scope), ("term", "")
        bound = a.bound | ({var} if self._always_bound(node.expr, a.bound) else set())
        return Rel(self._select(cols, self.layered(a.sql, t, scope)), list(cols), frozenset(bound), kinds)

    def _always_bound(self, e, bound) -> bool:
        """Whether ``e`` has a value in every solution (a bound variable, a constant, a COALESCE of one)."""
        if isinstance(e, Variable):
            return str(e) in bound
        if isinstance(e, (URIRef, Literal)):
            return True
        if _is_comp(e) and e.name == "Builtin_COALESCE":
            return any(self._always_bound(x, bound) for x in e.arg)
        return False

    def op_Union(self, node) -> Rel:
        a, b = self.rel(node.p1), self.rel(node.p2)
        shared = {v for v in a.vars if v in b.vars}
        differ = {v for v in shared if a.kind(v) != b.kind(v)}
        a, b = self.textify(a, differ), self.textify(b, differ)
        names = list(dict.fromkeys(a.vars + b.vars))
        kinds = {**b.kinds, **a.kinds}
        sides = []
        for r in (a, b):
            t = self.alias()
            sides.append(self._select({v: f"{t}.{q(v)}" if v in r.vars else
                                       f"CAST(NULL AS {SQL_TYPE[kinds.get(v, ID)[0]]})" for v in names},
                                      f"({r.sql}) AS {t}"))
        return Rel(f"({sides[0]}) UNION ALL ({sides[1]})", names, a.bound & b.bound, kinds)

    def op_Minus(self, node) -> Rel:
        a, b = self.rel(node.p1), self.rel(node.p2)
        shared = [v for v in a.vars if v in b.vars]
        a, b = self._comparable(a, b, shared)
        t = self.alias()
        cols = {v: f"{t}.{q(v)}" for v in a.vars}
        if not shared:
            return Rel(self._select(cols, f"({a.sql}) AS {t}"), a.vars, a.bound, a.kinds)
        u = self.alias()
        compat, some = [], []
        for v in shared:
            x, y = cols[v], f"{u}.{q(v)}"
            eq = self.same(x, a.kind(v), y, b.kind(v))
            both = v in a.bound and v in b.bound
            compat.append(eq if both else f"({eq} OR {x} IS NULL OR {y} IS NULL)")
            some.append("true" if both else f"({x} IS NOT NULL AND {y} IS NOT NULL)")
        cond = f"NOT EXISTS (SELECT 1 FROM ({b.sql}) AS {u} WHERE {' AND '.join(compat)} AND ({' OR '.join(some)}))"
        return Rel(self._select(cols, f"({a.sql}) AS {t}", cond), a.vars, a.bound, a.kinds)

    def op_Project(self, node) -> Rel:
        a = self.rel(node.p)
        t = self.alias()
        names = [str(v) for v in node.PV]
        cols = {v: f"{t}.{q(v)}" if v in a.vars else "CAST(NULL AS UBIGINT)" for v in names}
        return Rel(self._select(cols, f"({a.sql}) AS {t}"), names, frozenset(a.bound & set(names)),
                   {v: k for v, k in a.kinds.items() if v in names})

    def op_Distinct(self, node) -> Rel:
        a = self.rel(node.p)  # each kind of column holds one value per term: DISTINCT compares terms
        return Rel(f"SELECT DISTINCT * FROM ({a.sql})", a.vars, a.bound, a.kinds)

    op_Reduced = op_Distinct

    def op_ToMultiSet(self, node) -> Rel:
        return self.rel(node.p)

    def op_values(self, node) -> Rel:
        def given(v):  # rdflib writes UNDEF as None or as the string "UNDEF"
            return v is not None and not (isinstance(v, str) and not isinstance(v, (URIRef, BNode, Literal)))

        rows = [{str(k): v for k, v in row.items()} for row in node.res]
        # a variable no row gives a value is no column: unbound wherever it is read (a rule's optional
        # parameter, VALUES ?asOf { UNDEF }, had its text looked up in the whole dictionary)
        names = [n for n in dict.fromkeys(n for row in rows for n in row) if any(given(row.get(n)) for row in rows)]
        if not rows or not names:
            return Rel(f"SELECT 1 AS __unit FROM range({len(rows)})", [], frozenset())
        cells = ["(" + ", ".join(self.const(row[n]) if given(row.get(n)) else "CAST(NULL AS UBIGINT)"
                                 for n in names) + ")" for row in rows]
        bound = {n for n in names if all(given(row.get(n)) for row in rows)}
        return Rel(f"SELECT * FROM (VALUES {', '.join(cells)}) AS v({', '.join(q(n) for n in names)})", names, frozenset(bound))

    def op_Group(self, node) -> Rel:  # reached through AggregateJoin only
        self.refuse("GROUP BY outside an aggregate", "聚合之外的 GROUP BY")

    def op_AggregateJoin(self, node) -> Rel:
        group = node.p
        a = self.rel(group.p)
        t = self.alias()
        cols = {v: f"{t}.{q(v)}" for v in a.vars}
        keys = []
        for e in group.expr or []:
            if not isinstance(e, Variable):
                self.refuse("GROUP BY on an expression (bind it to a variable first)", "按表达式 GROUP BY（请先用 BIND 绑定到变量）")
            keys.append(cols.get(str(e), "CAST(NULL AS UBIGINT)"))
        out, bound, kinds = {}, set(), {}
        scope = Scope(cols, set(a.bound), t, [], dict(a.kinds))  # (the texts the aggregates read: looked up below them)
        for agg in node.A:
            res = str(agg.res)
            kind = agg.name
            distinct = "DISTINCT " if "distinct" in agg.keys() and agg["distinct"] == "DISTINCT" else ""
            arg = agg.vars
            kinds[res] = ("term", "")
            if kind == "Aggregate_Count":
                if arg == "*":
                    inner = "*"
                else:
                    e = self.expr(arg, scope, ids=True)
                    inner = distinct + (self.as_term(e, scope) if e.kind == "num" else e.sql)
                out[res], kinds[res] = f"CAST(count({inner}) AS DOUBLE)", ("num", sql_str(INTEGER))
                bound.add(res)
            elif kind == "Aggregate_Sample":
                e = self.expr(arg, scope, ids=True)
                if e.kind == "num" and not re.fullmatch(r"'[^']*'", e.dt or ""):
                    e = Expr(self.as_term(e, scope), "term")
                out[res], kinds[res] = f"any_value({e.sql})", (e.kind, e.dt)
                if isinstance(arg, Variable) and str(arg) in a.bound:
                    bound.add(res)
            elif kind in ("Aggregate_Min", "Aggregate_Max"):
                e = self.expr(arg, scope)
                if e.kind == "str":  # simple literals order as their strings (code points: UTF-8's bytes)
                    out[res], kinds[res] = f"{'min' if kind == 'Aggregate_Min' else 'max'}({e.sql})", (e.kind, e.dt)
                    continue
                v = self.as_term(e, scope)
                pick = "arg_min" if kind == "Aggregate_Min" else "arg_max"
                out[res] = f"{pick}({v}, {fn('rdf_key', v)}) FILTER (WHERE {v} IS NOT NULL)"
            elif kind in ("Aggregate_Sum", "Aggregate_Avg"):
                n = self.as_num(self.expr(arg, scope), scope)
                total = "sum" if kind == "Aggregate_Sum" else "avg"
                dt = sql_str(INTEGER) if kind == "Aggregate_Sum" else sql_str(DECIMAL)
                dt = f"CASE WHEN bool_and({n.dt} IN ({_IN_INTEGER})) THEN {dt} ELSE max({n.dt}) END" if kind == "Aggregate_Sum" else dt
                out[res] = f"rdf_numterm(COALESCE({total}({distinct}{n.sql}), 0), {dt})"
            elif kind == "Aggregate_GroupConcat":
                sep = sql_str(str(agg["separator"]) if "separator" in agg.keys() and agg["separator"] is not None else " ")
                out[res] = f"('\"' || rdf_esc(COALESCE(string_agg({distinct}{self.as_str(self.expr(arg, scope), scope)}, {sep}), '')) || '\"')"
            else:
                self.refuse(f"the aggregate {kind.removeprefix('Aggregate_')}", f"聚合函数 {kind.removeprefix('Aggregate_')}")
        by = f" GROUP BY {', '.join(keys)}" if keys else ""
        return Rel(self._select(out, self.layered(a.sql, t, scope), extra=by), list(out), frozenset(bound),
                   {v: k for v, k in kinds.items() if k != ID})

    def op_OrderBy(self, node) -> Rel:
        a = self.rel(node.p)
        t = self.alias()
        cols = {v: f"{t}.{q(v)}" for v in a.vars}
        keys = []
        scope = Scope(cols, set(a.bound), t, [], dict(a.kinds))
        for cond in node.expr:
            e, desc = (cond.expr, cond.order == "DESC") if getattr(cond, "name", "") == "OrderCondition" else (cond, False)
            keys.append(f"{fn('rdf_key', self.as_term(self.expr(e, scope), scope))}{' DESC' if desc else ''}")
        return Rel(self._select(cols, self.layered(a.sql, t, scope), extra=f" ORDER BY {', '.join(keys)}"), a.vars, a.bound, a.kinds)

    def op_Slice(self, node) -> Rel:
        a = self.rel(node.p)
        extra = (f" LIMIT {int(node.length)}" if node.length is not None else "") + (f" OFFSET {int(node.start)}" if node.start else "")
        return Rel(f"SELECT * FROM ({a.sql}){extra}", a.vars, a.bound, a.kinds)

    def op_Graph(self, node):
        self.refuse("GRAPH (named graphs)", "GRAPH（命名图）")

    def op_ServiceGraphPattern(self, node):
        self.refuse("SERVICE", " SERVICE")

    # ---- expressions ---------------------------------------------------------------------------
    def as_term(self, e: Expr, scope: Scope) -> str:
        h = lambda x: self.hoist(x, scope)  # noqa: E731
        if e.kind == "term":
            return e.sql
        if e.kind == "id":
            return e.text or h(self.decode(e.sql))
        if e.kind == "bool":
            return _bool_term(h(e.sql))
        if e.kind == "str":
            return f"('\"' || {fn('rdf_esc', h(e.sql))} || '\"')"
        return fn('rdf_numterm', h(e.sql), h(e.dt))

    def as_bool(self, e: Expr, scope: Scope) -> str:
        if e.kind == "bool":
            return e.sql
        e = self.text(e, scope)
        x = self.hoist(e.sql, scope)
        if e.kind == "term":
            return fn('rdf_ebv', x)
        if e.kind == "str":
            return f"(length({x}) > 0)"
        return f"(({x}) <> 0 AND NOT isnan({x}))"

    def as_num(self, e: Expr, scope: Scope) -> Expr:
        if e.kind == "num":
            return e
        e = self.text(e, scope)
        if e.kind == "term":
            x = self.hoist(e.sql, scope)
            return Expr(self.hoist(fn('rdf_num', x), scope), "num", self.hoist(fn('rdf_dt', x), scope))
        return Expr("CAST(NULL AS DOUBLE)", "num", "CAST(NULL AS VARCHAR)")

    def as_str(self, e: Expr, scope: Scope) -> str:
        """The string argument of a string function: a simple or language-tagged literal's form."""
        if e.kind == "str":
            return e.sql
        e = self.text(e, scope)
        if e.kind == "term":
            return self.hoist(fn('rdf_strlit', self.hoist(e.sql, scope)), scope)
        return "CAST(NULL AS VARCHAR)"

    def hoist(self, sql: str, scope: Scope) -> str:
        if scope.lets is None or _SIMPLE.match(sql):
            return sql
        for name, earlier in scope.lets:  # computed once: a label's text read for three language tests
            if earlier == sql:
                return f"{scope.alias}.{name}"
        name = f"_x{next(self._n)}"
        scope.lets.append((name, sql))
        return f"{scope.alias}.{name}"

    def text(self, e: Expr, scope: Scope) -> Expr:
        """``e`` with an id turned into the term's text (anything else as it is)."""
        return Expr(self.as_term(e, scope), "term") if e.kind == "id" else e

    def expr(self, e, scope: Scope, ids: bool = False) -> Expr:
        """``e`` compiled; a term is given as its text unless ``ids`` (then an id where one is at hand:
        a constant IRI's too, so that BIND (cs:X AS ?p) or COALESCE(?s, cs:X) stay ids)."""
        if ids and isinstance(e, URIRef):
            return Expr(self.const(e), "id", text=sql_str(nt(e)))
        r = self._expr(e, scope)
        r = Expr(self.hoist(r.sql, scope), r.kind, self.hoist(r.dt, scope) if r.dt else r.dt)
        return r if ids else self.text(r, scope)

    def layered(self, sql: str, alias: str, scope: Scope) -> str:
        """``(sql) AS alias`` with the scope's hoisted sub-expressions computed in order on top."""
        out = f"({sql}) AS {alias}"
        lets = scope.lets or []
        # the look-ups of the relation's own columns first, all in one read of the dictionary: the ids
        # they need, then a join each with those few (one look-up read the whole dictionary each)
        made = {f"{alias}.{name}" for name, _ in lets}
        looked = [(name, e.id_sql) for name, e in lets if isinstance(e, _Lookup)
                  and e.id_sql.startswith(alias + ".") and e.id_sql not in made]
        if looked:
            out = f"({with_texts(out, alias, looked, next(self._n), self.terms)}) AS {alias}"
            done = {name for name, _ in looked}
            lets = [(name, e) for name, e in lets if name not in done]
        for name, expr in lets:
            out = f"(SELECT {alias}.*, {expr} AS {name} FROM {out}) AS {alias}"
        return out

    def _expr(self, e, scope: Scope) -> Expr:
        if isinstance(e, Variable):
            col = scope.cols.get(str(e))
            if not col:
                outer = self._outer_column(str(e))
                return outer if outer is not None else NULL_TERM
            kind, dt = scope.kinds.get(str(e), ID)
            return Expr(col, kind, dt)
        if isinstance(e, Literal):
            dt = str(e.datatype) if e.datatype else None
            if dt == BOOLEAN and str(e) in ("true", "false"):
                return Expr("true" if str(e) == "true" else "false", "bool")
            if dt in NUMERIC_TYPES and e.value is not None:
                return Expr(repr(float(e.value)), "num", sql_str(dt))
            if dt is None and not e.language:
                return Expr(sql_str(str(e)), "str")
            return Expr(sql_str(nt(e)), "term")
        if isinstance(e, (URIRef, BNode)):
            return Expr(sql_str(nt(e)), "term")
        if not _is_comp(e):
            self.refuse(f"the expression {e!r}", f"表达式 {e!r}")
        name = e.name
        if name == "ConditionalOrExpression" or name == "ConditionalAndExpression":
            op = " OR " if name == "ConditionalOrExpression" else " AND "
            parts = [e.expr] + list(e.other or [])
            return Expr("(" + op.join(f"({self.as_bool(self.expr(x, scope), scope)})" for x in parts) + ")", "bool")
        if name == "UnaryNot":
            return Expr(f"(NOT ({self.as_bool(self.expr(e.expr, scope), scope)}))", "bool")
        if name == "UnaryMinus":
            n = self.as_num(self.expr(e.expr, scope), scope)
            return Expr(f"(-({n.sql}))", "num", n.dt)
        if name == "UnaryPlus":
            return self.as_num(self.expr(e.expr, scope), scope)
        if name == "RelationalExpression":
            return self.relational(e, scope)
        if name in ("AdditiveExpression", "MultiplicativeExpression"):
            acc = self.as_num(self.expr(e.expr, scope), scope)
            for op, other in zip(e.op, e.other):
                b = self.as_num(self.expr(other, scope), scope)
                if op == "/":
                    dt = _promote(_promote(acc.dt, b.dt), sql_str(DECIMAL))
                    acc = Expr(f"(({acc.sql}) / NULLIF({b.sql}, 0))", "num", dt)
                else:
                    acc = Expr(f"(({acc.sql}) {op} ({b.sql}))", "num", _promote(acc.dt, b.dt))
                acc = Expr(self.hoist(acc.sql, scope), "num", self.hoist(acc.dt, scope))
            return acc
        if name == "Function":
            return self.cast(e, scope)
        if name.startswith("Builtin_"):
            method = getattr(self, "fn_" + name[len("Builtin_"):], None)
            if method is None:
                self.refuse(f"the function {name[len('Builtin_'):]}", f"函数 {name[len('Builtin_'):]}")
            return method(e, scope)
        self.refuse(f"the expression {name}", f"表达式 {name}")

    def relational(self, e, scope: Scope) -> Expr:
        op = e.op
        if op in ("IN", "NOT IN"):
            tests = [self._equal(e.expr, x, scope) for x in e.other]
            body = " OR ".join(f"({t})" for t in tests) or "false"
            return Expr(f"({body})" if op == "IN" else f"(NOT ({body}))", "bool")
        if op in ("=", "!="):
            test = self._equal(e.expr, e.other, scope)
            return Expr(test if op == "=" else f"(NOT {test})", "bool")
        return Expr(self._compare(op, self.expr(e.expr, scope), self.expr(e.other, scope), scope), "bool")

    def _equal(self, x, y, scope: Scope) -> str:
        """SQL of ``x = y``. A term compared with a constant that is not a number is equal only to
        that term, and two terms that are not both literals only when they are one term: their ids
        decide, without their text."""
        for tag, other in ((x, y), (y, x)):
            if (getattr(tag, "name", None) == "Builtin_LANG" and isinstance(other, Literal)
                    and other.datatype is None and not other.language and str(other) in LANG_BITS):
                term = self.expr(tag.arg, scope, ids=True)
                if term.kind == "id":  # a literal's language in its id; LANG of anything else is an error
                    return f"(CASE WHEN ({term.sql}) & 2 = 2 THEN ({term.sql}) & 12 = {LANG_BITS[str(other)] << 2} END)"
        a, b = self.expr(x, scope, ids=True), self.expr(y, scope, ids=True)
        if a.kind != "id" and b.kind == "id":
            (a, x), (b, y) = (b, y), (a, x)
        if a.kind == "id":
            if isinstance(y, URIRef) or (isinstance(y, Literal) and str(y.datatype or "") not in NUMERIC_TYPES):
                return f"({a.sql} = {self.const(y)})"
            if b.kind == "id":
                both = f"(({a.sql}) & 3 = 3 AND ({b.sql}) & 3 = 3)"  # two typed literals: maybe numbers of one value
                return (f"(CASE WHEN {a.sql} = {b.sql} THEN true WHEN NOT {both} THEN false "
                        f"ELSE {self._compare('=', self.text(a, scope), self.text(b, scope), scope)} END)")
            if a.text and b.kind == "term":  # a constant IRI and a term's text (DATATYPE(?v) = xsd:date): one term or not
                return f"({b.sql} = {a.text})"
        return self._compare("=", self.text(a, scope), self.text(b, scope), scope)

    def _compare(self, op: str, a: Expr, b: Expr, scope: Scope) -> str:
        sql_op = {"=": "=", "!=": "<>", "<": "<", ">": ">", "<=": "<=", ">=": ">="}[op]
        kinds = {a.kind, b.kind}
        if kinds == {"num"} or (kinds == {"num", "term"}):
            return f"(({self.as_num(a, scope).sql}) {sql_op} ({self.as_num(b, scope).sql}))"
        if kinds == {"str"}:
            return f"(({a.sql}) {sql_op} ({b.sql}))"
        if kinds == {"bool"}:
            return f"(({a.sql}) {sql_op} ({b.sql}))"
        if kinds == {"str", "term"}:
            s, t = (a, b) if a.kind == "str" else (b, a)
            lex = f"(CASE WHEN {fn('rdf_dt', t.sql)} = {sql_str(STRING)} THEN {fn('rdf_lex', t.sql)} END)"
            x, y = (s.sql, lex) if a.kind == "str" else (lex, s.sql)
            return f"(({x}) {sql_op} ({y}))"
        if kinds == {"bool", "term"}:
            s, t = (a, b) if a.kind == "bool" else (b, a)
            val = f"(CASE WHEN {fn('rdf_dt', t.sql)} = {sql_str(BOOLEAN)} THEN {fn('rdf_rawlex', t.sql)} IN ('true', '1') END)"
            x, y = (s.sql, val) if a.kind == "bool" else (val, s.sql)
            return f"(({x}) {sql_op} ({y}))"
        x, y = self.as_term(a, scope), self.as_term(b, scope)
        if op == "=":
            return fn('rdf_eq', x, y)
        if op == "!=":
            return f"(NOT {fn('rdf_eq', x, y)})"
        # order between terms: numbers by value, dates and date-times by value (XML Schema's partial order),
        # booleans false before true, other literals of one datatype by lexical form
        return (f"(CASE WHEN {fn('rdf_num', x)} IS NOT NULL AND {fn('rdf_num', y)} IS NOT NULL THEN {fn('rdf_num', x)} {sql_op} {fn('rdf_num', y)} "
                f"WHEN {fn('rdf_dt', x)} <> {fn('rdf_dt', y)} THEN NULL "
                f"WHEN {fn('rdf_dt', x)} IN ({_IN_DATES}) THEN {fn('rdf_dtcmp', x, y)} {sql_op} 0 "
                f"WHEN {fn('rdf_dt', x)} = {sql_str(BOOLEAN)} THEN ({fn('rdf_rawlex', x)} IN ('true', '1')) {sql_op} ({fn('rdf_rawlex', y)} IN ('true', '1')) "
                f"WHEN {fn('rdf_dt', x)} IN ({sql_str(STRING)}, {sql_str(RDF_LANGSTRING)}) OR {fn('rdf_dt', x)} IN ({_IN_ORDERED_LEX}) "
                f"THEN {fn('rdf_lex', x)} {sql_op} {fn('rdf_lex', y)} END)")

    def cast(self, e, scope: Scope) -> Expr:
        iri = str(e.iri)
        args = [self.expr(x, scope) for x in e.expr]
        if len(args) != 1:
            self.refuse(f"the function <{iri}>", f"函数 <{iri}>")
        a = args[0]
        if iri == INTEGER:
            if a.kind == "num":
                return Expr(f"trunc({a.sql})", "num", sql_str(INTEGER))
            if a.kind == "bool":
                return Expr(f"CAST({a.sql} AS INTEGER)", "num", sql_str(INTEGER))
            s = a.sql if a.kind == "str" else fn('rdf_lex', a.sql)
            text = f"(CASE WHEN regexp_matches(trim({s}), '^[+-]?[0-9]+$') THEN CAST(trim({s}) AS DOUBLE) END)"
            if a.kind == "str":
                return Expr(text, "num", sql_str(INTEGER))
            num = self.hoist(fn('rdf_num', a.sql), scope)  # a number truncated (1.5 → 1), a string as written
            return Expr(f"(CASE WHEN {num} IS NOT NULL THEN (CASE WHEN isfinite({num}) THEN trunc({num}) END) ELSE {text} END)",
                        "num", sql_str(INTEGER))
        if iri in (DECIMAL, DOUBLE, XSD + "float"):
            n = a if a.kind == "num" else Expr(f"TRY_CAST({self.as_str(a, scope) if a.kind != 'term' else fn('rdf_lex', a.sql)} AS DOUBLE)", "num")
            return Expr(n.sql, "num", sql_str(iri))
        if iri == STRING:
            return Expr(self.fn_STR(_comp("Builtin_STR", arg=None), scope, pre=a).sql, "str")
        if iri == BOOLEAN:
            return Expr(self.as_bool(a, scope), "bool")
        self.refuse(f"the function <{iri}>", f"函数 <{iri}>")

    # built-in functions
    def fn_BOUND(self, e, scope):
        return Expr(f"({self.expr(e.arg, scope, ids=True).sql} IS NOT NULL)", "bool")

    def fn_IF(self, e, scope):
        c = self.as_bool(self.expr(e.arg1, scope), scope)
        a, b = self.expr(e.arg2, scope, ids=True), self.expr(e.arg3, scope, ids=True)
        if a.kind == b.kind and a.kind != "num":
            return Expr(f"(CASE WHEN {c} THEN {a.sql} WHEN NOT {c} THEN {b.sql} END)", a.kind)
        if a.kind == b.kind == "num":  # a number stays one (IF (…, 100, 0) + …: no term text made and read back)
            c = self.hoist(c, scope)
            dt = a.dt if a.dt == b.dt else f"(CASE WHEN {c} THEN {a.dt} WHEN NOT {c} THEN {b.dt} END)"
            return Expr(f"(CASE WHEN {c} THEN {a.sql} WHEN NOT {c} THEN {b.sql} END)", "num", dt)
        return Expr(f"(CASE WHEN {c} THEN {self.as_term(a, scope)} WHEN NOT {c} THEN {self.as_term(b, scope)} END)", "term")

    def fn_COALESCE(self, e, scope):
        args = [self.expr(x, scope, ids=True) for x in e.arg]
        kinds = {a.kind for a in args}
        if len(kinds) == 1 and kinds != {"num"}:
            return Expr(f"COALESCE({', '.join(a.sql for a in args)})", args[0].kind)
        return Expr(f"COALESCE({', '.join(self.as_term(a, scope) for a in args)})", "term")

    def fn_STR(self, e, scope, pre: Expr | None = None):
        a = pre if pre is not None else self.expr(e.arg, scope)
        if a.kind == "str":
            return a
        if a.kind == "bool":
            return Expr(f"(CASE WHEN {a.sql} THEN 'true' WHEN NOT {a.sql} THEN 'false' END)", "str")
        if a.kind == "num":  # the lexical form rdf_numterm gives, without making the term and parsing it
            if a.dt in (sql_str(t) for t in INTEGER_TYPES):
                return Expr(f"CAST(CAST({a.sql} AS HUGEINT) AS VARCHAR)", "str")
            if a.dt in (sql_str(t) for t in NUMERIC_TYPES):
                return Expr(f"CAST({a.sql} AS VARCHAR)", "str")
            return Expr(fn('rdf_lex', fn('rdf_numterm', a.sql, a.dt)), "str")
        return Expr(fn('rdf_str', a.sql), "str")

    def fn_LANG(self, e, scope):
        return Expr(fn('rdf_lang', self.as_term(self.expr(e.arg, scope), scope)), "str")

    def fn_DATATYPE(self, e, scope):
        a = self.expr(e.arg, scope)
        dt = {"str": sql_str(STRING), "bool": sql_str(BOOLEAN)}.get(a.kind) or (a.dt if a.kind == "num" else fn('rdf_dt', a.sql))
        return Expr(f"('<' || {dt} || '>')", "term")

    def fn_LANGMATCHES(self, e, scope):
        tag, rng = self.as_str(self.expr(e.arg1, scope), scope), self.as_str(self.expr(e.arg2, scope), scope)
        return Expr(f"(CASE WHEN {rng} = '*' THEN {tag} <> '' ELSE lower({tag}) = lower({rng}) "
                    f"OR starts_with(lower({tag}), lower({rng}) || '-') END)", "bool")

    def fn_CONCAT(self, e, scope):
        parts = [self.as_str(self.expr(x, scope), scope) for x in e.arg]
        return Expr("(" + " || ".join(f"({p})" for p in parts) + ")" if parts else "''", "str")

    def fn_STRLEN(self, e, scope):
        return Expr(f"CAST(length({self.as_str(self.expr(e.arg, scope), scope)}) AS DOUBLE)", "num", sql_str(INTEGER))

    def fn_SUBSTR(self, e, scope):
        s = self.as_str(self.expr(e.arg, scope), scope)
        start = self.as_num(self.expr(e.start, scope), scope).sql
        if e.length is None:
            return Expr(f"substring({s}, CAST(round({start}) AS BIGINT))", "str")
        length = self.as_num(self.expr(e.length, scope), scope).sql
        # SPARQL counts from 1 and clips a start before it: characters start ≤ i < start + length
        return Expr(f"substring({s}, CAST(greatest(round({start}), 1) AS BIGINT), "
                    f"CAST(greatest(round({start}) + round({length}) - greatest(round({start}), 1), 0) AS BIGINT))", "str")

    # functions of two strings, a and b: SQL for what each gives, and its kind
    _TWO_STR = {
        "STRAFTER": ("(CASE WHEN strpos({a}, {b}) = 0 THEN '' ELSE substring({a}, strpos({a}, {b}) + length({b})) END)", "str"),
        "STRBEFORE": ("(CASE WHEN strpos({a}, {b}) = 0 THEN '' ELSE substring({a}, 1, strpos({a}, {b}) - 1) END)", "str"),
        "STRSTARTS": ("starts_with({a}, {b})", "bool"),
        "STRENDS": ("ends_with({a}, {b})", "bool"),
        "CONTAINS": ("(strpos({a}, {b}) > 0)", "bool"),
    }

    def _two_str(self, e, scope):
        sql, kind = self._TWO_STR[e.name[len("Builtin_"):]]
        a, b = self.as_str(self.expr(e.arg1, scope), scope), self.as_str(self.expr(e.arg2, scope), scope)
        return Expr(sql.format(a=a, b=b), kind)

    fn_STRAFTER = fn_STRBEFORE = fn_STRSTARTS = fn_STRENDS = fn_CONTAINS = _two_str

    def fn_UCASE(self, e, scope):
        return Expr(f"upper({self.as_str(self.expr(e.arg, scope), scope)})", "str")

    def fn_LCASE(self, e, scope):
        return Expr(f"lower({self.as_str(self.expr(e.arg, scope), scope)})", "str")

    def fn_MD5(self, e, scope):
        return Expr(f"md5({self.as_str(self.expr(e.arg, scope), scope)})", "str")

    def fn_SHA256(self, e, scope):
        return Expr(f"sha256({self.as_str(self.expr(e.arg, scope), scope)})", "str")

    def fn_REGEX(self, e, scope):
        text, pattern = self.as_str(self.expr(e.text, scope), scope), self.as_str(self.expr(e.pattern, scope), scope)
        flags = e.flags if "flags" in e.keys() else None
        if flags is not None:
            f = str(flags)
            if set(f) - set("i"):
                self.refuse(f"REGEX flags other than i ({f})", f" i 以外的 REGEX 标志（{f}）")
            return Expr(f"regexp_matches({text}, {pattern}, 'i')", "bool")
        return Expr(f"regexp_matches({text}, {pattern})", "bool")

    def fn_REPLACE(self, e, scope):
        text, pattern = self.as_str(self.expr(e.arg, scope), scope), self.as_str(self.expr(e.pattern, scope), scope)
        if not isinstance(e.replacement, Literal):
            self.refuse("REPLACE with a replacement that is not a constant string", "替换内容不是常量字符串的 REPLACE")
        # XPath writes a group as $1, RE2 as \\1; a literal backslash or dollar is escaped in both
        replacement = re.sub(r"\\([\\$])|\$(\d)", lambda m: m.group(1) if m.group(1) == "$" else
                             ("\\\\" if m.group(1) else "\\" + m.group(2)), str(e.replacement))
        flags = "g"
        if "flags" in e.keys() and e.flags is not None:
            if set(str(e.flags)) - set("i"):
                self.refuse(f"REPLACE flags other than i ({e.flags})", f" i 以外的 REPLACE 标志（{e.flags}）")
            flags += "i"
        return Expr(f"regexp_replace({text}, {pattern}, {sql_str(replacement)}, '{flags}')", "str")

    def fn_IRI(self, e, scope):
        a = self.expr(e.arg, scope)
        if a.kind == "term":
            return Expr(f"(CASE WHEN {fn('rdf_isiri', a.sql)} THEN {a.sql} ELSE '<' || {fn('rdf_strlit', a.sql)} || '>' END)", "term")
        return Expr(f"('<' || {self.as_str(a, scope)} || '>')", "term")

    fn_URI = fn_IRI

    def fn_STRLANG(self, e, scope):
        s, lang = self.as_str(self.expr(e.arg1, scope), scope), self.as_str(self.expr(e.arg2, scope), scope)
        return Expr(f"('\"' || {fn('rdf_esc', s)} || '\"@' || lower({lang}))", "term")

    def fn_STRDT(self, e, scope):
        s, dt = self.as_str(self.expr(e.arg1, scope), scope), self.as_term(self.expr(e.arg2, scope), scope)
        return Expr(f"(CASE WHEN {dt} = '<{STRING}>' THEN '\"' || {fn('rdf_esc', s)} || '\"' "
                    f"ELSE '\"' || {fn('rdf_esc', s)} || '\"^^' || {dt} END)", "term")

    def _is(self, e, scope, test: str):
        a = self.expr(e.arg, scope, ids=True)
        if a.kind == "id":  # the id's last two bits say what the term is
            return Expr(f"(({a.sql}) & 3 {dict(rdf_isiri='= 0', rdf_isblank='= 1', rdf_islit='>= 2')[test]})", "bool")
        if a.kind != "term":
            return Expr("true" if test == "rdf_islit" else "false", "bool")
        return Expr(f"{test}({a.sql})", "bool")

    def fn_isIRI(self, e, scope):
        return self._is(e, scope, "rdf_isiri")

    fn_isURI = fn_isIRI

    def fn_isBLANK(self, e, scope):
        return self._is(e, scope, "rdf_isblank")

    def fn_isLITERAL(self, e, scope):
        return self._is(e, scope, "rdf_islit")

    def fn_isNUMERIC(self, e, scope):
        a = self.expr(e.arg, scope)
        return Expr("true" if a.kind == "num" else f"({fn('rdf_num', self.as_term(a, scope))} IS NOT NULL)", "bool")

    def fn_sameTerm(self, e, scope):
        a, b = self.expr(e.arg1, scope, ids=True), self.expr(e.arg2, scope, ids=True)
        if a.kind == b.kind == "id":
            return Expr(f"({a.sql} = {b.sql})", "bool")
        return Expr(f"({self.as_term(a, scope)} = {self.as_term(b, scope)})", "bool")

    def _outer_column(self, v: str) -> Expr | None:
        """A variable of a scope around the EXISTS being compiled, as a correlated reference."""
        for s in reversed(self._outer):
            if s.cols.get(v) is not None:
                kind, dt = s.kinds.get(v, ID)
                return Expr(s.cols[v], kind, dt)
        return None

    def _exists(self, e, scope, negated: bool):
        """EXISTS { P }: P compiled with the solution's variables around it (a FILTER inside that reads
        one is a correlated reference), then joined to the solution on the variables it shares with it
        (an unbound one matches anything, as SPARQL's substitution leaves it a variable)."""
        self._outer.append(Scope(dict(scope.cols), set(scope.bound), kinds=dict(scope.kinds)))
        try:
            inner = self.rel(e.graph)
        finally:
            self._outer.pop()
        u = self.alias()
        conds = []
        around = Scope(dict(scope.cols), set(scope.bound), kinds=dict(scope.kinds))
        for s in reversed(self._outer):  # variables of the scopes further out, where this one lacks them
            for v, col in s.cols.items():
                if around.cols.get(v) is None and col is not None:
                    around.cols[v] = col
                    around.kinds.setdefault(v, s.kinds.get(v, ID))
                    if v in s.bound:
                        around.bound.add(v)
        scope = around
        shared = [v for v in inner.vars if scope.cols.get(v) is not None]
        outer_kind = {v: scope.kinds.get(v, ID) for v in shared}
        # compared as ids, as an id with a text, or else as text on both sides (see _comparable)
        differ = {v for v in shared if outer_kind[v] != inner.kind(v)}
        inner = self.textify(inner, {v for v in differ if inner.kind(v) != ID})
        for v in shared:
            outer, kind = scope.cols[v], outer_kind[v]
            if v in differ and kind != ID:
                outer, kind = self.as_term(Expr(outer, *kind), scope), ("term", "")
            eq = self.same(outer, kind, f"{u}.{q(v)}", inner.kind(v))
            # a variable unbound on either side (outside, or in this solution of P) is compatible with anything
            unbound = ([] if v in scope.bound else [f"{outer} IS NULL"]) + ([] if v in inner.bound else [f"{u}.{q(v)} IS NULL"])
            conds.append(f"({' OR '.join(unbound + [eq])})" if unbound else eq)
        where = f" WHERE {' AND '.join(conds)}" if conds else ""
        return Expr(f"({'NOT ' if negated else ''}EXISTS (SELECT 1 FROM ({inner.sql}) AS {u}{where}))", "bool")

    def fn_EXISTS(self, e, scope):
        return self._exists(e, scope, False)

    def fn_NOTEXISTS(self, e, scope):
        return self._exists(e, scope, True)


# ---- queries and updates --------------------------------------------------------------------------

@dataclass
class Compiled:
    """A compiled query: ``sql`` selects ``vars``, as N-Triples text for a SELECT; a CONSTRUCT or an
    update also has its ``template`` (triples of constants and variables), whose rows ``insert_sql``
    gives as ids, its variables holding ids except those ``texts`` names (a term made by an
    expression, which ``texts_sql`` gives for the dictionary). ``constants``: the terms whose ids
    the SQL names, for the dictionary before it runs."""
    sql: str
    vars: list[str]
    template: list = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    constants: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # the SELECT's variables given as ids, not text (see compile_query)
    # the predicates (N-Triples) a template triple whose predicate is a variable may give (None: any; see compile_query)
    keep: list[str] | None = None
    kind: str = "select"  # select, ask, construct (a CONSTRUCT query) or insert (an update's template)

    def _cell(self, term, ids: bool = False) -> str:
        if isinstance(term, Variable):
            if str(term) not in self.vars:
                return "CAST(NULL AS UBIGINT)"
            return fn('rdf_id', q(str(term))) if str(term) in self.texts and not ids else q(str(term))
        if isinstance(term, BNode):
            raise Unsupported("blank nodes in a CONSTRUCT or INSERT template", "CONSTRUCT 或 INSERT 模板中的空白节点")
        return fn('rdf_id', sql_str(nt(term)))

    def insert_sql(self, solutions: str, ids: bool = False) -> str:
        """SELECT of the template's triples (ids) over the table of solutions ``solutions`` (distinct,
        the ones with an unbound or ill-placed term left out, as CONSTRUCT does); with ``ids``, the
        table :meth:`ids_sql` gives."""
        kept = ", ".join(fn('rdf_id', sql_str(p)) for p in self.keep or [])
        parts = [f"SELECT {', '.join(f'{self._cell(t, ids)} AS {c}' for t, c in zip(triple, 'spo'))} FROM {solutions}"
                 + (f" WHERE {self._cell(triple[1], ids)} IN ({kept or 'NULL'})"
                    if self.keep is not None and isinstance(triple[1], Variable) else "")
                 for triple in self.template]
        body = " UNION ALL ".join(parts)
        return (f"SELECT DISTINCT s, p, o FROM ({body}) WHERE s IS NOT NULL AND p IS NOT NULL AND o IS NOT NULL "
                "AND s & 3 < 2 AND p & 3 = 0")

    def _made(self) -> list[str]:
        """The template's variables that hold text (terms an expression made)."""
        return sorted({str(t) for triple in self.template for t in triple if isinstance(t, Variable)} & set(self.texts))

    def texts_sql(self, solutions: str) -> str | None:
        """SELECT of the texts the template's text variables take in ``solutions`` (None: there are none)."""
        return " UNION ".join(f"SELECT {q(v)} AS t FROM {solutions} WHERE {q(v)} IS NOT NULL"
                              for v in self._made()) or None

    def ids_sql(self, solutions: str) -> str | None:
        """SELECT of ``solutions`` with the template's text variables as ids: each term's id computed
        once per solution, not once per template triple that names it (None: there are none)."""
        made = self._made()
        if not made:
            return None
        ids = ", ".join(f"{fn('rdf_id', q(v))} AS {q(v)}" for v in made)
        return f"SELECT * REPLACE ({ids}) FROM {solutions}"

    def template_predicates(self) -> list[str] | None:
        """The N-Triples text of the template's predicates (None when one is a variable)."""
        if any(not isinstance(triple[1], URIRef) for triple in self.template):
            return None
        return sorted({nt(triple[1]) for triple in self.template})

    def template_constants(self) -> list[str]:
        return sorted({nt(t) for triple in self.template for t in triple if isinstance(t, (URIRef, Literal))})


def _visible(node) -> set[str]:
    """The variables a pattern may bind (a superset is safe: it only keeps more)."""
    if getattr(node, "name", None) == "Project":
        return {str(v) for v in node.PV}
    found: set[str] = set()

    def walk(x):  # every variable written anywhere below
        if isinstance(x, Variable):
            found.add(str(x))
        elif _is_comp(x):
            for v in x.values():
                walk(v)
        elif isinstance(x, (list, tuple, set)):
            for v in x:
                walk(v)
        elif isinstance(x, dict):
            for k, v in x.items():
                walk(k)
                walk(v)
    walk(node)
    return found


def _expr_vars(e) -> set[str]:
    if isinstance(e, Variable):
        return {str(e)}
    if _is_comp(e):
        inner = [_expr_vars(v) for v in e.values()]
        if e.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            inner.append(_visible(e.graph))
        return set().union(*inner) if inner else set()
    if isinstance(e, (list, tuple)):
        return set().union(*(_expr_vars(v) for v in e)) if e else set()
    return set()


_BY_ID = ("Builtin_BOUND", "Builtin_isIRI", "Builtin_isURI", "Builtin_isBLANK", "Builtin_isLITERAL", "Builtin_sameTerm")


def text_read(node) -> set[str]:
    """The variables that some expression of a pattern reads as text (STR, LANG, a number, a string
    function…), as opposed to those only tested (BOUND, isIRI, sameTerm, = with a constant that is not
    a number) or passed on (BIND (?x AS ?y), COALESCE, IF's branches, COUNT, SAMPLE), which ids serve.
    A variable left out is only looked up later; one put in needlessly is looked up early."""
    found: set[str] = set()

    def expr(e, passed: bool = False):
        if isinstance(e, Variable):
            if not passed:
                found.add(str(e))
        elif _is_comp(e):
            name = e.name
            if name in _BY_ID:
                return
            if name == "Builtin_COALESCE":
                for x in e.arg:
                    expr(x, True)
            elif name == "Builtin_IF":
                expr(e.arg1)
                expr(e.arg2, True)
                expr(e.arg3, True)
            elif name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
                walk(e.graph)
            elif name == "RelationalExpression" and e.op in ("=", "!=", "IN", "NOT IN"):
                others = list(e.other) if e.op in ("IN", "NOT IN") else [e.other]
                plain = all(isinstance(o, URIRef) or (isinstance(o, Literal) and str(o.datatype or "") not in NUMERIC_TYPES)
                            for o in others)
                expr(e.expr, plain)
                for o in others:
                    expr(o, isinstance(e.expr, URIRef))
            else:
                for v in e.values():
                    expr(v)
        elif isinstance(e, (list, tuple)):
            for x in e:
                expr(x)

    def walk(n):
        if not _is_comp(n):
            return
        name = n.name
        if name in ("Filter", "LeftJoin") and n.get("expr") is not None:
            expr(n.expr)
        elif name == "Extend":
            expr(n.expr, isinstance(n.expr, Variable))
        elif name == "OrderBy":
            expr([c.expr if getattr(c, "name", "") == "OrderCondition" else c for c in n.expr])
        elif name == "AggregateJoin":
            for agg in n.A:
                if agg.name not in ("Aggregate_Count", "Aggregate_Sample"):
                    expr(agg.vars)
        for key in ("p", "p1", "p2"):
            walk(n.get(key))

    walk(node)
    return found


def _certain(node) -> set[str]:
    """The variables bound in every solution of a pattern (as :class:`Rel` ``bound``, before compiling)."""
    name = getattr(node, "name", None)
    if name == "BGP":
        return {str(v) for t in node.triples for v in t if isinstance(v, Variable)}
    if name == "Join":
        return _certain(node.p1) | _certain(node.p2)
    if name in ("LeftJoin", "Minus"):
        return _certain(node.p1)
    if name in ("Filter", "ToMultiSet"):
        return _certain(node.p)
    if name == "Extend":  # BIND of a constant, or of a variable bound in every solution
        inner = _certain(node.p)
        if isinstance(node.expr, Literal) or isinstance(node.expr, URIRef) \
                or (isinstance(node.expr, Variable) and str(node.expr) in inner):
            return inner | {str(node.var)}
        return inner
    if name == "Project":
        return _certain(node.p) & {str(v) for v in node.PV}
    if name == "AggregateJoin":  # with GROUP BY a group is never empty: a sample of a bound variable is bound
        group = node.p
        if getattr(group, "name", None) != "Group" or not group.get("expr"):
            return set()
        inner = _certain(group.p)
        return {str(a.res) for a in node.A if a.name == "Aggregate_Sample" and str(a.vars) in inner}
    if name == "Union":
        return _certain(node.p1) & _certain(node.p2)
    return set()


def prune(node, needed: set[str]):
    """The pattern ``node`` with what no needed variable depends on left out, for a result read as a
    set (CONSTRUCT): a BIND whose variable is not needed, and an OPTIONAL that binds only variables
    that are not needed (it can add no row a DISTINCT keeps). Nothing below an aggregate or a
    sub-select is touched, where multiplicities count."""
    name = getattr(node, "name", None)
    if name == "Extend":
        if str(node.var) not in needed:
            return prune(node.p, needed)
        return _comp("Extend", p=prune(node.p, (needed - {str(node.var)}) | _expr_vars(node.expr)),
                         var=node.var, expr=node.expr)
    if name == "Filter":
        return _comp("Filter", p=prune(node.p, needed | _expr_vars(node.expr)), expr=node.expr)
    if name in ("Join", "LeftJoin", "Minus"):
        shared = _visible(node.p1) & _visible(node.p2)
        expr = node.expr if name == "LeftJoin" else None
        if name == "LeftJoin" and (_visible(node.p2) & needed) <= _certain(node.p1):
            return prune(node.p1, needed)
        keep = needed | shared | (_expr_vars(expr) if expr is not None else set())
        p2 = prune(node.p2, keep) if name != "Minus" else node.p2
        out = _comp(name, p1=prune(node.p1, keep), p2=p2)
        if name == "LeftJoin":
            out["expr"] = node.expr
        return out
    if name == "Union":
        return _comp("Union", p1=prune(node.p1, needed), p2=prune(node.p2, needed))
    if name == "ToMultiSet":
        return _comp("ToMultiSet", p=prune(node.p, needed))
    return node


def _conjuncts(expr) -> list:
    """A filter's expression as the list of its && operands."""
    if getattr(expr, "name", None) == "ConditionalAndExpression":
        return [c for e in [expr.expr] + list(expr.other or []) for c in _conjuncts(e)]
    return [expr]


def _sink(conj, node):
    """``node`` with the filter condition ``conj`` placed below it, next to the pattern that binds every
    variable it reads, or None when it cannot go below ``node``. Moves that cannot change a solution:
    below a BIND of another variable, into the side of a join, or the required side of an OPTIONAL or
    MINUS, that binds those variables in every solution (their values are then the same above and
    below), and into both branches of a UNION."""
    name = getattr(node, "name", None)
    used = _expr_vars(conj)

    def placed(side):
        return _sink(conj, side) or _comp("Filter", p=side, expr=conj)

    if name == "Extend" and str(node.var) not in used:
        inner = _sink(conj, node.p)
        return _comp("Extend", p=inner, var=node.var, expr=node.expr) if inner is not None else None
    if name == "Filter":
        inner = _sink(conj, node.p)
        return _comp("Filter", p=inner, expr=node.expr) if inner is not None else None
    if name == "Join":
        for side, other in (("p1", "p2"), ("p2", "p1")):
            if used <= _certain(node[side]):
                return _comp("Join", **{side: placed(node[side]), other: node[other]})
        return None
    if name in ("LeftJoin", "Minus") and used <= _certain(node.p1):
        out = _comp(name, p1=placed(node.p1), p2=node.p2)
        if name == "LeftJoin":
            out["expr"] = node.expr
        return out
    if name == "Union":
        return _comp("Union", p1=placed(node.p1), p2=placed(node.p2))
    return None


def push_down(node):
    """The pattern with each FILTER condition, BIND and OPTIONAL moved down into the side of a join
    that holds what it reads, so that it works on that side's rows before the join multiplies them
    (a rule's date arithmetic per intervention rather than per reading of it). Each move leaves every
    solution as it was: a condition goes where its variables are bound in every solution (see
    :func:`_sink`); a BIND or an OPTIONAL goes into one side of a join when every variable it shares
    with the other side is bound in every solution of the first (their values are then the same
    before and after the join), and a BIND's variable is not the other side's. Conditions with
    EXISTS stay; sub-selects are entered but not crossed."""
    if not _is_comp(node):
        return node
    node = _comp(node.name, **{k: (push_down(v) if k in ("p", "p1", "p2") else v) for k, v in node.items()})
    return _settled(node)


def _settled(node):
    """``node`` (its parts already pushed down) with its own FILTER, BIND or OPTIONAL moved down."""
    name = node.name
    if name == "Filter":
        kept, inner = [], node.p
        for conj in _conjuncts(node.expr):
            sunk = None if _has_exists(conj) else _sink(conj, inner)
            if sunk is None:
                kept.append(conj)
            else:
                inner = sunk
        for conj in reversed(kept):
            inner = _comp("Filter", p=inner, expr=conj)
        return inner
    if name == "Extend" and getattr(node.p, "name", None) == "Join":
        reads = _expr_vars(node.expr)
        for side, other in (("p1", "p2"), ("p2", "p1")):
            rest = _visible(node.p[other])
            if str(node.var) not in rest and reads & rest <= _certain(node.p[side]):
                moved = _settled(_comp("Extend", p=node.p[side], var=node.var, expr=node.expr))
                return _comp("Join", **{side: moved, other: node.p[other]})
    if name == "LeftJoin" and getattr(node.p1, "name", None) == "Join":
        reads = _visible(node.p2) | _expr_vars(node.expr)
        for side, other in (("p1", "p2"), ("p2", "p1")):
            if reads & _visible(node.p1[other]) <= _certain(node.p1[side]):
                moved = _settled(_comp("LeftJoin", p1=node.p1[side], p2=node.p2, expr=node.expr))
                return _comp("Join", **{side: moved, other: node.p1[other]})
    return node


def _has_exists(expr) -> bool:
    if _is_comp(expr):
        return expr.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS") or any(_has_exists(v) for v in expr.values())
    if isinstance(expr, (list, tuple)):
        return any(_has_exists(v) for v in expr)
    return False


def predicates_read(text: str) -> set[str] | None:
    """The constant predicates a query's patterns match (None when a pattern has a variable predicate:
    it may read any)."""
    from rdflib.plugins.sparql import prepareQuery

    found: set[str] = set()

    def path(p) -> bool:
        if isinstance(p, URIRef):
            found.add(str(p))
            return True
        if isinstance(p, (Variable, BNode)):
            return False
        args = getattr(p, "args", None) or [getattr(p, "arg", None) or getattr(p, "path", None)]
        return all(path(a) for a in args if a is not None)

    def walk(node) -> bool:
        if _is_comp(node):
            if node.name == "BGP" and not all(path(t[1]) for t in node.triples):
                return False
            return all(walk(v) for v in node.values())
        if isinstance(node, (list, tuple)):
            return all(walk(v) for v in node)
        return True

    return found if walk(prepareQuery(text).algebra) else None


def compile_query(text: str, *, source: str = "query", table: str = "triples", keep: frozenset | None = None,
                  ordered: bool = True, as_ids: bool = False, base: str | None = None) -> Compiled:
    """SELECT, CONSTRUCT or ASK text → SQL over ``table``. With ``keep`` (predicate IRIs), a CONSTRUCT
    gives only the template triples whose predicate is one of them (a variable predicate: only
    those values of it), and its pattern is :func:`prune`d to what those need. Without ``ordered``, a SELECT's ORDER BY is left out (for a
    reader that sorts the rows itself) unless a LIMIT or OFFSET depends on it. With ``as_ids``, a
    SELECT gives the variables that hold a graph's term as its id (``Compiled.ids`` names them) and
    only the others as text: a reader of many queries then looks the texts up in one go (each look-up
    reads the whole dictionary)."""
    from rdflib.plugins.sparql import prepareQuery

    import rdflib

    previous, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False  # the query's literals as written
    try:
        query = prepareQuery(text, base=base)
    except RecursionError:
        raise Unsupported(f"{source}: a query nested too deeply for the SPARQL parser",
                          f"{source}：查询嵌套过深，SPARQL 解析器无法处理") from None
    except Exception as err:  # noqa: BLE001 - rdflib raises pyparsing's and its own errors
        raise ChuangshuError(f"{source}: not a SPARQL query ({str(err).splitlines()[0]})",
                             f"{source}：不是合法的 SPARQL 查询（{str(err).splitlines()[0]}）") from None
    finally:
        rdflib.NORMALIZE_LITERALS = previous
    algebra = query.algebra
    c = Compiler(table, source)
    c.textual = text_read(algebra.p)
    if algebra.name == "ConstructQuery":
        template = list(algebra.template)
        pattern = algebra.p
        if keep is not None:
            template = [t for t in template if isinstance(t[1], Variable) or str(t[1]) in keep]
            needed = {str(x) for t in template for x in t if isinstance(x, Variable)}
            if getattr(pattern, "name", None) == "Project":
                pattern = _comp("Project", p=prune(pattern.p, needed), PV=[v for v in pattern.PV if str(v) in needed])
        out = _constructed(c, c.rel(push_down(pattern)), template)
        out.kind = "construct"
        if keep is not None:
            out.keep = sorted(nt(URIRef(k)) for k in keep)
        return out
    if algebra.name == "SelectQuery":
        pattern = algebra.p
        if not ordered:
            pattern = _unordered(pattern)
        rel = c.textify(c.rel(push_down(pattern)), natives_only=as_ids)
        return Compiled(rel.sql, rel.vars, constants=sorted(c.constants),
                        ids=[v for v in rel.vars if rel.kind(v) == ID] if as_ids else [])
    if algebra.name == "AskQuery":
        rel = c.rel(push_down(algebra.p))
        return Compiled(f"SELECT EXISTS ({rel.sql}) AS ask", ["ask"], constants=sorted(c.constants), kind="ask")
    c.refuse(f"{algebra.name} queries", f" {algebra.name} 查询")


def _unordered(node):
    """A SELECT's pattern without its ORDER BY (below DISTINCT and the projection, not below LIMIT)."""
    if getattr(node, "name", None) in ("Distinct", "Reduced", "Project"):
        return _comp(node.name, **{k: (_unordered(v) if k == "p" else v) for k, v in node.items()})
    return node.p if getattr(node, "name", None) == "OrderBy" else node


def compile_update(text: str, *, source: str = "update", table: str = "triples") -> list[Compiled]:
    """INSERT { … } WHERE { … } operations → their WHERE as SQL, each with its template."""
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        update = translateUpdate(parseUpdate(text))
    except Exception as err:  # noqa: BLE001
        raise ChuangshuError(f"{source}: not a SPARQL update ({str(err).splitlines()[0]})",
                             f"{source}：不是合法的 SPARQL 更新（{str(err).splitlines()[0]}）") from None
    out = []
    for op in update.algebra:
        c = Compiler(table, source)
        c.textual = text_read(op.where)
        if op.name != "Modify" or {"delete", "with", "using"} & set(op.keys()):
            c.refuse(f"the update operation {op.name} (only INSERT {{ … }} WHERE {{ … }})",
                     f"更新操作 {op.name}（只支持 INSERT {{ … }} WHERE {{ … }}）")
        if op.insert.quads:
            c.refuse("GRAPH in an INSERT template", " INSERT 模板中的 GRAPH")
        out.append(_constructed(c, c.rel(push_down(op.where)), list(op.insert.triples)))
        out[-1].kind = "insert"
    return out


def _constructed(c: Compiler, rel: Rel, template: list) -> Compiled:
    """A pattern's solutions for a template: ids where the pattern has them, the text of terms made
    by expressions (native values turned into terms)."""
    rel = c.textify(rel, natives_only=True)
    return Compiled(rel.sql, rel.vars, template, texts=sorted(v for v in rel.vars if rel.kind(v) != ID),
                    constants=sorted(c.constants))
