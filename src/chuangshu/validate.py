"""Validate case data against the SHACL shapes (with the ontology), and describe each
result in the user's language: file, focus node by its label, path, value, message.

Conformance follows pySHACL's convention with ``allow_warnings``: a Violation always
fails; a Warning fails unless warnings are allowed; an Info never fails.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from . import resources
from .load import compact, has_community, load_ontology, load_sources, parse_files

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
        from .frames import report_frame

        return report_frame(self)

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
    values = [o for o in graph.objects(node, prop) if isinstance(o, Literal)]
    for want in (lang, "en", "zh", None):
        for v in values:
            if v.language == want:
                return str(v)
    return str(values[0]) if values else None


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


ENGINES = ("compiled", "pyshacl")


def validate_graph(data: Graph, origin: dict | None = None, *, lang: str = "en",
                   allow_warnings: bool = False, ontology: Graph | None = None,
                   problems: Iterable = (), need_report_graph: bool = False, engine: str = "compiled") -> Report:
    """Validate ``data`` (merged with the ontology) against the case-data shapes; ``problems``
    found while importing spreadsheets come first in the report.

    By default the shapes run compiled to SPARQL on Oxigraph (``chuangshu.fastshacl``), in a
    fraction of pySHACL's time (pySHACL evaluates its SPARQL constraints node by node: a 9,000-triple
    file took two minutes, a one-community file over a second); ``engine="pyshacl"`` is the reference,
    and the tests show both give the same results on every example, the bundled data, the
    development set and synthetic cities. A Turtle report (``need_report_graph``) comes from pySHACL."""
    if engine not in ENGINES:
        raise ValueError(engine)
    if engine == "compiled" and not need_report_graph:
        from .scale import RewrittenLiterals

        try:
            return _validate_compiled(data, origin or {}, lang=lang, allow_warnings=allow_warnings,
                                      ontology=ontology, problems=problems)
        except RewrittenLiterals as err:  # pySHACL reads them as written: the reference, slower, said so
            import warnings

            from .errors import Notice

            warnings.warn(Notice(f"{err.en}; validated with pySHACL instead", f"{err.zh}；已改用 pySHACL 校验"))
            engine = "pyshacl"
    shapes = shapes_graph()
    onto = ontology if ontology is not None else load_ontology()
    merged = Graph()
    for t in onto:
        merged.add(t)
    for t in data:
        merged.add(t)
    import pyshacl  # (here: a tenth of a second that every other command need not pay)

    _, report, _ = pyshacl.validate(merged, shacl_graph=shapes, advanced=True,
                                    inference="none", allow_warnings=True)
    if not isinstance(report, Graph):  # pySHACL refused the shapes themselves
        from .errors import ChuangshuError

        raise ChuangshuError(f"the shapes cannot be used: {report}", f"约束无法使用：{report}")
    origin = origin or {}
    results = [problem_result(p, lang) for p in problems]
    for r in report.subjects(RDF.type, URIRef(SH + "ValidationResult")):
        focus = report.value(r, URIRef(SH + "focusNode"))
        source = report.value(r, URIRef(SH + "sourceConstraint")) or report.value(r, URIRef(SH + "sourceShape"))
        severity = str(report.value(r, URIRef(SH + "resultSeverity"))).rsplit("#", 1)[-1]
        # pySHACL drops the language of SPARQL messages: take them from the shapes graph, or,
        # when they have placeholders, pySHACL's filled ones, with labels for the IRIs.
        message = _text(shapes, source, URIRef(SH + "message"), lang) \
            or _text(report, r, URIRef(SH + "resultMessage"), lang) or ""
        if "{?" in message or "{$" in message:
            message = humanize(_pick_message(report, r, lang) or message,
                               lambda iri: _text(merged, URIRef(iri), RDFS.label, lang))
        path = report.value(r, URIRef(SH + "resultPath"))
        value = report.value(r, URIRef(SH + "value"))
        inverse = path is not None and not isinstance(path, URIRef)
        prop = report.value(path, URIRef(SH + "inversePath")) if inverse else path
        results.append(Result(
            severity=severity,
            focus=str(focus),
            focus_label=_text(merged, focus, RDFS.label, lang) or compact(focus),
            path=_render_path(report, path),
            value=_render_value(merged, value, lang),
            message=message,
            constraint=compact(source),
            shape=compact(report.value(r, URIRef(SH + "sourceShape"))),
            component=compact(report.value(r, URIRef(SH + "sourceConstraintComponent"))),
            **_located(origin.get(focus), prop, inverse),
        ))
    results.sort(key=lambda x: (SEVERITY_ORDER.get(x.severity, 9), x.file or "", x.sheet or "", x.row or 0,
                                x.focus, x.constraint, x.value or ""))
    return Report(results=results, allow_warnings=allow_warnings, report_graph=report)


def _validate_compiled(data: Graph, origin: dict, *, lang: str, allow_warnings: bool, ontology: Graph | None,
                       problems: Iterable) -> Report:
    from .load import expand
    from .scale import ScaleRun

    run = ScaleRun()
    run.add_graph(ontology if ontology is not None else load_ontology())
    run.add_graph(data)
    report = run.validate(lang=lang, allow_warnings=allow_warnings)
    results = [problem_result(p, lang) for p in problems]
    for r in report.results:
        path = r.path or ""
        inverse = path.startswith("^")
        prop = URIRef(expand(path.lstrip("^"))) if path else None
        focus = URIRef(r.focus) if not r.focus.startswith("_:") else None
        for key, value in _located(origin.get(focus), prop, inverse).items():
            setattr(r, key, value)
        results.append(r)
    results.sort(key=lambda x: (SEVERITY_ORDER.get(x.severity, 9), x.file or "", x.sheet or "", x.row or 0,
                                x.focus, x.constraint, x.value or ""))
    return Report(results=results, allow_warnings=allow_warnings, report_graph=None)


def validate_files(paths: Iterable[str | Path] | None = None, *, lang: str = "en",
                   allow_warnings: bool = False, need_report_graph: bool = False, engine: str = "compiled") -> Report:
    """Validate RDF files (the bundled case data when ``paths`` is None)."""
    files = list(paths) if paths else resources.data_files()
    if engine == "compiled" and not need_report_graph and _large_rdf(files):
        return _validate_large(files, lang=lang, allow_warnings=allow_warnings)
    data, origin, problems = load_sources(files)
    report = validate_graph(data, origin, lang=lang, allow_warnings=allow_warnings, problems=problems,
                            need_report_graph=need_report_graph, engine=engine)
    report.no_community = not has_community(data)
    return report


LARGE_INPUT = 32 * 2**20   # bytes of RDF: above this the files go straight into Oxigraph, never into rdflib


def _large_rdf(files) -> bool:
    from .tabular import is_spreadsheet

    paths = [Path(f) for f in files]
    if any(is_spreadsheet(p) for p in paths):
        return False
    return sum(p.stat().st_size for p in paths if p.is_file()) > LARGE_INPUT


def _validate_large(files, *, lang: str, allow_warnings: bool) -> Report:
    """A large RDF input (a 267 MB N-Triples file took rdflib and pySHACL more than 38 minutes and
    5.8 GB): bulk-loaded into Oxigraph with the ontology and validated there, as ``assess --fast`` does."""
    from .scale import ScaleRun

    run = ScaleRun()
    run.load([Path(f) for f in files])
    report = run.validate(lang=lang, allow_warnings=allow_warnings)
    for r in report.results:
        r.file = None
    return report
