"""What a graph holds: counts a researcher can check at a glance — the chuangshu terms, the things of
each class, and per community its form, interventions (by the dimension they build), interviews and
quotations. The counts are the SELECT queries of ``queries/summary/``, answered by one Oxigraph
store: the same at any size (20,000 communities in seconds, where walking an rdflib graph per
community took minutes)."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from . import resources
from .rdf import CS

QUERIES = ("terms", "instances", "communities", "dimensions", "labels")


def _local(iri) -> str:
    return str(iri).split("#")[-1].rsplit("/", 1)[-1]


def summary_query(name: str) -> str:
    return (resources.resource_dir("queries") / "summary" / f"{name}.rq").read_text(encoding="utf-8")


def summarize_rows(select, lang: str = "en") -> dict:
    """The summary from an engine: ``select(text)`` answers a SELECT with rows of rdflib terms."""
    rows = {name: select(summary_query(name)) for name in QUERIES}
    labels: dict = defaultdict(dict)
    for r in rows["labels"]:
        if isinstance(r["label"], Literal) and r["label"].language:
            labels[r["x"]][r["label"].language] = str(r["label"])

    def label(node) -> str:
        found = labels.get(node, {})
        return found.get(lang) or found.get("en") or found.get("zh") or _local(node)

    terms = rows["terms"]
    flag = lambda r, key: int(r[key]) == 1  # noqa: E731
    classes = sum(1 for r in terms if flag(r, "class"))
    properties = sum(1 for r in terms if flag(r, "property"))
    individuals = sum(1 for r in terms if not flag(r, "class") and not flag(r, "property"))
    instances = {_local(r["class"]): int(r["n"]) for r in rows["instances"]}
    dims: dict = defaultdict(Counter)
    for r in rows["dimensions"]:
        dims[r["c"]][label(r["dimension"])] += int(r["n"])
    communities = [{"iri": str(r["c"]), "label": label(r["c"]),
                    "form": label(r["form"]) if "form" in r else None,
                    "interventions": int(r["interventions"]), "coded_dimensions": dict(sorted(dims[r["c"]].items())),
                    "interviews": int(r["interviews"]), "quotations": int(r["quotations"])}
                   for r in sorted(rows["communities"], key=lambda r: str(r["c"]))]
    return {
        "instances": dict(sorted(instances.items())),
        "instance_labels": {name: label(URIRef(CS + name)) for name in sorted(instances)},
        "classes": classes,
        "properties": properties,
        "individuals": individuals,
        "labelled_terms": sum(1 for r in terms if flag(r, "labelled")),
        "communities": communities,
    }


def summarize(graph: Graph, lang: str = "en") -> dict:
    """The summary of an rdflib graph (ontology and case data)."""
    from .engines.oxigraph import OxigraphRun

    with OxigraphRun() as run:
        run.add_graph(graph)
        return {"triples": len(graph), **summarize_rows(run.select_terms, lang)}


def summarize_files(paths, lang: str = "en") -> dict:
    """The summary of the ontology and the files (default: the bundled data). RDF of 8 MB or more is
    bulk-loaded into the store as it is, as the city-scale path reads it; smaller input and spreadsheets
    are read as every command reads them (statements about the ontology's terms left out)."""
    from .load import load_graph
    from .pipeline import choose_engine
    from .engines.oxigraph import OxigraphRun

    files = [Path(p) for p in paths] or resources.data_files()
    if choose_engine(files, "auto") != "duckdb":
        return summarize(load_graph(paths or None), lang)
    with OxigraphRun() as run:
        run.load(files)
        return {"triples": len(run), **summarize_rows(run.select_terms, lang)}
