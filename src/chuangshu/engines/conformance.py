"""The engines measured by the standards' own tests: the W3C SHACL Core suite and the SPARQL 1.0/1.1
query evaluation suite (vendored under ``tests/w3c/``).

Each test of a folder of W3C manifests is run on an engine and comes out as one of:

- ``correct``: the engine's answer is the suite's;
- ``wrong``: it answered something else — the worst failure an engine can have;
- ``refused``: it stopped before touching any data with a clear error naming the construct it does not
  translate (:class:`chuangshu.errors.ChuangshuError`), as the compiled engines must;
- ``crashed``: any other exception;
- ``skipped``: the suite itself says the test needs what no engine here offers (an entailment regime,
  a remote SERVICE endpoint), or withdraws it.

SHACL engines: ``pyshacl`` (the reference), ``oxigraph`` (the shapes compiled to SPARQL, run on
Oxigraph: :mod:`chuangshu.fastshacl`), ``duckdb`` (the same compiled to SQL on DuckDB). SPARQL engines:
``rdflib`` and ``oxigraph`` (the references; Oxigraph as the project runs it: data whose literals its
store would rewrite — "01"^^xsd:integer kept as "1" — are refused, see
:func:`chuangshu.engines.oxigraph.rewritten_literals`), ``duckdb`` (:mod:`chuangshu.engines.sparql_sql`, with the
tests' named graphs).

How answers are compared, as the suites' own harnesses do: SHACL reports by their results — focus
node, path, value, source shape, constraint component, severity — as a multiset, blank nodes by their
content; SPARQL result sets as multisets of solutions (in order when the query has ORDER BY) up to a
renaming of blank nodes, numbers, booleans and durations by datatype and value, language tags in lower
case, every other term exactly; graphs (CONSTRUCT, DESCRIBE) up to isomorphism; booleans (ASK) as
booleans.

What the third-party reference engines get wrong is listed, test by test, in
``tests/w3c/known-upstream.tsv`` (:func:`known_upstream`); the compiled engines may have nothing there.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, XSD

from ..errors import ChuangshuError

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
SH = Namespace("http://www.w3.org/ns/shacl#")
RS = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
ENT = "http://www.w3.org/ns/entailment/"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

OUTCOMES = ("correct", "wrong", "refused", "crashed", "skipped")
SHACL_ENGINES = ("pyshacl", "oxigraph", "duckdb")
SPARQL_ENGINES = ("rdflib", "oxigraph", "duckdb")


@dataclass
class Case:
    suite: str                          # "shacl" or "sparql"
    iri: str                            # the manifest entry
    name: str                           # folder/name, for people
    label: str = ""
    data: list = field(default_factory=list)        # default graph files
    named: list = field(default_factory=list)       # named graph files (their IRI names them)
    shapes: Path | None = None
    query: Path | None = None
    result: Path | None = None          # SPARQL: the expected results' file
    expected: tuple | None = None       # SHACL: (graph, report node)
    skip: str | None = None             # why the suite says no engine here can run it


@dataclass
class Verdict:
    outcome: str
    detail: str = ""


# ---- reading the manifests -------------------------------------------------------------------------

def _path(term) -> Path | None:
    return Path(str(term)[7:]) if isinstance(term, URIRef) and str(term).startswith("file://") else None


def _manifests(root: Path) -> list[Path]:
    """Every Turtle file under ``root`` that is a manifest with entries (the SHACL suite keeps each
    test's manifest in the test's own file; a manifest that only includes others adds none)."""
    return sorted(p for p in root.rglob("*.ttl") if "mf:entries" in p.read_text(encoding="utf-8", errors="replace"))


def suite_of(root: Path) -> str:
    """``shacl`` or ``sparql``: what the folder's manifests test."""
    for m in _manifests(root):
        text = m.read_text(encoding="utf-8", errors="replace")
        if "sht:Validate" in text or "shacl-test#Validate" in text:
            return "shacl"
        if "QueryEvaluationTest" in text:
            return "sparql"
    raise ChuangshuError(f"{root}: no SHACL or SPARQL test manifest", f"{root}：没有 SHACL 或 SPARQL 测试清单")


