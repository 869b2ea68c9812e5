"""The columnar engine: the whole pipeline as SQL in DuckDB, compiled from the same files.

    load (N-Triples read by DuckDB) → validate (shapes → SPARQL → SQL) → reason (queries/entailment)
    → rules (queries/rules) → results (queries/scale)

Nothing here states the logic: every query it runs is compiled by
:mod:`chuangshu.engines.sparql_sql` from the rule files, the entailment updates and the
SHACL shapes at start, so a researcher who edits a rule sees the change at every scale; a
construct the compiler does not translate stops the run before any data is read.

The graph is dictionary-encoded (``terms``: each term's canonical N-Triples text and id;
``triples``: ids, sorted by predicate; the view ``graph`` shows it as text). N-Triples in Oxigraph's canonical form
(what ``chuangshu synth`` and ``chuangshu export`` write) is read by DuckDB directly, each line
checked against the grammar; any other RDF (Turtle, RDF/XML, JSON-LD, N-Triples with other
escapes) is parsed by Oxigraph, which reports syntax errors with their line, and written
canonically for DuckDB first. DuckDB spills to a private temporary folder past its memory limit.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import URIRef

from .. import resources
from ..errors import InputError, stopped_query
from ..i18n import preferred
from . import sparql_sql
from .base import DETAIL_QUERIES, EngineRun, entailment_files
from .sparql_sql import (Compiled, Compiler, compile_query, compile_update, from_nt, install, nt, predicates_read, q, sql_str,
                         with_texts)

RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

# a line of N-Triples as Oxigraph writes it: one space between terms, nothing escaped that need not be
_IRI = r'<[^<>"{}|^`\\\x00-\x20]*>'
_BNODE = r"_:[A-Za-z0-9_][A-Za-z0-9_.\-]*"
_LITERAL = (r'"(?:[^"\\\x00-\x1f\x7f]|\\[tbnrf"\\]|\\u00[01][0-9A-F]|\\u007F)*"'
            r'(?:@[a-z]+(?:-[a-z0-9]+)*|\^\^' + _IRI + r")?")
CANONICAL_LINE = rf"^({_IRI}|{_BNODE}) ({_IRI}) ({_IRI}|{_BNODE}|{_LITERAL}) \.$"


# the compiler's source, hashed when it is imported, so that a cache key names the code that runs
_COMPILER_DIGEST = hashlib.sha256(Path(sparql_sql.__file__).read_bytes()).hexdigest()


def _disk_cached(kind: str, text: str, source: str, compute, dump=lambda x: x, load=lambda x: x):
    """What the compiler makes of a query, kept in the cache folder (``…/chuangshu/sql``) keyed by the
    query's text and the compiler's own source: parsing ~110 queries with rdflib takes ~1.7 s, reading
    them back ~20 ms. A cache that cannot be read or written only makes the run slower."""
    import json

    from ..reason import cache_dir

    folder = cache_dir()
    key = hashlib.sha256("\0".join((kind, source, text, _COMPILER_DIGEST)).encode("utf-8")).hexdigest()
    path = folder / "sql" / f"{key}.json" if folder is not None else None
    if path is not None and path.is_file():
        try:
            return load(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            pass
    out = compute()
    if path is not None:
        try:
            from ..canon import write_atomic

            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(dump(out)))
        except Exception:  # noqa: BLE001
            pass
    return out


def _dump(compiled: list[Compiled]) -> list:
    from rdflib import Variable

    return [{"sql": c.sql, "vars": c.vars, "texts": c.texts, "constants": c.constants, "ids": c.ids, "keep": c.keep,
             "kind": c.kind, "template": [["?" + str(t) if isinstance(t, Variable) else nt(t) for t in tr] for tr in c.template]}
            for c in compiled]


def _load(data: list) -> list[Compiled]:
    from rdflib import Variable

    return [Compiled(c["sql"], c["vars"], [tuple(Variable(t[1:]) if t.startswith("?") else from_nt(t) for t in tr)
                                           for tr in c["template"]], c["texts"], c["constants"], c["ids"], c.get("keep"),
                     c.get("kind", "select"))
            for c in data]


@lru_cache(maxsize=None)
def _compiled_query(text: str, source: str, keep: frozenset | None = None, ordered: bool = True,
                    as_ids: bool = False) -> Compiled:
    kind = (("query" if keep is None else "query keeping " + " ".join(sorted(keep))) + ("" if ordered else " unordered")
            + (" as ids" if as_ids else ""))
    return _disk_cached(kind, text, source, lambda: [compile_query(text, source=source, keep=keep, ordered=ordered,
                                                                   as_ids=as_ids)], _dump, _load)[0]


@lru_cache(maxsize=None)
def _predicates_read(text: str) -> frozenset | None:
    found = _disk_cached("predicates", text, "", lambda: predicates_read(text),
                         lambda x: sorted(x) if x is not None else None, lambda x: x)
    return frozenset(found) if found is not None else None


@lru_cache(maxsize=None)
def _compiled_update(text: str, source: str) -> tuple[Compiled, ...]:
    return tuple(_disk_cached("update", text, source, lambda: compile_update(text, source=source), _dump, _load))


def memory_limit(input_bytes: int | None = None) -> str:
    """DuckDB's memory limit: ``CHUANGSHU_MEMORY_LIMIT`` (e.g. ``3GB``), else four times the input's
    size as N-Triples, at least 512 MB and at most 2 GB or 60 % of the machine if that is less (20,000
    communities, 170 MB of N-Triples: 680 MB, 0.5–0.6 GiB peak; 100,000: 2 GB, 1.8–2.2 GiB peak). Past
    it DuckDB writes what it can to disk; a query whose operators need more than the limit stops with
    DuckDB's out-of-memory error (README, "City scale", for what N = 100,000 needs)."""
    if os.environ.get("CHUANGSHU_MEMORY_LIMIT"):
        return os.environ["CHUANGSHU_MEMORY_LIMIT"]
    try:
        cap = min(2048, max(256, int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * 0.6 / 2**20)))
    except (ValueError, OSError):
        cap = 2048
    if input_bytes is not None:
        cap = min(cap, max(512, 4 * input_bytes // 2**20))
    return f"{cap}MB"


class _Label(str):
    """A label's text with its language (what :func:`chuangshu.i18n.preferred` reads of a literal),
    without building an rdflib literal for each of a city's labels."""

    def __new__(cls, text: str, language: str | None):
        out = super().__new__(cls, text)
        out.language = language
        return out


def decode(sql: str) -> str:
    """SQL of the N-Triples text of the term whose id ``sql`` gives (the dictionary ``terms``)."""
    return Compiler().decode(sql)


_OPEN: dict = {}  # folder → connection of every run not yet closed (see _close_and_remove)


def _close_and_remove(con, folder: str) -> None:
    """Close the run's database and remove its folder, whole: Ctrl-C (or SIGTERM, SIGHUP) that comes
    meanwhile waits until the folder is gone. One that comes before the signals are held can still
    stop this half-way (it left a folder of gigabytes behind): :func:`remove_left` then
    finishes the work when the interpreter exits."""
    with _signals_held():
        con.close()
        shutil.rmtree(folder, True)
        _OPEN.pop(folder, None)


@contextmanager
def _signals_held():
    """Ctrl-C, SIGTERM and SIGHUP wait until the block is done, then stop the run as they would have.
    Their handlers are swapped for ones that only note them (a signal mask would not do: the system
    hands a signal to any thread that does not block it, DuckDB's among them, and Python then runs
    the handler in the main thread at once). Outside the main thread, nothing is held."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stops = [sig for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if sig is not None]
    previous = {sig: signal.getsignal(sig) for sig in stops}
    noted: list = []
    for sig in stops:
        signal.signal(sig, lambda signum, frame: noted.append((signum, frame)))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        for signum, frame in noted[:1]:  # the first stop, now
            handler = previous[signum]
            if callable(handler):
                handler(signum, frame)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)


def remove_folders() -> None:
    """Every open run's folder removed, its connection left as it is (for a process about to end
    whatever a connection is doing)."""
    for folder in list(_OPEN):
        shutil.rmtree(folder, True)


@atexit.register
def remove_left() -> None:
    """Every run not closed yet: its database closed, its folder removed (at exit, or by a stopped command)."""
    for folder, con in list(_OPEN.items()):
        _close_and_remove(con, folder)


@dataclass
class ColumnarRun(EngineRun):
    # lean: a rule adds only the triples some later rule or results query can read (no reasons, no
    # PROV-O: those are for explanations, made on demand over one community's part); full: all
    lean: bool = False
    # the constants the queries name (check_compiles), put into the dictionary with the data
    constants: tuple = ()

    def __post_init__(self):
        import uuid
        import weakref

        with _signals_held():  # a module half imported stays so (DuckDB's extension then failed at exit)
            import duckdb

        # the run's folder: what DuckDB spills, canonical copies of non-N-Triples inputs.
        # It goes with the run (close), or at exit at the latest.
        self._tmp = os.path.join(tempfile.gettempdir(), f"chuangshu-duckdb-{uuid.uuid4().hex}")
        # an in-memory database that writes what exceeds the memory limit to the run's folder. (A
        # database file there kept its pages compressed, 0.54 against 0.62 GiB peak at N = 20,000, but
        # every insert went through its write-ahead log: 0.7 s of 5.8 at 20,000, 3.5 of 27 at 100,000.)
        with _signals_held():  # the folder is known to close() and to the exit as soon as it exists
            os.makedirs(self._tmp)
            self.con = duckdb.connect(":memory:", config={"memory_limit": memory_limit(), "temp_directory": self._tmp,
                                                        "preserve_insertion_order": False,
                                                        # a LEFT JOIN builds its hash table on the OPTIONAL side, as
                                                        # compiled: DuckDB's estimates through the rules' nested
                                                        # projections are ~1 row, so it swapped the sides and built
                                                        # on the big one (rule 15 needed 0.9 GB at N = 20,000 for a
                                                        # 42 MB result, and ran out of memory at 100,000)
                                                        "disabled_optimizers": "build_side_probe_side"})
            # the connection first, then its files: DuckDB crashed (signal 11) at interpreter exit when
            # its folder went while it was still open
            self._finalizer = weakref.finalize(self, _close_and_remove, self.con, self._tmp)
            _OPEN[self._tmp] = self.con
        install(self.con)
        self.con.execute("CREATE TABLE terms (id UBIGINT, t VARCHAR)")
        self._loaded = False
        self._id_of: dict[str, int] = {}  # constant term → its id (_ids)
        self._staged: list[str] = []  # the tables of lines read and not yet in the graph (see _commit)
        self._validating = None  # (threads, cursors) of a validation running beside the rules
        self._registered: set[str] = set()  # constants already in the dictionary
        self._predicates: set[int] = set()  # the ids of the predicates the graph has

    def close(self) -> None:
        self._stop_validating()
        self._finalizer()
        self.con = None

    def _timed(self, name: str, fn, *args, **kwargs):
        """A step, timed; Ctrl-C during one of its queries is a KeyboardInterrupt, as anywhere else
        (DuckDB reports the query it stopped as a RuntimeError "Query interrupted", or, stopped by
        :meth:`_stop_validating`, as an InterruptException)."""
        try:
            return super()._timed(name, fn, *args, **kwargs)
        except Exception as err:
            if stopped_query(err):
                raise KeyboardInterrupt from None
            raise

    # ---- load ---------------------------------------------------------------------------------
    def load(self, files: list[Path], *, with_ontology: bool = True) -> None:
        def run():
            paths = self.input_files(files, with_ontology)
            # the input as N-Triples would be about three times a Turtle or JSON-LD file's size
            size = sum(f.stat().st_size * (1 if f.suffix.lower() == ".nt" else 3) for f in paths)
            self.con.execute(f"SET memory_limit = {sql_str(memory_limit(size))}")
            for f in paths:
                self._stage(f)
            self._commit()
            self._known(self.constants)
        self._timed("load", run)

    def _stage(self, path: Path) -> None:
        if path.suffix.lower() == ".nt" and self._stage_canonical(path):
            return
        copy = self._canonical_copy(path)
        try:
            self._stage_canonical(copy, known_good=True)
        finally:
            copy.unlink()

    def _stage_canonical(self, path: Path, known_good: bool = False) -> bool:
        """Read N-Triples in canonical form; False (nothing read) when a line is not."""
        lines = f"lines{len(self._staged)}"
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {lines} AS SELECT t.s AS s, t.p AS p, t.o AS o FROM (SELECT "
                         f"regexp_extract(line, {sql_str(CANONICAL_LINE)}, ['s', 'p', 'o']) AS t FROM read_csv(?, columns = "
                         "{'line': 'VARCHAR'}, delim = chr(1), quote = '', escape = '', header = false, auto_detect = false))",
                         [str(path)])
        if not known_good and self.con.execute(f"SELECT count(*) FROM {lines} WHERE s = ''").fetchone()[0]:
            self.con.execute(f"DROP TABLE {lines}")
            return False
        self._staged.append(lines)
        return True

    def _canonical_copy(self, path: Path) -> Path:
        """Any RDF file Oxigraph reads, written as canonical N-Triples in the run's folder."""
        import pyoxigraph as ox

        from ..rdf import PREFIXES, check_xml, rdf_format

        fmt = rdf_format(path)
        if fmt == ox.RdfFormat.RDF_XML:
            check_xml(path)
        out = Path(self._tmp) / f"input-{len(os.listdir(self._tmp))}.nt"
        try:
            with open(out, "wb") as sink:
                ox.serialize((q.triple for q in ox.parse(path=str(path), format=fmt, base_iri=PREFIXES["csd"])),
                             output=sink, format=ox.RdfFormat.N_TRIPLES)
        except SyntaxError as err:
            reason = str(err).split(": ", 1)[-1]
            raise InputError(f"syntax error: {reason}", f"语法错误：{reason}",
                             where=f"{path}:{err.lineno}:{err.offset}" if err.lineno else str(path)) from None
        return out

    def _commit(self) -> None:
        """The staged lines, without repeats, become (or join) the graph: their terms in the
        dictionary, the triples as ids. (The tables of lines are read where they are, through a view:
        copying 10⁶ lines of text into one table first took a quarter of the load.)"""
        parts = [f"SELECT s, p, o FROM {t} WHERE s <> ''" for t in self._staged] or [
            "SELECT NULL::VARCHAR AS s, NULL::VARCHAR AS p, NULL::VARCHAR AS o WHERE false"]  # (nothing staged)
        self.con.execute("CREATE OR REPLACE TEMP VIEW staged AS " + " UNION ALL ".join(parts))
        self._register("SELECT s AS t FROM staged UNION ALL SELECT p FROM staged UNION ALL SELECT o FROM staged",
                       fresh=self._loaded)
        new = "SELECT DISTINCT rdf_id_c(s) AS s, rdf_id_c(p) AS p, rdf_id_c(o) AS o FROM staged"
        if self._loaded:
            self._append(new, fresh=True)
            self.con.execute("DROP TABLE fresh")
        else:
            # sorted by predicate, so that a pattern with a constant predicate reads only the row
            # groups that hold it (DuckDB's zone maps)
            self.con.execute(f"CREATE TABLE triples AS {new} ORDER BY p")
            self._predicates = {p for (p,) in self.con.execute("SELECT DISTINCT p FROM triples").fetchall()}
            # the graph as N-Triples text, for a person reading it (the engine's queries use ids)
            self.con.execute("CREATE VIEW graph AS SELECT ts.t AS s, tp.t AS p, tv.t AS o FROM triples AS x "
                             "JOIN terms AS ts ON ts.id = x.s JOIN terms AS tp ON tp.id = x.p JOIN terms AS tv ON tv.id = x.o")
        self.con.execute("; ".join(["DROP VIEW staged"] + [f"DROP TABLE {t}" for t in self._staged]))
        self._staged = []
        self._loaded = True

    def _register(self, texts: str, params=None, fresh: bool = False) -> None:
        """The terms (N-Triples text) that the SELECT ``texts`` gives into the dictionary, each with
        its id. Two terms with one id (a 60-bit hash: about one chance in 2 × 10⁶ for 10⁶ terms) stop
        the run rather than be taken for one."""
        # each candidate with the text its id has in the dictionary, if it is there (the dictionary
        # read, the hash table built on the candidates: terms RIGHT JOIN them)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE candidates AS SELECT c.t, c.id, d.t AS known FROM terms AS d "
                         f"RIGHT JOIN (SELECT t, rdf_id_c(t) AS id FROM (SELECT DISTINCT t FROM ({texts}) "
                         f"WHERE t IS NOT NULL)) AS c ON d.id = c.id", params)
        clash = self.con.execute("SELECT count(*) FILTER (WHERE known <> t) + count(*) - count(DISTINCT id) "
                                 "FROM candidates").fetchone()[0]
        if clash:
            raise InputError("two different terms have the same id in the columnar engine's dictionary; "
                             "use --scale-engine oxigraph for this input",
                             "列式引擎的词典中两个不同的项得到了相同的编号；请对此输入使用 --scale-engine oxigraph")
        self.con.execute("INSERT INTO terms SELECT id, t FROM candidates WHERE known IS NULL")
        if fresh:  # the ids of the terms new to the dictionary (see _append)
            self.con.execute("CREATE OR REPLACE TEMP TABLE fresh AS SELECT id FROM candidates WHERE known IS NULL")
        self.con.execute("DROP TABLE candidates")

    def _constants(self, compiled: Compiled) -> None:
        """The constants a compiled query names, in the dictionary (once each)."""
        self._known(compiled.constants + compiled.template_constants())

    def _known(self, terms) -> None:
        """Constant terms (N-Triples text) in the dictionary, once each."""
        new = sorted(set(terms) - self._registered)
        if new:
            self._register("SELECT unnest(?::VARCHAR[]) AS t", [new])
            self._registered.update(new)

    def add_triples(self, triples) -> None:
        """rdflib triples into the graph (a few thousand at most: the reference cases)."""
        rows = [(nt(s), nt(p), nt(o)) for s, p, o in triples]
        if rows:  # three lists in one statement (executemany took 0.8 s for the reference cases)
            lines = f"lines{len(self._staged)}"
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {lines} AS SELECT unnest(?::VARCHAR[]) AS s, "
                             "unnest(?::VARCHAR[]) AS p, unnest(?::VARCHAR[]) AS o", [list(column) for column in zip(*rows)])
            self._staged.append(lines)
            self._commit()

    def add_graph(self, graph) -> None:
        """An rdflib graph's triples into the graph (as :meth:`add_triples`; one community's part, say)."""
        self.add_triples(graph)

    def add_named_graphs(self, graphs: dict) -> None:
        """Named graphs ({IRI: rdflib triples}) into the table named_triples (g, s, p, o), which GRAPH and
        FROM read when a query is compiled with the graphs' names (``compile_query(graphs=…)``)."""
        self.con.execute("CREATE TEMP TABLE IF NOT EXISTS named_triples (g UBIGINT, s UBIGINT, p UBIGINT, o UBIGINT)")
        rows = [(nt(URIRef(name)), nt(s), nt(p), nt(o)) for name, triples in graphs.items() for s, p, o in triples]
        if not rows:
            return
        self.con.execute("CREATE OR REPLACE TEMP TABLE named_lines AS SELECT unnest(?::VARCHAR[]) AS g, unnest(?::VARCHAR[]) AS s, "
                         "unnest(?::VARCHAR[]) AS p, unnest(?::VARCHAR[]) AS o", [list(column) for column in zip(*rows)])
        self._register("SELECT g AS t FROM named_lines UNION ALL SELECT s FROM named_lines UNION ALL "
                       "SELECT p FROM named_lines UNION ALL SELECT o FROM named_lines")
        self.con.execute("INSERT INTO named_triples SELECT DISTINCT rdf_id_c(g), rdf_id_c(s), rdf_id_c(p), rdf_id_c(o) FROM named_lines")
        self.con.execute("DROP TABLE named_lines")

    def __len__(self) -> int:
        return self.con.execute("SELECT count(*) FROM triples").fetchone()[0]

    # ---- queries ------------------------------------------------------------------------------
    def select(self, compiled: Compiled) -> list[dict]:
        """Rows of a compiled SELECT as {variable: N-Triples text}, unbound variables left out."""
        self._constants(compiled)
        return _rows(self.con.execute(compiled.sql))

    def construct(self, compiled: Compiled):
        """The graph a compiled CONSTRUCT makes (an rdflib Graph): each solution put into the template, a
        blank node of the template fresh for each solution; a triple with an unbound variable, or with a
        literal as subject or something else than an IRI as predicate, left out (as SPARQL says)."""
        from rdflib import BNode as B, Graph, Literal as L, URIRef as U, Variable

        self._constants(compiled)
        cols = ", ".join(f"s.{q(v)} AS {q(v)}" if v in compiled.texts else
                         f"(SELECT any_value(d.t) FROM terms AS d WHERE d.id = s.{q(v)}) AS {q(v)}" for v in compiled.vars)
        out = Graph()
        for n, row in enumerate(self.con.execute(f"SELECT {cols or '1'} FROM ({compiled.sql}) AS s").fetchall()):
            values = {v: from_nt(t) for v, t in zip(compiled.vars, row) if t is not None}
            fresh: dict = {}
            for triple in compiled.template:
                terms = []
                for t in triple:
                    if isinstance(t, Variable):
                        t = values.get(str(t))
                    elif isinstance(t, B):
                        t = fresh.setdefault(t, B(f"c{n}x{len(fresh)}"))
                    terms.append(t)
                s, p, o = terms
                if s is None or p is None or o is None or isinstance(s, L) or not isinstance(p, U):
                    continue
                out.add((s, p, o))
        return out

    def insert(self, compiled: Compiled) -> int:
        """The template's triples for every solution, added where new; how many were new."""
        self._constants(compiled)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE solutions AS {compiled.sql}")
        texts = compiled.texts_sql("solutions")
        made = texts is not None
        if made:  # terms the rule made (IRIs, literals): into the dictionary, then as ids
            self._register(texts, fresh=True)
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE solution_ids AS {compiled.ids_sql('solutions')}")
        predicates = compiled.template_predicates()
        added = self._append(compiled.insert_sql("solution_ids" if made else "solutions", ids=made),
                             None if predicates is None else self._ids(predicates), fresh=made)
        self.con.execute("DROP TABLE solutions; DROP TABLE IF EXISTS solution_ids; DROP TABLE IF EXISTS fresh")
        return added

    def _ids(self, texts) -> set[int]:
        """The ids of constant terms (N-Triples text), computed once each."""
        new = sorted(set(texts) - self._id_of.keys())
        if new:
            self._id_of.update(self.con.execute("SELECT t, rdf_id_c(t) FROM (SELECT unnest(?::VARCHAR[]) AS t)", [new]).fetchall())
        return {self._id_of[t] for t in texts}

    def _append(self, source: str, predicates: set[int] | None = None, fresh: bool = False) -> int:
        """The distinct triples (ids) that the SELECT ``source`` gives and the graph lacks, added; how
        many. (Unsorted: sorting each rule's triples by predicate, as the loaded graph is, cost more
        than the row groups it let later queries skip: rules 2.68 → 2.61 s at N = 20,000 without.)
        A triple can be there already only if its predicate is: most rules conclude with new ones,
        and the others are compared with those predicates' triples only. ``predicates``: those the
        triples can have (a rule's template says), else they are read."""
        derived = predicates is None
        if derived:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE derived AS {source}")
            source = "SELECT * FROM derived"
            predicates = {p for (p,) in self.con.execute("SELECT DISTINCT p FROM derived").fetchall()}
        seen = sorted(predicates & self._predicates)
        self._predicates |= predicates
        try:
            if not seen:
                return self.con.execute(f"INSERT INTO triples SELECT s, p, o FROM ({source})").fetchone()[0]
            if fresh:
                # a triple with a term new to the dictionary (fresh: what the rule just made) is new to
                # the graph: only the others are looked for among the graph's (building on those few)
                return self.con.execute(
                    f"INSERT INTO triples SELECT s, p, o FROM (WITH d AS MATERIALIZED ({source}), "
                    "old AS MATERIALIZED (SELECT * FROM d WHERE p IN (SELECT unnest(?::UBIGINT[])) AND s NOT IN "
                    "(SELECT id FROM fresh) AND o NOT IN (SELECT id FROM fresh)), "
                    "there AS (SELECT t.s, t.p, t.o FROM triples AS t SEMI JOIN old ON t.s = old.s AND t.p = old.p "
                    "AND t.o = old.o WHERE t.p IN (SELECT unnest(?::UBIGINT[]))) "
                    "SELECT d.s, d.p, d.o FROM d ANTI JOIN there ON d.s = there.s AND d.p = there.p AND d.o = there.o)",
                    [seen, seen]).fetchone()[0]
            return self.con.execute(
                f"INSERT INTO triples SELECT d.s, d.p, d.o FROM ({source}) AS d ANTI JOIN "
                "(SELECT s, p, o FROM triples WHERE p IN (SELECT unnest(?::UBIGINT[]))) AS t "
                "ON d.s = t.s AND d.p = t.p AND d.o = t.o", [seen]).fetchone()[0]
        finally:
            if derived:
                self.con.execute("DROP TABLE derived")

    def _terms(self, ids, reader=None) -> dict:
        """{id: the term} for the ids given, in one query (through ``reader``, a cursor, if given)."""
        if not ids:
            return {}
        return {i: from_nt(t) for i, t in (reader or self.con).execute(
            "SELECT id, t FROM terms WHERE id IN (SELECT unnest(?::UBIGINT[]))", [sorted(ids)]).fetchall()}

    def labels(self, iris, lang: str, reader=None) -> dict:
        """{IRI: its label in ``lang`` (else en, zh, any)} in one query (through ``reader``, a cursor, if given)."""
        wanted = sorted({f"<{i}>" for i in iris if isinstance(i, URIRef)})
        if not wanted:
            return {}
        rows = (reader or self.con).execute(
            "SELECT s, rdf_value_c(o), NULLIF(rdf_lang_c(o), '') FROM "
            f"(SELECT {decode('l.s')} AS s, {decode('l.o')} AS o FROM triples AS l "
            "SEMI JOIN (SELECT rdf_id(unnest(?::VARCHAR[])) AS w) AS w ON l.s = w.w "
            f"WHERE l.p = rdf_id({sql_str(RDFS_LABEL)}))", [wanted]).fetchall()
        by: dict = {}
        for s, text, language in rows:
            by.setdefault(s, []).append(_Label(text, language))
        return {URIRef(s[1:-1]): str(preferred(labels, lang)) for s, labels in by.items()}

    # ---- validate -----------------------------------------------------------------------------
    def validate(self, *, lang: str = "en", allow_warnings: bool = False, itemize_info: bool = True, shapes=None):
        return self.validate_beside(lang=lang, allow_warnings=allow_warnings, itemize_info=itemize_info,
                                    shapes=shapes).result()

    def validate_beside(self, *, lang: str = "en", allow_warnings: bool = False, itemize_info: bool = True,
                        shapes=None):
        """Validation of the graph as it is now, run on a snapshot of it (two cursors, each in a
        transaction begun here) by two threads of its own while the caller goes on: the reasoner and
        the rules add triples meanwhile, which it does not see. Most constraint queries are small and
        DuckDB plans each on one thread, so they fill the core the rules leave idle. Returns an object
        whose ``result()`` waits for the report; :meth:`close` stops what is still running."""
        import threading
        from concurrent.futures import ThreadPoolExecutor

        from ..fastshacl import build_report, compile_shapes, tallied
        from ..shapes import shapes_graph

        started = time.perf_counter()
        custom = shapes is not None
        shapes = shapes if custom else shapes_graph()
        compiled = compile_shapes(shapes)
        # what the queries need is read or put into the dictionary now, before anything is added to it
        ill = self._ill_typed(sorted({str(d) for c in compiled if c.lexical_query for d in c.datatypes}))
        counts = self._count_queries([c for c in compiled if c.count is not None])
        jobs = []  # (constraint, counted only?, its query, its ill-typed rows query or None), in order
        for c in compiled:
            if c.count is not None:
                continue
            source = f"{'the shapes' if custom else 'shapes/case-data.ttl'} ({c.constraint.n3()})"
            query = _compiled_query(c.query, source, as_ids=True)  # the texts looked up for all queries at once
            self._constants(query)
            lexical = None
            if c.lexical_query and ill:  # the rows of the graph's ill-typed literals, if it has any
                lexical = _compiled_query(c.lexical_query, source)
                self._constants(lexical)
            jobs.append((c, not c.lexical_query and tallied(c, shapes, lang, itemize_info), query, lexical))

        def answer(job, cur):
            _, count, query, lexical = job
            if count:
                return cur.execute(f"SELECT count(*) FROM ({query.sql})").fetchone()[0]
            result = cur.execute(query.sql)
            names = [d[0] for d in result.description]
            rows = [{n: (v if n in query.ids else from_nt(v)) for n, v in zip(names, row) if v is not None}
                    for row in result.fetchall()]  # (the ids' texts are looked up for every query at once)
            more = []
            if lexical is not None:
                more = _rows(cur.execute(f"SELECT * FROM ({lexical.sql}) WHERE {q('value')} "
                                         "IN (SELECT unnest(?::VARCHAR[]))", [ill]), from_nt)
            return rows, more

        with _signals_held():  # the cursors and threads known to close() as soon as they exist
            readers = [self._snapshot() for _ in range(2)]
            pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="chuangshu-validate")
            self._validating = (pool, readers)
        free, local, finished = list(readers), threading.local(), [started]

        def on_reader(fn, item, constraints=1):
            if not hasattr(local, "cursor"):
                local.cursor = free.pop()
            out = fn(item, local.cursor)
            finished[0] = time.perf_counter()
            for _ in range(constraints):  # the progress bar counts constraints
                self._tick("validate")
            return out

        counted_rows = [pool.submit(on_reader, lambda sql, cur: cur.execute(sql).fetchall(), sql, len(group))
                        for group, _, sql in counts]
        answers = [pool.submit(on_reader, answer, job) for job in jobs]

        def report():
            try:
                found, counted = [], []
                for (group, paths, _), future in zip(counts, counted_rows):
                    rows = future.result()
                    for c in group:
                        i = paths.index((c.count[1], c.count[2]))
                        op, bound = c.count[3], c.count[4]
                        bad = [{"this": from_nt(r[0])} for r in rows if (r[1 + i] < bound if op == "<" else r[1 + i] > bound)]
                        (counted.append((c, len(bad))) if tallied(c, shapes, lang, itemize_info) else found.append((c, bad)))
                answered = [(c, count, query, future.result()) for (c, count, query, _), future in zip(jobs, answers)]
                terms = self._terms({r[v] for c, count, query, out in answered if not count
                                     for r in out[0] for v in query.ids if v in r}, readers[0])
                for c, count, query, out in answered:
                    if count:
                        counted.append((c, out))
                    else:
                        rows, more = out
                        found.append((c, [{v: terms[t] if v in query.ids else t for v, t in r.items()} for r in rows] + more))
                # messages name any value by its label, as the graph was when validation began
                named = self.labels({t for _, rows in found for r in rows for t in r.values()}, lang, readers[0])
                out = build_report(shapes, found, named.get, lang=lang, allow_warnings=allow_warnings, counted=counted)
            except Exception as err:
                if stopped_query(err):
                    raise KeyboardInterrupt from None
                raise
            finally:
                self._stop_validating()
            self.timings["validate"] = self.timings.get("validate", 0.0) + finished[0] - started
            return out
        return _Pending(report, lambda: all(f.done() for f in counted_rows + answers))

    def _snapshot(self):
        """A cursor in a transaction that sees the database as it is now, whatever is added later."""
        cur = self.con.cursor()
        cur.execute("BEGIN TRANSACTION")
        cur.execute("SELECT count(*) FROM triples").fetchone()  # DuckDB takes the snapshot at the first read
        return cur

    def _stop_validating(self) -> None:
        """Validation still running in the background cancelled, its queries interrupted, its cursors closed."""
        if getattr(self, "_validating", None) is None:
            return
        pool, readers = self._validating
        self._validating = None
        pool.shutdown(wait=False, cancel_futures=True)
        for cur in readers:
            cur.interrupt()
        pool.shutdown(wait=True)
        for cur in readers:
            cur.close()

    def _ill_typed(self, datatypes: list[str]) -> list[str]:
        """Every literal in the dictionary with one of ``datatypes`` whose lexical form that datatype
        does not allow ("2022-13-45"^^xsd:date, as rdflib and so pySHACL tell), each checked once for
        all the shapes that name its datatype (the dictionary holds each term once; a literal with a
        datatype is the only kind whose id ends in 3)."""
        from ..fastshacl import ill_typed

        if not datatypes:
            return []
        values = self.con.execute("SELECT t FROM terms WHERE id & 3 = 3 AND rdf_dt_c(t) IN (SELECT unnest(?::VARCHAR[]))",
                                  [datatypes]).fetchall()
        return sorted(nt(t) for t in ill_typed(from_nt(v) for (v,) in values))

    def _count_queries(self, constraints) -> list[tuple]:
        """The count constraints (sh:minCount, sh:maxCount) of each focus class in one pass: a query
        giving every focus node's number of distinct values on each counted path, with the
        constraints it answers and the paths in the order of its columns: (constraints, paths, SQL)."""
        from rdflib import RDF, RDFS
        from rdflib.paths import MulPath, SequencePath

        out = []
        by_target: dict = {}
        for c in constraints:
            by_target.setdefault(c.count[0], []).append(c)
        for target, group in sorted(by_target.items()):
            compiler = Compiler()
            focus = compiler.path(SequencePath(RDF.type, MulPath(RDFS.subClassOf, "*")), None, URIRef(target))
            paths = sorted({(c.count[1], c.count[2]) for c in group})
            cols, joins = [], []
            for i, (pred, inverse) in enumerate(paths):
                this, value = ("o", "s") if inverse else ("s", "o")
                joins.append(f"LEFT JOIN (SELECT {this} AS this, count(DISTINCT {value}) AS n FROM triples "
                             f"WHERE p = {compiler.const(URIRef(pred))} GROUP BY {this}) AS c{i} ON c{i}.this = f.this")
                cols.append(f"COALESCE(c{i}.n, 0) AS n{i}")
            # only the focus nodes some bound is broken for (a few, of 10⁵): their counts checked again in Python
            broken = " OR ".join(sorted({f"n{paths.index((c.count[1], c.count[2]))} {c.count[3]} {int(c.count[4])}"
                                         for c in group}))
            sql = (f"SELECT {decode('f.this')}, * EXCLUDE (this) FROM (SELECT f.this, {', '.join(cols)} FROM (SELECT "
                   f"DISTINCT s AS this FROM ({focus}) WHERE o = {compiler.const(URIRef(target))}) AS f "
                   f"{' '.join(joins)}) AS f WHERE {broken}")
            self._known(compiler.constants)
            out.append((group, paths, sql))
        return out

    def add_reference_cases(self) -> None:
        """The reference communities the data do not hold, as evidence for recommendations
        (the same triples the reference path adds: :func:`chuangshu.assess.reference_triples`)."""
        from rdflib.namespace import RDF

        from ..reference import reference_graph, reference_triples
        from ..rdf import CS

        def run():
            community = URIRef(CS + "Community")
            # which of the reference communities the data hold (not every community of a city decoded)
            wanted = sorted(nt(c) for c in reference_graph().subjects(RDF.type, community))
            own = [URIRef(t[1:-1]) for (t,) in self.con.execute(
                "SELECT w.t FROM (SELECT unnest(?::VARCHAR[]) AS t) AS w SEMI JOIN triples AS c "
                f"ON c.s = rdf_id(w.t) AND c.p = rdf_id({sql_str(RDF_TYPE)}) AND c.o = rdf_id({sql_str(nt(community))})",
                [wanted]).fetchall()]
            self.add_triples(reference_triples(own))
        self._timed("load", run)

    # ---- reason and rules (the loops are the interface's: EngineRun.reason, EngineRun.rules) -----------------
    def _update(self, text: str, source: str) -> None:
        for op in _compiled_update(text, source):
            self.insert(op)

    def _keeps(self, rules) -> list:
        return _read_later(rules) if self.lean else [None] * len(rules)

    def _apply_rule(self, rule, text: str, keep) -> None:
        compiled = _compiled_query(text, f"queries/rules/{rule.path.name}", keep)
        if compiled.template:
            self.insert(compiled)

    # ---- results ------------------------------------------------------------------------------
    def _scale_query(self, name: str) -> Compiled:
        # the readers sort: communities by IRI (pipeline.community_rows), each one's details (tables.fast_table)
        # (their terms as ids, looked up at once: _with_texts)
        return _compiled_query(*_scale_query_text(name), ordered=False, as_ids=True)

    def values(self, compiled: Compiled, labels=()) -> list[dict]:
        """Rows of a compiled SELECT as {variable: value}, taken apart in SQL: an IRI, a blank node's
        label or a literal's lexical form (the macro ``rdf_value``), and for the variables in ``labels`` the
        pair (lexical form, language or None); unbound variables left out."""
        self._constants(compiled)
        cols = ", ".join(_value_columns(compiled.vars, labels))
        out = []
        for row in self.con.execute(f"SELECT {cols} FROM ({_with_texts(compiled)})").fetchall():
            cells, i = {}, 0
            for v in compiled.vars:
                if v in labels:
                    if row[i] is not None:
                        cells[v] = (row[i], row[i + 1])
                    i += 2
                else:
                    if row[i] is not None:
                        cells[v] = row[i]
                    i += 1
            out.append(cells)
        return out

    def assess(self) -> list[dict]:
        return self._timed("assess", lambda: self.values(self._scale_query("summary")))

    def select_terms(self, text: str) -> list[dict]:
        from ..results import source_of

        compiled = _compiled_query(text, source_of(text), ordered=False)
        terms: dict = {}  # each distinct term made once (a city's rows repeat their IRIs and labels)

        def term(text):
            found = terms.get(text)
            if found is None:
                found = terms[text] = from_nt(text)
            return found
        return [{k: term(v) for k, v in row.items()} for row in self.select(compiled)]

    def detail_tables(self):
        """The details as tables in this run's own database (no rows through Python): each value as
        :meth:`values` gives it, a label as its text and its language (NULL for none)."""
        def run():
            for name in DETAIL_QUERIES:
                compiled = self._scale_query(name)
                self._constants(compiled)
                cols = ", ".join(_value_columns(compiled.vars, ("label",), named=True))
                self.con.execute(f"CREATE OR REPLACE TEMP TABLE details_{name} AS SELECT {cols} FROM ({_with_texts(compiled)})")
            return self.con
        return self._timed("details", run)

    def details(self, names=DETAIL_QUERIES) -> dict[str, list[dict]]:
        """What the one-row-per-community table adds to the summary (``queries/scale/{recommendations,gaps,labels}.rq``;
        those of ``names``)."""
        return self._timed("details", lambda: {name: self.values(self._scale_query(name), labels=("label",))
                                               for name in names})


