"""The compiled entailments (``queries/entailment/*.ru``, run by the Oxigraph and DuckDB engines) give
exactly the entailments the reference engine's OWL reasoners give — on what the rules read.

"What the rules read" is taken from the rules themselves, not listed by hand: every triple pattern
of ``queries/rules/*.rq`` (paths included) names either a property, whose statements the rules read
as they are, or a class (``?x a cs:Stage``, ``?x a/rdfs:subClassOf* cs:Intervention``), whose
members the rules read up the class hierarchy. A pattern whose class is a variable reads the
classes the rule constrains that variable to (``?kind cs:candidatePartnerKind true``), or every
class when it constrains nothing. The reasoners report types differently (HermiT through owlready2
the most specific ones, OWL 2 RL all of them), so types are compared up the ontology's hierarchy:
an individual belongs to a class the rules read, or it does not.
"""
from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef, Variable
from rdflib.paths import Path as PropertyPath
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from chuangshu import resources
from chuangshu.engines.columnar import ColumnarRun
from chuangshu.rdf import load_ontology
from chuangshu.load import load_sources
from chuangshu.reason import entail, java_available
from chuangshu.rules import load_rules
from chuangshu.engines.oxigraph import OxigraphRun
from chuangshu.synth import synthesize


def _patterns(node):
    """Every triple pattern under an algebra node, and every VALUES row."""
    if isinstance(node, dict) or hasattr(node, "items"):
        for key, value in node.items():
            if key == "triples":
                yield from (("triple", t) for t in value)
            elif key == "res" and isinstance(value, list) and value and hasattr(value[0], "items"):
                yield from (("values", row) for row in value)
            else:
                yield from _patterns(value)
    elif isinstance(node, (list, tuple)):
        for x in node:
            yield from _patterns(x)


def _leaves(path):
    """The properties a property path names."""
    if isinstance(path, URIRef):
        yield path
    for attr in ("args", "path"):
        inner = getattr(path, attr, None)
        for x in inner if isinstance(inner, list) else [inner] if inner is not None else []:
            yield from _leaves(x)


def _ends_in_type(path) -> bool:
    """``a``, ``a/rdfs:subClassOf*`` and the like: a path whose value is a class of the subject."""
    args = getattr(path, "args", None)
    return path == RDF.type or bool(args) and args[0] == RDF.type and all(
        set(_leaves(a)) <= {RDFS.subClassOf} for a in args[1:])


def rule_vocabulary(ontology: Graph, rules=None) -> tuple[set, set | None]:
    """(the properties the rules read, the classes they read — None for every class)."""
    properties, classes, every_class = set(), set(), False
    for rule in load_rules() if rules is None else rules:
        found = list(_patterns(translateQuery(parseQuery(rule.text)).algebra))
        triples = [t for kind, t in found if kind == "triple"]
        values = {}
        for kind, row in found:
            if kind == "values":
                for var, term in row.items():
                    values.setdefault(var, set()).add(term)
        for s, p, o in triples:
            typed = p == RDF.type or isinstance(p, PropertyPath) and _ends_in_type(p)
            if not typed:
                properties |= set(_leaves(p)) if isinstance(p, PropertyPath) else {p} if isinstance(p, URIRef) else set()
                continue
            if isinstance(o, URIRef):
                classes.add(o)
            elif o in values:
                classes |= {c for c in values[o] if isinstance(c, URIRef)}
            else:  # a variable class: what the rule says of it, evaluated on the ontology
                said = [(p2, o2) for s2, p2, o2 in triples if s2 == o and isinstance(p2, URIRef) and p2 != RDFS.label]
                if not said:
                    every_class = True
                    continue
                candidates = None
                for p2, o2 in said:
                    these = set(ontology.subjects(p2, None if isinstance(o2, Variable) else o2))
                    candidates = these if candidates is None else candidates & these
                classes |= candidates
    properties.discard(RDF.type)
    return properties, None if every_class else classes


