"""A query's parameter slots: ``VALUES ?x { UNDEF }`` (or ``VALUES (?x ?y) { (UNDEF UNDEF) }``) marks
a variable the caller may bind. Engines with a binding API (rdflib ``initBindings``, Oxigraph
``substitutions``) bind the declared names as values; for those without one (a remote endpoint, an
update, the SQL compiler) the slot is filled with the term serialized by rdflib — never with text."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef

from .errors import InputError

_SLOT_ONE = re.compile(r"VALUES\s+\?(\w+)\s*\{\s*UNDEF\s*\}")
_SLOT_MANY = re.compile(r"VALUES\s*\(((?:\s*\?\w+)+)\s*\)\s*\{\s*\(((?:\s*UNDEF)+)\s*\)\s*\}")
BAD_IRI = re.compile(r'[\s<>"{}|\\^`]')


def slot_names(text: str) -> set[str]:
    """The names a query declares as its parameters (its slots)."""
    names = set(_SLOT_ONE.findall(text))
    for m in _SLOT_MANY.finditer(text):
        names |= {n.lstrip("?") for n in m.group(1).split()}
    return names


def serialized(term) -> str:
    """An IRI or literal as SPARQL text (rdflib's serialization); anything else refused."""
    if isinstance(term, URIRef) and BAD_IRI.search(str(term)):
        raise InputError(f"not a valid IRI: {term!r}", f"不是有效的 IRI：{term!r}", where="--param")
    if not isinstance(term, (URIRef, Literal)):
        raise InputError("a parameter must be an IRI or a literal", "参数须为 IRI 或字面量", where="--param")
    return term.n3()


def fill_slots(text: str, bindings: dict) -> tuple[str, dict]:
    """For an engine with no binding API: fill the query's parameter slots with the bound RDF terms, each
    serialized by rdflib. Returns the text and the bindings it had no slot for."""
    left = dict(bindings)

    def one(m):
        name = m.group(1)
        return f"VALUES ?{name} {{ {serialized(left.pop(name))} }}" if name in left else m.group(0)

    def many(m):
        names = [n.lstrip("?") for n in m.group(1).split()]
        if not any(n in left for n in names):
            return m.group(0)
        cells = [serialized(left.pop(n)) if n in left else "UNDEF" for n in names]
        return f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(cells)}) }}"

    text = _SLOT_ONE.sub(one, text)
    text = _SLOT_MANY.sub(many, text)
    return text, left


def values_block(bindings: dict) -> str:
    """A SPARQL VALUES clause for ``bindings``, each value serialized as an RDF term."""
    names = sorted(bindings)
    return ("\nVALUES (" + " ".join("?" + n for n in names) + ") { ("
            + " ".join(serialized(bindings[n]) for n in names) + ") }\n")