SCALE_QUERIES = ("summary",) + DETAIL_QUERIES  # queries/scale/NAME.rq: what the table reads


class _Pending:
    """A validation running in the background: ``result()`` waits for its report, ``done()`` says
    whether it could be had without waiting."""

    def __init__(self, report, done):
        self._report, self.done, self._out = report, done, None

    def result(self):
        if self._out is None:
            self._out = self._report()
        return self._out


def _rows(cur, convert=lambda v: v) -> list[dict]:
    """A cursor's rows as {column: value}, each value converted, NULLs left out."""
    names = [d[0] for d in cur.description]
    return [{n: convert(v) for n, v in zip(names, row) if v is not None} for row in cur.fetchall()]


def _with_texts(compiled: Compiled) -> str:
    """SQL giving the variables of a SELECT compiled ``as_ids`` as N-Triples text, the ids looked up in
    one read of the dictionary (which each look-up of its own reads whole: ~20 ms at N = 20,000)."""
    if not compiled.ids:
        return compiled.sql
    return with_texts(f"({compiled.sql}) AS r", "r", [(q(v), f"r.{q(v)}") for v in compiled.ids], "", replace=True)


def _value_columns(variables, labels=(), named: bool = False) -> list[str]:
    """SQL taking apart the N-Triples text of each variable's column: an IRI, a blank node's label or
    a literal's lexical form (``rdf_value``); for the variables in ``labels`` the lexical form and the
    language tag (NULL for none), the latter named ``lang`` when ``named``."""
    cols = []
    for v in variables:
        if v in labels:
            cols.append(f"rdf_lex_c({q(v)})" + (f" AS {q(v)}" if named else ""))
            cols.append(f"NULLIF(rdf_lang_c({q(v)}), '')" + (" AS lang" if named else ""))
        else:
            cols.append(f"rdf_value_c({q(v)})" + (f" AS {q(v)}" if named else ""))
    return cols