def cases(root: Path) -> list[Case]:
    """The tests of every manifest under ``root``, in the order of the manifests and their entries."""
    root = Path(root).resolve()
    kind = suite_of(root)
    out, seen = [], set()
    for m in _manifests(root):
        g = _parse(m)
        entries = []
        for lst in g.objects(None, MF.entries):
            entries += list(Collection(g, lst))
        for t in entries:
            if t in seen:
                continue
            seen.add(t)
            name = _name(root, m, t)
            case = _shacl_case(g, t, m, name) if kind == "shacl" else _sparql_case(g, t, m, name)
            if case is not None:
                out.append(case)
    return out


def _name(root: Path, m: Path, t) -> str:
    """A test's name: its manifest's folder under the suite's root, and its own (sparql10/cast/cast-int)."""
    folder = m.parent.relative_to(root).as_posix()
    local = str(t).rsplit('/', 1)[-1].rsplit('#', 1)[-1]
    return f"{folder}/{local}" if folder != "." else local


def _shacl_case(g: Graph, t, m: Path, name: str) -> Case | None:
    if (t, RDF.type, SHT.Validate) not in g:
        return None
    action = g.value(t, MF.action)
    case = Case("shacl", str(t), name, str(g.value(t, RDFS_LABEL) or ""),
                data=[_path(g.value(action, SHT.dataGraph))], shapes=_path(g.value(action, SHT.shapesGraph)),
                expected=(g, g.value(t, MF.result)))
    if g.value(t, MF.status) not in (None, SHT.approved):
        case.skip = f"status {g.value(t, MF.status)}"
    return case


RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


def _sparql_case(g: Graph, t, m: Path, name: str) -> Case | None:
    if (t, RDF.type, MF.QueryEvaluationTest) not in g and (t, RDF.type, MF.CSVResultFormatTest) not in g:
        return None
    action = g.value(t, MF.action)
    case = Case("sparql", str(t), name, str(g.value(t, MF.name) or ""),
                query=_path(g.value(action, QT.query)), result=_path(g.value(t, MF.result)),
                data=[_path(d) for d in g.objects(action, QT.data)],
                named=[_path(d) for d in g.objects(action, QT.graphData)])
    if g.value(t, DAWGT.approval) == DAWGT.Withdrawn:
        case.skip = "withdrawn by the suite"
    elif g.value(action, SD.entailmentRegime) is not None or g.value(action, URIRef(
            "http://www.w3.org/ns/sparql-service-description#EntailmentProfile")) is not None:
        case.skip = "needs an entailment regime"
    elif g.value(action, QT.serviceData) is not None:
        case.skip = "needs remote SERVICE endpoints"
    elif (t, RDF.type, MF.CSVResultFormatTest) in g:
        case.skip = "compares a CSV serialization (the engines here return terms)"
    return case


# ---- SHACL --------------------------------------------------------------------------------------------

def _node_key(g: Graph, node, depth: int = 3) -> str:
    """A term as the comparison sees it, as text: IRIs as they are, numbers by datatype and value, other
    literals exactly, a blank node by what it says (its outgoing statements, to a depth) — the same node
    in a parse of another file gets the same key."""
    if isinstance(node, URIRef):
        return node.n3()
    if isinstance(node, Literal):
        key = _literal_key(node)
        return f"{key[2]}^^<{key[1]}>" if key[0] == "num" else repr(key)
    if depth == 0:
        return "[]"
    if (node, RDF.first, None) in g:
        return "(" + " ".join(_node_key(g, x, depth - 1) for x in Collection(g, node)) + ")"
    return "[" + "; ".join(sorted(f"{p.n3()} {_node_key(g, o, depth - 1)}" for p, o in g.predicate_objects(node))) + "]"


