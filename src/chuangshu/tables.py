"""Tables for papers and notebooks, drawn from an assessment (:mod:`assess`): plain lists of rows that
the CLI writes as CSV or XLSX and :mod:`frames` turns into pandas data frames.

- :func:`recommendation_table` — one row per community × recommendation (a community without any
  keeps one row), labels in the chosen language, IRIs in their own columns;
- :func:`community_table` — one row per community;
- :func:`comparison_table` — the cross-case comparison in the shape of the paper's D-vs-S
  reading: one column per community, one row per aspect (type, action, stage, cycles, each
  dimension's interventions and mechanisms, the scopes reached, the gaps, what comes next);
- :func:`qca_table` — a QCA data matrix: conditions = dimension × relation scope (or × scope
  group) established, crisp (0/1) or calibrated (a four-value fuzzy set), outcome = the stage reached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from .model import DIMENSIONS, CommunityResult, label_of
from .engines.sparql_sql import q, sql_str
from .i18n import pick
from .rdf import CS
from .render import recommendation_what, stage_text, type_text

if TYPE_CHECKING:  # for annotations only: the assessment is made above the outputs
    from .assess import Assessment

C = lambda n: URIRef(CS + n)  # noqa: E731


@dataclass
class Table:
    """A header and rows of plain values (str, int, float, bool or None).

    One naming convention for the files and the frames: where a table has ``keys`` (snake_case,
    the same in every language), CSV, XLSX, Parquet and the data frames name their columns by them;
    the ``header`` in the chosen language is what a person reads — Markdown's header, and each XLSX
    header cell's note."""
    name: str
    header: list[str]
    rows: list[list]
    keys: list[str] | None = None      # the column names of the files and frames, when the header is in a language

    @property
    def columns(self) -> list[str]:
        """The column names the files and frames use."""
        return self.keys or self.header

    def as_text_rows(self) -> list[list[str]]:
        """Column names and rows as text cells (for CSV): booleans as 1/0, None as an empty cell."""
        def cell(v):
            if v is None:
                return ""
            if isinstance(v, bool):
                return "1" if v else "0"
            return str(v)
        return [self.columns] + [[cell(v) for v in r] for r in self.rows]


def _iri(term) -> str | None:
    return term.iri if term is not None else None


def _label(term) -> str | None:
    return term.label if term is not None else None


def _community_cells(c: CommunityResult) -> list:
    return [c.community.label, c.community.iri, _label(c.capital_type), _iri(c.capital_type),
            _label(c.capital_type_basis), _label(c.stage), _iri(c.stage), c.ready_to_move_on, c.warming_begun_early,
            c.initial_cycle_closed, c.advanced_cycle_closed, len(c.gaps)]


COMMUNITY_KEYS = ["community", "community_iri", "capital_type", "capital_type_iri", "capital_type_basis", "stage",
                  "stage_iri", "ready_to_move_on", "warming_begun_early", "initial_cycle_closed", "advanced_cycle_closed",
                  "gaps"]
RECOMMENDATION_KEYS = ["rank", "recommendation", "kind", "kind_iri", "intervention_type", "intervention_type_iri",
                       "dimension", "dimension_iri", "scopes", "scope_iris", "step", "step_iri", "priority", "extension",
                       "reason", "reference_cases", "quotations", "rule_iri", "as_of"]


def _community_header(lang: str) -> list[str]:
    L = lambda en, zh: pick(lang, en, zh)  # noqa: E731
    return [L("community", "社区"), "community_iri", L("capital type", "社会资本类型"), "capital_type_iri",
            L("type basis", "类型依据"), L("stage", "阶段"), "stage_iri", L("ready to move on", "可进入下一阶段"),
            L("warming begun early", "升温提前开始"), L("initial cycle closed", "初始循环闭合"), L("advanced cycle closed", "高阶循环闭合"), L("gaps", "缺口数")]


def community_table(a: Assessment, lang: str) -> Table:
    L = lambda en, zh: pick(lang, en, zh)  # noqa: E731
    header = _community_header(lang) + [L("first recommendation", "首要建议"), "as_of"]
    rows = [_community_cells(c) + [recommendation_what(c.recommendations[0], L) if c.recommendations else None, a.as_of]
            for c in a.communities]
    return Table("communities", header, rows, COMMUNITY_KEYS + ["first_recommendation", "as_of"])


