"""A quality report of the ontology in the manner of ROBOT's ``report``: one SPARQL query per check
under ``queries/report/`` (missing, duplicate or multiple labels and definitions, deprecated terms
without a replacement, IRIs outside the namespace, stray whitespace), each with its level in its
header. Accepted exceptions are listed, each with its reason, in ``ontology/report-exceptions.tsv``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from . import resources
from .errors import InputError
from .library import Query, read_query, run_local

LEVELS = ("ERROR", "WARN", "INFO")


@dataclass(frozen=True)
class Finding:
    level: str
    rule: str
    entity: str
    property: str
    value: str

    def row(self) -> list[str]:
        return [self.level, self.rule, self.entity, self.property, self.value]


def report_queries() -> list[Query]:
    queries = [read_query(p) for p in sorted((resources.resource_dir("queries") / "report").glob("*.rq"))]
    for q in queries:
        if q.meta.get("level") not in LEVELS:
            raise InputError(f"the report query has no `# level:` line ({', '.join(LEVELS)})",
                             f"报告查询缺少 `# level:` 行（{'、'.join(LEVELS)}）", where=str(q.path))
    return queries


def exceptions_file() -> Path:
    return resources.resource_dir("ontology") / "report-exceptions.tsv"


def read_exceptions(path: Path | None = None) -> set[tuple[str, str]]:
    """(rule, entity) pairs accepted on purpose; every line must give its reason."""
    path = path or exceptions_file()
    if not path.exists():
        return set()
    accepted = set()
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")]
    for number, row in enumerate(rows[1:], start=2):
        if len(row) < 3 or not row[2].strip():
            raise InputError(f"row {number}: an exception needs a rule, an entity and a reason",
                             f"第 {number} 行：例外须给出规则、术语与理由", where=str(path))
        accepted.add((row[0].strip(), row[1].strip()))
    return accepted


def _text(term) -> str:
    if term is None:
        return ""
    return term.n3() if hasattr(term, "n3") else str(term)


def run_report(graph: Graph, exceptions: set[tuple[str, str]] | None = None) -> list[Finding]:
    """Every finding of every report query on ``graph``, accepted exceptions left out."""
    accepted = read_exceptions() if exceptions is None else exceptions
    found = []
    for q in report_queries():
        table = run_local(q, graph, {})
        for row in table.rows:
            entity = str(row.get("entity", ""))
            if (q.name, entity) in accepted:
                continue
            found.append(Finding(q.meta["level"], q.name, entity, _text(row.get("property")), _text(row.get("value"))))
    return sorted(found, key=lambda f: (LEVELS.index(f.level), f.rule, f.entity, f.property, f.value))
