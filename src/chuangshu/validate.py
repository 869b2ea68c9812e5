"""Validate case data against the SHACL shapes (with the ontology) on the engine that fits — pySHACL,
or the shapes compiled to SPARQL on Oxigraph — each result described in the user's language (the report
and its messages: :mod:`chuangshu.shapes`).

Conformance follows pySHACL's convention with ``allow_warnings``: a Violation always
fails; a Warning fails unless warnings are allowed; an Info never fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from . import resources
from .engines import large_input
from .rdf import compact, load_ontology
from .load import has_community, load_sources
from .shapes import Report, Result, SEVERITY_ORDER, SH, _located, _pick_message, _render_path, _render_value, _text, humanize, problem_result, shapes_graph

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
        from .engines.oxigraph import RewrittenLiterals

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
                       problems: Iterable, also=()) -> Report:
    """The compiled validation on Oxigraph; with ``also`` (languages), the same results in each of those too, from
    the same queries (``Report.in_languages``: {lang: Report})."""
    from .rdf import expand
    from .engines.oxigraph import OxigraphRun

    run = OxigraphRun()
    run.add_graph(ontology if ontology is not None else load_ontology())
    run.add_graph(data)
    out = {}
    for language in (lang, *also):
        report = run.validate(lang=language, allow_warnings=allow_warnings)
        results = [problem_result(p, language) for p in problems]
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
        out[language] = Report(results=results, allow_warnings=allow_warnings, report_graph=None)
    return out[lang] if not also else out


def validate_graph_in(langs, data: Graph, origin: dict | None = None, *, allow_warnings: bool = False,
                      ontology: Graph | None = None, problems: Iterable = ()) -> dict:
    """:func:`validate_graph` in each of ``langs`` ({lang: Report}); on the compiled engine the shapes' queries
    run once for all of them."""
    from .engines.oxigraph import RewrittenLiterals

    try:
        return _validate_compiled(data, origin or {}, lang=langs[0], allow_warnings=allow_warnings, ontology=ontology,
                                  problems=problems, also=tuple(langs[1:])) if len(langs) > 1 else \
            {langs[0]: validate_graph(data, origin, lang=langs[0], allow_warnings=allow_warnings, ontology=ontology,
                                      problems=problems)}
    except RewrittenLiterals:  # validate_graph says so and takes pySHACL, language by language
        return {lang: validate_graph(data, origin, lang=lang, allow_warnings=allow_warnings, ontology=ontology,
                                     problems=problems) for lang in langs}


def validate_files(paths: Iterable[str | Path] | None = None, *, lang: str = "en",
                   allow_warnings: bool = False, need_report_graph: bool = False, engine: str = "compiled") -> Report:
    """Validate RDF files (the bundled case data when ``paths`` is None)."""
    files = list(paths) if paths else resources.data_files()
    if engine == "compiled" and not need_report_graph and large_input(files):
        return _validate_large(files, lang=lang, allow_warnings=allow_warnings)
    data, origin, problems = load_sources(files)
    report = validate_graph(data, origin, lang=lang, allow_warnings=allow_warnings, problems=problems,
                            need_report_graph=need_report_graph, engine=engine)
    report.no_community = not has_community(data)
    return report


def _validate_large(files, *, lang: str, allow_warnings: bool) -> Report:
    """A large RDF input (a 267 MB N-Triples file took rdflib and pySHACL more than 38 minutes and
    5.8 GB): bulk-loaded into Oxigraph with the ontology and validated there, as ``assess --fast`` does."""
    from .engines.oxigraph import OxigraphRun

    run = OxigraphRun()
    run.load([Path(f) for f in files])
    report = run.validate(lang=lang, allow_warnings=allow_warnings)
    for r in report.results:
        r.file = None
    return report