def recommendation_table(a: Assessment, lang: str) -> Table:
    L = lambda en, zh: pick(lang, en, zh)  # noqa: E731
    header = _community_header(lang) + [
        L("rank", "排序"), L("recommendation", "建议"), L("kind", "建议类别"), "kind_iri",
        L("intervention type", "举措类型"), "intervention_type_iri", L("dimension", "维度"), "dimension_iri",
        L("relation scopes", "关系范围"), "scope_iris", L("cycle step", "循环环节"), "step_iri", L("priority", "优先级"),
        L("beyond the paper", "论文之外的扩展"), L("reason", "理由"), L("reference cases", "参照案例"),
        L("quotations", "访谈引文"), "rule_iri", "as_of"]
    rows = []
    for c in a.communities:
        base = _community_cells(c)
        if not c.recommendations:
            rows.append(base + [None] * (len(header) - len(base) - 1) + [a.as_of])
            continue
        for n, r in enumerate(c.recommendations, 1):
            cases = "; ".join(f"{e.intervention.label} ({e.community.label})" for e in r.evidence)
            quotes = "\n".join(f"“{q['text']}”（{q['code']}）" for e in r.evidence for q in e.quotations)
            rows.append(base + [
                n, recommendation_what(r, L), r.kind.label, r.kind.iri, _label(r.intervention_type), _iri(r.intervention_type),
                _label(r.dimension), _iri(r.dimension), "; ".join(s.label for s in r.scopes),
                " ".join(s.iri for s in r.scopes), _label(r.step), _iri(r.step), r.priority, r.extension, r.reason,
                cases or None, quotes or None, _iri(r.rule), a.as_of])
    return Table("recommendations", header, rows, COMMUNITY_KEYS + RECOMMENDATION_KEYS)


# --- the cross-case comparison ---------------------------------------------------------------------

def comparison_table(a: Assessment, keys: list[str], graph: Graph, lang: str) -> Table:
    """Aspects × communities, as the paper sets D against S: what kind of community it is, the action
    its stage calls for, which cycle is closed and on what basis, how each dimension is built (the
    interventions and their mechanisms), the relation scopes reached, the gaps and the next step."""
    L = lambda en, zh: pick(lang, en, zh)  # noqa: E731
    chosen = [a.community(k) for k in keys] if keys else list(a.communities)
    sep = "；" if lang == "zh" else "; "
    rows: list[list] = []

    def add(aspect, values):
        rows.append([aspect] + [v if v not in ("", []) else "—" for v in values])

    def forms(c):
        node = URIRef(c.community.iri)
        return sep.join(sorted(label_of(graph, f, lang) for f in graph.objects(node, C("hasForm"))))

    def literal(c, prop):
        return sep.join(sorted(str(v) for v in graph.objects(URIRef(c.community.iri), C(prop))))

    def built(c):
        year = literal(c, "builtIn")
        decade = literal(c, "builtInDecade")
        return year or (L(f"{decade}s", f"{decade} 年代") if decade else "")

    def residents(c):
        out = []
        for quantity in graph.objects(URIRef(c.community.iri), C("hasQuantity")):
            if (quantity, C("measures"), C("ResidentPopulation")) not in graph:
                continue
            for prop, en, zh in (("exactValue", "{}", "{} 人"), ("moreThan", "more than {}", "{} 余人"),
                                 ("approximateValue", "about {}", "约 {} 人")):
                for v in graph.objects(quantity, C(prop)):
                    number = v.toPython() if hasattr(v, "toPython") else v
                    shown = (f"{number:,}", str(number)) if isinstance(number, (int, float)) else (str(v), str(v))
                    out.append(L(en.format(shown[0]), zh.format(shown[1])))
        return sep.join(sorted(out))

    add(L("community form", "社区形态"), [forms(c) for c in chosen])
    add(L("built in", "建成年份"), [built(c) for c in chosen])
    add(L("residents", "常住居民"), [residents(c) for c in chosen])
    add(L("programme start", "项目启动"), [literal(c, "programmeStart") for c in chosen])
    add(L("social-capital type", "社会资本类型"), [type_text(c, L) for c in chosen])
    add(L("stage (action)", "阶段（行动）"), [stage_text(c, L) for c in chosen])
    for key, en, zh in (("InitialCycle", "initial cycle", "初始循环"), ("AdvancedCycle", "advanced cycle", "高阶循环")):
        add(L(en, zh), [(L("closed", "已闭合") + f" ({c.cycle_closures[CS + key].label})") if CS + key in c.cycle_closures
                        else L("open", "未闭合") for c in chosen])
    for d in DIMENSIONS:
        dim = label_of(graph, d, lang)
        add(L(f"{dim}: interventions", f"{dim}：举措"), [sep.join(
            f"{r.intervention.iri.rsplit('/', 1)[-1]} {r.intervention.label}" for r in c.readings
            if r.counts and any(x.term.iri == str(d) for x in r.dimensions)) for c in chosen])
        add(L(f"{dim}: mechanisms", f"{dim}：作用机制"), [sep.join(sorted({
            m.term.label for r in c.readings if r.counts and any(x.term.iri == str(d) for x in r.dimensions)
            for m in r.mechanisms if not m.term.iri.endswith("#UnspecifiedMechanism")})) for c in chosen])
        add(L(f"{dim}: relation scopes", f"{dim}：关系范围"), [sep.join(
            f.scope.label for f in c.findings if f.dimension.iri == str(d)) for c in chosen])
    add(L("gaps of the cycles due to close", "待闭合循环的缺口"),
        [sep.join(f"{g['step']['label']} ({g['dimension']['label']})" for g in c.gaps) for c in chosen])
    add(L("first recommendation", "首要建议"),
        [recommendation_what(c.recommendations[0], L) if c.recommendations else "" for c in chosen])
    return Table("comparison", [L("aspect", "方面")] + [c.community.label for c in chosen], rows)


