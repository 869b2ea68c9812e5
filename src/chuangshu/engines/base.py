"""What every city-scale engine offers the pipeline (:func:`chuangshu.pipeline.run_pipeline`).

    load(files) → validate(lang=…, itemize_info=…) → add_reference_cases() → reason() → rules(as_of)
    (validate_beside(…) lets validation run beside the next steps where the engine can)
    → assess(), details() (or detail_tables(), the same rows as DuckDB tables for the table's SQL)
    → results(lang): every community's whole result (queries/results, the model every output renders)

``timings`` holds the seconds each step took; ``tick`` (when set) is called after every query, so
that a progress bar moves. The Oxigraph store (:class:`chuangshu.engines.oxigraph.OxigraphRun`) and the columnar
engine (:class:`chuangshu.engines.columnar.ColumnarRun`) implement it and give the same results.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import resources
from ..errors import ChuangshuError, InputError

# queries/scale/NAME.rq: what the one-row-per-community table adds to the summary (EngineRun.details)
DETAIL_QUERIES = ("recommendations", "gaps", "labels")


@dataclass
class EngineRun:
    timings: dict[str, float] = field(default_factory=dict)
    tick: object = None   # called after every query (a progress bar's update), or None
    _answers: dict | None = field(default=None, repr=False)  # the results queries' rows, once selected

    def _tick(self, step: str) -> None:
        if self.tick is not None:
            self.tick(step)

    def _timed(self, name: str, fn, *args, **kwargs):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start
        return result

    def validate_beside(self, **options):
        """Validation of the graph as it is now, while the caller goes on where the engine can (the
        columnar engine: on a snapshot, in threads of its own); here, at once. Returns an object whose
        ``result()`` gives the report and ``done()`` says whether it is ready."""
        from concurrent.futures import Future

        out: Future = Future()
        out.set_result(self.validate(**options))
        return out

    @staticmethod
    def input_files(files, with_ontology: bool = True) -> list[Path]:
        """The ontology's files (unless not wanted) and ``files``, each checked to exist."""
        out = (resources.ontology_files() if with_ontology else []) + [Path(p) for p in files]
        for f in out:
            if not Path(f).is_file():
                raise InputError("file not found", "找不到文件", where=str(f))
        return out

    # ---- reason and rules: one loop for every engine, which runs each update and rule its own way ----------
    def reason(self) -> None:
        """The entailment updates (``queries/entailment``), in order; then the consistency check."""
        def run():
            for f in entailment_files():
                self._update(f.read_text(encoding="utf-8"), f"queries/entailment/{f.name}")
                self._tick("reason")
            self.check_consistent()
        self._timed("reason", run)

    def rules(self, as_of=None, *, timeline: bool = False) -> None:
        """The rules (``queries/rules``) in order, the date bound once (each rule's ``VALUES ?asOf { UNDEF }``
        slot filled with the serialized term: :func:`chuangshu.slots.fill_slots`); with ``timeline`` the
        timeline's rule too. Their own descriptions are added after (a conclusion names its rule)."""
        from ..rules import describe_rules, load_rules
        from ..slots import fill_slots

        def run():
            rules = load_rules(timeline=timeline)
            bindings = {"asOf": as_of} if as_of is not None else {}
            for rule, keep in zip(rules, self._keeps(rules)):
                self._apply_rule(rule, fill_slots(rule.text, bindings)[0], keep)
                self._tick("rules")
            self.add_graph(describe_rules(rules))
        self._timed("rules", run)

    def _update(self, text: str, source: str) -> None:
        """Run a SPARQL Update (``source`` names its file for errors)."""
        raise NotImplementedError

    def _keeps(self, rules) -> list:
        """What each rule's conclusions must keep (None: all; the columnar engine's lean runs keep less)."""
        return [None] * len(rules)

    def _apply_rule(self, rule, text: str, keep) -> None:
        """Run a rule (its text with the slots filled), its conclusions added to the run's graph."""
        raise NotImplementedError

    def add_graph(self, graph) -> None:
        """An rdflib graph's triples into the run's graph."""
        raise NotImplementedError

    def check_consistent(self) -> None:
        """Stop where the OWL reasoners stop: an individual the entailments put in owl:Nothing
        (``queries/consistency/nothing.rq``) makes the input inconsistent, on every engine alike."""
        text = (resources.resource_dir("queries") / "consistency" / "nothing.rq").read_text(encoding="utf-8")
        rows = self.select_terms(text)
        if rows:
            x = rows[0]["x"]
            raise ChuangshuError(
                f"the ontology and data are inconsistent (compiled entailments: {x} would belong to owl:Nothing)",
                f"本体与数据不一致（编译的蕴涵：{x} 将属于 owl:Nothing）")

    def select_terms(self, text: str) -> list[dict]:
        """Rows of a SELECT over the run's graph as {variable: rdflib term}, unbound ones left out."""
        raise NotImplementedError

    def answers(self) -> dict:
        """The rows of every results query (``queries/results/``) over the run's graph, selected once
        (read in as many languages as wanted: :meth:`results`)."""
        if self._answers is None:
            from ..results import answers

            self._answers = self._timed("results", lambda: answers(self.select_terms))
        return self._answers

    def graph(self):
        """Everything the run's graph holds — the data, the reference cases, the entailments, the rules'
        conclusions with their provenance — as an rdflib graph (one community's part: what ``explain``
        reads)."""
        from rdflib import Graph

        out = Graph()
        for row in self.select_terms("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"):
            out.add((row["s"], row["p"], row["o"]))
        return out

    def results(self, lang: str = "en"):
        """Every community's results (:class:`chuangshu.model.CommunityResult`, labelled in ``lang``) from
        the results queries (``queries/results/``), as every engine gives them."""
        return self.results_with_timelines(lang)[0]

    def results_with_timelines(self, lang: str = "en"):
        """:meth:`results` and the communities' timelines when the rules made them (``rules(…, timeline=True)``;
        :func:`chuangshu.results.build_with_timelines`)."""
        from ..results import build_with_timelines

        rows = self.answers()
        return self._timed("results", lambda: build_with_timelines(rows, lang))

    def detail_tables(self):
        """A DuckDB connection holding the rows of :meth:`details` as the tables ``details_NAME``
        (see :func:`detail_tables`); the columnar engine makes them in its own."""
        return detail_tables(self.details())

    def close(self) -> None:
        """Release what the run holds (nothing, unless the engine says otherwise)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def entailment_files() -> list[Path]:
    """The entailment updates (``queries/entailment/*.ru``) every engine runs, in order."""
    return sorted((resources.resource_dir("queries") / "entailment").glob("*.ru"))


DETAILS = {  # the columns of each queries/scale/NAME.rq the table reads, as :func:`detail_tables` holds them
    "recommendations": ("community", "priority", "kind", "what", "zh", "en"),
    "gaps": ("community", "rank", "dimension", "group"),
    "labels": ("community", "label", "lang"),
}


def detail_tables(details: dict[str, list[dict]]):
    """An in-memory DuckDB holding the rows of an engine's ``details()`` as ``details_NAME`` tables
    (a label's (text, language) pair as two columns)."""
    import duckdb

    con = duckdb.connect()
    for name, cols in DETAILS.items():
        rows = details[name]
        if name == "labels":
            columns = [[r["community"] for r in rows], [r["label"][0] for r in rows], [r["label"][1] or None for r in rows]]
        else:
            columns = [[r.get(c) for r in rows] for c in cols]
        picks = ", ".join(f'unnest(?::VARCHAR[]) AS "{c}"' for c in cols)
        con.execute(f"CREATE TABLE details_{name} AS SELECT {picks}", columns)
    return con
