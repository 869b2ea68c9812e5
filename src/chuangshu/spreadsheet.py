"""Case data as spreadsheets: import rows into RDF, and lay RDF out as template rows.

Import (:func:`import_tables`) maps each row to triples with the columns of
:mod:`chuangshu.sheets`, and reports every problem at its cell: file (and sheet), row,
column, value. Nothing is dropped silently: an unknown sheet or column, a row without an
ID, a duplicate ID, an unknown code or a malformed value is a Violation; a reference to
an ID that no row defines is a Warning. Every record remembers its row and every property
its cell (:class:`RowOrigin`), so that SHACL results point at cells too.

Normalisations (documented in the template's README sheet): outer white space of a cell
is dropped; dates are read from 2022-08-01, 2022/8/1, 2022.8.1, 20220801, 2022年8月1日,
2022-08, 2022/8, 2022年8月, 2022, 2022年 and Excel date cells, and kept at the precision
written (xsd:date, xsd:gYearMonth, xsd:gYear); numbers may have thousands separators,
full-width digits or a per cent sign (70% → 0.70); codes may be given by code, by label
(zh or en) or as prefix:local.

Export (:func:`to_rows`) is the inverse: every triple of the graph lands in exactly one
cell, or in the ``statements`` sheet when no column holds it, so that importing the rows
gives back an isomorphic graph.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from .rdf import PREFIXES, compact, new_graph
from .sheets import ALL_SHEETS, SHEETS, STATEMENTS, Code, Column, Sheet, code_lists, find_sheet, identifier_of, match_columns, mint
from .tabular import SheetCells, column_letter, read_tables

SPLIT = re.compile(r"\s*[;；\n]\s*")
DATE_TYPES = (XSD.date, XSD.gYearMonth, XSD.gYear)
NUMBER_TYPES = (XSD.integer, XSD.decimal)
IGNORED_SHEETS = ("readme", "说明", "codes", "代码表")


@dataclass(frozen=True)
class Cell:
    file: str
    sheet: str | None
    row: int | None
    column: str | None      # "C (builds｜培育维度)"


@dataclass
class RowOrigin:
    """Where a record is stated: its row, and the cell of each of its properties."""
    where: Cell
    cells: dict = field(default_factory=dict)   # (property, inverse) → Cell

    def cell(self, prop, inverse: bool = False) -> Cell:
        return self.cells.get((prop, inverse), self.where)


@dataclass
class Problem:
    severity: str           # Violation | Warning
    code: str               # e.g. import:unknown-code
    en: str
    zh: str
    cell: Cell
    value: str | None = None
    focus: URIRef | None = None


@dataclass
class Imported:
    graph: Graph
    origin: dict            # subject → RowOrigin
    problems: list[Problem]
    records: int = 0
    empty_rows: int = 0


class _Codes:
    """Finds the ontology term a code cell names: by code, label (zh or en) or prefix:local."""

    def __init__(self, codes: dict[str, tuple[Code, ...]]):
        self.codes = codes
        self.index: dict[str, dict[str, URIRef]] = {}
        for name, items in codes.items():
            idx: dict[str, URIRef] = {}
            for c in items:
                for key in (c.code, compact(c.iri), str(c.iri), c.en, c.zh):
                    if key:
                        idx.setdefault(key.casefold(), c.iri)
            self.index[name] = idx

    def code(self, text: str, list_name: str) -> URIRef:
        key = text.strip("<>").casefold()
        # "Code｜label" as some people paste it from the codes sheet
        for candidate in (key, re.split(r"[｜|]", key)[0].strip()):
            if candidate in self.index.get(list_name, {}):
                return self.index[list_name][candidate]
        items = self.codes.get(list_name, ())
        allowed_en = ", ".join(f"{c.code} ({c.en})" if c.en else c.code for c in items)
        allowed_zh = "、".join(f"{c.code}（{c.zh}）" if c.zh else c.code for c in items)
        raise ValueError((f"unknown code; the list {list_name} has: {allowed_en} (see the codes sheet)",
                          f"未知代码；代码表 {list_name} 可选：{allowed_zh}（见 codes 表）"))


_IRI_OK = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")
_CURIE = re.compile(r"^([A-Za-z][\w\-]*):(\S*)$")
_LANG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")


def parse_ref(text: str):
    """An ID, ``prefix:local`` (a known prefix), ``<IRI>`` or ``_:label``."""
    if text.startswith("<") and text.endswith(">"):
        iri = text[1:-1]
        if not _IRI_OK.match(iri):
            raise ValueError(("not an absolute IRI", "不是绝对 IRI"))
        return URIRef(iri)
    if text.startswith("_:") and re.fullmatch(r"_:[A-Za-z0-9_\-]+", text):
        return BNode(text[2:])
    m = _CURIE.match(text)
    if m and m.group(1) in PREFIXES:
        iri = PREFIXES[m.group(1)] + m.group(2)
        if not _IRI_OK.match(iri):
            raise ValueError(("not a valid prefix:local name", "不是有效的 前缀:名"))
        return URIRef(iri)
    return mint(text)


def parse_web_address(text: str) -> URIRef:
    """A web address (http or https), with or without angle brackets."""
    iri = text[1:-1] if text.startswith("<") and text.endswith(">") else text
    if not re.match(r"^https?://[^/\s]", iri, re.I) or not _IRI_OK.match(iri):
        raise ValueError(("not a web address: write it as http://… or https://…", "不是网址：请写作 http://… 或 https://…"))
    return URIRef(iri)


def ref_text(term) -> str:
    """The inverse of :func:`parse_ref`."""
    if isinstance(term, BNode):
        return f"_:{term}"
    ident = identifier_of(term)
    if ident is not None and not SPLIT.search(ident) and not ident.startswith(("<", "_:")) \
            and not (_CURIE.match(ident) and _CURIE.match(ident).group(1) in PREFIXES):
        return ident
    short = compact(term)
    return short if short != str(term) and _IRI_OK.match(str(term)) and " " not in short else f"<{term}>"


_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"), 3),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), 3),
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"), 2),
    (re.compile(r"^(\d{4})年?$"), 1),
)


def parse_date(value) -> Literal:
    """A date cell → xsd:date, xsd:gYearMonth or xsd:gYear at the precision written."""
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time(0) else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return Literal(value.isoformat(), datatype=XSD.date)
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return Literal(str(value), datatype=XSD.gYear)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = re.sub(r"[ T]0{1,2}:00(:00(\.0+)?)?$", "", text)  # "2022-08-01 00:00:00" from a CSV export
    for pattern, precision in _DATE_PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        parts = [int(g) for g in m.groups()]
        try:
            dt.date(parts[0], parts[1] if precision > 1 else 1, parts[2] if precision > 2 else 1)
        except ValueError:
            break
        if precision == 3:
            return Literal(f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}", datatype=XSD.date)
        if precision == 2:
            return Literal(f"{parts[0]:04d}-{parts[1]:02d}", datatype=XSD.gYearMonth)
        return Literal(f"{parts[0]:04d}", datatype=XSD.gYear)
    raise ValueError(("not a date: write 2022-08-01, 2022-08 or 2022 (also 2022/8/1, 2022年8月)",
                      "不是日期：请写 2022-08-01、2022-08 或 2022（亦可 2022/8/1、2022年8月）"))


def parse_number(value) -> Literal:
    """A number cell → xsd:integer, or xsd:decimal when it has a fraction."""
    if isinstance(value, bool):
        raise ValueError(("not a number", "不是数字"))
    if isinstance(value, int):
        if len(str(abs(value))) > 30:
            raise ValueError(("an implausibly long number (more than 30 digits)", "数字位数过多（超过 30 位），不合常理"))
        return Literal(str(value), datatype=XSD.integer)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(("not a number", "不是数字"))
        text = repr(value)
        text = text[:-2] if text.endswith(".0") else text
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?%?", text):
            text = text.replace(",", "")
    percent = text.endswith("%")
    if sum(ch.isdigit() for ch in text) > 30:
        raise ValueError(("an implausibly long number (more than 30 digits)", "数字位数过多（超过 30 位），不合常理"))
    try:
        number = Decimal(text[:-1] if percent else text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or "e" in text.lower():
        raise ValueError(("not a number: write digits such as 16000 or 0.6", "不是数字：请写 16000、0.6 等"))
    if percent:
        number = number / 100
        text = format(number, "f")
    if "." not in text:
        return Literal(str(int(number)), datatype=XSD.integer)
    return Literal(text.lstrip("+"), datatype=XSD.decimal)


def cell_text(value) -> str:
    """A raw cell as text (outer white space dropped)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _empty(value) -> bool:
    return cell_text(value) == ""


