"""The shapes and what a validation reports: the case-data shapes graph, the :class:`Report` of
:class:`Result` objects every validation engine gives (pySHACL, the shapes compiled to SPARQL or SQL),
and each result described in the reader's language — file, focus node by its label, path, value, message.
(:mod:`chuangshu.validate` runs a validation; :mod:`chuangshu.fastshacl` compiles the shapes.)

Conformance follows pySHACL's convention with ``allow_warnings``: a Violation always
fails; a Warning fails unless warnings are allowed; an Info never fails.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from . import resources
from .i18n import text_in
from .rdf import compact, parse_files


SH = "http://www.w3.org/ns/shacl#"
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass
class Result:
    severity: str          # Violation | Warning | Info
    focus: str             # IRI (or blank node id) of the focus node
    focus_label: str       # its label in the chosen language, else a short name
    path: str | None       # the property path, compact
    value: str | None      # the offending value, compact
    message: str           # in the chosen language
    constraint: str        # the shape or SPARQL constraint that fired (compact IRI)
    shape: str             # the shape that holds it (sh:sourceShape, compact)
    component: str         # the SHACL constraint component (compact)
    file: str | None       # the input file that states the focus node
    sheet: str | None = None   # spreadsheets: the worksheet (XLSX)
    row: int | None = None     # spreadsheets: the row, as the spreadsheet numbers it
    column: str | None = None  # spreadsheets: the column letter and header
    # the result's RDF terms — focus node, path, value, source shape, constraint component, severity —
    # where the engine gives them (the compiled engines do): for comparing engines, never shown
    terms: tuple | None = field(default=None, repr=False, compare=False)

    def where(self, lang: str = "en") -> str:
        """file [sheet] row N, column C (header) — as much of it as is known."""
        out = self.file or ""
        if self.sheet:
            out += f" [{self.sheet}]"
        if self.row is not None:
            out += f" 第 {self.row} 行" if lang == "zh" else f" row {self.row}"
        if self.column:
            out += f"，{self.column} 列" if lang == "zh" else f", column {self.column}"
        return out


@dataclass
class Report:
    results: list[Result]
    allow_warnings: bool
    report_graph: Graph
    # results counted, not listed: {(severity, constraint, shape, message): how many} (at city scale,
    # the Info results of a constraint whose message names no value: see ``itemize_info``)
    tallies: dict = field(default_factory=dict)
    no_community: bool = False  # the input holds no community (a blank template?): nothing was really checked

    @property
    def conforms(self) -> bool:
        """No result fails: an Info never, a Warning unless warnings are allowed, any other severity (a
        Violation, or one a shapes graph defines) always."""
        passing = {"Info", "Warning"} if self.allow_warnings else {"Info"}
        return all(r.severity in passing for r in self.results) and all(k[0] in passing for k in self.tallies)

    def counts(self) -> dict[str, int]:
        out = {"Violation": 0, "Warning": 0, "Info": 0}
        for r in self.results:
            out[r.severity] = out.get(r.severity, 0) + 1
        for (severity, *_), n in self.tallies.items():
            out[severity] = out.get(severity, 0) + n
        return out

    def to_frame(self):
        """One row per result as a pandas data frame (``pip install 'chuangshu[frames]'``)."""
        from .frames import rows_frame

        shown = [f.name for f in fields(Result) if f.repr]  # (not the RDF terms kept for comparing engines)
        return rows_frame([{k: v for k, v in asdict(r).items() if k in shown} for r in self.results], shown)

    def as_dict(self) -> dict:
        out = {"conforms": self.conforms, "counts": self.counts(),
               "results": [{k: v for k, v in asdict(r).items() if k != "terms"} for r in self.results]}
        if self.tallies:  # counted, not listed
            out["counted"] = [{"severity": k[0], "constraint": k[1], "shape": k[2], "message": k[3], "results": n}
                              for k, n in sorted(self.tallies.items())]
        return out


def shapes_graph() -> Graph:
    return parse_files([resources.resource_dir("shapes") / "case-data.ttl"])


def _text(graph: Graph, node, prop, lang: str) -> str | None:
    return text_in(graph.objects(node, prop), lang)


def format_value(value, label: str | None = None) -> str | None:
    """A result's value for people: a typed literal with its compact datatype, an IRI
    compacted and followed by its label."""
    if value is None:
        return None
    if isinstance(value, Literal):
        return f"{Literal(str(value)).n3()}^^{compact(value.datatype)}" if value.datatype else str(value)
    return f"{compact(value)} ({label})" if label else compact(value)


_IRI_IN_TEXT = re.compile(r"(?:https?|urn):[^\s，。；、：（）()<>\"“”‘’]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def humanize(text: str, label) -> str:
    """A message whose placeholders were filled with IRIs, with each IRI replaced by its label
    (``label(iri)``, None when it has none) or its compact name."""
    return _IRI_IN_TEXT.sub(lambda m: label(m.group(0)) or compact(URIRef(m.group(0))), text)


def fill_message(template: str, values: dict, label) -> str:
    """``{?var}`` and ``{$this}`` in a SHACL message filled with the solution's terms, as people read them."""
    filled = re.sub(r"\{[?$](\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), template)
    return humanize(filled, label)


def _pick_message(report: Graph, result, lang: str) -> str | None:
    """pySHACL fills a SPARQL constraint's {?var} placeholders but drops the messages' language
    tags: tell the Chinese one by its characters."""
    texts = [str(m) for m in report.objects(result, URIRef(SH + "resultMessage"))]
    for text in texts:
        if bool(_CJK.search(text)) == (lang == "zh"):
            return text
    return texts[0] if texts else None


def _render_value(graph: Graph, value, lang: str) -> str | None:
    label = _text(graph, value, RDFS.label, lang) if isinstance(value, URIRef) else None
    return format_value(value, label)


def _display_path(path: Path) -> str:
    """Relative to the working directory when the file lies under it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _render_path(graph: Graph, path) -> str | None:
    if path is None:
        return None
    if isinstance(path, URIRef):
        return compact(path)
    inverse = graph.value(path, URIRef(SH + "inversePath"))
    return f"^{compact(inverse)}" if inverse is not None else "(complex path)"


def _located(where, prop, inverse: bool) -> dict:
    """file / sheet / row / column of a result: a spreadsheet row points at the cell of the
    result's property (``prop``, read backwards when ``inverse``); an RDF file is named alone."""
    if where is None:
        return {"file": None}
    if isinstance(where, Path):
        return {"file": _display_path(where)}
    cell = where.cell(prop, inverse) if prop is not None else where.where
    return {"file": _display_path(Path(cell.file)), "sheet": cell.sheet, "row": cell.row, "column": cell.column}


def problem_result(p, lang: str) -> Result:
    """A spreadsheet import problem as a validation result."""
    from .spreadsheet import ref_text

    return Result(severity=p.severity, focus=str(p.focus) if p.focus is not None else "",
                  focus_label=ref_text(p.focus) if p.focus is not None else "",
                  path=None, value=p.value, message=p.zh if lang == "zh" else p.en, constraint=p.code,
                  shape="", component="", file=_display_path(Path(p.cell.file)), sheet=p.cell.sheet,
                  row=p.cell.row, column=p.cell.column)