# --- QCA ---------------------------------------------------------------------------------------------

def _abbreviation(iri: str) -> str:
    """GeneralizedTrust → GT, ResidentMerchantUnit → RMU: the capitals of the IRI's local name."""
    local = re.split(r"[#/]", iri)[-1]
    caps = "".join(ch for ch in local if ch.isupper())
    return caps or local.upper()


def qca_conditions(ontology: Graph, lang: str, by: str = "scope") -> list[dict]:
    """The conditions: one per dimension × relation scope (``by="scope"``) or × scope group (``"group"``),
    each with a short name that QCA software accepts (letters, digits, underscore), its meaning and IRIs."""
    if by == "group":
        columns = sorted({ontology.value(s, C("inScopeGroup")) for s in ontology.subjects(RDF.type, C("RelationScope"))},
                         key=lambda g: min(int(ontology.value(s, C("scopeOrder")) or 99)
                                           for s in ontology.subjects(C("inScopeGroup"), g)))
    else:
        columns = sorted(ontology.subjects(RDF.type, C("RelationScope")),
                         key=lambda s: int(ontology.value(s, C("scopeOrder")) or 99))
    out, names = [], set()
    for d in DIMENSIONS:
        for s in columns:
            name = f"{_abbreviation(str(d))}_{_abbreviation(str(s))}"
            if name in names:
                raise ValueError(f"two conditions abbreviate to {name}")
            names.add(name)
            members = [str(s)] if by == "scope" else [str(x) for x in sorted(
                ontology.subjects(C("inScopeGroup"), s), key=lambda x: int(ontology.value(x, C("scopeOrder")) or 99))]
            out.append({"name": name, "dimension": str(d), "column": str(s), "scopes": members,
                        "label": f"{label_of(ontology, d, lang)} × {label_of(ontology, s, lang)}"})
    return out


