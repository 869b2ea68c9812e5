"""The researchers' query library (``queries/library/*.rq``) and running SPARQL
locally (with inferences) or on a remote SPARQL 1.1 endpoint.

Parameters given by the user are turned into RDF terms and *bound* — through the
engine's bindings locally, through a trailing SPARQL ``VALUES`` block of serialized
terms remotely — never pasted into the query text.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from . import resources
from .errors import InputError
from .i18n import text_in
from .rdf import PREFIXES, compact
from .slots import BAD_IRI, fill_slots, values_block

_TOKEN = re.compile(
    r'"""[\s\S]*?"""' "|'''[\\s\\S]*?'''"  # long strings
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"  # strings
    r'|<[^<>"{}|^`\\\x00-\x20]*>'  # IRIs
    r'|#[^\n]*|[?$]\w+|[A-Za-z_][\w-]*(?::[\w.-]*)?|\S')  # comments, variables, words, the rest


def sparql_keywords(text: str) -> set[str]:
    """The bare words of a SPARQL text, upper-cased — its keywords and function names —
    leaving out comments, strings, IRIs, variables and prefixed names."""
    words = set()
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if (tok[0].isalpha() or tok[0] == "_") and ":" not in tok:
            words.add(tok.upper())
    return words


_META = re.compile(r"^#\s*([a-z]+)(@(zh|en))?:\s*(.+?)\s*$")


@dataclass
class Query:
    name: str
    text: str
    path: Path | None = None
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def params(self) -> list[str]:
        """The parameters the ``# params:`` line declares: ``name (what, optional), other (…)``."""
        spec = re.sub(r"\([^)]*\)", "", self.meta.get("params", ""))  # the commas inside a note are not separators
        return [p.split()[0] for p in spec.split(",") if p.strip()]


def library_dir() -> Path:
    return resources.resource_dir("queries") / "library"


def library() -> list[Query]:
    return [read_query(p) for p in sorted(library_dir().glob("*.rq"))]


def read_query(path: Path, name: str | None = None) -> Query:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"the query is not UTF-8 text (undecodable byte at offset {err.start})",
                         f"查询不是 UTF-8 文本（偏移 {err.start} 处的字节无法解码）", where=str(path)) from None
    except OSError as err:
        raise InputError(f"cannot read the query: {err.strerror}", f"无法读取查询：{err.strerror}", where=str(path)) from None
    meta = {}
    for line in text.splitlines():
        m = _META.match(line)
        if m:
            meta[m.group(1) + (f"@{m.group(3)}" if m.group(3) else "")] = m.group(4)
    return Query(name or meta.get("id", path.stem), text, path, meta)


COMMON_PREFIXES = ("cs", "csd", "rdf", "rdfs", "owl", "xsd", "skos", "prov", "dcterms", "org", "foaf")
_DECLARED = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:", re.I)


def undeclared_prefix(text: str) -> tuple[str, int, int] | None:
    """The first prefixed name whose prefix neither the query nor the common set declares:
    (prefix, line, column)."""
    declared = {m.group(1) or "" for m in _DECLARED.finditer(text)} | set(COMMON_PREFIXES)
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if (tok[0].isalpha() or tok[0] == "_") and ":" in tok and not tok.startswith("_:"):
            prefix = tok.split(":", 1)[0]
            if prefix not in declared and tok.upper() != "PREFIX":
                line = text.count("\n", 0, m.start()) + 1
                return prefix, line, m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    return None


def with_common_prefixes(text: str) -> str:
    """The query with the common prefixes (cs, csd, rdf, rdfs, owl, xsd, skos, prov, dcterms, org,
    foaf) declared in front, each one the query does not declare itself."""
    declared = {m.group(1) or "" for m in _DECLARED.finditer(text)}
    missing = [p for p in COMMON_PREFIXES if p not in declared]
    head = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing)
    return head + text


def find_query(ref: str) -> Query:
    """A library query by id or file stem, a file path, or ``-`` for standard input."""
    if ref == "-":
        try:
            return Query("stdin", sys.stdin.buffer.read().decode("utf-8-sig") if hasattr(sys.stdin, "buffer") else sys.stdin.read())
        except UnicodeDecodeError as err:
            raise InputError(f"the query is not UTF-8 text (undecodable byte at offset {err.start})",
                             f"查询不是 UTF-8 文本（偏移 {err.start} 处的字节无法解码）", where="-") from None
    path = Path(ref)
    if path.suffix in (".rq", ".sparql") and path.is_file():
        return read_query(path, path.stem)
    for q in library():
        if ref in (q.name, q.path.stem):
            return q
    raise InputError(f"no query {ref!r}: not a file, and not in queries/library (see chuangshu query --list)",
                     f"找不到查询 {ref!r}：既不是文件，也不在 queries/library 中（见 chuangshu query --list）")


