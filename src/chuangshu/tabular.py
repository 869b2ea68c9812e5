"""Read and write spreadsheets: CSV (any encoding Excel writes) and XLSX.

This module knows cells, not RDF: :func:`read_tables` gives each worksheet (or CSV file) as
a header and numbered rows of raw cell values; :func:`write_csv` and :func:`write_xlsx` lay
out tables, with the explanatory sheet and the drop-down validations that the template
needs. Inputs are only read; outputs are written whole or not at all.

CSV text is decoded as UTF-8 (with or without the byte-order mark Excel writes), UTF-16 with
a byte-order mark (Excel's “Unicode text”), or else GB18030, the superset of GBK that Excel
on Chinese Windows writes; when the bytes are valid in both UTF-8 and GB18030, charset-normalizer
decides between the two. Commas separate the fields, or tabs when the header has tabs and
no commas.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .canon import write_atomic
from .errors import InputError

SPREADSHEET_SUFFIXES = (".csv", ".xlsx", ".xlsm")

# what a case workbook never needs, and a hostile one would use to exhaust memory or time
MAX_ROWS = 200_000               # per sheet
MAX_COLUMNS = 1_000              # per sheet
MAX_UNPACKED = 256 * 2**20       # bytes of XML inside a workbook
MAX_RATIO = 200                  # unpacked / packed, for any member over 1 MiB

# A cell that starts with one of these is a formula to Excel, LibreOffice and Google Sheets
# (=HYPERLINK(…), +cmd|…, -2+3, @SUM(…)); tab and carriage return as well, in some of them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_RISKY_FIRST = frozenset(FORMULA_START) | {"'"}  # a cell that starts otherwise is written as it is
# :func:`neutralise` in DuckDB SQL, for the text expression put in at ``{0}`` (a table DuckDB writes itself)
NEUTRALISE_SQL = ("CASE WHEN regexp_matches({0}, '^''*["
                  + "".join("\\" + {"\t": "t", "\r": "r"}.get(c, c) for c in FORMULA_START)
                  + "]') THEN '''' || {0} ELSE {0} END")


def neutralise(text: str) -> str:
    """A CSV cell that no spreadsheet program runs as a formula: text that starts like a formula
    (after any apostrophes) gets one more leading apostrophe. :func:`restore` undoes it."""
    if not text or text[0] not in _RISKY_FIRST:
        return text
    if text.lstrip("'").startswith(FORMULA_START):
        return "'" + text
    return text


def restore(text: str) -> str:
    """The cell text :func:`neutralise` was given: one leading apostrophe before a formula-like
    start is dropped (the quote prefix Excel itself uses for text)."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_START):
        return text[1:]
    return text


def is_spreadsheet(path: str | Path) -> bool:
    return Path(path).suffix.lower() in SPREADSHEET_SUFFIXES


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass
class SheetCells:
    file: Path
    name: str                               # worksheet title, or the CSV file's stem
    headers: list[str]
    rows: list[tuple[int, list[object]]]    # (row number as a spreadsheet shows it, raw cells)
    header_row: int = 1
    encoding: str | None = None             # CSV only
    uncalculated: list[tuple[int, int]] = field(default_factory=list)  # XLSX: (row, column index) of formulas with no value

    def column(self, index: int) -> str:
        """How a report names a column: its letter and header, ``C (builds｜培育维度)``."""
        return f"{column_letter(index)} ({self.headers[index]})"

    @property
    def sheet(self) -> str | None:
        """The worksheet's name in a workbook; None for a CSV file, which is its own sheet."""
        return None if self.file.suffix.lower() == ".csv" else self.name


