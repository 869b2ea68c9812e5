"""The city-scale path: the whole pipeline inside one Oxigraph store.

    load (bulk) → validate (shapes compiled to SPARQL) → reason (entailment updates in
    queries/entailment) → rules (queries/rules as INSERT … WHERE) → assess (one SELECT) → export (dump)

It gives the same validation results and the same assessments as the reference path
(pySHACL, HermiT or owlrl, rules through CONSTRUCT); tests compare the two. Nothing
here builds an rdflib graph of the data, so a million triples stay in Rust.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef

from . import resources
from .engines.base import DETAIL_QUERIES, EngineRun, entailment_files
from .errors import InputError
from .i18n import preferred
from .load import PREFIXES, check_xml, from_oxigraph, rdf_format
from .rules import load_rules, to_ox

RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="chuangshu", unit="query", disable=not enabled, leave=False)


@dataclass
class ScaleRun(EngineRun):
    store: ox.Store = field(default_factory=ox.Store)
    origin: dict = field(default_factory=dict)

    # ---- load ----------------------------------------------------------------------------
    def load(self, files: list[Path], *, with_ontology: bool = True) -> None:
        def run():
            for f in self.input_files(files, with_ontology):
                fmt = rdf_format(Path(f))
                if fmt == ox.RdfFormat.RDF_XML:
                    check_xml(Path(f))
                try:
                    self.store.bulk_load(path=str(f), format=fmt, base_iri=PREFIXES["csd"])
                except SyntaxError as err:
                    reason = str(err).split(": ", 1)[-1]
                    raise InputError(f"syntax error: {reason}", f"语法错误：{reason}",
                                     where=f"{f}:{err.lineno}:{err.offset}" if err.lineno else str(f)) from None
        self._timed("load", run)

    def __len__(self) -> int:
        return len(self.store)

    # ---- validate ------------------------------------------------------------------------
    def validate(self, *, lang: str = "en", allow_warnings: bool = False, itemize_info: bool = True):
        from .fastshacl import build_report, compile_shapes, tallied
        from .validate import shapes_graph

        def run():
            shapes = shapes_graph()
            found, counted = [], []
            for c in compile_shapes(shapes):
                self._tick("validate")
                rows = select(self.store, c.query)
                if c.lexical_query:
                    rows += [r for r in select(self.store, c.lexical_query) if from_oxigraph(r["value"]).ill_typed]
                if tallied(c, shapes, lang, itemize_info):
                    counted.append((c, len(rows)))
                    continue
                found.append((c, [{k: from_oxigraph(v) for k, v in row.items()} for row in rows]))
            return build_report(shapes, found, lambda t: self._label(to_ox(t), lang) if isinstance(t, URIRef) else None,
                                lang=lang, allow_warnings=allow_warnings, counted=counted)
        return self._timed("validate", run)

    def _label(self, node, lang: str) -> str | None:
        if not isinstance(node, ox.NamedNode):
            return None
        label = preferred((q.object for q in self.store.quads_for_pattern(node, RDFS_LABEL, None)), lang)
        return label.value if label is not None else None

    def add_reference_cases(self) -> None:
        """The reference communities the data do not hold, as evidence for recommendations
        (the same triples the reference path adds: :func:`chuangshu.assess.reference_triples`)."""
        from .assess import reference_triples
        from .load import CS
        from .rules import to_ox

        def run():
            own = {from_oxigraph(q.subject) for q in self.store.quads_for_pattern(
                None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(CS + "Community"))}
            self.store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in reference_triples(own))
        self._timed("load", run)

    # ---- reason and rules -------------------------------------------------------------------
    def reason(self) -> None:
        def run():
            for f in entailment_files():
                self.store.update(f.read_text(encoding="utf-8"))
                self._tick("reason")
        self._timed("reason", run)

    def rules(self, as_of: Literal | None = None) -> None:
        from .library import fill_slots

        def run():
            for rule in load_rules():
                text, _ = fill_slots(rule.text, {"asOf": as_of} if as_of is not None else {})
                # the same rule, its conclusions inserted in place instead of returned
                self.store.update(re.sub(r"\bCONSTRUCT\s*\{", "INSERT {", text, count=1))
                self._tick("rules")
        self._timed("rules", run)

    # ---- assess ---------------------------------------------------------------------------
    def assess(self) -> list[dict]:
        query = (resources.resource_dir("queries") / "scale" / "summary.rq").read_text(encoding="utf-8")

        def run():
            return [{k: v.value for k, v in row.items()} for row in select(self.store, query)]
        return self._timed("assess", run)

    def details(self, names=DETAIL_QUERIES) -> dict[str, list[dict]]:
        """What the one-row-per-community table adds to the summary: every recommendation (with labels
        in zh and en), every gap, every community's names (``queries/scale/{recommendations,gaps,labels}.rq``;
        those of ``names``)."""
        folder = resources.resource_dir("queries") / "scale"

        def rows(name):
            out = []
            for row in select(self.store, (folder / f"{name}.rq").read_text(encoding="utf-8")):
                out.append({k: (v.value, getattr(v, "language", None)) if k == "label" else v.value
                            for k, v in row.items()})
            return out
        return self._timed("details", lambda: {name: rows(name) for name in names})

    def export(self, path: Path, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> None:
        self._timed("export", lambda: self.store.dump(output=str(path), format=fmt, from_graph=ox.DefaultGraph()))


def select(store: ox.Store, query: str) -> list[dict]:
    """Rows of a SELECT as {variable: Oxigraph term}, unbound variables left out."""
    result = store.query(query)
    names = [v.value for v in result.variables]
    return [{n: row[n] for n in names if row[n] is not None} for row in result]


def run_pipeline(files: list[Path], *, as_of: Literal | None = None, progress: bool = False,
                 validate: bool = True, lang: str = "en", allow_warnings: bool = False,
                 check=None, engine: str = "oxigraph", lean: bool = False,
                 itemize_info: bool = True) -> tuple[EngineRun, object, list[dict]]:
    """load → validate → reason → rules → assess in one engine. ``check`` sees the validation
    report as soon as it is ready and may stop the run by raising: before anything is inferred, or,
    where validation runs beside reasoning and the rules (the columnar engine), at the first query
    that ends after it. A progress bar (when
    ``progress``) moves once per load, per compiled constraint, per entailment, per rule.

    ``engine`` is ``oxigraph`` (this module's store) or ``columnar`` (DuckDB, every query compiled
    to SQL from the same files: :mod:`chuangshu.engines.columnar`); they give the same results.
    With ``lean`` the columnar engine keeps only what later rules and the results read (no reasons,
    no PROV-O): the same table, from fewer triples. Without ``itemize_info`` the Info results of a
    constraint whose message names no value are counted, not listed (``Report.tallies``): what a
    city's validation summary needs, without 10⁵ results named and labelled one by one.
    """
    from .fastshacl import compile_shapes
    from .validate import shapes_graph

    n_constraints = len(compile_shapes(shapes_graph())) if validate and progress else 0
    bar = _progress(2 + n_constraints + len(entailment_files()) + len(load_rules()), progress)
    pending = None  # the validation, which may run beside reasoning and the rules
    here = threading.current_thread()

    def checked() -> None:
        """``check`` sees the report as soon as it is ready, once (in this thread: it may raise)."""
        nonlocal pending
        if pending is not None and check is not None and threading.current_thread() is here:
            ready, pending = pending, None
            check(ready.result())

    def tick(step):
        bar.set_postfix_str(step, refresh=False)
        bar.update()
        if pending is not None and pending.done():
            checked()
    if engine == "columnar":
        from .engines.columnar import ColumnarRun, check_compiles

        # an unsupported construct in a rule or shape stops the run before any data is read
        run = ColumnarRun(tick=tick, lean=lean, constants=tuple(check_compiles()))
    else:
        run = ScaleRun(tick=tick)
    try:
        run.load(files)
        bar.update()
        if validate:  # of the user's data alone: the reference cases and all that is inferred come after
            pending = validation = run.validate_beside(lang=lang, allow_warnings=allow_warnings,
                                                       itemize_info=itemize_info)
            if validation.done():
                checked()  # before anything is inferred
        run.add_reference_cases()
        run.reason()
        run.rules(as_of)
        checked()  # if it was not ready before
        report = validation.result() if validate else None
        rows = run.assess()
        bar.update()
    except BaseException:
        run.close()  # the columnar engine's temporary folder goes now, not at exit
        raise
    finally:
        bar.close()
    return run, report, rows


def _local(iri: str | None) -> str | None:
    return iri.rsplit("#", 1)[-1] if iri else None


def community_rows(rows: list[dict], recommendations=None) -> list[dict]:
    """One summary per community from the rows of ``queries/scale/summary.rq``, ordered by IRI whatever
    order the engine gives the rows; with ``recommendations`` (the rows of
    ``queries/scale/recommendations.rq``), each community's first priority and what the
    recommendations of that priority recommend (intervention types and actor kinds, sorted)."""
    by_community: dict = {}
    for r in rows:
        by_community.setdefault(r["community"], {
            "community": r["community"], "capital_type": _local(r.get("type")),
            "capital_type_basis": _local(r.get("basis")), "capital_type_conflict": r.get("conflict") == "true",
            "initial_cycle_closed": r.get("initial") == "true", "advanced_cycle_closed": r.get("advanced") == "true",
            "stage": _local(r.get("stage")), "ready": r.get("ready") == "true",
            "warming_begun_early": r.get("early") == "true"})
    if recommendations is not None:
        for c in by_community.values():
            c["first_priority"], c["first_recommendations"] = None, []
        for r in recommendations:
            c = by_community.get(r["community"])
            if c is None:
                continue
            priority = int(float(r["priority"]))
            if c["first_priority"] is None or priority < c["first_priority"]:
                c["first_priority"], c["first_recommendations"] = priority, []
            # what: the type or actor kind recommended, else (neither) the kind of recommendation
            if priority == c["first_priority"] and r["what"] != r["kind"] and _local(r["what"]) not in c["first_recommendations"]:
                c["first_recommendations"].append(_local(r["what"]))
        for c in by_community.values():
            c["first_recommendations"].sort()
    return [by_community[iri] for iri in sorted(by_community)]