# --- import ------------------------------------------------------------------------

def import_files(paths: Iterable[str | Path], codes: dict | None = None) -> Imported:
    """Read the spreadsheets (CSV files, XLSX workbooks) as one case: IDs may refer across files."""
    tables = [t for p in paths for t in read_tables(p)]
    return import_tables(tables, codes)


def import_tables(tables: list[SheetCells], codes: dict | None = None) -> Imported:
    codes = _Codes(codes if codes is not None else code_lists())
    out = Imported(new_graph(), {}, [])
    plan: list[tuple[SheetCells, Sheet, list[Column | None]]] = []
    for table in tables:
        sheet = find_sheet(table.name)
        where = Cell(str(table.file), table.sheet, None, None)
        if sheet is None:
            if table.name.strip().lower().split("｜")[0] in IGNORED_SHEETS or not table.rows:
                continue
            out.problems.append(Problem(
                "Violation", "import:unknown-sheet",
                f"this sheet is not part of the template ({', '.join(s.key for s in ALL_SHEETS)}); its {len(table.rows)} row(s) are not imported",
                f"此表不属于模板（{', '.join(s.key for s in ALL_SHEETS)}）；其 {len(table.rows)} 行未导入", where, table.name))
            continue
        for row, col in table.uncalculated:
            out.problems.append(Problem("Violation", "import:uncalculated-formula",
                                        "a formula without a calculated value (the file was not saved by a spreadsheet program): "
                                        "open and save it in Excel or LibreOffice first",
                                        "公式没有计算结果（文件并非由电子表格软件保存）：请先用 Excel 或 LibreOffice 打开并保存",
                                        Cell(where.file, where.sheet, row, column_letter(col))))
        columns = match_columns(sheet, table.headers)
        ok = True
        seen: dict[str, int] = {}
        for i, (header, col) in enumerate(zip(table.headers, columns)):
            cell = Cell(where.file, where.sheet, table.header_row, table.column(i))
            if header.strip() and col is None:
                ok = False
                out.problems.append(Problem("Violation", "import:unknown-column",
                                            f"no such column in sheet {sheet.key}; its values would be lost",
                                            f"{sheet.key} 表无此列；其值将丢失", cell, header))
            elif col is not None and col.key in seen:
                ok = False
                out.problems.append(Problem("Violation", "import:duplicate-column",
                                            f"column {col.key} appears twice (first in {column_letter(seen[col.key])})",
                                            f"列 {col.key} 出现两次（首次在 {column_letter(seen[col.key])} 列）", cell, header))
            elif col is not None:
                seen[col.key] = i
        if sheet is not STATEMENTS and "id" not in seen:
            ok = False
            out.problems.append(Problem("Violation", "import:no-id-column", "the sheet has no id column",
                                        "此表没有 id（编号）列", Cell(where.file, where.sheet, table.header_row, None)))
        if ok:
            plan.append((table, sheet, columns))
        elif table.rows:
            out.problems.append(Problem("Violation", "import:sheet-skipped",
                                        f"the sheet's header has errors; its {len(table.rows)} row(s) are not imported",
                                        f"表头有误；本表 {len(table.rows)} 行未导入", where))

    # first pass: the IDs every record defines
    defined: dict[URIRef, Cell] = {}
    records: list[tuple[SheetCells, Sheet, list[Column | None], int, list[object], URIRef]] = []
    for table, sheet, columns in plan:
        for rownum, raw in table.rows:
            raw = list(raw) + [None] * (len(columns) - len(raw))
            where = Cell(str(table.file), table.sheet, rownum, None)
            if all(_empty(v) for v in raw):
                out.empty_rows += 1
                continue
            for i, v in enumerate(raw):  # under a blank header, or beyond the last one
                if (i >= len(columns) or columns[i] is None) and not _empty(v):
                    out.problems.append(Problem("Violation", "import:value-without-header",
                                                "a value in a column without a header; it would be lost",
                                                "该值所在列没有表头；其值将丢失",
                                                Cell(where.file, where.sheet, rownum, column_letter(i)), cell_text(v)))
            if sheet is STATEMENTS:
                records.append((table, sheet, columns, rownum, raw, None))
                continue
            id_index = next(i for i, c in enumerate(columns) if c is not None and c.key == "id")
            ident = cell_text(raw[id_index])
            id_cell = Cell(where.file, where.sheet, rownum, table.column(id_index))
            if not ident:
                out.problems.append(Problem("Violation", "import:missing-id", "the row has values but no ID",
                                            "该行有内容但没有编号", id_cell))
                continue
            try:
                subject = parse_ref(ident) if ident.startswith("<") else mint(ident)
            except ValueError as err:
                en, zh = err.args[0]
                out.problems.append(Problem("Violation", "import:bad-id", en, zh, id_cell, ident))
                continue
            if subject in defined:
                first = defined[subject]
                out.problems.append(Problem(
                    "Violation", "import:duplicate-id",
                    f"duplicate ID: already defined in {_place(first, 'en')}; this row is not imported",
                    f"编号重复：已在 {_place(first, 'zh')} 定义；本行未导入", id_cell, ident, subject))
                continue
            defined[subject] = Cell(where.file, where.sheet, rownum, None)
            records.append((table, sheet, columns, rownum, raw, subject))

    # second pass: the triples
    for table, sheet, columns, rownum, raw, subject in records:
        cell_at = lambda i: Cell(str(table.file), table.sheet, rownum, table.column(i))  # noqa: E731
        if sheet is STATEMENTS:
            _import_statement(out, columns, raw, cell_at, defined)
            continue
        out.records += 1
        origin = out.origin.setdefault(subject, RowOrigin(defined[subject]))
        for t in sheet.types:
            out.graph.add((subject, RDF.type, t))
        lang_of = {c.key: cell_text(raw[i]) for i, c in enumerate(columns) if c is not None and c.kind == "language"}
        for i, col in enumerate(columns):
            if col is None or col.kind in ("id", "language"):
                continue
            if _empty(raw[i]):  # a value missing here is reported at this cell, unless another column holds it
                origin.cells.setdefault((col.prop, col.inverse), cell_at(i))
                continue
            cell = cell_at(i)
            origin.cells[(col.prop, col.inverse)] = cell
            for term in _cell_terms(out, codes, col, raw[i], cell, subject, lang_of, defined):
                out.graph.add((term, col.prop, subject) if col.inverse else (subject, col.prop, term))
        i = next((i for i, c in enumerate(columns) if c is not None and c.kind == "type"), None)
        # a record must say what it is (a type given but unknown is reported at its cell already)
        if not sheet.types and (subject, RDF.type, None) not in out.graph and (i is None or _empty(raw[i])):
            column = table.column(i) if i is not None else None
            out.problems.append(Problem("Violation", "import:missing-type",
                                        f"the row does not say what kind of {sheet.en[:-1]} it is: fill the type column",
                                        f"该行未注明{sheet.zh}类型：请填写 type 列",
                                        Cell(str(table.file), table.sheet, rownum, column), None, subject))
        for i, col in enumerate(columns):  # a language given for no text
            if col is not None and col.kind == "language" and not _empty(raw[i]):
                owner = next(c for c in sheet.columns if c.lang_column == col.key)
                if _empty(raw[columns.index(owner)] if owner in columns else None):
                    out.problems.append(Problem("Violation", "import:language-without-text",
                                                f"a language but no {owner.key}", f"有语言但没有 {owner.key}",
                                                cell_at(i), cell_text(raw[i]), subject))
    return out