def _superclasses(ontology: Graph) -> dict:
    memo = {}

    def up(c):
        if c not in memo:
            memo[c] = {c}
            for parent in ontology.objects(c, RDFS.subClassOf):
                if isinstance(parent, URIRef):
                    memo[c] |= up(parent)
        return memo[c]
    return up


# the terms of RDF, RDFS, OWL and XML Schema themselves (OWL 2 RL's axioms about datatypes): the
# rules read the case data and the ontology, never these
_LANGUAGE = (str(RDF), str(RDFS), "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2001/XMLSchema#")


def what_the_rules_read(triples, ontology: Graph, vocabulary) -> set:
    """The statements of named individuals that the rules can see: property values as they are, class
    memberships up the hierarchy, restricted to the rules' vocabulary."""
    properties, classes = vocabulary
    up = _superclasses(ontology)
    out = set()
    for s, p, o in triples:
        if isinstance(s, BNode) or isinstance(o, BNode) or str(s).startswith(_LANGUAGE):
            continue
        if p == RDF.type and isinstance(o, URIRef):
            out |= {(s, RDF.type, c) for c in up(o) if classes is None or c in classes}
        elif p in properties:
            out.add((s, p, o))
    return out


def _compiled(engine: str, files) -> set:
    """The ontology, the data and the compiled entailments, as one engine stores them."""
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    if engine == "oxigraph":
        with OxigraphRun() as run:
            run.load(files)
            run.reason()
            rows = run.select_terms(everything)
    else:
        run = ColumnarRun()
        try:
            run.load(files)
            run.reason()
            rows = run.select_terms(everything)
        finally:
            run.close()
    return {(r["s"], r["p"], r["o"]) for r in rows}


def _one_city(tmp_path) -> list:
    path = tmp_path / "city.nt"
    synthesize(12, 7, path)
    return [path]


REASONERS = [pytest.param("hermit", marks=pytest.mark.skipif(not java_available(), reason="HermiT needs Java")), "owlrl"]


@pytest.mark.parametrize("reasoner", REASONERS)
@pytest.mark.parametrize("engine", ["oxigraph", "duckdb"])
@pytest.mark.parametrize("inputs", ["bundled", "city"])
def test_the_compiled_entailments_are_the_reasoners_on_what_the_rules_read(inputs, engine, reasoner, tmp_path):
    files = resources.data_files() if inputs == "bundled" else _one_city(tmp_path)
    ontology = load_ontology()
    data, _, problems = load_sources(files)
    assert not problems
    vocabulary = rule_vocabulary(ontology)
    graph = ontology + data
    entailed, name = entail(graph, reasoner)
    assert "failed" not in name
    reference = what_the_rules_read(set(graph) | set(entailed), ontology, vocabulary)
    compiled = what_the_rules_read(_compiled(engine, files), ontology, vocabulary)
    assert reference - compiled == set(), f"{name} entails what the compiled entailments miss"
    assert compiled - reference == set(), f"the compiled entailments go beyond {name}"


def test_the_rules_vocabulary_is_read_from_the_rules(ontology):
    """The comparison above is only as good as the vocabulary: it holds the properties and classes the
    rules turn on (and would hold every class if a rule read an unconstrained variable class)."""
    properties, classes = rule_vocabulary(ontology)
    cs = "https://w3id.org/chuangshu/ontology#"
    # read by the rules through sub-properties, property chains and has-value restrictions
    assert {URIRef(cs + "stakeholderOf"), URIRef(cs + "builds"), URIRef(cs + "targetsScope")} <= properties
    # rule 65 reads "?case a ?type" for any type a rule recommends: every class counts
    assert classes is None
    # a variable class constrained by what the rule says of it (rule 70: the kinds that can be partners)
    rule_70 = [r for r in load_rules() if r.name == "70-extend-boundary"]
    assert rule_vocabulary(ontology, rule_70)[1] == set(ontology.subjects(URIRef(cs + "candidatePartnerKind"), Literal(True)))
