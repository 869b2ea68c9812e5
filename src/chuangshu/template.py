"""Write the spreadsheet templates: blank, or filled with existing case data.

An XLSX workbook (a README sheet that explains every sheet and column in zh and en, one
sheet per kind of record with notes on the headers and drop-downs for the code lists,
and a codes sheet generated from the ontology), and the same sheets as CSV files
(UTF-8 with a byte-order mark, which Excel opens correctly on Chinese Windows).
Existing files are never overwritten unless asked.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from .canon import refuse_overwriting_inputs, write_all_atomic
from .errors import InputError
from .sheets import ALL_SHEETS, Column, code_lists
from .spreadsheet import to_rows
from .tabular import SheetLayout, csv_text, xlsx_bytes

WORKBOOK = "chuangshu-template.xlsx"
CSV_DIR = "chuangshu-template-csv"
README_TITLE = "README｜说明"
CODES_TITLE = "codes｜代码表"

KIND_TEXT = {
    "id": ("ID", "编号"),
    "lang": ("text in the language named", "所注语言的文本"),
    "text": ("text", "文本"),
    "date": ("date: 2022-08-01, 2022-08 or 2022", "日期：2022-08-01、2022-08 或 2022"),
    "number": ("number", "数字"),
    "ref": ("ID of another row", "其他行的编号"),
    "iri": ("web address (http://… or https://…)", "网址（http://… 或 https://…）"),
    "code": ("code from the list", "代码表中的代码"),
    "type": ("kind from the list", "代码表中的类型"),
    "language": ("language tag (zh, en)", "语言标签（zh、en）"),
}

GENERAL = [
    ("How to fill in", "填写方法",
     "One row per record; the id names it and must be unique in the workbook. Columns ending in _zh / _en hold Chinese / English text. "
     "Several values in one cell (refs, codes) are separated by ';'. Copy quotations and wording exactly. Leave a cell empty when the source is silent.",
     "每条记录一行；id 为其编号，在整个工作簿中唯一。以 _zh / _en 结尾的列分别填中文 / 英文。一个单元格填多个值（编号、代码）时以“;”分隔。"
     "引文与原文措辞须逐字照录。来源未提及的留空。"),
    ("Codes", "代码",
     "Code columns have drop-down lists, generated from the ontology; the codes sheet gives each code's labels and definition. "
     "A code may also be written as its Chinese or English label.",
     "代码列带下拉列表，由本体生成；codes 表列出每个代码的中英文标签与定义。代码也可写作其中文或英文标签。"),
    ("Dates", "日期",
     "Write dates only as precisely as the source: 2022-08-01, 2022-08 or 2022; 2022/8/1, 2022年8月 and Excel date cells are read too.",
     "日期精度以来源为准：2022-08-01、2022-08 或 2022；亦可写 2022/8/1、2022年8月，或使用 Excel 日期单元格。"),
    ("Provenance", "出处",
     "Every row names its source (sheet sources) and, where it helps, the page or section and the source's own wording. "
     "A fact derived from the source, or assumed beyond it, is marked in fact_status with a note.",
     "每行注明来源（sources 表），并尽量注明页码或章节及原文措辞。由原文推得或超出原文假定的事实，在 fact_status 中标明并加说明。"),
    ("Example", "示例",
     "chuangshu template --example writes this workbook filled with the paper's two communities, D and S: a model to copy from. "
     "Column headers in orange are required; the need column of this sheet says which columns go together or when.",
     "chuangshu template --example 写出填好论文中 D、S 两个社区的工作簿，可作范例。橙色表头为必填列；本表“填写要求”列说明哪些列须同时填写或在何种情况下必填。"),
    ("Import", "导入",
     "chuangshu import FILE.xlsx -o case.ttl (or the CSV files together): problems are reported by sheet, row and column; "
     "chuangshu validate and chuangshu assess read the spreadsheets directly.",
     "chuangshu import FILE.xlsx -o case.ttl（或一并给出各 CSV 文件）：问题按表、行、列报告；chuangshu validate 与 chuangshu assess 可直接读取电子表格。"),
]


REQUIRED = ("required", "必填")
LABEL = ("at least one of label_zh, label_en", "label_zh、label_en 至少填一项")
# which columns must be filled, which together, which when; every other column is optional
NEEDS: dict[tuple[str, str], tuple[str, str]] = {
    **{(s.key, "id"): REQUIRED for s in ALL_SHEETS if s.key != "statements"},
    **{(s.key, k): LABEL for s in ALL_SHEETS for k in ("label_zh", "label_en")
       if s.key in ("communities", "interventions", "stakeholders")},
    ("communities", "form"): ("recommended: without a form (or an assessment) the type stays undetermined",
                              "建议填写：没有形态（或类型判定）则类型无法确定"),
    ("communities", "source"): ("recommended", "建议填写"),
    ("interventions", "type"): REQUIRED,
    ("interventions", "community"): REQUIRED,
    ("interventions", "builds"): ("required when type is OtherIntervention; otherwise your coding, or empty for the "
                                  "type's default", "类型为 OtherIntervention 时必填；否则为研究者编码，留空取类型默认值"),
    ("interventions", "scope"): ("required when type is OtherIntervention; otherwise your coding, or empty for the "
                                 "type's default", "类型为 OtherIntervention 时必填；否则为研究者编码，留空取类型默认值"),
    ("interventions", "end_date"): ("required with status Discontinued (else it never counts)",
                                    "状态为已停止时必填（否则不计入）"),
    ("interventions", "source"): ("recommended", "建议填写"),
    ("stakeholders", "type"): REQUIRED,
    ("posts", "role"): REQUIRED,
    ("posts", "holder"): REQUIRED,
    ("posts", "organization"): REQUIRED,
    ("contract_steps", "intervention"): REQUIRED,
    ("contract_steps", "step"): REQUIRED,
    ("interviews", "code"): REQUIRED,
    ("interviews", "date"): REQUIRED,
    ("interviews", "community"): REQUIRED,
    ("quotations", "text"): ("required, together with text_lang", "必填，并须同时填写 text_lang"),
    ("quotations", "text_lang"): ("required, together with text", "必填，并须同时填写 text"),
    ("quotations", "interview"): REQUIRED,
    ("quotations", "evidences"): REQUIRED,
    ("claims", "kind"): REQUIRED,
    ("claims", "community"): REQUIRED,
    ("quantities", "community"): REQUIRED,
    ("quantities", "measures"): REQUIRED,
    **{("quantities", k): ("exactly one of exact_value, more_than, approximate_value",
                           "exact_value、more_than、approximate_value 三者填其一")
       for k in ("exact_value", "more_than", "approximate_value")},
    ("assessments", "community"): REQUIRED,
    ("assessments", "capital_type"): REQUIRED,
    ("sources", "type"): REQUIRED,
    ("statements", "subject"): REQUIRED,
    ("statements", "property"): REQUIRED,
    ("statements", "value"): REQUIRED,
}


def need(sheet: str, col: Column) -> tuple[str, str]:
    return NEEDS.get((sheet, col.key), ("optional", "选填"))


def _describe(col: Column) -> tuple[str, str]:
    """What a column holds, in en and zh: for the header's note and the README sheet."""
    kind_en, kind_zh = KIND_TEXT[col.kind]
    codes = f" {col.codes}" if col.codes else ""
    many_en = " Several values: separate with ';'." if col.multi else ""
    many_zh = "可填多个值，以“;”分隔。" if col.multi else ""
    return (f"{col.en} — {kind_en}{codes}.{many_en} {col.help_en}".strip(),
            f"{col.zh}——{kind_zh}{codes}。{many_zh}{col.help_zh}".strip())