def _place(cell: Cell, lang: str) -> str:
    sheet = f" [{cell.sheet}]" if cell.sheet else ""
    row = f"第 {cell.row} 行" if lang == "zh" else f"row {cell.row}"
    return f"{Path(cell.file).name}{sheet} {row}"


def _cell_terms(out: Imported, codes: _Codes, col: Column, raw, cell: Cell, subject, lang_of, defined) -> list:
    text = cell_text(raw)
    parts = [p for p in SPLIT.split(text) if p] if col.multi else [text]
    terms = []
    if not parts:
        out.problems.append(Problem("Warning", "import:no-value", "only separators, no value; the cell is read as empty",
                                    "只有分隔符而没有值；按空单元格处理", cell, text, subject))
    for part in parts:
        try:
            if col.kind == "lang":
                lang = col.lang or lang_of.get(col.lang_column, "")
                if not lang:
                    out.problems.append(Problem("Violation", "import:missing-language",
                                                f"the language of this text is missing: fill {col.lang_column}",
                                                f"缺少文本的语言：请填写 {col.lang_column}", cell, part, subject))
                    terms.append(Literal(part))
                    continue
                if not _LANG.match(lang):
                    raise ValueError((f"not a language tag: {lang} (write zh, en, …)", f"不是语言标签：{lang}（应为 zh、en 等）"))
                terms.append(Literal(part, lang=lang.lower()))
            elif col.kind == "text":
                terms.append(Literal(part))
            elif col.kind == "date":
                terms.append(parse_date(raw if not isinstance(raw, str) else part))
            elif col.kind == "number":
                terms.append(parse_number(raw if not isinstance(raw, str) else part))
            elif col.kind in ("code", "type"):
                terms.append(codes.code(part, col.codes))
            elif col.kind == "iri":
                terms.append(parse_web_address(part))
            elif col.kind == "ref":
                term = parse_ref(part)
                if isinstance(term, URIRef) and identifier_of(term) is not None and term not in defined \
                        and not part.startswith("<") and ":" not in part:
                    out.problems.append(Problem("Warning", "import:undefined-id",
                                                f"no row defines the ID {part}; it is kept as csd:{part}",
                                                f"没有任何行定义编号 {part}；按 csd:{part} 保留", cell, part, subject))
                terms.append(term)
        except ValueError as err:
            en, zh = err.args[0]
            if col.kind == "number" and col.example_en and en.startswith("not a number"):
                en, zh = f"not a number: write {col.example_en}", f"不是数字：请写 {col.example_zh}"
            out.problems.append(Problem("Violation", f"import:bad-{col.kind}", en, zh, cell, part, subject))
    return terms