def _literal_key(lit: Literal):
    """Numbers and booleans by datatype and value (the suites' results write some in other lexical forms,
    as the engines that made them stored them), language tags in lower case; the rest exactly."""
    dt = lit.datatype
    if dt is not None and str(dt).startswith(str(XSD)):
        local = str(dt)[len(str(XSD)):]
        try:
            if local in ("decimal",) or local in _INTEGER_LOCALS:
                value = Decimal(str(lit))
                return ("num", str(dt), value.normalize() if value else Decimal(0))
            if local in ("double", "float"):
                return ("num", str(dt), float(str(lit)))
        except (InvalidOperation, ValueError):
            pass
        if local == "boolean" and str(lit) in ("true", "1", "false", "0"):  # "0" is false
            return ("lit", "true" if str(lit) in ("true", "1") else "false", str(dt), None)
        if local in ("duration", "dayTimeDuration", "yearMonthDuration"):  # "P0D" is "PT0S"
            value = _duration(str(lit))
            if value is not None:
                return ("lit", value, str(dt), None)
    if dt == XSD.string:  # RDF 1.1: a simple literal is an xsd:string
        dt = None
    # RDF 1.1: language tags compare case-insensitively
    return ("lit", str(lit), str(dt) if dt is not None else None, lit.language.lower() if lit.language else None)


def _duration(text: str) -> str | None:
    """An XML Schema duration as its months and seconds (None if it is not one)."""
    m = re.fullmatch(r"(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d*)?)S)?)?", text)
    if not m or text.endswith(("P", "T")):
        return None
    sign, y, mo, d, h, mi, sec = m.groups()
    months = int(y or 0) * 12 + int(mo or 0)
    seconds = ((int(d or 0) * 24 + int(h or 0)) * 60 + int(mi or 0)) * 60 + Decimal(sec or 0)
    if sign:
        months, seconds = -months, -seconds
    return f"{months}M{seconds.normalize() if seconds else 0}S"


_INTEGER_LOCALS = {"integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                   "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort",
                   "unsignedByte"}


def expected_shacl(case: Case) -> tuple[bool, Counter]:
    g, report = case.expected
    conforms = g.value(report, SH.conforms)
    results = Counter()
    for r in g.objects(report, SH.result):
        results[_result_key(g, g, g.value(r, SH.focusNode), g.value(r, SH.resultPath), g.value(r, SH.value),
                            g.value(r, SH.sourceShape), g.value(r, SH.sourceConstraintComponent),
                            g.value(r, SH.resultSeverity))] += 1
    return bool(conforms.toPython()) if conforms is not None else not results, results


def _result_key(data: Graph, shapes: Graph, focus, path, value, shape, component, severity) -> str:
    """One result as text: focus, path, value, source shape, component, severity."""
    return " | ".join([_node_key(data, focus), _node_key(shapes, path) if path is not None else "-",
                       _node_key(data, value) if value is not None else "-", _node_key(shapes, shape),
                       str(component).rsplit("#", 1)[-1], str(severity).rsplit("#", 1)[-1]])


def _graphs(case: Case) -> tuple[Graph, Graph]:
    """The data graph and the shapes graph; one graph when both are the same file (its blank nodes shared).
    Literals as written: rdflib would otherwise rewrite an ill-typed "none"^^xsd:boolean as "false"."""
    data = _parse(case.data[0])
    if case.shapes == case.data[0]:
        return data, data
    return data, _parse(case.shapes)


@contextmanager
def _as_written():
    """Literals kept as the files write them (rdflib would rewrite "2001-01-01Z"^^xsd:date as "2001-01-01")."""
    import rdflib

    previous, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = previous


def _parse(path: Path, fmt: str = "turtle") -> Graph:
    with _as_written():
        return Graph().parse(path, format=fmt, publicID=path.as_uri())