def qca_table(a: Assessment, ontology: Graph, lang: str, *, by: str = "scope", fuzzy: bool = False) -> Table:
    """One row per community (the case name first: R reads it with ``row.names = 1``). A condition is the
    number of interventions that count for the dimension in the scope(s): crisp, 1 when there is at least
    one; fuzzy, the four-value set 0, 0.33, 0.67, 1 for 0, 1, 2, 3 or more. Outcomes: ``STAGE``, the order
    of the stage reached (1 ice-breaking, 2 warming, 3 boundary extended); ``OUT``, crisp 1 when the
    community has reached warming or beyond, fuzzy 0 (ice-breaking), 0.33 (ice-breaking and ready to move
    on), 0.67 (warming), 1 (the boundary extended)."""
    conditions = qca_conditions(ontology, lang, by)
    orders = {str(s): int(ontology.value(s, C("stageOrder")) or 0) for s in ontology.subjects(RDF.type, C("Stage"))}
    top = max(orders.values() or [1])
    rows = []
    for c in a.communities:
        counts = {}
        for r in c.readings:
            if not r.counts:
                continue
            for d in r.dimensions:
                for s in {x.term.iri for x in r.scopes}:
                    counts[(d.term.iri, s)] = counts.get((d.term.iri, s), 0) + 1
        cells = []
        for cond in conditions:
            n = sum(counts.get((cond["dimension"], s), 0) for s in cond["scopes"])
            cells.append(round(min(n, 3) / 3, 2) if fuzzy else int(n > 0))
        stage = orders.get(c.stage.iri, 0) if c.stage else 0
        if not fuzzy:
            out = int(stage >= 2)
        elif stage == 0:
            out = 0.0
        elif stage == 1:
            out = 0.33 if c.ready_to_move_on else 0.0
        else:
            out = 1.0 if stage >= top else 0.67
        rows.append([re.sub(r"[^A-Za-z0-9_.-]", "_", c.community.iri.rsplit("/", 1)[-1])] + cells + [stage, out])
    return Table("qca", ["case"] + [c["name"] for c in conditions] + ["STAGE", "OUT"], rows)


def qca_codebook(ontology: Graph, lang: str, by: str = "scope") -> Table:
    """What each column of :func:`qca_table` means."""
    L = lambda en, zh: pick(lang, en, zh)  # noqa: E731
    rows = [[c["name"], c["label"], c["dimension"], " ".join(c["scopes"])] for c in qca_conditions(ontology, lang, by)]
    rows.append(["STAGE", L("order of the stage reached (1 ice-breaking, 2 warming, 3 boundary extended; 0 when the "
                            "social-capital type, and so the stage, is undetermined)",
                            "所达阶段的序号（1 破冰，2 升温，3 边界已扩展；社会资本类型未定因而阶段未定时为 0）"),
                 CS + "stageOrder", ""])
    rows.append(["OUT", L("outcome: crisp 1 = warming or beyond; fuzzy 0 / 0.33 (ready to move on) / 0.67 (warming) / 1 (boundary extended)",
                          "结果：清晰集 1 = 已达升温及以上；模糊集 0 / 0.33（可进入下一阶段）/ 0.67（升温）/ 1（边界已扩展）"), "", ""])
    return Table("codebook", [L("column", "列"), L("meaning", "含义"), "dimension_iri", "scope_iris"], rows)


# --- city scale ------------------------------------------------------------------------------------------

FAST_KEYS = ["community", "label_zh", "label_en", "capital_type", "capital_type_basis", "capital_type_conflict",
             "stage", "ready_to_move_on", "warming_begun_early", "initial_cycle_closed", "advanced_cycle_closed", "missing",
             "recommendations", "recommendations_zh", "recommendations_en", "first_priority"]


# Each community's names, missing dimension × scope groups and ranked recommendations, from the
# details tables (DuckDB SQL: a city's hundreds of thousands of rows are grouped and joined there,
# not one by one in Python). LOCAL is what follows an IRI's last # or /; an empty label counts as none.
_LOCAL = "regexp_extract({}, '[^#/]*$')"