def parse_param(text: str) -> tuple[str, object]:
    """``name=value`` → (name, RDF term). IRIs as <...>, prefix:local or http(s)://...;
    "text"@lang; integers; otherwise a plain literal."""
    if "=" not in text:
        raise InputError(f"parameter {text!r} is not name=value", f"参数 {text!r} 不是 name=value 形式", where="--param")
    name, value = text.split("=", 1)
    name = name.strip().lstrip("?$")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise InputError(f"bad parameter name {name!r}", f"参数名无效：{name!r}", where="--param")
    return name, parse_term(value)


def parse_term(value: str):
    value = value.strip()
    iri = None
    if value.startswith("<") and value.endswith(">"):
        iri = value[1:-1]
    elif re.match(r"^https?://", value):
        iri = value
    elif re.fullmatch(r"[A-Za-z][\w-]*:[^\s]*", value) and value.split(":", 1)[0] in PREFIXES:
        prefix, localname = value.split(":", 1)
        iri = PREFIXES[prefix] + localname
    if iri is not None:
        if BAD_IRI.search(iri) or not iri:
            raise InputError(f"not a valid IRI: {iri!r}", f"不是有效的 IRI：{iri!r}", where="--param")
        return URIRef(iri)
    m = re.fullmatch(r'"(.*)"@([A-Za-z]+(-[A-Za-z0-9]+)*)', value, re.S)
    if m:
        return Literal(m.group(1), lang=m.group(2))
    if re.fullmatch(r"[+-]?\d+", value):
        return Literal(value.lstrip("+"), datatype=XSD.integer)  # as written: no int() of thousands of digits
    return Literal(value)


# ---- running ------------------------------------------------------------------------

@dataclass
class QueryResult:
    variables: list[str]
    rows: list[dict]           # variable -> rdflib term
    graph: object = None       # CONSTRUCT and DESCRIBE: an rdflib Graph (rows and variables empty)
    ask: bool = False          # ASK: one row, variable "boolean"
    labels: dict | None = None  # IRI -> label, for the IRIs in the rows (see query())

    def to_frame(self):
        """The rows as a pandas data frame (``pip install 'chuangshu[frames]'``), with ``VAR_label``
        beside each variable that holds labelled IRIs."""
        from .frames import results_frame

        if self.graph is not None:
            raise ValueError("a CONSTRUCT or DESCRIBE result is a graph, not a table")
        return results_frame(self, self.labels)


UPDATE_FORMS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


def query_form(text: str) -> str | None:
    """The form of a SPARQL text: its first keyword after the prologue (SELECT, ASK, INSERT …)."""
    for m in _TOKEN.finditer(text):
        tok = m.group(0).upper()
        if tok in QUERY_FORMS or tok in UPDATE_FORMS:
            return tok
    return None


def refuse_service(query: Query, allow_service: bool = False) -> None:
    """A local query never contacts another host unless the user allows it; an update is never run."""
    where = str(query.path) if query.path else query.name
    form = query_form(query.text)
    if form in UPDATE_FORMS:
        raise InputError(f"this is an update ({form}); chuangshu query only reads — nothing was changed",
                         f"这是更新操作（{form}）；chuangshu query 只读取——未作任何改动", where=where)
    if form is None:
        raise InputError("not a SPARQL query: no SELECT, CONSTRUCT, ASK or DESCRIBE",
                         "不是 SPARQL 查询：没有 SELECT、CONSTRUCT、ASK 或 DESCRIBE", where=where)
    if not allow_service and "SERVICE" in sparql_keywords(query.text):
        raise InputError("the query has a SERVICE clause, which would contact another host; "
                         "give --allow-service to let it", "查询含 SERVICE 子句，会访问其他主机；如确需如此，请加 --allow-service",
                         where=where)


def _syntax_message(err, shift: int = 0) -> str:
    """A parser's complaint in one line: ``line L, column C: what`` (lines counted in the user's text,
    ``shift`` lines having been put in front of it)."""
    line, col = getattr(err, "lineno", None), getattr(err, "col", None) or getattr(err, "offset", None)
    text = getattr(err, "msg", None) or str(err)
    text = " ".join(str(text).split())[:300]
    located = re.match(r"^error at (\d+):(\d+): (.*)$", text)  # Oxigraph's form
    if located:
        line, col, text = located.groups()
    unknown = re.search(r"[Pp]refix (?:'|`|)?([A-Za-z][\w.-]*):?(?:'|`)? (?:is not|has not been) declared|Unknown namespace prefix : (\S+)", text)
    if unknown:
        name = (unknown.group(1) or unknown.group(2) or "").rstrip(":")
        text = (f"unknown prefix `{name}:` — declare it or use one of the predefined prefixes "
                f"({', '.join(COMMON_PREFIXES)})")
    if line and col:
        return f"line {max(int(line) - shift, 1)}, column {col}: {text}"
    return text