def run_shacl(case: Case, engine: str) -> tuple[bool, Counter]:
    data, shapes = _graphs(case)
    found = Counter()
    if engine == "pyshacl":
        import pyshacl

        conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=False)
        top = next(report.subjects(RDF.type, SH.ValidationReport))
        for r in report.objects(top, SH.result):  # (not the nested shapes' results under sh:detail)
            found[_result_key(data, shapes, report.value(r, SH.focusNode), report.value(r, SH.resultPath),
                              report.value(r, SH.value), report.value(r, SH.sourceShape),
                              report.value(r, SH.sourceConstraintComponent), report.value(r, SH.resultSeverity))] += 1
        return bool(conforms), found
    report = validate_compiled(engine, data, shapes)
    for r in report.results:
        focus, path, value, shape, component, severity = r.terms
        found[_result_key(data, shapes, focus, path, value, shape, component, severity)] += 1
    return not report.results, found  # SHACL: any result, of any severity, and the data do not conform


def validate_compiled(engine: str, data: Graph, shapes: Graph):
    """``data`` validated against ``shapes`` by a compiled engine (``oxigraph`` or ``duckdb``): a Report
    whose results carry their RDF terms. The shapes are compiled before any data is loaded: a construct
    the compiler does not translate is refused then."""
    from ..fastshacl import compile_shapes

    compile_shapes(shapes)  # refuses before anything is loaded
    if engine == "oxigraph":
        from .oxigraph import OxigraphRun

        run = OxigraphRun()
        run.add_graph(data)
        return run.validate(shapes=shapes, allow_warnings=True)
    if engine == "duckdb":
        from .columnar import ColumnarRun

        with ColumnarRun() as run:
            run.load([], with_ontology=False)
            run.add_triples(data)
            return run.validate(shapes=shapes, allow_warnings=True)
    raise ValueError(engine)


# ---- SPARQL --------------------------------------------------------------------------------------------

RESULT_FORMATS = {".srx": "xml", ".srj": "json", ".tsv": "tsv", ".csv": "csv"}


def _parse_rdf(path: Path) -> Graph:
    return _parse(path, {".ttl": "turtle", ".rdf": "xml", ".nt": "nt", ".n3": "n3"}.get(path.suffix, "turtle"))


def expected_sparql(case: Case):
    """("bool", value), ("rows", variables, [solutions]) or ("graph", Graph)."""
    path = case.result
    if path.suffix in RESULT_FORMATS:
        from rdflib.query import Result

        with open(path, "rb") as f, _as_written():
            result = Result.parse(f, format=RESULT_FORMATS[path.suffix])
        if result.type == "ASK":
            return ("bool", bool(result.askAnswer))
        return ("rows", [str(v) for v in result.vars or []],
                [{str(k): v for k, v in b.items() if v is not None} for b in result.bindings])
    g = _parse_rdf(path)
    rs = next(g.subjects(RDF.type, RS.ResultSet), None)
    if rs is None:
        return ("graph", g)
    boolean = g.value(rs, RS.boolean)
    if boolean is not None:
        return ("bool", bool(boolean.toPython()))
    rows = []
    for sol in g.objects(rs, RS.solution):
        row = {str(g.value(b, RS.variable)): g.value(b, RS.value) for b in g.objects(sol, RS.binding)}
        index = g.value(sol, RS["index"])  # (RS.index would be str.index)
        rows.append((int(index) if index is not None else 0, row))
    rows.sort(key=lambda x: x[0])
    return ("rows", [str(v) for v in g.objects(rs, RS.resultVariable)], [r for _, r in rows])


def _query_text(case: Case) -> str:
    return case.query.read_text(encoding="utf-8")


def _order_keys(text: str) -> list[str] | None:
    """The variables a query's (last) ORDER BY sorts by, in order (None without ORDER BY; the variables
    of its expressions when it sorts by expressions: then only the multiset is compared)."""
    text = re.sub(r"#[^\n]*", "", text)
    m = list(re.finditer(r"\border\s+by\b(.*?)(\blimit\b|\boffset\b|\}|$)", text, re.I | re.S))
    if not m:
        return None
    clause = m[-1].group(1)
    if re.search(r"\w\s*\(", re.sub(r"\b(asc|desc)\s*\(", "", clause, flags=re.I)):
        return []  # an expression: its order is not read off the variables
    return re.findall(r"[?$](\w+)", clause)