def _ranked_lists(table: str, keys: str, order: str, texts: list) -> str:
    """SQL giving, per community of ``table``, each (expression, separator) of ``texts`` over its rows
    joined in the order ``order`` (a separator None: the expression of its first row). Each distinct
    row (``keys``) is ranked once and its texts put in lists indexed by that rank; a community's rows
    are then a sorted list of ranks (ordered aggregates over every row, 0.25 s at N = 20,000 for the
    recommendations, took four times as long)."""
    lists = ", ".join(f"list({expr} ORDER BY k) AS t{i}" for i, (expr, _) in enumerate(texts))
    same = " AND ".join(f"i.{k} IS NOT DISTINCT FROM r.{k}" for k in keys.split(", "))
    cells = ", ".join(f"texts.t{i}[ks[1]]" if sep is None else
                      f"array_to_string(list_transform(ks, lambda k: texts.t{i}[k]), {sql_str(sep)})"
                      for i, (_, sep) in enumerate(texts))
    return f"""WITH items AS (SELECT *, row_number() OVER (ORDER BY {order}) AS k FROM (SELECT DISTINCT {keys} FROM {table})),
        texts AS (SELECT {lists} FROM items),
        ranks AS (SELECT r.community, list_sort(list(i.k)) AS ks FROM {table} AS r JOIN items AS i ON {same} GROUP BY r.community)
        SELECT ranks.community, {cells} FROM ranks, texts"""


_TABLE_SQL = {
    "labels": """SELECT community, min(label) FILTER (WHERE lang = 'zh'),
        min(label) FILTER (WHERE lang = 'en'), min(label) FILTER (WHERE lang IS NULL)
        FROM details_labels GROUP BY community""",
    "gaps": _ranked_lists("details_gaps", '"rank", dimension, "group"',
                          f"CAST(\"rank\" AS DOUBLE), {_LOCAL.format('dimension')}, {_LOCAL.format(q('group'))}",
                          [(f"{_LOCAL.format('dimension')} || ' × ' || {_LOCAL.format(q('group'))}", "; ")]),
    "recommendations": _ranked_lists(
        "details_recommendations", "priority, what, zh, en", "CAST(priority AS BIGINT), what, zh, en",
        [(f"{_LOCAL.format('what')} || ' (' || priority || ')'", "; "),
         (f"CASE WHEN zh <> '' THEN zh ELSE {_LOCAL.format('what')} END", "；"),
         (f"CASE WHEN en <> '' THEN en ELSE {_LOCAL.format('what')} END", "; "),
         ("CAST(priority AS BIGINT)", None)]),
}


# the columns of the city table that come from the summary, in a table of their own (``fast_communities``)
_SUMMARY_COLUMNS = (("community", "VARCHAR"), ("capital_type", "VARCHAR"), ("capital_type_basis", "VARCHAR"),
                    ("capital_type_conflict", "BOOLEAN"), ("stage", "VARCHAR"), ("ready", "BOOLEAN"),
                    ("warming_begun_early", "BOOLEAN"), ("initial_cycle_closed", "BOOLEAN"), ("advanced_cycle_closed", "BOOLEAN"))

# One row per community, ordered by its IRI: the summary's columns, then the names (a missing en
# name falls back to the plain label), the missing dimension × scope groups and the recommendations
# (no gap, no recommendation: empty text).
_FAST_SQL = f"""WITH labels (community, zh, en, plain) AS ({_TABLE_SQL["labels"]}),
    gaps (community, missing) AS ({_TABLE_SQL["gaps"]}),
    recs (community, listed, zh, en, first) AS ({_TABLE_SQL["recommendations"]})
SELECT c.community, l.zh AS label_zh, CASE WHEN l.en <> '' THEN l.en ELSE l.plain END AS label_en,
    c.capital_type, c.capital_type_basis, c.capital_type_conflict, c.stage, c.ready AS ready_to_move_on,
    c.warming_begun_early, c.initial_cycle_closed, c.advanced_cycle_closed, COALESCE(g.missing, '') AS missing,
    COALESCE(r.listed, '') AS recommendations, COALESCE(r.zh, '') AS recommendations_zh,
    COALESCE(r.en, '') AS recommendations_en, r.first AS first_priority
FROM fast_communities AS c LEFT JOIN labels AS l USING (community) LEFT JOIN gaps AS g USING (community)
    LEFT JOIN recs AS r USING (community)
ORDER BY c.community"""


