"""What a public export leaves out: a policy is a SPARQL Update file run on a copy of the graph
before it is written, served or pushed (``queries/privacy/public.ru`` by default: persons,
interviews, quotations and free-text notes)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from . import resources
from .errors import InputError


def default_policy() -> Path:
    return resources.resource_dir("queries") / "privacy" / "public.ru"


def apply_policy(graph: Graph, policy: Path | None = None) -> Graph:
    """A copy of ``graph`` with the policy's updates applied; the input graph is not changed."""
    from .library import query_form, sparql_keywords

    path = Path(policy) if policy is not None else default_policy()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read the policy: {err}", f"无法读取隐私策略：{err}", where=str(path)) from None
    if "SERVICE" in sparql_keywords(text) or "LOAD" in sparql_keywords(text):
        raise InputError("a policy may not contact other hosts (SERVICE, LOAD)", "隐私策略不得访问其他主机（SERVICE、LOAD）",
                         where=str(path))
    if query_form(text) not in ("DELETE", "INSERT", "WITH"):
        raise InputError("a policy is a SPARQL Update (DELETE … WHERE …)", "隐私策略须为 SPARQL 更新（DELETE … WHERE …）",
                         where=str(path))
    out = Graph()
    for prefix, ns in graph.namespaces():
        out.bind(prefix, ns)
    for t in graph:
        out.add(t)
    try:
        out.update(text)
    except Exception as err:  # noqa: BLE001 - rdflib's parser raises its own kinds
        from .library import _syntax_message

        raise InputError(f"the policy cannot be applied: {_syntax_message(err)}", f"隐私策略无法执行：{_syntax_message(err)}",
                         where=str(path)) from None
    return out
