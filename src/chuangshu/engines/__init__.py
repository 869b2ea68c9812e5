"""Engines: where the assessment runs, and which one ``auto`` takes (decided here only, by the input's size).

``base`` is the interface every compiled engine implements (load, validate, reason, rules, results);
``oxigraph`` runs the pipeline in one in-memory Oxigraph store; ``columnar`` runs it in DuckDB over the SQL
that ``sparql_sql`` compiles from the same files (rules, entailments, compiled shapes, result queries);
``conformance`` runs the W3C suites on them. The reference engine is :mod:`chuangshu.reason` (HermiT or
OWL 2 RL) with :mod:`chuangshu.rules`.
"""

from __future__ import annotations

from pathlib import Path

ENGINES = ("auto", "reference", "oxigraph", "duckdb", "rdflib")
# ``auto`` takes DuckDB for this much RDF or more (its fixed cost of planning ~130 queries pays off in a city:
# assess --format json on 2,000 generated communities, 17 MB, took 5.6 s on DuckDB against 18.8 s on
# Oxigraph; the report on 500, 4.5 MB, 8.4 s against 9.4 s; on 100 Oxigraph is ahead, 2.0 s against 2.7 s)
SMALL_FOR_OXIGRAPH = 8 * 2**20        # bytes of RDF files
SMALL_GRAPH_FOR_OXIGRAPH = 50_000     # triples of data already read (8 MiB of N-Triples holds about as many)
LARGE_INPUT = 32 * 2**20  # bytes of RDF that validation reads straight into Oxigraph, never into rdflib


def _rdf_bytes(files) -> int | None:
    """The bytes of RDF files, or None when spreadsheets (or something not a file) are among them: they are
    read into a graph as every command reads input."""
    from ..tabular import is_spreadsheet

    paths = [Path(f) for f in files]
    if any(is_spreadsheet(p) or not p.is_file() for p in paths):
        return None
    return sum(p.stat().st_size for p in paths)


def choose_engine(files, engine: str = "auto", *, triples: int | None = None) -> str:
    """The engine ``auto`` stands for: DuckDB for RDF files of 8 MiB or more, or for data already read
    (``triples``) of 50,000 triples or more; else Oxigraph. Spreadsheets are read as every command reads
    input (into a graph), so they count by their triples."""
    if engine != "auto":
        return engine
    if triples is not None:
        return "duckdb" if triples >= SMALL_GRAPH_FOR_OXIGRAPH else "oxigraph"
    size = _rdf_bytes(files)
    return "duckdb" if size is not None and size >= SMALL_FOR_OXIGRAPH else "oxigraph"


def large_input(files) -> bool:
    """Whether validation reads the files straight into Oxigraph (RDF files of more than 32 MiB)."""
    size = _rdf_bytes([f for f in files if Path(f).is_file()])
    return size is not None and size > LARGE_INPUT
