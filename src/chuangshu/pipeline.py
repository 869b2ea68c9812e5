"""The sequence every command runs, as functions the CLI and the Python API share:

    load → validate → (cut one community's part) → reason → rules → results

A command only parses its options, calls these, and prints; a ``check`` callback sees the validation
report before anything is inferred and may stop the run (the CLI prints the report and exits 1).

The engines (``engine=``; :func:`choose_engine` decides ``auto`` by the input's size, here only):

- ``reference``: the OWL reasoner (HermiT, or OWL 2 RL without Java) over an rdflib graph, then the
  rules on Oxigraph (``rdflib``: on rdflib) — the slow path, and the one that keeps the rules'
  conclusions with their provenance (Turtle output, ``export --with assessment``);
- ``oxigraph``: the compiled entailments (``queries/entailment``) and the rules in one in-memory
  Oxigraph store;
- ``duckdb``: every query compiled to SQL on DuckDB (:mod:`chuangshu.engines.columnar`), for a city.

Every engine's results come back through the same queries (``queries/results``, :mod:`chuangshu.results`)
as the same :class:`~chuangshu.model.CommunityResult` objects: the same output whichever ran (tested).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal

from . import resources
from .engines import ENGINES, choose_engine
from .engines.base import EngineRun, entailment_files
from .engines.oxigraph import OxigraphRun
from .errors import InputError
from .rules import load_rules


def load_validated(paths=(), *, lang: str = "en", check=None) -> tuple[Graph, Graph]:
    """(case data, ontology): the files (default: the bundled data) loaded; with ``check``, validated
    first (Warnings allowed) and the report handed to ``check``."""
    from .rdf import load_ontology
    from .load import has_community, load_sources
    from .validate import validate_graph

    files = list(paths) or resources.data_files()
    data, origin, problems = load_sources(files)
    if not has_community(data) and not problems:
        raise no_community(files)
    onto = load_ontology()
    if check is not None:
        check(validate_graph(data, origin, lang=lang, allow_warnings=True, ontology=onto, problems=problems))
    else:  # unvalidated, what the loading left out is still said (the report would have listed it)
        import warnings

        from .errors import Notice

        for problem in problems:
            if problem.code == "load:schema-ignored":
                warnings.warn(Notice(f"{problem.cell.file}: {problem.en}", f"{problem.cell.file}：{problem.zh}"), stacklevel=2)
    return data, onto


def no_community(files):
    """The error of an input with no community in it — most often a blank template validated or assessed
    while the CSV files beside it were filled (or the other way round): it names them."""
    from .errors import InputError

    files = [Path(f) for f in files]
    shown = ", ".join(str(f) for f in files)
    hints_en, hints_zh = [], []
    for f in files:
        other = None
        if f.suffix.lower() in (".xlsx", ".xlsm") and (f.parent / f"{f.stem}-csv").is_dir():
            other = f.parent / f"{f.stem}-csv"
        elif f.is_dir() and f.name.endswith("-csv") and (f.parent / f"{f.name[:-4]}.xlsx").is_file():
            other = f.parent / f"{f.name[:-4]}.xlsx"
        elif f.suffix.lower() == ".csv" and f.parent.name.endswith("-csv"):
            candidate = f.parent.parent / f"{f.parent.name[:-4]}.xlsx"
            other = candidate if candidate.is_file() else None
        if other is not None:
            hints_en.append(f"did you fill {other} instead? give it (a folder of CSV files may be given as it is)")
            hints_zh.append(f"是否填写的是 {other}？请改为给出它（CSV 文件所在目录可直接给出）")
    en = f"no community found in {shown}" + (f"; {'; '.join(hints_en)}" if hints_en else
                                             "; a community is a row of the communities sheet (or a cs:Community)")
    zh = f"在 {shown} 中没有找到社区" + (f"；{'；'.join(hints_zh)}" if hints_zh else "；社区是 communities 表中的一行（或一个 cs:Community）")
    return InputError(en, zh)


def load_part(paths=(), keys=(), *, lang: str = "en", check=None) -> tuple[Graph, Graph, list]:
    """The part of the case data that the communities ``keys`` (IDs, labels or IRIs) need
    (:mod:`chuangshu.subgraph`), the ontology, and the communities' IRIs: the whole input validated first,
    only that part reasoned over after (``assess_files(loaded=(part, ontology))``)."""
    from .subgraph import community_subgraph, find_community

    data, onto = load_validated(paths, lang=lang, check=check)
    seeds = [find_community(data, onto, k) for k in keys]
    return community_subgraph(data, onto, seeds), onto, seeds


def knowledge_parts(paths, parts, *, lang: str = "en", as_of=None, reasoner: str = "auto", engine: str = "oxigraph",
                    public: bool = False, policy: Path | None = None) -> Graph:
    """The chosen parts of the knowledge graph: ontology, data, entailments (OWL), assessment
    (the rules' conclusions); ``inferences`` stands for the last two. ``public`` (or a ``policy``
    file) leaves out what identifies people (:mod:`chuangshu.privacy`)."""
    from .assess import INFERENCES, knowledge_graph, parse_as_of

    data, onto = load_validated(paths, lang=lang)
    out = Graph()
    if "ontology" in parts:
        out += onto
    if "data" in parts:
        out += data
    inferred = INFERENCES if "inferences" in parts else tuple(p for p in INFERENCES if p in parts)
    if inferred:
        full = onto + data
        date = parse_as_of(as_of) if as_of is not None else None
        out += knowledge_graph(full, parts=inferred, as_of=date, reasoner=reasoner, engine=engine, lang=lang) - full
    if public or policy is not None:
        from .privacy import apply_policy

        out = apply_policy(out, policy)
    return out


def assess_files(paths=(), *, engine: str = "auto", as_of=None, reasoner: str = "auto", lang: str = "en", check=None,
                 progress: bool = False, loaded=None, timeline: bool = False, whole_graph: bool = False):
    """Every community of the files (default: the bundled data) assessed on ``engine``: an
    :class:`~chuangshu.assess.Assessment`. ``check`` sees the validation report first (and may stop the
    run); ``as_of`` a literal (:func:`chuangshu.assess.parse_as_of`) or None. ``loaded``: the (case data,
    ontology) of :func:`load_validated` (or of :func:`load_part`) when the caller has them already: they are
    then not read again, nor validated. ``timeline``: each community's timeline too
    (``Assessment.timelines``). ``whole_graph``: ``Assessment.graph`` holds, on every engine, the data with
    what was entailed and concluded, the conclusions' provenance included (what ``explain`` reads; on the
    reference engine it is otherwise the conclusions alone)."""
    return assess_files_in((lang,), paths, engine=engine, as_of=as_of, reasoner=reasoner, check=check,
                           progress=progress, loaded=loaded, timeline=timeline, whole_graph=whole_graph)[lang]


def assess_files_in(langs, paths=(), *, engine: str = "auto", as_of=None, reasoner: str = "auto", check=None,
                    progress: bool = False, loaded=None, timeline: bool = False, whole_graph: bool = False) -> dict:
    """:func:`assess_files` read in each of ``langs`` from one run: ``{lang: Assessment}``."""
    from .assess import Assessment, assess_reasoned_in, reasoned_graph
    from .i18n import pick

    files = list(paths) or resources.data_files()
    engine = choose_engine(files, engine, triples=len(loaded[0]) if loaded is not None else None)
    date = str(as_of) if as_of is not None else None
    if engine in ("reference", "rdflib"):
        data, onto = loaded or load_validated(paths, lang=langs[0], check=check)
        reasoned, name = reasoned_graph(onto + data, reasoner)
        out = assess_reasoned_in(langs, reasoned, name, as_of=as_of, engine="rdflib" if engine == "rdflib" else "oxigraph",
                                 timeline=timeline)
        if whole_graph:
            for a in out.values():
                a.graph = reasoned + a.graph
        return out
    if engine not in ENGINES:
        raise ValueError(f"engine is one of {ENGINES}")
    if engine == "oxigraph" or loaded is not None:
        from .engines.columnar import ColumnarRun

        data, _ = loaded or load_validated(paths, lang=langs[0], check=check)  # read and validated as the reference path does
        run = OxigraphRun() if engine == "oxigraph" else ColumnarRun()
        with run:
            run.load([])  # the ontology
            run.add_graph(data)
            run.add_reference_cases()
            run.reason()
            run.rules(as_of, timeline=timeline)
            read = {lang: run.results_with_timelines(lang) for lang in langs}
            graph = run.graph() if whole_graph else Graph()
    else:
        validate = check is not None
        run, _, _ = run_pipeline(files, as_of=as_of, progress=progress, validate=validate, lang=langs[0],
                                 allow_warnings=True, check=check if validate else None, engine="columnar",
                                 timeline=timeline)
        with run:
            read = {lang: run.results_with_timelines(lang) for lang in langs}
            graph = run.graph() if whole_graph else Graph()
    sql = engine == "duckdb"
    # the compiled engines give the results (and with whole_graph their whole graph); the rules' conclusions
    # alone as a graph with their provenance come from the reference engine (Turtle output, export)
    return {lang: Assessment(communities, graph, pick(lang, "compiled entailments (queries/entailment" + (", SQL)" if sql else ")"),
                                                        "编译的蕴涵（queries/entailment" + ("，SQL）" if sql else "）")),
                             engine, date, lang, timelines=lines)
            for lang, (communities, lines) in read.items()}


@dataclass
class CityTable:
    """The city table of :func:`city_table`: with ``tables``, the one-row-per-community table and the
    validation summary (:func:`chuangshu.tables.fast_table`, :func:`chuangshu.tables.validation_summary`:
    DuckDB writes them straight from the engine's rows, so they are written inside ``with``); else each
    community's summary with its first recommendations (:func:`chuangshu.pipeline.community_rows`). A context
    manager: the engine's connection and temporary folder go at its end.

        with city_table(["city.nt"]) as city:
            write_tables(city.tables, "csv", Path("city.csv"), ["city.nt"])
    """
    tables: list
    communities: list
    triples: int
    engine: str
    timings: dict
    run: object = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.run is not None:
            self.run.close()


def city_table(paths=(), *, as_of=None, lang: str = "en", engine: str = "auto", check=None, progress: bool = False,
               tables: bool = True) -> CityTable:
    """``assess --fast``: the whole pipeline in one engine (DuckDB or Oxigraph, ``auto`` by size) for the city
    table — the rules keep only what a later rule or the table reads. ``check`` sees the validation report
    (and may stop the run); without it nothing is validated. RDF files only."""
    from .tables import fast_table, validation_summary
    from .tabular import is_spreadsheet

    files = list(paths) or resources.data_files()
    for f in files:
        if is_spreadsheet(f):
            raise InputError("--fast reads RDF files; convert spreadsheets first with chuangshu import",
                             "--fast 只读取 RDF 文件；电子表格请先用 chuangshu import 转换", where=str(f))
    engine = choose_engine(files, engine)
    run, report, rows = run_pipeline(files, as_of=as_of, progress=progress, validate=check is not None, lang=lang,
                                     allow_warnings=True, check=check, engine="columnar" if engine == "duckdb" else "oxigraph",
                                     lean=True, itemize_info=False)  # the summary table counts them
    try:
        if tables:
            out = [fast_table(community_rows(rows), run.detail_tables()), validation_summary(report, lang)]
            return CityTable(out, [], len(run), engine, dict(run.timings), run)
        communities = community_rows(rows, run.details(("recommendations",))["recommendations"])
        return CityTable([], communities, len(run), engine, dict(run.timings), run)
    except BaseException:
        run.close()
        raise


# ---- the city pipeline: one engine, load to results -----------------------------------------------------

def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="chuangshu", unit="query", disable=not enabled, leave=False)


def run_pipeline(files: list[Path], *, as_of: Literal | None = None, progress: bool = False,
                 validate: bool = True, lang: str = "en", allow_warnings: bool = False,
                 check=None, engine: str = "oxigraph", lean: bool = False,
                 itemize_info: bool = True, timeline: bool = False) -> tuple[EngineRun, object, list[dict]]:
    """load → validate → reason → rules → assess in one engine. ``check`` sees the validation
    report as soon as it is ready and may stop the run by raising: before anything is inferred, or,
    where validation runs beside reasoning and the rules (the columnar engine), at the first query
    that ends after it. A progress bar (when
    ``progress``) moves once per load, per compiled constraint, per entailment, per rule.

    ``engine`` is ``oxigraph`` (:mod:`chuangshu.engines.oxigraph`) or ``columnar`` (DuckDB, every query
    compiled to SQL from the same files: :mod:`chuangshu.engines.columnar`); they give the same results.
    With ``lean`` the columnar engine keeps only what later rules and the results read (no reasons,
    no PROV-O): the same table, from fewer triples. Without ``itemize_info`` the Info results of a
    constraint whose message names no value are counted, not listed (``Report.tallies``): what a
    city's validation summary needs, without 10⁵ results named and labelled one by one. With
    ``timeline`` the rules also make each community's timeline (``queries/rules/12-timeline-points.rq``).
    """
    from .fastshacl import compile_shapes
    from .shapes import shapes_graph

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
        run = OxigraphRun(tick=tick)
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
        run.rules(as_of, timeline=timeline)
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