class QueryTable(Table):
    """A table whose rows a DuckDB query gives. CSV and Parquet are written by DuckDB itself (a city's
    table took 0.8 s of Python at N = 20,000); other formats, and code, read :attr:`rows`."""

    def __init__(self, name: str, header: list[str], con, sql: str, keys: list[str] | None = None):
        self.name, self.header, self.keys, self.con, self.sql = name, header, keys, con, sql
        self._rows: list[list] | None = None

    @property
    def rows(self) -> list[list]:
        if self._rows is None:
            self._rows = [list(r) for r in self.con.execute(self.sql).fetchall()]
        return self._rows

    def copied(self, fmt: str) -> bytes:
        """The table as CSV (the cells :meth:`Table.as_text_rows` gives, formula-like text neutralised,
        laid out as :func:`chuangshu.tabular.csv_text` lays them out) or Parquet (typed columns)."""
        import tempfile
        from pathlib import Path

        from .tabular import NEUTRALISE_SQL

        with tempfile.TemporaryDirectory(prefix="chuangshu-table-") as tmp:
            path = str(Path(tmp) / f"table.{fmt}")
            if fmt == "parquet":
                self.con.execute(f"COPY ({self.sql}) TO ? (FORMAT parquet)", [path])
                return Path(path).read_bytes()
            cells = []
            for (column, kind, *_), head in zip(self.con.execute(f"DESCRIBE {self.sql}").fetchall(), self.columns):
                x = q(column)
                cell = (f"CASE WHEN {x} THEN '1' WHEN NOT {x} THEN '0' END" if kind == "BOOLEAN" else
                        NEUTRALISE_SQL.format(f"NULLIF(CAST({x} AS VARCHAR), '')"))  # (a number's text too: -7)
                cells.append(f"{cell} AS {q(head)}")  # an empty cell is NULL (DuckDB writes '' as "")
            self.con.execute(f"COPY (SELECT {', '.join(cells)} FROM ({self.sql})) TO ? "
                             "(FORMAT csv, HEADER, NEW_LINE '\\r\\n')", [path])
            return "\ufeff".encode("utf-8") + Path(path).read_bytes()


def fast_table(communities: list[dict], details) -> Table:
    """One row per community from the city-scale path (:func:`chuangshu.pipeline.community_rows`, and
    the details tables of :meth:`chuangshu.engines.base.EngineRun.detail_tables`): its names, type and
    basis, stage, readiness, cycles, the missing dimension × scope group in the order the cycles close,
    and the recommendations ranked by priority (what each recommends, as local names and as zh and en
    labels, with the priority). DuckDB joins the rows beside the details (and writes CSV and Parquet)."""
    picks = ", ".join(f"unnest(?::{kind}[]) AS {name}" for name, kind in _SUMMARY_COLUMNS)
    details.execute(f"CREATE OR REPLACE TEMP TABLE fast_communities AS SELECT {picks}",
                    [[c[name] for c in communities] for name, _ in _SUMMARY_COLUMNS])
    return QueryTable("communities", list(FAST_KEYS), details, _FAST_SQL, list(FAST_KEYS))


def validation_summary(report, lang: str) -> Table:
    """The validation results counted by severity, constraint and message (a city's thousands of
    results in a few rows)."""
    from collections import Counter

    L = lambda en, zh: pick(lang, en, zh)  # noqa: E731
    counts = Counter((r.severity, r.constraint, r.shape, r.message) for r in (report.results if report else []))
    counts.update(report.tallies if report else {})
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    from .i18n import severity

    rows = [[severity(lang, sev), constraint, shape, message, n] for (sev, constraint, shape, message), n in
            sorted(counts.items(), key=lambda kv: (order.get(kv[0][0], 9), -kv[1], kv[0][1]))]
    return Table("validation", [L("severity", "级别"), L("constraint", "约束"), L("shape", "形状"),
                                L("message", "说明"), L("results", "结果数")], rows,
                 ["severity", "constraint", "shape", "message", "results"])


# --- output --------------------------------------------------------------------------------------------

FORMATS = ("csv", "xlsx", "markdown", "parquet")