def _dataset_files(case: Case, text: str) -> tuple[list[Path], list[Path]]:
    """The default graph's files and the named graphs' (each named by its file's IRI): the test's; a
    query that names its dataset (FROM, FROM NAMED) gets every graph it names as a named graph, which its
    FROM then makes the default graph."""
    base = case.query.parent
    named = list(case.named) + [_resolve(base, iri) for iri in re.findall(r"\bFROM\s+(?:NAMED\s+)?<([^>]*)>", text, re.I)]
    return list(case.data), [p for p in dict.fromkeys(named) if p is not None]


def _resolve(base: Path, iri: str) -> Path | None:
    if iri.startswith("file://"):
        return Path(iri[7:])
    if re.match(r"^[a-z]+:", iri):
        return None
    return (base / iri).resolve()


def run_sparql(case: Case, engine: str):
    text = _query_text(case)
    default, named = _dataset_files(case, text)
    if engine == "rdflib":
        from rdflib import Dataset

        ds = Dataset()
        for p in default:
            ds.default_context.parse(p, format=_fmt(p), publicID=p.as_uri())
        for p in named:
            ds.graph(URIRef(p.as_uri())).parse(p, format=_fmt(p), publicID=p.as_uri())
        result = ds.query(text, base=case.query.as_uri())
        return _from_rdflib(result)
    if engine == "oxigraph":
        import pyoxigraph as ox

        from .oxigraph import rewritten_literals

        store = ox.Store()
        for p in default:
            store.load(path=str(p), format=_ox_format(p), base_iri=p.as_uri(), to_graph=ox.DefaultGraph())
        for p in named:
            store.load(path=str(p), format=_ox_format(p), base_iri=p.as_uri(), to_graph=ox.NamedNode(p.as_uri()))
        literals = {lit for p in default + named for q in ox.parse(path=str(p), format=_ox_format(p), base_iri=p.as_uri())
                    for lit in (q.object,) if isinstance(lit, ox.Literal)}
        rewritten = rewritten_literals(literals)
        if rewritten:  # as the project's Oxigraph engine does (engines.oxigraph.OxigraphRun.check_literals)
            raise ChuangshuError(f"literals the Oxigraph store does not keep as written ({rewritten[0]})",
                                 f"Oxigraph 存储不按原样保留的字面量（{rewritten[0]}）")
        try:
            result = store.query(text, base_iri=case.query.as_uri())
        except SyntaxError as err:  # its parser refuses the query, saying what it expected
            raise ChuangshuError(f"Oxigraph does not parse the query ({err})", f"Oxigraph 无法解析该查询（{err}）") from None
        return _from_oxigraph(result)
    if engine == "duckdb":
        return run_sparql_duckdb(text, default, named, base=case.query.as_uri())
    raise ValueError(engine)


def _fmt(p: Path) -> str:
    return {".rdf": "xml", ".nt": "nt"}.get(p.suffix, "turtle")


def _ox_format(p: Path):
    import pyoxigraph as ox

    return {".rdf": ox.RdfFormat.RDF_XML, ".nt": ox.RdfFormat.N_TRIPLES}.get(p.suffix, ox.RdfFormat.TURTLE)


def _from_rdflib(result):
    if result.type == "ASK":
        return ("bool", bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        g = Graph()
        for t in result.graph:
            g.add(t)
        return ("graph", g)
    return ("rows", [str(v) for v in result.vars],
            [{str(k): v for k, v in b.items() if v is not None} for b in result.bindings])


def _from_oxigraph(result):
    import pyoxigraph as ox

    from ..rdf import from_oxigraph

    if isinstance(result, ox.QueryBoolean):
        return ("bool", bool(result))
    if isinstance(result, ox.QueryTriples):
        g = Graph()
        for t in result:
            g.add((from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)))
        return ("graph", g)
    names = [v.value for v in result.variables]
    return ("rows", names, [{n: from_oxigraph(row[n]) for n in names if row[n] is not None} for row in result])


