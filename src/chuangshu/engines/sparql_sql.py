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
_CASTS = {STRING, INTEGER, DECIMAL, DOUBLE, XSD + "float", BOOLEAN, XSD + "dateTime"}
# the lexical spaces a string cast to a number must be in (XML Schema's: no exponent in an integer or a
# decimal; the infinities and NaN only for a float or a double)
_CAST_LEX = {INTEGER: r"^[+-]?[0-9]+$", DECIMAL: r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
             DOUBLE: r"^([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN)$",
             XSD + "float": r"^([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN)$", BOOLEAN: ""}
_DATETIME_LEX = (r"^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
                 r"(\.[0-9]+)?(Z|[+-][0-9][0-9]:[0-9][0-9])?$")
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
    # a literal of a datatype SPARQL compares, with a valid form: of another than its own datatype's
    # kind it is known not to be equal (a literal of an unknown datatype, or an ill-formed one, might be)
    "rdf_known": f"""CASE WHEN left(x, 1) <> '"' THEN false WHEN NOT ends_with(x, '>') THEN true
        WHEN rdf_num(x) IS NOT NULL THEN true
        WHEN rdf_dt(x) = {sql_str(BOOLEAN)} THEN rdf_rawlex(x) IN ('true', '1', 'false', '0')
        WHEN rdf_dt(x) IN ({_IN_DATES}) THEN rdf_dtsec(x) IS NOT NULL ELSE false END""",
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
    # SPARQL's =: an IRI or a blank node equal only to itself; numbers, booleans, dates and date-times by
    # value; strings by form; a tagged string equal only to itself (not equal to any other literal);
    # two other literals that are not one term: an error (they might have one value), NULL
    "rdf_eq": f"""CASE WHEN x.a IS NULL OR x.b IS NULL THEN NULL WHEN x.a = x.b THEN true
        WHEN left(x.a, 1) <> '"' OR left(x.b, 1) <> '"' THEN false
        WHEN rdf_num(x.a) IS NOT NULL AND rdf_num(x.b) IS NOT NULL THEN rdf_num(x.a) = rdf_num(x.b)
        WHEN rdf_dt(x.a) = {sql_str(RDF_LANGSTRING)} OR rdf_dt(x.b) = {sql_str(RDF_LANGSTRING)}
            THEN rdf_dt(x.a) = rdf_dt(x.b) AND lower(rdf_lang(x.a)) = lower(rdf_lang(x.b)) AND rdf_lex(x.a) = rdf_lex(x.b)
        WHEN rdf_dt(x.a) = {sql_str(STRING)} AND rdf_dt(x.b) = {sql_str(STRING)} THEN rdf_lex(x.a) = rdf_lex(x.b)
        WHEN rdf_dt(x.a) = {sql_str(BOOLEAN)} AND rdf_dt(x.b) = {sql_str(BOOLEAN)}
            AND rdf_rawlex(x.a) IN ('true', '1', 'false', '0') AND rdf_rawlex(x.b) IN ('true', '1', 'false', '0')
            THEN (rdf_rawlex(x.a) IN ('true', '1')) = (rdf_rawlex(x.b) IN ('true', '1'))
        WHEN rdf_dt(x.a) IN ({_IN_DATES}) AND rdf_dt(x.a) = rdf_dt(x.b) THEN rdf_dtcmp(x.a, x.b) = 0
        WHEN rdf_known(x.a) AND rdf_known(x.b) THEN false END""",
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
    # a number as a literal of its datatype: an integer or a decimal must be finite (else an error), a
    # decimal has no exponent; the infinities and NaN as XML Schema writes them
    "rdf_numterm": f"""CASE WHEN x.a IS NULL OR x.b IS NULL THEN NULL
        WHEN x.b IN ({_IN_INTEGER}) THEN CASE WHEN isfinite(x.a) THEN '"' || CAST(CAST(x.a AS HUGEINT) AS VARCHAR) || '"^^<{INTEGER}>' END
        WHEN x.b = {sql_str(DECIMAL)} THEN CASE WHEN NOT isfinite(x.a) THEN NULL
            WHEN x.a = 0 OR (abs(x.a) >= 1e-4 AND abs(x.a) < 1e15)
            THEN '"' || regexp_replace(format('{{:.15g}}', x.a), '^(-?[0-9]+)$', '\\1.0') || '"^^<{DECIMAL}>'
            ELSE '"' || regexp_replace(regexp_replace(printf('%.20f', x.a), '0+$', ''), '[.]$', '.0') || '"^^<{DECIMAL}>' END
        WHEN isnan(x.a) THEN '"NaN"^^<' || x.b || '>'
        WHEN NOT isfinite(x.a) THEN (CASE WHEN x.a > 0 THEN '"INF"^^<' ELSE '"-INF"^^<' END) || x.b || '>'
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
        self.base: str | None = None  # the query's base IRI (BASE, or where its text is), for IRI()
        self.graphs: list[str] | None = None  # the named graphs' IRIs, when the caller keeps any
        self.named_table = "named_triples"  # (g, s, p, o) of the named graphs

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
        if isinstance(p, NegatedPath):  # !(a|^b): a step by any predicate but a, or back by any but b
            if not all(isinstance(x, URIRef) or (isinstance(x, InvPath) and isinstance(x.arg, URIRef)) for x in p.args):
                # (rdflib's parser loses the IRI of !^p: nothing to compile)
                self.refuse("a negated inverse path (!^p), which the SPARQL parser does not read",
                            "取反的逆向路径（!^p，SPARQL 解析器无法读取）")
            forward = [x for x in p.args if not isinstance(x, InvPath)]
            back = [x.arg for x in p.args if isinstance(x, InvPath)]
            parts = []
            for iris, cols in ((forward, "s, o"), (back, "o AS s, s AS o")):
                if iris:
                    parts.append(f"SELECT {cols} FROM {self.table} WHERE p NOT IN ({', '.join(self.const(x) for x in iris)})")
            return " UNION ALL ".join(f"({x})" for x in parts)
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
        return self._union(self.rel(node.p1), self.rel(node.p2))

    def _union(self, a: Rel, b: Rel) -> Rel:
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
        projected = getattr(node.p, "name", None) == "Project"
        below = node.p.p if projected else node.p
        if getattr(below, "name", None) == "OrderBy":
            # SQL's DISTINCT forgets the order: each solution at its first place in it, in that order (so
            # that a LIMIT or OFFSET above takes the right ones)
            ordered = self.op_OrderBy(below, place="__place")
            names = [str(v) for v in node.p.PV] if projected else ordered.vars
            if names:
                t = self.alias()
                cols = {v: f"{t}.{q(v)}" if v in ordered.vars else "CAST(NULL AS UBIGINT)" for v in names}
                keys = ", ".join(cols.values())
                return Rel(self._select(cols, f"({ordered.sql}) AS {t}", extra=f" GROUP BY {keys} ORDER BY min({t}.__place)"),
                           names, frozenset(ordered.bound & set(names)),
                           {v: k for v, k in ordered.kinds.items() if v in names})
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
                out[res] = self._sum(self.expr(arg, scope), scope, kind == "Aggregate_Avg", bool(distinct))
            elif kind == "Aggregate_GroupConcat":
                sep = sql_str(str(agg["separator"]) if "separator" in agg.keys() and agg["separator"] is not None else " ")
                out[res] = f"('\"' || rdf_esc(COALESCE(string_agg({distinct}{self.as_str(self.expr(arg, scope), scope)}, {sep}), '')) || '\"')"
            else:
                self.refuse(f"the aggregate {kind.removeprefix('Aggregate_')}", f"聚合函数 {kind.removeprefix('Aggregate_')}")
        by = f" GROUP BY {', '.join(keys)}" if keys else ""
        return Rel(self._select(out, self.layered(a.sql, t, scope), extra=by), list(out), frozenset(bound),
                   {v: k for v, k in kinds.items() if k != ID})

    def _sum(self, e: Expr, scope: Scope, average: bool, distinct: bool) -> str:
        """SQL of SUM or AVG of ``e`` over a group, as SPARQL defines them: the numbers' datatypes
        promoted (integer, decimal, float, double), integers and decimals added exactly (DECIMAL(38,
        18) from their lexical forms), the average of integers or decimals a decimal; 0 for no values;
        an error (NULL) when a value is not a number."""
        if e.kind == "term" or e.kind == "id":
            x = self.hoist(self.as_term(e, scope), scope)
            n = self.as_num(Expr(x, "term"), scope)
            exact = f"TRY_CAST({self.hoist(fn('rdf_rawlex', x), scope)} AS DECIMAL(38, 18))"
            given = f"({x} IS NOT NULL)"
        else:
            n = self.as_num(e, scope)
            exact = f"TRY_CAST(CAST({n.sql} AS VARCHAR) AS DECIMAL(38, 18))"  # the double's shortest form
            given = f"({n.sql} IS NOT NULL)" if e.kind == "num" else "true"
        rank = self.hoist(f"(CASE WHEN {n.dt} IN ({_IN_INTEGER}) THEN 0 WHEN {n.dt} = {sql_str(DECIMAL)} THEN 1 "
                          f"WHEN {n.dt} = {sql_str(XSD + 'float')} THEN 2 WHEN {n.dt} = {sql_str(DOUBLE)} THEN 3 END)", scope)
        value = self.hoist(n.sql, scope)
        exact = self.hoist(f"(CASE WHEN {rank} <= 1 THEN {exact} END)", scope)
        if distinct:  # by value: 1 and 1.0 are one value (the first datatype's rank is kept)
            return self._sum_distinct(value, exact, rank, given, average)
        error = f"bool_or({given} AND {value} IS NULL)"
        top, count = f"max({rank})", f"count({value})"
        exact_total = f"sum({exact})"
        exact_ok = f"(count({exact}) = {count})"  # every integer or decimal within DECIMAL(38, 18)
        return self._total(error, top, count, exact_total, exact_ok, f"sum({value})", average)

    def _sum_distinct(self, value: str, exact: str, rank: str, given: str, average: bool) -> str:
        pairs = f"list_distinct(list(struct_pack(v := {value}, r := {rank}, x := {exact})) FILTER (WHERE {value} IS NOT NULL))"
        # one entry per value (the lowest rank that gave it is its datatype's)
        values = f"list_distinct(list_transform({pairs}, lambda _e: _e.v))"
        error = f"bool_or({given} AND {value} IS NULL)"
        top = f"list_max(list_transform({pairs}, lambda _e: _e.r))"
        count = f"len({values})"
        exact_list = f"list_distinct(list_transform({pairs}, lambda _e: _e.x))"
        exact_total = f"list_sum({exact_list})"
        exact_ok = f"(len(list_filter({exact_list}, lambda _e: _e IS NOT NULL)) = {count})"
        return self._total(error, top, count, exact_total, exact_ok, f"list_sum({values})", average)

    @staticmethod
    def _total(error: str, top: str, count: str, exact: str, exact_ok: str, approx: str, average: bool) -> str:
        dec = "regexp_replace(regexp_replace(CAST({} AS VARCHAR), '0+$', ''), '[.]$', '.0')"
        if average:
            # the exact sum scaled by 10^18 as an integer, divided by the count: 18 places of the quotient
            scaled = f"(CAST(replace(CAST({exact} AS VARCHAR), '.', '') AS HUGEINT) // {count})"
            digits = f"lpad(CAST(abs({scaled}) AS VARCHAR), 19, '0')"
            quotient = (f"(CASE WHEN {scaled} < 0 THEN '-' ELSE '' END || left({digits}, length({digits}) - 18) "
                        f"|| '.' || right({digits}, 18))")
            integral = (f"'\"' || regexp_replace(regexp_replace({quotient}, '0+$', ''), '[.]$', '.0') || '\"^^<{DECIMAL}>'")
            inexact = f"rdf_numterm({approx} / {count}, {sql_str(DECIMAL)})"
        else:
            integral = (f"(CASE WHEN {top} = 0 THEN '\"' || regexp_replace(CAST({exact} AS VARCHAR), '[.].*$', '') || '\"^^<{INTEGER}>' "
                        f"ELSE '\"' || {dec.format(exact)} || '\"^^<{DECIMAL}>' END)")
            inexact = f"rdf_numterm({approx}, CASE WHEN {top} = 0 THEN {sql_str(INTEGER)} ELSE {sql_str(DECIMAL)} END)"
        floating = (f"rdf_numterm({approx}{' / ' + count if average else ''}, "
                    f"CASE WHEN {top} = 2 THEN {sql_str(XSD + 'float')} ELSE {sql_str(DOUBLE)} END)")
        return (f"(CASE WHEN {error} THEN NULL WHEN {count} = 0 THEN '\"0\"^^<{INTEGER}>' "
                f"WHEN {top} <= 1 THEN (CASE WHEN {exact_ok} THEN {integral} ELSE {inexact} END) "
                f"ELSE {floating} END)")

    def op_OrderBy(self, node, place: str | None = None) -> Rel:
        """ORDER BY; with ``place``, the order as a column of that name (each solution's place in it)
        rather than the rows' order."""
        a = self.rel(node.p)
        t = self.alias()
        cols = {v: f"{t}.{q(v)}" for v in a.vars}
        keys = []
        scope = Scope(cols, set(a.bound), t, [], dict(a.kinds))
        for cond in node.expr:
            e, desc = (cond.expr, cond.order == "DESC") if getattr(cond, "name", "") == "OrderCondition" else (cond, False)
            keys.append(f"{fn('rdf_key', self.as_term(self.expr(e, scope), scope))}{' DESC' if desc else ''}")
        if place is not None:
            items = dict(cols, **{place: f"row_number() OVER (ORDER BY {', '.join(keys)})"})
            return Rel(self._select(items, self.layered(a.sql, t, scope)), a.vars, a.bound, a.kinds)
        return Rel(self._select(cols, self.layered(a.sql, t, scope), extra=f" ORDER BY {', '.join(keys)}"), a.vars, a.bound, a.kinds)

    def op_Slice(self, node) -> Rel:
        a = self.rel(node.p)
        extra = (f" LIMIT {int(node.length)}" if node.length is not None else "") + (f" OFFSET {int(node.start)}" if node.start else "")
        return Rel(f"SELECT * FROM ({a.sql}){extra}", a.vars, a.bound, a.kinds)

    def op_Graph(self, node) -> Rel:
        """GRAPH g { P }: P over each named graph g can be (the dataset's: ``graphs``), the graph's name
        joined to P's solutions when g is a variable; the union of those. Refused when the caller keeps
        no named graphs (the engine's graph is then one default graph)."""
        if self.graphs is None:
            self.refuse("GRAPH (named graphs: the data here are one graph)", "GRAPH（命名图：此处的数据只有一个图）")
        if len(self.graphs) > _MAX_GRAPHS:
            self.refuse(f"GRAPH over more than {_MAX_GRAPHS} named graphs", f"超过 {_MAX_GRAPHS} 个命名图的 GRAPH")
        term = node.term
        names = [g for g in self.graphs if not isinstance(term, URIRef) or g == str(term)]
        default, parts = self.table, []
        for g in names:
            self.table = f"(SELECT s, p, o FROM {self.named_table} WHERE g = {self.const(URIRef(g))})"
            try:
                inner = self.rel(node.p)
            finally:
                self.table = default
            if isinstance(term, Variable):
                name = Rel(f"SELECT {self.const(URIRef(g))} AS {q(str(term))}", [str(term)], frozenset([str(term)]))
                inner = self._join(inner, name, left=False)
            parts.append(inner)
        if not parts:  # no graph of that name: no solutions
            names_of = sorted(str(v) for v in _pattern_vars(node.p) | ({term} if isinstance(term, Variable) else set()))
            cols = ", ".join(f"CAST(NULL AS UBIGINT) AS {q(v)}" for v in names_of) or "1 AS __unit"
            return Rel(f"SELECT {cols} WHERE false", names_of, frozenset())
        out = parts[0]
        for r in parts[1:]:
            out = self._union(out, r)
        return out

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

    def str_arg(self, e: Expr, scope: Scope) -> tuple[str, str | None]:
        """A string function's argument: the SQL of its lexical form (NULL unless it is a simple or a
        language-tagged literal) and of its language tag ('' for none; None where it can have none)."""
        if e.kind == "str":
            return e.sql, None
        e = self.text(e, scope)
        if e.kind == "term":
            x = self.hoist(e.sql, scope)
            return self.hoist(fn('rdf_strlit', x), scope), self.hoist(fn('rdf_lang', x), scope)
        return "CAST(NULL AS VARCHAR)", None

    def simple_str(self, e: Expr, scope: Scope) -> str:
        """The lexical form of a simple literal (NULL for anything else, a language-tagged one too)."""
        lex, lang = self.str_arg(e, scope)
        return lex if lang is None else f"(CASE WHEN {lang} = '' THEN {lex} END)"

    def str_result(self, lex: str, lang: str | None, scope: Scope) -> Expr:
        """A string function's value: the lexical form ``lex`` with the language tag ``lang`` if any."""
        if lang is None:
            return Expr(lex, "str")
        esc = self.hoist(fn('rdf_esc', self.hoist(lex, scope)), scope)
        return Expr(f"(CASE WHEN {lang} = '' THEN '\"' || {esc} || '\"' ELSE '\"' || {esc} || '\"@' || {lang} END)", "term")

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
        if isinstance(e, str) and not isinstance(e, (URIRef, BNode, Literal, Variable)):
            # (rdflib's parser leaves a stray string for an empty argument list: CONCAT(), COALESCE(), IN ())
            self.refuse("an empty argument list (CONCAT(), COALESCE(), IN ()), which the SPARQL parser does not read",
                        "空的参数列表（CONCAT()、COALESCE()、IN ()，SPARQL 解析器无法读取）")
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
            # (the table's terms are canonical: a language tag in lower case, no ^^xsd:string)
            if isinstance(y, URIRef) or (isinstance(y, Literal) and y.language):
                return f"({a.sql} = {self.const(y)})"  # an IRI or a tagged string: equal only to itself
            if isinstance(y, Literal) and str(y.datatype or STRING) == STRING:
                # a string: another string or a tagged one is not it, nor is an IRI or a blank node; a
                # literal with a datatype is compared by its text (an error when it might be the string)
                return (f"(CASE WHEN {a.sql} = {self.const(y)} THEN true WHEN ({a.sql}) & 3 <> 3 THEN false "
                        f"ELSE {self._compare('=', self.text(a, scope), self.expr(y, scope), scope)} END)")
            if b.kind == "id":
                # two strings (simple or tagged) that are not one term are not equal, nor is an IRI or a
                # blank node to anything but itself; a typed literal is compared by its text
                untyped = f"((({a.sql}) & 3 < 3) AND (({b.sql}) & 3 < 3))"
                return (f"(CASE WHEN {a.sql} = {b.sql} THEN true WHEN {untyped} THEN false "
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
        if kinds == {"str", "term"} or kinds == {"bool", "term"}:
            s, t = (a, b) if a.kind != "term" else (b, a)
            t_sql = self.hoist(t.sql, scope)
            dt = self.hoist(fn('rdf_dt', t_sql), scope)
            if s.kind == "str":
                own, val = sql_str(STRING), f"(CASE WHEN {dt} = {sql_str(STRING)} THEN {fn('rdf_lex', t_sql)} END)"
            else:
                own = sql_str(BOOLEAN)
                val = (f"(CASE WHEN {dt} = {sql_str(BOOLEAN)} THEN (CASE {fn('rdf_rawlex', t_sql)} WHEN 'true' THEN true "
                       f"WHEN '1' THEN true WHEN 'false' THEN false WHEN '0' THEN false END) END)")
            x, y = (s.sql, val) if a.kind != "term" else (val, s.sql)
            if op in ("=", "!="):  # not equal to an IRI, a blank node or a literal known to be of another kind
                same = f"({dt} = {own})" if s.kind == "str" else f"({val} IS NOT NULL)"
                return (f"(CASE WHEN {same} THEN ({x}) {sql_op} ({y}) WHEN {fn('rdf_isiri', t_sql)} OR "
                        f"{fn('rdf_isblank', t_sql)} OR {fn('rdf_known', t_sql)} THEN {'false' if op == '=' else 'true'} END)")
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
        """XML Schema constructor functions as SPARQL's casting table says: from a number, a boolean or
        a string of the target's lexical space; anything else (an IRI, a blank node, another datatype, a
        string that is not of that space) is an error."""
        iri = str(e.iri)
        args = [self.expr(x, scope) for x in e.expr]
        if len(args) != 1 or iri not in _CASTS:
            self.refuse(f"the function <{iri}>", f"函数 <{iri}>")
        a = args[0]
        if iri == STRING:
            return Expr(self._canonical_string(a, scope), "str")
        if iri == XSD + "dateTime":
            if a.kind == "num" or a.kind == "bool":
                return Expr("CAST(NULL AS VARCHAR)", "term")
            x = self.hoist(self.as_term(a, scope), scope)
            lex = self.hoist(fn('rdf_rawlex', x), scope)
            ok = (f"({fn('rdf_dt', x)} IN ({sql_str(STRING)}, {sql_str(XSD + 'dateTime')}) AND "
                  f"regexp_matches({lex}, {sql_str(_DATETIME_LEX)}))")
            return Expr(f"(CASE WHEN {ok} THEN '\"' || {lex} || '\"^^<{XSD}dateTime>' END)", "term")
        # the value as a number (a string of the target's lexical space parsed), a boolean, or NULL
        if a.kind == "num":
            value = a.sql
            if iri != DOUBLE and iri != XSD + "float":  # NaN and the infinities are no integer or decimal
                value = f"(CASE WHEN isfinite({a.sql}) THEN {a.sql} END)"
        elif a.kind == "bool":
            value = f"(CASE WHEN {a.sql} THEN 1.0 WHEN NOT {a.sql} THEN 0.0 END)"
        else:
            x = self.hoist(self.as_term(a, scope), scope) if a.kind != "str" else None
            lex = a.sql if a.kind == "str" else self.hoist(fn('rdf_rawlex', x), scope)
            pattern = _CAST_LEX[iri]
            parsed = (f"(CASE WHEN regexp_matches({lex}, {sql_str(pattern)}) THEN TRY_CAST("
                      f"{'replace(' + lex + ', chr(43), chr(32))' if iri != BOOLEAN else lex} AS DOUBLE) END)"
                      if iri != BOOLEAN else
                      f"(CASE WHEN {lex} IN ('true', '1') THEN 1.0 WHEN {lex} IN ('false', '0') THEN 0.0 END)")
            if a.kind == "str":
                value = parsed
            else:
                num = self.hoist(fn('rdf_num', x), scope)
                dt = self.hoist(fn('rdf_dt', x), scope)
                finite = num if iri in (DOUBLE, XSD + "float") else f"(CASE WHEN isfinite({num}) THEN {num} END)"
                value = (f"(CASE WHEN {num} IS NOT NULL THEN {finite} "
                         f"WHEN {dt} = {sql_str(BOOLEAN)} THEN (CASE WHEN {lex} IN ('true', '1') THEN 1.0 "
                         f"WHEN {lex} IN ('false', '0') THEN 0.0 END) "
                         f"WHEN {dt} = {sql_str(STRING)} THEN {parsed} END)")
        value = self.hoist(value, scope)
        if iri == BOOLEAN:
            return Expr(f"(CASE WHEN {value} IS NULL THEN NULL ELSE ({value} <> 0 AND NOT isnan({value})) END)", "bool")
        if iri == INTEGER:
            return Expr(f"trunc({value})", "num", sql_str(INTEGER))
        return Expr(value, "num", sql_str(iri))

    def _canonical_string(self, a: Expr, scope: Scope) -> str:
        """xsd:string(a), as XPath casts to a string: a number or a boolean in its canonical form (a
        decimal or a double between 10^-6 and 10^6 without exponent and, when whole, without point:
        1.0 → "1"; else a double as 1.0E7), an IRI as its text, any other literal as written; a blank
        node has none."""
        if a.kind == "str":
            return a.sql
        if a.kind == "bool":
            return f"(CASE WHEN {a.sql} THEN 'true' WHEN NOT {a.sql} THEN 'false' END)"
        if a.kind == "num":
            value, dt, other = self.hoist(a.sql, scope), a.dt, "CAST(NULL AS VARCHAR)"
        else:
            x = self.hoist(self.as_term(a, scope), scope)
            value = self.hoist(fn('rdf_num', x), scope)
            dt = self.hoist(fn('rdf_dt', x), scope)
            lex = self.hoist(fn('rdf_rawlex', x), scope)
            other = (f"(CASE WHEN {fn('rdf_isblank', x)} THEN NULL WHEN {dt} = {sql_str(BOOLEAN)} THEN "
                     f"(CASE WHEN {lex} IN ('true', '1') THEN 'true' WHEN {lex} IN ('false', '0') THEN 'false' END) "
                     f"ELSE {fn('rdf_str', x)} END)")
        plain = ("regexp_replace(regexp_replace(regexp_replace(CAST(TRY_CAST(CAST({v} AS VARCHAR) AS DECIMAL(38, 18)) "
                 "AS VARCHAR), '0+$', ''), '[.]$', ''), '^-0$', '0')").format(v=value)
        mantissa = f"format('{{:.15e}}', {value})"
        scientific = (f"regexp_replace(regexp_replace(regexp_replace({mantissa}, '0+e', 'e'), '[.]e', '.0e'), "
                      "'e([+-])?0*([0-9]+)$', 'E\\1\\2')")
        scientific = f"replace({scientific}, 'E+', 'E')"
        return (f"(CASE WHEN {value} IS NULL THEN {other} "
                f"WHEN {dt} IN ({_IN_INTEGER}) THEN (CASE WHEN isfinite({value}) THEN CAST(CAST({value} AS HUGEINT) AS VARCHAR) END) "
                f"WHEN isnan({value}) THEN 'NaN' WHEN NOT isfinite({value}) THEN (CASE WHEN {value} > 0 THEN 'INF' ELSE '-INF' END) "
                f"WHEN {dt} = {sql_str(DECIMAL)} OR {value} = 0 OR (abs({value}) >= 1e-6 AND abs({value}) < 1e6) THEN {plain} "
                f"ELSE {scientific} END)")

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
                return Expr(f"(CASE WHEN isfinite({a.sql}) THEN CAST(CAST({a.sql} AS HUGEINT) AS VARCHAR) END)", "str")
            return Expr(fn('rdf_lex', fn('rdf_numterm', a.sql, a.dt)), "str")
        return Expr(fn('rdf_str', a.sql), "str")

    def fn_LANG(self, e, scope):
        return Expr(fn('rdf_lang', self.as_term(self.expr(e.arg, scope), scope)), "str")

    def fn_DATATYPE(self, e, scope):
        a = self.expr(e.arg, scope)
        if a.kind in ("str", "bool", "num"):  # a constant datatype, of a value that may be an error (NULL)
            dt = {"str": sql_str(STRING), "bool": sql_str(BOOLEAN)}.get(a.kind) or a.dt
            return Expr(f"(CASE WHEN {a.sql} IS NOT NULL THEN '<' || {dt} || '>' END)", "term")
        return Expr(f"('<' || {fn('rdf_dt', a.sql)} || '>')", "term")

    def fn_LANGMATCHES(self, e, scope):
        tag, rng = self.as_str(self.expr(e.arg1, scope), scope), self.as_str(self.expr(e.arg2, scope), scope)
        return Expr(f"(CASE WHEN {rng} = '*' THEN {tag} <> '' ELSE lower({tag}) = lower({rng}) "
                    f"OR starts_with(lower({tag}), lower({rng}) || '-') END)", "bool")

    def fn_CONCAT(self, e, scope):
        """The forms joined; the language tag all arguments share, if they share one."""
        parts = [self.str_arg(self.expr(x, scope), scope) for x in e.arg]
        lex = "(" + " || ".join(f"({p})" for p, _ in parts) + ")" if parts else "''"
        langs = [lang for _, lang in parts]
        if not parts or any(lang is None for lang in langs):
            return Expr(lex, "str")
        same = " AND ".join(f"{lang} = {langs[0]}" for lang in langs[1:]) or "true"
        return self.str_result(lex, f"(CASE WHEN {same} THEN {langs[0]} ELSE '' END)", scope)

    def fn_STRLEN(self, e, scope):
        return Expr(f"CAST(length({self.as_str(self.expr(e.arg, scope), scope)}) AS DOUBLE)", "num", sql_str(INTEGER))

    def fn_SUBSTR(self, e, scope):
        s, lang = self.str_arg(self.expr(e.arg, scope), scope)
        start = self.as_num(self.expr(e.start, scope), scope).sql
        if e.length is None:
            return self.str_result(f"substring({s}, CAST(round({start}) AS BIGINT))", lang, scope)
        length = self.as_num(self.expr(e.length, scope), scope).sql
        # SPARQL counts from 1 and clips a start before it: characters start ≤ i < start + length
        return self.str_result(f"substring({s}, CAST(greatest(round({start}), 1) AS BIGINT), "
                               f"CAST(greatest(round({start}) + round({length}) - greatest(round({start}), 1), 0) AS BIGINT))",
                               lang, scope)

    # functions of two strings, a and b: SQL for what each gives, and its kind
    _TWO_STR = {
        "STRAFTER": ("(CASE WHEN strpos({a}, {b}) = 0 THEN '' ELSE substring({a}, strpos({a}, {b}) + length({b})) END)", "str"),
        "STRBEFORE": ("(CASE WHEN strpos({a}, {b}) = 0 THEN '' ELSE substring({a}, 1, strpos({a}, {b}) - 1) END)", "str"),
        "STRSTARTS": ("starts_with({a}, {b})", "bool"),
        "STRENDS": ("ends_with({a}, {b})", "bool"),
        "CONTAINS": ("(strpos({a}, {b}) > 0)", "bool"),
    }

    def _two_str(self, e, scope):
        """SPARQL's string functions of two arguments: b must be simple or tagged as a is (else an
        error); STRBEFORE and STRAFTER keep a's tag when b is found in a (a simple "" when not)."""
        sql, kind = self._TWO_STR[e.name[len("Builtin_"):]]
        (a, lang_a), (b, lang_b) = (self.str_arg(self.expr(x, scope), scope) for x in (e.arg1, e.arg2))
        if lang_b is not None:  # b tagged: a must carry the same tag
            tag_a = lang_a if lang_a is not None else "''"
            b = f"(CASE WHEN {lang_b} = '' OR lower({lang_b}) = lower({tag_a}) THEN {b} END)"
        value = sql.format(a=a, b=b)
        if kind == "bool" or lang_a is None:
            return Expr(value, kind)
        return self.str_result(value, f"(CASE WHEN strpos({a}, {b}) > 0 THEN {lang_a} ELSE '' END)", scope)

    fn_STRAFTER = fn_STRBEFORE = fn_STRSTARTS = fn_STRENDS = fn_CONTAINS = _two_str

    def fn_UCASE(self, e, scope):
        lex, lang = self.str_arg(self.expr(e.arg, scope), scope)
        return self.str_result(f"upper({lex})", lang, scope)

    def fn_LCASE(self, e, scope):
        lex, lang = self.str_arg(self.expr(e.arg, scope), scope)
        return self.str_result(f"lower({lex})", lang, scope)

    def fn_MD5(self, e, scope):
        return Expr(f"md5({self.simple_str(self.expr(e.arg, scope), scope)})", "str")

    def fn_SHA256(self, e, scope):
        return Expr(f"sha256({self.simple_str(self.expr(e.arg, scope), scope)})", "str")

    def _pattern(self, e, scope) -> str:
        """SQL of a REGEX or REPLACE pattern with XPath's flags (s, m, i, x, q) applied: s, m and i as RE2's
        inline flags; x (whitespace outside classes dropped) and q (the pattern taken literally) on a
        constant pattern only (refused on a computed one)."""
        flags = e.flags if "flags" in e.keys() and e.flags is not None else ""
        if not isinstance(flags, str):
            self.refuse("regular expression flags that are not a constant string", "不是常量字符串的正则表达式标志")
        flags = str(flags)
        if set(flags) - set("smixq"):
            self.refuse(f"the regular expression flags {flags!r}", f"正则表达式标志 {flags!r}")
        pattern = e.pattern
        if "x" in flags or "q" in flags:
            if not (isinstance(pattern, Literal) and not pattern.language):
                self.refuse("the flags x or q on a pattern that is not a constant string", "对非常量模式使用 x 或 q 标志")
            text = str(pattern)
            if "q" in flags:
                text = re.escape(text)
            elif "x" in flags:  # whitespace is dropped, except within a character class
                text = re.sub(r"(\[[^\]]*\])|[\t\n\r ]", lambda m: m.group(1) or "", text)
            sql = sql_str(text)
        else:
            sql = self.simple_str(self.expr(pattern, scope), scope)
        inline = "".join(f for f in "smi" if f in flags)
        return f"('(?{inline})' || {sql})" if inline else sql

    def fn_REGEX(self, e, scope):
        text = self.as_str(self.expr(e.text, scope), scope)
        return Expr(f"regexp_matches({text}, {self._pattern(e, scope)})", "bool")

    def fn_REPLACE(self, e, scope):
        text, lang = self.str_arg(self.expr(e.arg, scope), scope)
        if not isinstance(e.replacement, Literal):
            self.refuse("REPLACE with a replacement that is not a constant string", "替换内容不是常量字符串的 REPLACE")
        # XPath writes a group as $1, RE2 as \\1; a literal backslash or dollar is escaped in both
        replacement = re.sub(r"\\([\\$])|\$(\d)", lambda m: m.group(1) if m.group(1) == "$" else
                             ("\\\\" if m.group(1) else "\\" + m.group(2)), str(e.replacement))
        return self.str_result(f"regexp_replace({text}, {self._pattern(e, scope)}, {sql_str(replacement)}, 'g')", lang, scope)

    # numbers: the datatype kept; ROUND rounds a half up (towards positive infinity), as XPath does
    _NUMERIC_FN = {"ABS": "abs({})", "CEIL": "ceil({})", "FLOOR": "floor({})", "ROUND": "floor({} + 0.5)"}

    def _numeric_fn(self, e, scope):
        n = self.as_num(self.expr(e.arg, scope), scope)
        return Expr(self._NUMERIC_FN[e.name[len("Builtin_"):]].format(n.sql), "num", n.dt)

    fn_ABS = fn_CEIL = fn_FLOOR = fn_ROUND = _numeric_fn

    def fn_RAND(self, e, scope):
        return Expr(f"random() /*{next(self._n)}*/", "num", sql_str(DOUBLE))  # (each call its own: not hoisted as one)

    def fn_UUID(self, e, scope):
        return Expr(f"('<urn:uuid:' || CAST(gen_random_uuid() AS VARCHAR) || '>') /*{next(self._n)}*/", "term")

    def fn_STRUUID(self, e, scope):
        return Expr(f"CAST(gen_random_uuid() AS VARCHAR) /*{next(self._n)}*/", "str")

    def fn_NOW(self, e, scope):  # one instant for the whole query (the transaction's)
        return Expr(f"('\"' || strftime(timezone('UTC', get_current_timestamp()), '%Y-%m-%dT%H:%M:%S.%fZ') "
                    f"|| '\"^^<{XSD}dateTime>')", "term")

    def fn_SHA1(self, e, scope):
        return Expr(f"sha1({self.simple_str(self.expr(e.arg, scope), scope)})", "str")

    def fn_ENCODE_FOR_URI(self, e, scope):  # every character but the unreserved ones, %-encoded as UTF-8
        return Expr(f"url_encode({self.as_str(self.expr(e.arg, scope), scope)})", "str")

    # the parts of an xsd:dateTime (the first three of an xsd:date too), read from its lexical form
    _DATETIME_PARTS = (r"^(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2}):([0-9]{2}(?:[.][0-9]+)?))?"
                       r"(Z|[+-][0-9]{2}:[0-9]{2})?$")

    def _datetime_part(self, e, scope, group: int, dates: bool) -> str:
        x = self.hoist(self.as_term(self.expr(e.arg, scope), scope), scope)
        types = (sql_str(XSD + "dateTime"), sql_str(XSD + "date")) if dates else (sql_str(XSD + "dateTime"),)
        lex = self.hoist(fn('rdf_rawlex', x), scope)
        return (f"(CASE WHEN {fn('rdf_dt', x)} IN ({', '.join(types)}) AND regexp_matches({lex}, {sql_str(self._DATETIME_PARTS)}) "
                f"THEN regexp_extract({lex}, {sql_str(self._DATETIME_PARTS)}, {group}) END)")

    def _datetime_integer(self, e, scope):
        name = e.name[len("Builtin_"):]
        group, dates = {"YEAR": (1, True), "MONTH": (2, True), "DAY": (3, True), "HOURS": (4, False), "MINUTES": (5, False)}[name]
        part = self._datetime_part(e, scope, group, dates)
        return Expr(f"TRY_CAST(NULLIF({part}, '') AS DOUBLE)", "num", sql_str(INTEGER))

    fn_YEAR = fn_MONTH = fn_DAY = fn_HOURS = fn_MINUTES = _datetime_integer

    def fn_SECONDS(self, e, scope):
        return Expr(f"TRY_CAST(NULLIF({self._datetime_part(e, scope, 6, False)}, '') AS DOUBLE)", "num", sql_str(DECIMAL))

    def fn_TZ(self, e, scope):  # "" for a date-time without a time zone
        return Expr(self._datetime_part(e, scope, 7, False), "str")

    def fn_TIMEZONE(self, e, scope):  # an error without a time zone
        tz = self.hoist(self._datetime_part(e, scope, 7, False), scope)
        hours, minutes = f"CAST(substr({tz}, 2, 2) AS INTEGER)", f"CAST(substr({tz}, 5, 2) AS INTEGER)"
        body = (f"CASE WHEN {hours} = 0 AND {minutes} = 0 THEN 'PT0S' ELSE (CASE WHEN left({tz}, 1) = '-' THEN '-' ELSE '' END) "
                f"|| 'PT' || (CASE WHEN {hours} > 0 THEN CAST({hours} AS VARCHAR) || 'H' ELSE '' END) "
                f"|| (CASE WHEN {minutes} > 0 THEN CAST({minutes} AS VARCHAR) || 'M' ELSE '' END) END")
        return Expr(f"(CASE WHEN {tz} = 'Z' THEN '\"PT0S\"^^<{XSD}dayTimeDuration>' WHEN {tz} <> '' "
                    f"THEN '\"' || {body} || '\"^^<{XSD}dayTimeDuration>' END)", "term")

    def fn_IRI(self, e, scope):
        """An IRI as it is; a simple literal's form as an IRI, resolved against the query's base (RFC 3986)."""
        if isinstance(e.arg, Literal) and not e.arg.language and str(e.arg.datatype or STRING) == STRING:
            return Expr(sql_str(f"<{_resolve(self.base, str(e.arg))}>"), "term")  # a constant: resolved here
        a = self.expr(e.arg, scope)
        s = self.simple_str(a, scope)
        if self.base is not None:
            s = _resolve_sql(self.hoist(s, scope), self.base)
        if a.kind == "term":
            return Expr(f"(CASE WHEN {fn('rdf_isiri', a.sql)} THEN {a.sql} ELSE '<' || {s} || '>' END)", "term")
        return Expr(f"('<' || {s} || '>')", "term")

    fn_URI = fn_IRI

    def fn_STRLANG(self, e, scope):
        """A simple literal tagged (an error for a tagged one, or a tag that is not one)."""
        s, lang = self.simple_str(self.expr(e.arg1, scope), scope), self.simple_str(self.expr(e.arg2, scope), scope)
        tag = f"(CASE WHEN regexp_matches({lang}, '^[A-Za-z]+(-[A-Za-z0-9]+)*$') THEN lower({lang}) END)"
        return Expr(f"('\"' || {fn('rdf_esc', s)} || '\"@' || {tag})", "term")

    def fn_STRDT(self, e, scope):
        """A simple literal given a datatype (an error for a tagged one, or a datatype that is no IRI)."""
        s, dt = self.simple_str(self.expr(e.arg1, scope), scope), self.as_term(self.expr(e.arg2, scope), scope)
        dt = self.hoist(f"(CASE WHEN {fn('rdf_isiri', dt)} THEN {dt} END)", scope)
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


def _resolve(base: str | None, ref: str) -> str:
    """``ref`` resolved against ``base`` (RFC 3986, section 5.2; as it is without a base)."""
    from urllib.parse import urljoin

    return urljoin(base, ref) if base else ref


# RFC 3986's dot segments: "seg/.." removed one at a time (a path deeper than this many ".." is an error)
_DOT_PASSES = 8


def _resolve_sql(ref: str, base: str) -> str:
    """SQL of the string ``ref`` resolved against the constant IRI ``base`` (RFC 3986, section 5.2): the
    base's parts split here, the reference's in SQL."""
    from urllib.parse import urlsplit

    b = urlsplit(base)
    root = f"{b.scheme}://{b.netloc}" if b.netloc or base.startswith(f"{b.scheme}://") else f"{b.scheme}:"
    no_fragment = base.split("#", 1)[0]
    no_query = no_fragment.split("?", 1)[0]
    directory = (b.path.rsplit("/", 1)[0] + "/") if "/" in b.path else ("/" if b.netloc else "")
    path = f"regexp_extract({ref}, '^[^?#]*')"
    rest = f"substr({ref}, length({path}) + 1)"
    merged = f"({sql_str(directory)} || {path})"
    dots = f"regexp_replace(regexp_replace({merged}, '/(\\./)+', '/', 'g'), '/\\.$', '/')"
    for _ in range(_DOT_PASSES):
        dots = f"regexp_replace({dots}, '/([^/.][^/]*|\\.[^/.][^/]*|\\.\\.[^/]+)/\\.\\.(/|$)', '/')"
        dots = f"regexp_replace({dots}, '^/\\.\\.(/|$)', '/')"
    absolute_path = dots.replace(merged, path)
    return (f"(CASE WHEN regexp_matches({ref}, '^[A-Za-z][A-Za-z0-9+.-]*:') THEN {ref} "
            f"WHEN {ref} = '' THEN {sql_str(no_fragment)} "
            f"WHEN starts_with({ref}, '#') THEN {sql_str(no_fragment)} || {ref} "
            f"WHEN starts_with({ref}, '//') THEN {sql_str(b.scheme + ':')} || {ref} "
            f"WHEN starts_with({ref}, '?') THEN {sql_str(no_query)} || {ref} "
            f"WHEN starts_with({ref}, '/') THEN (CASE WHEN strpos({absolute_path}, '/../') = 0 THEN "
            f"{sql_str(root)} || {absolute_path} || {rest} END) "
            f"ELSE (CASE WHEN strpos({dots}, '/../') = 0 THEN {sql_str(root)} || {dots} || {rest} END) END)")


def compile_query(text: str, *, source: str = "query", table: str = "triples", keep: frozenset | None = None,
                  ordered: bool = True, as_ids: bool = False, base: str | None = None,
                  graphs=None) -> Compiled:
    """SELECT, CONSTRUCT or ASK text → SQL over ``table``. With ``keep`` (predicate IRIs), a CONSTRUCT
    gives only the template triples whose predicate is one of them (a variable predicate: only
    those values of it), and its pattern is :func:`prune`d to what those need. Without ``ordered``, a SELECT's ORDER BY is left out (for a
    reader that sorts the rows itself) unless a LIMIT or OFFSET depends on it. With ``as_ids``, a
    SELECT gives the variables that hold a graph's term as its id (``Compiled.ids`` names them) and
    only the others as text: a reader of many queries then looks the texts up in one go (each look-up
    reads the whole dictionary). With ``graphs`` (the IRIs of the named graphs the data hold, in the
    table ``named_triples``), GRAPH and the dataset clauses (FROM, FROM NAMED) are compiled; without,
    refused."""
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
    c.base = query.prologue.base or base
    c.graphs = list(graphs) if graphs is not None else None
    _dataset(c, algebra)
    c.textual = text_read(algebra.p)
    if algebra.name == "ConstructQuery":
        pattern = algebra.p
        # CONSTRUCT WHERE { … }: the template is the pattern's own triples (SPARQL allows a basic graph pattern there)
        template = list(algebra.template) if algebra.template is not None else _bgp_triples(pattern, c)
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


# GRAPH ?g { P } compiles P once per named graph
_MAX_GRAPHS = 64


def _dataset(c: Compiler, algebra) -> None:
    """The dataset a query names (FROM: its default graph is the merge of those graphs; FROM NAMED: its
    named graphs are those), from the named graphs the caller keeps; refused when it keeps none."""
    clauses = algebra.get("datasetClause") or []
    if not clauses:
        return
    if c.graphs is None:
        c.refuse("FROM and FROM NAMED (the data here are one graph)", "FROM 与 FROM NAMED（此处的数据只有一个图）")
    default = [str(x.default) for x in clauses if x.get("default") is not None]
    named = [str(x.named) for x in clauses if x.get("named") is not None]
    ids = ", ".join(c.const(URIRef(g)) for g in default)
    c.table = (f"(SELECT DISTINCT s, p, o FROM {c.named_table} WHERE g IN ({ids}))" if default else
               f"(SELECT s, p, o FROM {c.named_table} WHERE false)")
    c.graphs = list(dict.fromkeys(named))


def _pattern_vars(node) -> set:
    """The variables a pattern mentions (its algebra's _vars, gathered)."""
    found = set()

    def walk(n):
        if _is_comp(n):
            found.update(v for v in (n.get("_vars") or ()) if isinstance(v, Variable))
            for v in n.values():
                walk(v)
        elif isinstance(n, (list, tuple)):
            for v in n:
                walk(v)
    walk(node)
    return found


def _bgp_triples(node, c: Compiler) -> list:
    """The triples of the basic graph pattern a CONSTRUCT WHERE query's pattern is (refused otherwise)."""
    out = []

    def walk(n):
        if not _is_comp(n):
            return
        if n.name == "BGP":
            for t in n.triples:
                if isinstance(t[1], Path):
                    c.refuse("a property path in CONSTRUCT WHERE (its template is the pattern)", "CONSTRUCT WHERE 中的属性路径")
                out.append(t)
        elif n.name in ("Project", "Join", "ToMultiSet", "Distinct", "Reduced", "Slice", "OrderBy"):
            for k in ("p", "p1", "p2"):
                if k in n:
                    walk(n[k])
        else:
            c.refuse(f"{n.name} in CONSTRUCT WHERE (only a basic graph pattern)", f"CONSTRUCT WHERE 中的 {n.name}（只能是基本图模式）")
    walk(node)
    return out


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