def table_bytes(tables: list[Table], fmt: str) -> bytes:
    """CSV (the first table; UTF-8 with a byte-order mark, as Excel opens it, formula-like cells
    neutralised), XLSX (one worksheet per table, every cell text or number, never a formula) or
    Markdown (every table, one after another)."""
    from .tabular import SheetLayout, csv_text, xlsx_bytes

    if fmt in ("csv", "parquet") and isinstance(tables[0], QueryTable):
        return tables[0].copied(fmt)
    if fmt == "csv":
        return csv_text(tables[0].as_text_rows()).encode("utf-8")
    if fmt == "xlsx":
        layouts = []
        for t in tables:
            widths = [min(60, max([len(str(h)) + 2] + [len(str(v)) + 2 for r in t.rows[:200] for v in r[i:i + 1]]))
                      for i, h in enumerate(t.columns)]
            notes = [h if t.keys and h != k else "" for h, k in zip(t.header, t.columns)]  # what a key means
            layouts.append(SheetLayout(title=t.name, headers=t.columns, notes=notes,
                                       rows=[[("" if v is None else v) for v in r] for r in t.rows],
                                       dropdowns={}, widths=widths))
        return xlsx_bytes(layouts)
    if fmt == "markdown":
        return "\n".join(markdown(t) for t in tables).encode("utf-8")
    if fmt == "parquet":
        return parquet_bytes(tables[0])
    raise ValueError(fmt)


def parquet_bytes(t: Table) -> bytes:
    """The table as Apache Parquet (through DuckDB, a dependency), one typed column
    per key: text, boolean, integer or double as the values are."""
    import tempfile
    from pathlib import Path

    import duckdb

    keys = t.columns

    def sql_type(i: int) -> str:
        values = [r[i] for r in t.rows if r[i] is not None]
        if values and all(isinstance(v, bool) for v in values):
            return "BOOLEAN"
        if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            return "BIGINT"
        if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            return "DOUBLE"
        return "VARCHAR"
    types = [sql_type(i) for i in range(len(keys))]
    con = duckdb.connect()
    try:
        columns = ", ".join(f'"{k.replace(chr(34), "")}" {ty}' for k, ty in zip(keys, types))
        con.execute(f"CREATE TABLE t ({columns})")
        if t.rows:
            marks = ", ".join("?" for _ in keys)
            con.executemany(f"INSERT INTO t VALUES ({marks})",
                            [[(str(v) if ty == "VARCHAR" and v is not None else v) for v, ty in zip(r, types)] for r in t.rows])
        with tempfile.TemporaryDirectory(prefix="chuangshu-parquet-") as tmp:
            path = Path(tmp) / "t.parquet"
            con.execute("COPY t TO ? (FORMAT parquet)", [str(path)])
            return path.read_bytes()
    finally:
        con.close()


def markdown(t: Table) -> str:
    def cell(v) -> str:
        text = "" if v is None else ("✓" if v is True else "" if v is False else str(v))
        return text.replace("|", "\\|").replace("\n", "<br>")
    lines = ["| " + " | ".join(cell(h) for h in t.header) + " |", "|" + "---|" * len(t.header)]
    lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in t.rows]
    return "\n".join(lines) + "\n"


def write_tables(tables: list[Table], fmt: str, output, inputs) -> list | str:
    """XLSX and Markdown hold every table in ``output``; CSV and Parquet one table a file: the first in
    ``output``, each other beside it as STEM.NAME.SUFFIX. The files are written together, whole or not at
    all, never over one of ``inputs``; returns their paths. Without ``output`` (CSV and Markdown only),
    returns the text for standard output: the first table of a CSV, LF line ends."""
    from .canon import refuse_overwriting_inputs, write_all_atomic

    if output is None:
        if fmt in ("xlsx", "parquet"):
            raise ValueError(f"{fmt} needs a file")
        text = table_bytes(tables[:1] if fmt == "csv" else tables, fmt).decode("utf-8")
        return text.lstrip("\ufeff").replace("\r\n", "\n")   # a terminal has no use for CR
    if fmt in ("csv", "parquet"):
        items = [(output if i == 0 else output.with_name(f"{output.stem}.{t.name}{output.suffix}"), table_bytes([t], fmt))
                 for i, t in enumerate(tables)]
    else:
        items = [(output, table_bytes(tables, fmt))]
    refuse_overwriting_inputs([p for p, _ in items], inputs)
    write_all_atomic(items)
    return [p for p, _ in items]