def _code_ranges(codes, lang: str = "en") -> dict[str, str]:
    """Each list's cell range in the codes sheet (header in row 1): the labels in ``lang`` when they
    are all there and distinct, else the codes."""
    ranges, row = {}, 2
    for name in sorted(codes):
        items = codes[name]
        n = len(items)
        labels = [(c.zh if lang == "zh" else c.en) for c in items]
        column = ("C" if lang == "zh" else "D") if all(labels) and len(set(labels)) == n else "B"
        ranges[name] = f"'{CODES_TITLE}'!${column}${row}:${column}${row + n - 1}"
        row += n
    return ranges


def type_defaults(onto, iri) -> tuple[str, str, str]:
    """What an intervention type builds by default, in zh and en (``dimension · scope · mechanism
    · stage``), and whether it is the paper's or an extension; empty for any other code."""
    from rdflib import URIRef

    from .rdf import CS

    node = URIRef(iri)
    origin = onto.value(node, URIRef(CS + "catalogueOrigin"))
    if origin is None:
        return "", "", ""
    kind = "paper｜论文" if origin == URIRef(CS + "FromThePaper") else "extension｜扩展"
    if not any(onto.objects(node, URIRef(CS + "defaultDimension"))):
        return "无默认值：须记录培育维度与关系范围", "no defaults: record builds and scope", kind

    def labels(prop, lang):
        return ", ".join(_label(onto, v, lang) for v in sorted(onto.objects(node, URIRef(CS + prop)), key=str)) or "—"

    parts = ("defaultDimension", "defaultScope", "defaultMechanism", "typicalStage")
    return " · ".join(labels(p, "zh") for p in parts), " · ".join(labels(p, "en") for p in parts), kind


def _label(graph, node, lang) -> str:
    from rdflib.namespace import RDFS

    for o in graph.objects(node, RDFS.label):
        if getattr(o, "language", None) == lang:
            return str(o)
    return str(node).rsplit("#", 1)[-1]