def _import_statement(out: Imported, columns, raw, cell_at, defined) -> None:
    by_key = {c.key: (i, cell_text(raw[i])) for i, c in enumerate(columns) if c is not None}
    missing = [k for k in ("subject", "property", "value") if not by_key.get(k, (0, ""))[1]]
    if missing:
        i = by_key.get(missing[0], (0, ""))[0]
        out.problems.append(Problem("Violation", "import:incomplete-statement",
                                    f"a statement needs subject, property and value; {missing[0]} is empty",
                                    f"陈述须有主语、属性和值；{missing[0]} 为空", cell_at(i)))
        return
    terms = []
    for key in ("subject", "property"):
        i, text = by_key[key]
        try:
            term = parse_ref(text)
            if key == "property" and not isinstance(term, URIRef):
                raise ValueError(("a property must be an IRI", "属性须为 IRI"))
            terms.append(term)
        except ValueError as err:
            en, zh = err.args[0]
            out.problems.append(Problem("Violation", "import:bad-ref", en, zh, cell_at(i), text))
            return
    subject, prop = terms
    i, value = by_key["value"]
    kind = by_key.get("value_type", (i, ""))[1]
    try:
        if kind.upper() == "IRI":
            obj = parse_ref(value)
        elif kind.startswith("@"):
            if not _LANG.match(kind[1:]):
                raise ValueError((f"not a language tag: {kind}", f"不是语言标签：{kind}"))
            obj = Literal(value, lang=kind[1:].lower())
        elif kind:
            datatype = parse_ref(kind)
            if not isinstance(datatype, URIRef) or identifier_of(datatype) is not None:
                raise ValueError((f"not a datatype: {kind} (write xsd:date, …)", f"不是数据类型：{kind}（如 xsd:date）"))
            obj = Literal(value, datatype=datatype)
        else:
            obj = Literal(value)
    except ValueError as err:
        en, zh = err.args[0]
        out.problems.append(Problem("Violation", "import:bad-statement", en, zh, cell_at(i), value))
        return
    out.graph.add((subject, prop, obj))
    origin = out.origin.setdefault(subject, RowOrigin(defined.get(subject, cell_at(i))))
    origin.cells.setdefault((prop, False), cell_at(i))