def run_local(query: Query, graph, bindings: dict, engine: str = "oxigraph", *, allow_service: bool = False,
              timeout: float | None = None) -> QueryResult:
    """Run ``query`` on ``graph``. With ``timeout`` (where the system can fork) the query runs in a
    child process that is stopped when the time is up."""
    refuse_service(query, allow_service)
    used = {k: v for k, v in bindings.items() if re.search(rf"[?$]{re.escape(k)}\b", query.text)}
    unknown = set(bindings) - set(used)
    if unknown:
        raise InputError(f"the query has no variable {', '.join('?' + u for u in sorted(unknown))}",
                         f"查询中没有变量 {'、'.join('?' + u for u in sorted(unknown))}", where="--param")
    projected = _variables(query.text, [])
    hidden = sorted(k for k in used if projected and k not in projected)
    if hidden:
        raise InputError(
            f"a parameter must be a variable the query selects; {', '.join('?' + h for h in hidden)} is not",
            f"参数须为查询所选出的变量；{'、'.join('?' + h for h in hidden)} 不是", where="--param")
    where = str(query.path) if query.path else query.name

    def execute():
        from .rules import ENGINES

        try:
            return ENGINES[engine](graph).run(query.text, used)
        except RecursionError:
            raise
        except Exception as err:  # noqa: BLE001 - each engine's parser and evaluator raise their own kinds
            message = _syntax_message(err, shift)
            raise InputError(f"bad query: {message}", f"查询有误：{message}", where=where) from None

    unknown = undeclared_prefix(query.text)
    if unknown:
        prefix, line, col = unknown
        raise InputError(f"bad query: line {line}, column {col}: unknown prefix `{prefix}:` — declare it or use one of "
                         f"the predefined prefixes ({', '.join(COMMON_PREFIXES)})",
                         f"查询有误：第 {line} 行第 {col} 列：未知前缀 `{prefix}:`——请声明它，或使用预定义前缀之一"
                         f"（{'、'.join(COMMON_PREFIXES)}）", where=where)
    shift = with_common_prefixes(query.text).count("\n") - query.text.count("\n")  # the prefix lines put in front
    query = Query(query.name, with_common_prefixes(query.text), query.path, query.meta)
    kind, names, result = _with_timeout(execute, timeout, where) if timeout else execute()
    if kind == "boolean":
        return QueryResult(["boolean"], [{"boolean": Literal(result)}], ask=True)
    if kind == "graph":
        from .rdf import new_graph

        g = new_graph()
        for t in result:
            g.add(t)
        return QueryResult([], [], g)
    return QueryResult(_variables(query.text, result) if not names else names, result)