def run_sparql_duckdb(text: str, default: list[Path], named: list[Path], base: str | None = None):
    """A query compiled to SQL (:func:`chuangshu.engines.sparql_sql.compile_query`, which refuses what it
    does not translate before any data is read) and run on DuckDB over the default graph's files and the
    named graphs' (each named by its file's IRI)."""
    from .columnar import ColumnarRun
    from .sparql_sql import compile_query, from_nt

    compiled = compile_query(text, source="query", base=base, graphs=[p.as_uri() for p in named])
    with ColumnarRun() as run:
        data = Graph()
        for p in default:
            data += _parse(p, _fmt(p))
        run.load([], with_ontology=False)
        run.add_triples(data)
        run.add_named_graphs({p.as_uri(): _parse(p, _fmt(p)) for p in named})
        if compiled.kind == "construct":
            return ("graph", run.construct(compiled))
        rows = run.select(compiled)
        if compiled.kind == "ask":
            return ("bool", bool(rows and rows[0].get("ask") in (True, "true", 1)))
        return ("rows", list(compiled.vars), [{k: from_nt(v) for k, v in r.items() if k in compiled.vars} for r in rows])


# ---- comparing answers ----------------------------------------------------------------------------

def _term_key(t):
    if isinstance(t, Literal):
        return _literal_key(t)
    return t


def same_answer(expected, got, order: list[str] | None = None, reduced: bool = False) -> tuple[bool, str]:
    """Whether ``got`` is the suite's answer ``expected``: with ``order`` (the ORDER BY variables), the
    solutions in the order their projected sort keys give; with ``reduced`` (SELECT REDUCED), any number
    of each solution between one and as many as expected."""
    if expected[0] != got[0]:
        return False, f"expected {expected[0]}, got {got[0]}"
    if expected[0] == "bool":
        return expected[1] == got[1], f"expected {expected[1]}, got {got[1]}"
    if expected[0] == "graph":
        from rdflib.compare import isomorphic

        return isomorphic(_keyed_graph(expected[1]), _keyed_graph(got[1])), \
            f"graphs differ ({len(expected[1])} expected triples, {len(got[1])} given)"
    exp_rows = [{k: _term_key(v) for k, v in r.items()} for r in expected[2]]
    got_rows = [{k: _term_key(v) for k, v in r.items()} for r in got[2]]
    if reduced:
        ok = set(map(_frozen, exp_rows)) == set(map(_frozen, got_rows)) and len(got_rows) <= len(exp_rows)
    else:
        ok = _rows_match(exp_rows, got_rows, False)
        keys = [k for k in (order or []) if any(k in r for r in exp_rows)]
        if ok and keys:  # the sort keys' values in the same sequence
            ok = _rows_match([{k: r.get(k) for k in keys if k in r} for r in exp_rows],
                             [{k: r.get(k) for k in keys if k in r} for r in got_rows], True)
    if ok:
        return True, ""
    missing, extra = _difference(expected[2], exp_rows, got[2], got_rows)
    if missing or extra:  # the solutions one side has and the other lacks
        return False, f"missing {_show(missing)}, unexpected {_show(extra)}"
    return False, f"expected {_show(expected[2])}, got {_show(got[2])}"


def _difference(exp, exp_keys, got, got_keys) -> tuple[list, list]:
    """The expected solutions not given and the given ones not expected (blank nodes aside)."""
    if any(isinstance(v, BNode) for r in exp + got for v in r.values()):
        return [], []
    return _left_over(exp, exp_keys, got_keys), _left_over(got, got_keys, exp_keys)


def _left_over(rows, keys, other_keys) -> list:
    """The rows of one side that the other side's multiset of solutions does not hold."""
    left = Counter(map(_frozen, other_keys))
    out = []
    for row, key in zip(rows, map(_frozen, keys)):
        if left[key] > 0:
            left[key] -= 1
        else:
            out.append(row)
    return out