def decode_csv(data: bytes, where: str) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    decoded: dict[str, str] = {}
    err: UnicodeDecodeError | None = None
    for enc in candidates:
        try:
            decoded[enc] = data.decode(enc)
        except UnicodeDecodeError as e:
            err = e if err is None else err
    if len(decoded) == 2 and decoded["utf-8"] != decoded["gb18030"]:
        # bytes valid in both (short GBK text can pass as UTF-8): let the detector judge which
        # reads as text, between these two only
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=["utf_8", "gb18030"]).best()
        enc = "gb18030" if best is not None and best.encoding == "gb18030" else "utf-8"
        return decoded[enc], enc
    if decoded:
        enc = next(iter(decoded))
        return decoded[enc], enc
    assert err is not None
    raise InputError(
        f"not UTF-8, UTF-16 or GBK/GB18030 text (undecodable byte at offset {err.start}); save the file as “CSV UTF-8”",
        f"不是 UTF-8、UTF-16 或 GBK/GB18030 文本（偏移 {err.start} 处的字节无法解码）；请另存为“CSV UTF-8”",
        where=where,
    )


def read_csv(path: Path) -> SheetCells:
    where = str(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read the file: {err.strerror}", f"无法读取文件：{err.strerror}", where=where) from None
    text, encoding = decode_csv(data, where)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            if len(records) >= MAX_ROWS or len(record) > MAX_COLUMNS:
                raise InputError(f"more than {MAX_ROWS} rows or {MAX_COLUMNS} columns; split the data into several files",
                                 f"超过 {MAX_ROWS} 行或 {MAX_COLUMNS} 列；请分为多个文件", where=f"{path}:{len(records) + 1}")
            records.append(record)
    except csv.Error as err:
        raise InputError(f"malformed CSV: {err}", f"CSV 格式错误：{err}", where=f"{path}:{len(records) + 1}") from None
    headers = [restore(h) for h in records[0]] if records else []
    rows = [(i + 2, [restore(c) for c in r]) for i, r in enumerate(records[1:])]
    return SheetCells(path, path.stem, headers, rows, encoding=encoding)


def _check_packing(path: Path) -> None:
    """Refuse a workbook whose XML would unpack to far more than a case workbook holds (a zip bomb,
    or megabytes of white space), before any of it is parsed."""
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise InputError(f"not a readable XLSX workbook (not a zip archive: {err})",
                         f"不是可读取的 XLSX 工作簿（不是 zip 压缩包：{err}）", where=str(path)) from None
    total = sum(m.file_size for m in members)
    bomb = [m for m in members if m.file_size > 2**20 and m.file_size > MAX_RATIO * max(m.compress_size, 1)]
    if total > MAX_UNPACKED or bomb:
        raise InputError(f"the workbook unpacks to {total // 2**20} MiB{' at an implausible ratio' if bomb else ''}; "
                         f"a case workbook is far smaller — refused",
                         f"该工作簿解压后达 {total // 2**20} MiB{'，压缩比异常' if bomb else ''}；案例工作簿远小于此——拒绝读取", where=str(path))


def read_xlsx(path: Path) -> list[SheetCells]:
    from openpyxl import load_workbook

    _check_packing(path)
    try:
        return _read_xlsx(path, load_workbook)
    except InputError:
        raise
    except Exception as err:  # noqa: BLE001 - openpyxl raises many kinds for a damaged workbook
        detail = (str(err).splitlines() or [""])[0][:160]
        raise InputError(f"not a readable XLSX workbook ({type(err).__name__}: {detail})",
                         f"不是可读取的 XLSX 工作簿（{type(err).__name__}：{detail}）", where=str(path)) from None


def _read_xlsx(path: Path, load_workbook) -> list[SheetCells]:
    wb = load_workbook(path, read_only=True, data_only=True)
    # the same workbook with formulas as written: a formula Excel never calculated (a file
    # written by a script) has no stored value, and would otherwise read as an empty cell
    formulas = load_workbook(path, read_only=True, data_only=False)
    tables = []
    try:
        for ws, wf in zip(wb.worksheets, formulas.worksheets):
            # the declared dimension (A1:XFD1048576 in a hostile file) is not trusted: rows are read as found
            for sheet in (ws, wf):
                if hasattr(sheet, "reset_dimensions"):
                    sheet.reset_dimensions()
            rows, uncalculated = [], []
            for i, (values, written) in enumerate(zip(ws.iter_rows(values_only=True), wf.iter_rows(values_only=True)), start=1):
                if i > MAX_ROWS or len(values) > MAX_COLUMNS:
                    raise InputError(f"sheet {ws.title} has more than {MAX_ROWS} rows or {MAX_COLUMNS} columns; "
                                     f"split the data into several workbooks",
                                     f"工作表 {ws.title} 超过 {MAX_ROWS} 行或 {MAX_COLUMNS} 列；请分为多个工作簿", where=str(path))
                missing = [(i, j) for j, (v, w) in enumerate(zip(values, written))
                           if v is None and isinstance(w, str) and w.startswith("=")]
                uncalculated += missing
                if missing or any(c is not None and str(c).strip() for c in values):
                    rows.append((i, list(values)))
            if not rows:
                tables.append(SheetCells(path, ws.title, [], []))
                continue
            header_row, header = rows[0]
            tables.append(SheetCells(path, ws.title, ["" if c is None else str(c) for c in header],
                                rows[1:], header_row=header_row, uncalculated=uncalculated))
    finally:
        wb.close()
        formulas.close()
    return tables


def read_tables(path: str | Path) -> list[SheetCells]:
    """Every table in a CSV file (one) or an XLSX workbook (one per worksheet)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", "找不到文件", where=str(path))
    if path.suffix.lower() == ".csv":
        return [read_csv(path)]
    return read_xlsx(path)


# --- writing -------------------------------------------------------------------------

def csv_text(rows: list[list[str]]) -> str:
    """CSV as Excel reads it without asking: UTF-8 with a byte-order mark, CRLF line ends; a cell
    that would start a formula is neutralised (:func:`neutralise`)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([[neutralise(c) if isinstance(c, str) else c for c in row]
                                                       for row in rows])
    return "\ufeff" + buf.getvalue()


def write_csv(path: Path, rows: list[list[str]]) -> None:
    write_atomic(path, csv_text(rows))


@dataclass
class SheetLayout:
    """One worksheet to write: a title, a header row (with notes), rows, and drop-downs."""
    title: str
    headers: list[str]
    notes: list[str]                      # a note on each header cell ("" for none)
    rows: list[list[str]]
    dropdowns: dict[int, tuple[str, bool]]  # column index → (list formula, strict)
    widths: list[int]
    required: list[bool] = field(default_factory=list)  # header cells drawn as required


def write_xlsx(path: Path, layouts: list[SheetLayout]) -> None:
    """Write the workbook atomically (:func:`xlsx_bytes`)."""
    write_atomic(path, xlsx_bytes(layouts))


def _text_not_formula(cells) -> None:
    """Every cell of a written row holds its text, never a formula: what a cell says is what it holds."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"
            cell.quotePrefix = True


def xlsx_bytes(layouts: list[SheetLayout]) -> bytes:
    """The workbook's bytes. Drop-downs cover 2,000 rows below the header; a strict one refuses
    other values, a lenient one (several values per cell) only warns."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for layout in layouts:
        ws = wb.create_sheet(layout.title)
        ws.append(layout.headers)
        _text_not_formula(ws[1])  # a header can be a label too (compare: one column per community)
        must = PatternFill("solid", fgColor="F8CBAD")
        for i, (cell, note) in enumerate(zip(ws[1], layout.notes)):
            cell.font, cell.fill = bold, (must if i < len(layout.required) and layout.required[i] else fill)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if note:
                cell.comment = Comment(note, "chuangshu", width=320, height=160)
        for row in layout.rows:
            ws.append(row)
            _text_not_formula(ws[ws.max_row])
        for i, w in enumerate(layout.widths):
            ws.column_dimensions[column_letter(i)].width = w
        ws.freeze_panes = "B2" if layout.headers and layout.headers[0].startswith("id") else "A2"
        last = max(len(layout.rows) + 1, 2001)
        for col, (formula, strict) in sorted(layout.dropdowns.items()):
            dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                                showErrorMessage=True, errorStyle="stop" if strict else "warning",
                                error="请从下拉列表选择 / choose from the list", errorTitle="chuangshu")
            letter = column_letter(col)
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)
    # fixed document times: the same inputs give the same workbook content
    import datetime as _dt

    wb.properties.created = wb.properties.modified = _dt.datetime(2000, 1, 1)
    wb.properties.creator = "chuangshu"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