# --- export --------------------------------------------------------------------------

def _literal_fits(col: Column, o) -> bool:
    if not isinstance(o, Literal):
        return False
    if col.kind == "lang":
        return o.language is not None and (col.lang is None or o.language == col.lang) and o == Literal(str(o).strip(), lang=o.language)
    if col.kind == "text":
        return o.language is None and o.datatype is None and str(o) == str(o).strip() and str(o) != ""
    parse = {"date": (parse_date, DATE_TYPES), "number": (parse_number, NUMBER_TYPES)}.get(col.kind)
    if parse is None or o.datatype not in parse[1]:
        return False
    try:  # only what reads back as the same literal
        return parse[0](str(o)) == o
    except ValueError:
        return False


def _sheet_for(graph: Graph, subject, allowed: dict[str, set]) -> Sheet | None:
    """The sheet of a record: the first whose fixed types it has, or whose type list holds
    all its types (``allowed``: sheet key → the types its type column may name)."""
    if identifier_of(subject) is None:
        return None
    types = set(graph.objects(subject, RDF.type))
    for sheet in SHEETS:
        if sheet.types:
            if set(sheet.types) <= types:
                return sheet
        elif types and types <= allowed[sheet.key]:
            return sheet
    return None


def to_rows(graph: Graph, codes: dict | None = None) -> dict[str, list[list[str]]]:
    """Each sheet's rows (without the header) for the triples of ``graph``; triples no column
    holds go to the ``statements`` sheet, so every triple lands in exactly one cell."""
    codes = codes if codes is not None else code_lists()
    code_of = {name: {c.iri: c.code for c in items} for name, items in codes.items()}
    allowed = {s.key: set(code_of[s.column("type").codes]) for s in SHEETS if not s.types}
    used: set = set()
    out: dict[str, list[list[str]]] = {s.key: [] for s in ALL_SHEETS}
    rows_by_sheet: dict[str, list[tuple[str, list[str]]]] = {s.key: [] for s in SHEETS}
    for subject in sorted(set(graph.subjects()), key=str):
        sheet = _sheet_for(graph, subject, allowed)
        if sheet is None:
            continue
        for t in sheet.types:
            used.add((subject, RDF.type, t))
        row: list[str] = []
        lang_cells: dict[str, str] = {}
        for col in sheet.columns:
            if col.kind == "id":
                row.append(ref_text(subject))
                continue
            if col.kind == "language":
                row.append(None)  # filled below
                continue
            triples = sorted(((o, col.prop, subject) if col.inverse else (subject, col.prop, o))
                             for o in (graph.subjects(col.prop, subject) if col.inverse else graph.objects(subject, col.prop)))
            picked = []
            for t in triples:
                if t in used:
                    continue
                o = t[0] if col.inverse else t[2]
                if col.kind in ("code", "type"):
                    text = code_of[col.codes].get(o)
                elif col.kind == "iri":
                    text = str(o) if isinstance(o, URIRef) and re.match(r"^https?://", str(o)) and _IRI_OK.match(str(o)) else None
                elif col.kind == "ref":
                    text = ref_text(o) if isinstance(o, (URIRef, BNode)) else None
                    if text is not None and SPLIT.search(text):
                        text = None
                else:
                    text = str(o) if _literal_fits(col, o) else None
                    if text is not None and col.kind == "lang" and col.lang_column:
                        lang_cells[col.lang_column] = o.language
                if text is None:
                    continue
                picked.append((t, text))
                if not col.multi:
                    break
            used.update(t for t, _ in picked)
            row.append("; ".join(text for _, text in picked))
        row = [lang_cells.get(c.key, "") if c.kind == "language" else v for c, v in zip(sheet.columns, row)]
        rows_by_sheet[sheet.key].append((row[0], row))
    for key, rows in rows_by_sheet.items():
        out[key] = [r for _, r in rows]
    for s, p, o in sorted(graph, key=lambda t: tuple(str(x) for x in t)):
        if (s, p, o) in used:
            continue
        if isinstance(o, Literal):
            kind = f"@{o.language}" if o.language else (ref_text(o.datatype) if o.datatype else "")
            value = str(o)
        else:
            kind, value = "IRI", ref_text(o)
        out[STATEMENTS.key].append([ref_text(s), ref_text(p), value, kind])
    return out
