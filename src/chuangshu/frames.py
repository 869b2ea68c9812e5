"""pandas data frames of chuangshu's results, for notebooks: assessments (:meth:`Assessment.to_frame
<chuangshu.assess.Assessment.to_frame>`), validation reports and query results. pandas is an optional
extra: ``pip install 'chuangshu[frames]'``."""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef

from .errors import ChuangshuError


def pandas():
    try:
        import pandas as pd
    except ImportError:
        raise ChuangshuError("data frames need pandas: pip install 'chuangshu[frames]'",
                             "数据框需要 pandas：pip install 'chuangshu[frames]'") from None
    return pd


def to_frame(table):
    """A :class:`chuangshu.tables.Table` as a data frame, its columns named by the table's keys."""
    return pandas().DataFrame(table.rows, columns=table.columns)


def value(term):
    """An RDF term as a Python value: an IRI as its text, a literal as its Python value (a number, a
    date, a string; a date of a precision Python lacks, such as a year, as its text), a blank node as _:id."""
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        v = term.toPython()
        return str(term) if isinstance(v, Literal) else v
    return term


def results_frame(table, labels: dict | None = None):
    """A SELECT or ASK result (:class:`chuangshu.library.QueryResult`) as a data frame: one column per variable,
    and beside each variable that holds IRIs with a label, ``VAR_label``."""
    labels = labels or {}
    columns = []
    for v in table.variables:
        columns.append(v)
        if any(isinstance(r.get(v), URIRef) and str(r[v]) in labels for r in table.rows):
            columns.append(v + "_label")
    rows = []
    for r in table.rows:
        row = {}
        for v in table.variables:
            row[v] = value(r.get(v))
            if v + "_label" in columns:
                row[v + "_label"] = labels.get(str(r.get(v))) if isinstance(r.get(v), URIRef) else None
        rows.append(row)
    return pandas().DataFrame(rows, columns=columns)


def rows_frame(rows: list[dict], columns: list[str]):
    """Rows (dicts) as a pandas data frame with these columns (a validation report's results, say)."""
    return pandas().DataFrame(rows, columns=columns)