def _codes_rows(codes) -> list[list[str]]:
    from .rdf import load_ontology

    onto = load_ontology()
    rows = []
    for name in sorted(codes):
        for c in codes[name]:
            zh, en, origin = type_defaults(onto, c.iri) if name == "intervention-types" else ("", "", "")
            rows.append([name, c.code, c.zh or "", c.en or "", c.definition_zh or "", c.definition_en or "", str(c.iri),
                         zh, en, origin])
    return rows


CODES_HEADER = ["list｜代码表", "code｜代码", "label_zh｜中文标签", "label_en｜英文标签",
                "definition_zh｜中文定义", "definition_en｜英文定义", "iri｜IRI",
                "defaults_zh｜默认（维度·范围·机制·阶段）", "defaults_en｜defaults (dimension · scope · mechanism · stage)",
                "origin｜出处"]
README_HEADER = ["sheet｜表", "column｜列", "need｜填写要求", "meaning (English)", "含义（中文）"]


def _readme_rows() -> list[list[str]]:
    rows = [["", title_en + "｜" + title_zh, "", en, zh] for title_en, title_zh, en, zh in GENERAL]
    for sheet in ALL_SHEETS:
        rows.append([sheet.title, "", "", f"{sheet.en}: {sheet.help_en}", f"{sheet.zh}：{sheet.help_zh}"])
        rows.extend([sheet.key, col.header, "｜".join(need(sheet.key, col)), *_describe(col)] for col in sheet.columns)
    return rows


def layouts(graph: Graph | None = None, codes=None, lang: str = "en") -> list[SheetLayout]:
    """The sheets; drop-downs offer the labels in ``lang`` (the import reads codes and labels in
    either language alike)."""
    codes = codes if codes is not None else code_lists()
    rows = to_rows(graph, codes) if graph is not None else {}
    ranges = _code_ranges(codes, lang)
    out = [SheetLayout(README_TITLE, README_HEADER, [""] * 5, _readme_rows(), {}, [22, 34, 30, 90, 70])]
    for sheet in ALL_SHEETS:
        dropdowns = {i: (ranges[c.codes], not c.multi) for i, c in enumerate(sheet.columns) if c.codes}
        widths = [36 if c.kind in ("lang",) else 18 for c in sheet.columns]
        needs = [need(sheet.key, c) for c in sheet.columns]
        notes = ["\n".join((f"[{n[0]}｜{n[1]}]",) + _describe(c)) for c, n in zip(sheet.columns, needs)]
        out.append(SheetLayout(sheet.title, [c.header for c in sheet.columns], notes, rows.get(sheet.key, []), dropdowns,
                               widths, [n[0] == REQUIRED[0] or n[0].startswith("required, together") for n in needs]))
    out.append(SheetLayout(CODES_TITLE, CODES_HEADER, [""] * len(CODES_HEADER), _codes_rows(codes), {}, [18, 30, 18, 28, 50, 50, 50, 50, 60, 14]))
    return out


def _refuse_existing(paths: list[Path], overwrite: bool) -> None:
    if overwrite:
        return
    for p in paths:
        if p.exists():
            raise InputError("already exists; it is left as it is (give --overwrite to replace it)",
                             "已存在，未改动（如需替换请加 --overwrite）", where=str(p))


def write_templates(out_dir: Path, fmt: str = "both", graph: Graph | None = None, overwrite: bool = False,
                    codes=None, inputs=(), lang: str = "en") -> list[Path]:
    """Write the XLSX workbook and/or the CSV files into ``out_dir``; return what was written.
    ``inputs`` (the files ``graph`` was read from) are never overwritten."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("the output is not a folder", "输出位置不是目录", where=str(out_dir))
    sheets = layouts(graph, codes, lang)
    targets: list[tuple[Path, object]] = []
    if fmt in ("xlsx", "both"):
        targets.append((out_dir / WORKBOOK, sheets))
    if fmt in ("csv", "both"):
        csv_dir = out_dir / CSV_DIR
        for layout in sheets:
            key = layout.title.split("｜")[0]
            targets.append((csv_dir / f"{key}.csv", [layout.headers] + layout.rows))
    refuse_overwriting_inputs([p for p, _ in targets], inputs)
    _refuse_existing([p for p, _ in targets], overwrite)
    # the folders are made as report -o makes its own (and taken away again if the writing fails)
    made = [d for d in [out_dir / CSV_DIR, out_dir, *out_dir.parents] if not d.exists()]  # innermost first
    try:
        for path, _ in targets:
            path.parent.mkdir(parents=True, exist_ok=True)
        # all or nothing: a full disk half-way leaves no half set of templates behind
        write_all_atomic([(path, xlsx_bytes(content) if path.suffix == ".xlsx" else csv_text(content))
                          for path, content in targets])
    except BaseException:
        for d in made:  # only the folders this call made, and only if nothing is in them
            if d.is_dir() and not any(d.iterdir()):
                d.rmdir()
        raise
    return [path for path, _ in targets]