def _with_timeout(fn, seconds: float, where: str):
    """``fn()`` in a forked child, stopped after ``seconds``; its result or its error comes back."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return fn()
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child():
        from .errors import die_with_parent

        die_with_parent()
        try:
            send.send(("ok", fn()))
        except BaseException as err:  # noqa: BLE001 - handed to the parent
            send.send(("error", err))
        finally:
            send.close()

    process = ctx.Process(target=child, daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise InputError(f"the query took longer than {seconds:g} s and was stopped (raise the limit with --timeout)",
                             f"查询超过 {seconds:g} 秒，已停止（可用 --timeout 放宽）", where=where)
        status, payload = receive.recv()
    except EOFError:
        raise InputError("the query stopped without an answer (out of memory?)", "查询未给出结果即中止（内存不足？）",
                         where=where) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()
    if status == "error":
        raise payload
    return payload


def _variables(text: str, rows: list[dict]) -> list[str]:
    head = re.search(r"SELECT\s+(DISTINCT\s+|REDUCED\s+)?(.*?)\s*WHERE", text, re.S | re.I)
    names = []
    if head and head.group(2).strip() != "*":
        for m in re.finditer(r"\(\s*.*?\s+AS\s+\?(\w+)\s*\)|\?(\w+)", head.group(2), re.S | re.I):
            names.append(m.group(1) or m.group(2))
    for row in rows:
        for k in row:
            if k not in names:
                names.append(k)
    return names


def run_remote(query: Query, endpoint, bindings: dict, *, user: str | None = None,
               password: str | None = None, default_graphs: list[str] | None = None) -> QueryResult:
    """Run a SELECT on a remote endpoint (a URL or a :class:`~chuangshu.sparql_client.Endpoint`)."""
    from .sparql_client import Endpoint

    text, rest = fill_slots(with_common_prefixes(query.text), bindings)
    text += values_block(rest) if rest else ""
    ep = endpoint if isinstance(endpoint, Endpoint) else Endpoint.from_url(endpoint, user=user, password=password)
    data = ep.results(text, default_graphs or [])
    if "boolean" in data:
        return QueryResult(["boolean"], [{"boolean": Literal(bool(data["boolean"]))}], ask=True)
    try:
        variables = [str(v) for v in data.get("head", {}).get("vars", [])]
        rows = [{str(k): _from_json(v) for k, v in b.items()} for b in data["results"]["bindings"]]
    except (AttributeError, KeyError, TypeError, ValueError):
        from .sparql_client import RemoteError, shown

        raise RemoteError("the reply is not well-formed SPARQL JSON results", "应答不是格式正确的 SPARQL JSON 结果",
                          where=shown(ep.query)) from None
    return QueryResult(variables, rows)


def _from_json(v: dict):
    if v["type"] == "uri":
        return URIRef(v["value"])
    if v["type"] == "bnode":
        return BNode(v["value"])
    if "xml:lang" in v:
        return Literal(v["value"], lang=v["xml:lang"])
    dt = v.get("datatype")
    if dt and dt != str(XSD.string):
        return Literal(v["value"], datatype=URIRef(dt))
    return Literal(v["value"])


# ---- output -------------------------------------------------------------------------

def _compact(term) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        short = compact(term)
        return short if short != str(term) else f"<{term}>"
    return str(term)


def render(table: QueryResult, fmt: str, labels: dict | None = None, only_labels: bool = False) -> str:
    """The table as text. ``labels`` (IRI → label in the user's language) put a name beside each IRI
    in the table format (instead of it with ``only_labels``) and add a ``…_label`` column after each
    column holding IRIs in CSV and TSV; JSON stays the standard SPARQL results."""
    if table.graph is not None:
        return _render_graph(table.graph, fmt)
    if labels and fmt in ("csv", "tsv", "table"):
        table = _with_labels(table, labels, fmt, only_labels)
    if table.ask and fmt == "json":
        return json.dumps({"head": {}, "boolean": bool(table.rows[0]["boolean"].toPython())}, indent=2)
    if fmt == "json":
        def cell(t):
            if isinstance(t, URIRef):
                return {"type": "uri", "value": str(t)}
            if isinstance(t, BNode):
                return {"type": "bnode", "value": str(t)}
            out = {"type": "literal", "value": str(t)}
            if t.language:
                out["xml:lang"] = t.language
            elif t.datatype:
                out["datatype"] = str(t.datatype)
            return out
        return json.dumps({"head": {"vars": table.variables},
                           "results": {"bindings": [{k: cell(v) for k, v in r.items()} for r in table.rows]}},
                          ensure_ascii=False, indent=2)
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(table.variables)
        for r in table.rows:
            writer.writerow([str(r.get(v, "")) if r.get(v) is not None else "" for v in table.variables])
        return buf.getvalue().rstrip("\n")
    from .columns import pad, width

    cells = [[_compact(r.get(v)) for v in table.variables] for r in table.rows]
    widths = [max([width(v)] + [width(c[i]) for c in cells]) for i, v in enumerate(table.variables)]
    lines = [" | ".join(pad(v, w) for v, w in zip(table.variables, widths)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(pad(c, w) for c, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)


def _render_graph(graph, fmt: str) -> str:
    """A CONSTRUCT or DESCRIBE result: Turtle (table), JSON-LD (json), or one triple per row (csv, tsv)."""
    if fmt == "json":
        from .export import serialize

        return serialize(graph, "jsonld")
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(["subject", "predicate", "object"])
        for t in sorted(graph, key=lambda t: tuple(str(x) for x in t)):
            writer.writerow([str(x) for x in t])
        return buf.getvalue().rstrip("\n")
    from .canon import canonical_turtle

    return canonical_turtle(graph).rstrip("\n")


def _with_labels(table: QueryResult, labels: dict, fmt: str, only_labels: bool) -> QueryResult:
    if fmt == "table":
        def show(term):
            if isinstance(term, URIRef) and str(term) in labels:
                return Literal(labels[str(term)]) if only_labels else Literal(f"{_compact(term)} ({labels[str(term)]})")
            return term
        return QueryResult(table.variables, [{k: show(v) for k, v in r.items()} for r in table.rows], ask=table.ask)
    variables = []
    for v in table.variables:
        variables.append(v)
        if any(isinstance(r.get(v), URIRef) and str(r.get(v)) in labels for r in table.rows):
            variables.append(v + "_label")
    rows = [{**r, **{v + "_label": Literal(labels[str(r[v])]) for v in table.variables
                    if isinstance(r.get(v), URIRef) and str(r.get(v)) in labels}} for r in table.rows]
    return QueryResult(variables, rows, ask=table.ask)


def term_labels(graph, terms, lang: str) -> dict:
    """IRI → its rdfs:label in ``lang`` (else English, else Chinese, else any), for the given terms."""
    from rdflib.namespace import RDFS

    out = {}
    for t in terms:
        if not isinstance(t, URIRef):
            continue
        found = text_in(graph.objects(t, RDFS.label), lang)
        if found is not None:
            out[str(t)] = found
    return out


def check_params(query: Query, bindings: dict) -> None:
    """A parameter the query does not take is refused, naming those it takes (a library query declares
    them in its ``# params:`` line; a query of one's own takes any of its variables): it would have
    bound nothing, and the table would have come back whole or empty without a word."""
    in_library = query.path is not None and query.path.parent == library_dir()
    if "params" in query.meta or in_library:
        declared = query.params
    else:
        declared = sorted(set(re.findall(r"[?$](\w+)", re.sub(r"#[^\n]*", "", query.text))))
    for name in bindings:
        if name not in declared and not (name == "lang" and "lang" in declared):
            takes = ", ".join(declared) or "none"
            raise InputError(f"{query.name} has no parameter {name!r} (it takes: {takes}; see chuangshu query --list)",
                             f"{query.name} 没有参数 {name!r}（可用参数：{takes if declared else '无'}；见 chuangshu query --list）",
                             where="--param")


def resolve_params(query: Query, bindings: dict, graph) -> dict:
    """A parameter the query declares as an IRI may be given as an ID (D), a label (D 社区) or an IRI;
    one that matches nothing in the graph is an error that says so, not an empty table."""
    from rdflib.namespace import RDFS

    declared = {p.split()[0]: p for p in (x.strip() for x in query.meta.get("params", "").split(",")) if p}
    out = dict(bindings)
    for name, value in bindings.items():
        if "IRI" not in declared.get(name, ""):
            continue
        if isinstance(value, URIRef):
            found = value if any(True for _ in graph.triples((value, None, None))) else None
        else:
            text = str(value)
            candidates = [URIRef(PREFIXES["csd"] + text)] if re.fullmatch(r"[\w.~-]+", text) else []
            found = next((c for c in candidates if any(True for _ in graph.triples((c, None, None)))), None)
            if found is None:
                found = next((s for s, _, o in graph.triples((None, RDFS.label, None)) if str(o) == text), None)
        if found is None:
            raise InputError(f"{name}={value}: no such {name} in the graph (give its ID, its label or its IRI)",
                             f"{name}={value}：图谱中没有这样的 {name}（请给出其编号、标签或 IRI）", where="--param")
        out[name] = found
    return out


def query(ref: str, graph=None, *, params: dict | None = None, lang: str = "en", as_of: str | None = None,
          engine: str = "oxigraph") -> QueryResult:
    """Run a library query (by id, e.g. ``"cq05"``), a query file, or SPARQL text on the knowledge graph of
    ``graph`` (ontology + case data; default: the bundled data) with its inferences as of ``as_of``.
    ``params`` are bound, never pasted into the text (an IRI parameter may be given as an ID or label).
    The result carries the labels of its IRIs in ``lang``: ``query("cq05").to_frame()``."""
    from .assess import knowledge_graph, parse_as_of
    from .load import load_graph

    text = any(ch.isspace() for ch in ref.strip()) and not Path(ref).is_file()   # SPARQL text, not a name or a path
    q = Query("query", ref) if text else find_query(ref)
    named = knowledge_graph(graph if graph is not None else load_graph(),
                            as_of=parse_as_of(as_of) if as_of is not None else None, engine=engine)
    bindings = {k: (v if isinstance(v, (URIRef, Literal)) else parse_term(str(v))) for k, v in (params or {}).items()}
    table = run_local(q, named, resolve_params(q, bindings, named), engine)
    terms = {v for r in table.rows for v in r.values()}
    table.labels = term_labels(named, terms, lang)
    return table