def _show(rows, limit: int = 6) -> str:
    shown = [{k: (v.n3() if hasattr(v, "n3") else str(v)) for k, v in r.items()} for r in rows[:limit]]
    return json.dumps(shown, ensure_ascii=False) + (f" … ({len(rows)} rows)" if len(rows) > limit else "")


def _keyed_graph(g: Graph) -> Graph:
    """Literals as their keys (numbers and booleans in one lexical form, language tags in lower case),
    so that isomorphism compares them as the solutions are compared."""
    out = Graph()
    for s, p, o in g:
        if isinstance(o, Literal):
            key = _literal_key(o)
            if key[0] == "num":
                o = Literal(str(key[2]), datatype=URIRef(key[1]))
            elif key[3]:
                o = Literal(key[1], lang=key[3])
            else:
                o = Literal(key[1], datatype=URIRef(key[2]) if key[2] else None)
        out.add((s, p, o))
    return out


def _rows_match(a: list[dict], b: list[dict], ordered: bool) -> bool:
    if len(a) != len(b):
        return False
    if not any(isinstance(v, BNode) for r in a + b for v in r.values()):
        if ordered:
            return a == b
        return Counter(_frozen(r) for r in a) == Counter(_frozen(r) for r in b)
    return _match_bnodes(a, b, {}, ordered)


def _frozen(r: dict):
    return frozenset((k, repr(v)) for k, v in r.items())


def _match_bnodes(a, b, mapping, ordered) -> bool:
    """A bijection of blank nodes under which the solutions are the same (backtracking; the answers are small)."""
    if not a:
        return True
    first, rest = a[0], a[1:]
    candidates = [0] if ordered else range(len(b))
    for i in candidates:
        m = _unify(first, b[i], mapping)
        if m is not None and _match_bnodes(rest, b[:i] + b[i + 1:], m, ordered):
            return True
    return False


def _unify(x: dict, y: dict, mapping: dict):
    if x.keys() != y.keys():
        return None
    m = dict(mapping)
    used = set(m.values())
    for k, v in x.items():
        w = y[k]
        if isinstance(v, BNode) or isinstance(w, BNode):
            if not (isinstance(v, BNode) and isinstance(w, BNode)):
                return None
            if v in m:
                if m[v] != w:
                    return None
            elif w in used:
                return None
            else:
                m[v] = w
                used.add(w)
        elif v != w:
            return None
    return m


# ---- running ---------------------------------------------------------------------------------------------

def check(case: Case, engine: str) -> Verdict:
    """The outcome of one test on one engine."""
    if case.skip:
        return Verdict("skipped", case.skip)
    try:
        if case.suite == "shacl":
            want = expected_shacl(case)
            got = run_shacl(case, engine)
            if got == want:
                return Verdict("correct")
            missing, extra = want[1] - got[1], got[1] - want[1]
            return Verdict("wrong", f"conforms {got[0]} (expected {want[0]}); missing {sorted(missing.elements())}; "
                                    f"unexpected {sorted(extra.elements())}")
        want = expected_sparql(case)
        got = run_sparql(case, engine)
        text = _query_text(case)
        ok, why = same_answer(want, got, _order_keys(text), re.search(r"\bREDUCED\b", text, re.I) is not None)
        return Verdict("correct") if ok else Verdict("wrong", why)
    except ChuangshuError as err:
        return Verdict("refused", str(err))
    except Exception as err:  # noqa: BLE001 - any other failure is a crash, counted and named
        return Verdict("crashed", f"{type(err).__name__}: {err}")


def known_upstream(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """{(engine, test): (outcome, what goes wrong)} of a file like tests/w3c/known-upstream.tsv."""
    out = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip() or line.startswith("engine\t"):
            continue
        engine, test, outcome, what = line.split("\t", 3)
        out[(engine, test)] = (outcome, what)
    return out


def tally(verdicts) -> dict[str, int]:
    counts = {k: 0 for k in OUTCOMES}
    for v in verdicts:
        counts[v.outcome] += 1
    return counts