def _scale_query_text(name: str) -> tuple[str, str]:
    """The text of ``queries/scale/NAME.rq`` and the name errors give it."""
    path = resources.resource_dir("queries") / "scale" / f"{name}.rq"
    return path.read_text(encoding="utf-8"), f"queries/scale/{name}.rq"


def _read_later(rules) -> list[frozenset | None]:
    """For each rule, the predicates that the rules after it and the results queries read (None: any,
    when one of them has a variable predicate): what a lean run lets the rule add."""
    later: frozenset | None = frozenset()
    keeps = []
    for text in reversed([r.text for r in rules] + [_scale_query_text(name)[0] for name in SCALE_QUERIES]):
        keeps.append(later)
        read = _predicates_read(text)
        later = None if read is None or later is None else later | read
    return list(reversed(keeps))[:len(rules)]


def check_compiles() -> list[str]:
    """Compile every rule, entailment, shape and results query now: an unsupported construct stops
    the run here, naming its file, before any data is read. Returns the constant terms they name,
    for the dictionary in one go (:meth:`ColumnarRun.load`) rather than a few at each of ~200 queries."""
    from ..fastshacl import compile_shapes
    from ..rules import load_rules
    from ..shapes import shapes_graph

    compiled = [c for f in entailment_files()
                for c in _compiled_update(f.read_text(encoding="utf-8"), f"queries/entailment/{f.name}")]
    compiled += [_compiled_query(rule.text, f"queries/rules/{rule.path.name}") for rule in load_rules(every=True)]
    for c in compile_shapes(shapes_graph()):
        if c.count is not None:
            continue  # counted in one pass per focus class (ColumnarRun._count_queries), not through SPARQL
        source = f"shapes/case-data.ttl ({c.constraint})"
        compiled.append(_compiled_query(c.query, source, as_ids=True))
        if c.lexical_query:
            compiled.append(_compiled_query(c.lexical_query, source))
    compiled += [_compiled_query(*_scale_query_text(name), ordered=False, as_ids=True) for name in SCALE_QUERIES]
    return sorted({t for c in compiled for t in c.constants + c.template_constants()})
