"""Open-world reasoning: HermiT (through owlready2, needs Java) or OWL 2 RL in Python.

HermiT decides OWL 2 DL consistency and classification; the pure-Python OWL 2 RL
closure (owlrl) is the fallback entailment path when Java is missing. Closed-world
decisions ("not yet established") are rules under ``queries/``, not here.
"""

from __future__ import annotations

import logging
import os
import warnings
from contextlib import contextmanager
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .errors import ChuangshuError, Notice

# The OWL 2 datatype map (OWL 2 Structural Specification, section 4); HermiT
# refuses any other datatype, such as xsd:date or xsd:gYear.
OWL2_DATATYPES = {
    RDF.PlainLiteral, RDF.XMLLiteral, RDFS.Literal, OWL.real, OWL.rational,
    XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.nonPositiveInteger,
    XSD.positiveInteger, XSD.negativeInteger, XSD.long, XSD.int, XSD.short,
    XSD.byte, XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort,
    XSD.unsignedByte, XSD.double, XSD.float, XSD.string, XSD.normalizedString,
    XSD.token, XSD.language, XSD.Name, XSD.NCName, XSD.NMTOKEN, XSD.boolean,
    XSD.hexBinary, XSD.base64Binary, XSD.anyURI, XSD.dateTime, XSD.dateTimeStamp,
    URIRef(str(RDF) + "langString"),
}


def _for_hermit(graph: Graph) -> Graph:
    """``graph`` with literals of datatypes outside the OWL 2 map made plain strings.

    Dates at year or month precision are data, not logic: no axiom of the ontology
    constrains them (SHACL does), so writing them as strings changes no entailment
    that HermiT is asked for.
    """
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype is not None and o.datatype not in OWL2_DATATYPES:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def java_available() -> bool:
    return shutil.which("java") is not None


@dataclass
class ConsistencyReport:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    reasoner: str = "HermiT"

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable


# Below this many triples HermiT's run is short, and the JVM's start dominates it: the client compiler
# alone (-XX:TieredStopAtLevel=1) takes a third off (1.03 s → 0.71 s on one community's file, 2 cores).
QUICK_JVM_MAX_TRIPLES = 100_000


@contextmanager
def _quick_jvm(triples: int):
    """For a small input, the java that owlready2 starts runs with the client compiler only (through
    JDK_JAVA_OPTIONS, which the java launcher of JDK 9 and later reads; the user's own value is kept)."""
    if triples > QUICK_JVM_MAX_TRIPLES:
        yield
        return
    before = os.environ.get("JDK_JAVA_OPTIONS")
    os.environ["JDK_JAVA_OPTIONS"] = ((before + " ") if before else "") + "-XX:TieredStopAtLevel=1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("JDK_JAVA_OPTIONS", None)
        else:
            os.environ["JDK_JAVA_OPTIONS"] = before


@contextmanager
def _hermit(source: Graph, infer_property_values: bool):
    """Run HermiT (through owlready2) on ``source``; yield the reasoned world, or None when
    the ontology is inconsistent, and the temporary folder it works in."""
    if not java_available():
        raise ChuangshuError("HermiT needs Java, and no `java` was found on PATH",
                             "HermiT 需要 Java，但 PATH 中找不到 `java`")
    import owlready2

    logging.getLogger("owlready2").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="chuangshu-hermit-") as tmp:
        nt = Path(tmp) / "graph.nt"
        source.serialize(nt, format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(nt.as_uri()).load(format="ntriples")
        try:
            with onto, _quick_jvm(len(source)):
                owlready2.sync_reasoner_hermit(world, infer_property_values=infer_property_values, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            world.close()
            yield None, Path(tmp)
            return
        try:
            yield world, Path(tmp)
        finally:
            world.close()


def check_consistency(graph: Graph) -> ConsistencyReport:
    """Run HermiT on ``graph``: is it consistent, and which classes are unsatisfiable?"""
    import owlready2

    with _hermit(_for_hermit(graph), infer_property_values=False) as (world, _):
        if world is None:
            return ConsistencyReport(consistent=False)
        unsat = sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)
    return ConsistencyReport(consistent=True, unsatisfiable=unsat)



def inferred_superclasses(graph: Graph) -> set[tuple[URIRef, URIRef]]:
    """(class, superclass) pairs between named classes that HermiT infers as direct and ``graph``
    does not assert: the classification of the defined classes (an OBO-style full release asserts them)."""
    import owlready2

    with _hermit(_for_hermit(graph), infer_property_values=False) as (world, _):
        if world is None:
            raise ChuangshuError("HermiT finds the ontology inconsistent", "HermiT 判定本体不一致")
        found = {(URIRef(c.iri), URIRef(parent.iri)) for c in world.classes() for parent in c.is_a
                 if isinstance(parent, owlready2.ThingClass) and parent is not owlready2.Thing}
    return {pair for pair in found if (pair[0], RDFS.subClassOf, pair[1]) not in graph}

# Schema-level statements a reasoner re-derives; the rules need only what it says of individuals.
_SCHEMA = {OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, RDFS.subClassOf, RDFS.subPropertyOf,
           RDFS.domain, RDFS.range, OWL.disjointWith, OWL.inverseOf, OWL.propertyDisjointWith}


def _individual_entailments(before: Graph, after: Graph) -> Graph:
    """What ``after`` states of named individuals beyond ``before``: types and object property values."""
    out = Graph()
    for s, p, o in after:
        if (isinstance(s, URIRef) and isinstance(o, URIRef) and p not in _SCHEMA
                and not str(o).startswith(str(OWL)) and (s, p, o) not in before):
            out.add((s, p, o))
    return out


def entail_hermit(graph: Graph) -> Graph:
    """What HermiT (through owlready2) entails of the individuals in ``graph``."""
    source = _for_hermit(graph)
    with _hermit(source, infer_property_values=True) as (world, tmp):
        if world is None:
            raise ChuangshuError("the ontology and data are inconsistent (HermiT)",
                                 "本体与数据不一致（HermiT）")
        out = tmp / "inferred.nt"
        world.save(str(out), format="ntriples")
        inferred = Graph().parse(out, format="nt")
    return _individual_entailments(source, _with_super_properties(inferred))


def _with_super_properties(graph: Graph) -> Graph:
    """``graph`` with each statement also made with every super-property of its property. HermiT
    entails these (cs:partnerOf ⊑ cs:stakeholderOf), but its command line lists each property's
    instances without its sub-properties' ones, so owlready2 never reports them."""
    supers = {p: {s for s in graph.transitive_objects(p, RDFS.subPropertyOf) if isinstance(s, URIRef) and s != p}
              for p in set(graph.subjects(RDFS.subPropertyOf, None)) if isinstance(p, URIRef)}
    for p, above in supers.items():
        for s, o in list(graph.subject_objects(p)):
            for q in above:
                graph.add((s, q, o))
    return graph


def entail_owlrl(graph: Graph) -> Graph:
    """What the OWL 2 RL closure entails of the individuals in ``graph`` (pure Python). An individual
    of owl:Nothing makes the input inconsistent (OWL 2 RL cls-nothing2), as HermiT finds it: the same
    input stops with the same error whichever reasoner runs."""
    closed = infer_owlrl(graph)
    empty = sorted(str(x) for x in closed.subjects(RDF.type, OWL.Nothing))
    if empty:
        raise ChuangshuError(f"the ontology and data are inconsistent (OWL 2 RL: {empty[0]} would belong to owl:Nothing)",
                             f"本体与数据不一致（OWL 2 RL：{empty[0]} 将属于 owl:Nothing）")
    return _individual_entailments(graph, closed)


def cache_dir() -> Path | None:
    """Where entailments are kept between runs: ``$CHUANGSHU_CACHE``, else ``$XDG_CACHE_HOME/chuangshu``,
    else ``~/.cache/chuangshu``; ``CHUANGSHU_CACHE=off`` keeps nothing."""
    value = os.environ.get("CHUANGSHU_CACHE")
    if value == "off":
        return None
    if value:
        return Path(value)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "chuangshu"


# what an entry of the cache holds: changes when what is kept of a reasoner's output changes
# (2: HermiT's statements completed with their super-properties)
_ENTAILMENTS_FORMAT = 2


def _cache_key(graph: Graph, reasoner: str) -> str:
    """The input's canonical N-Triples (blank nodes labelled canonically), the reasoner, and the
    versions of chuangshu and owlready2: the same input gives the same key in every run."""
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    from rdflib.compare import to_canonical_graph

    try:
        versions = f"{version('chuangshu')} {version('owlready2')}"
    except PackageNotFoundError:
        versions = "source"
    lines = sorted(to_canonical_graph(graph).serialize(format="nt").splitlines())
    return hashlib.sha256(("\n".join(lines) + f"\n{reasoner} {versions} {_ENTAILMENTS_FORMAT}").encode("utf-8")).hexdigest()


def entail(graph: Graph, reasoner: str = "auto") -> tuple[Graph, str]:
    """Open-world entailments about individuals, and the name of the reasoner that made them.

    ``auto`` takes HermiT when Java is present, otherwise the pure-Python OWL 2 RL path. What a
    reasoner entails of an input is kept in the cache (:func:`cache_dir`), keyed by the input's
    canonical form: the JVM runs once per distinct input, not once per command.
    """
    folder = cache_dir()
    # "auto" is HermiT or owlrl by whether Java is there: the key says which
    key = _cache_key(graph, f"{reasoner} java={java_available()}") if folder is not None else None
    if key is not None:
        cached = folder / f"{key}.nt"
        if cached.is_file():
            try:
                name, _, body = cached.read_text(encoding="utf-8").partition("\n")
                return Graph().parse(data=body, format="nt"), name.removeprefix("# ")
            except (OSError, ValueError, SyntaxError):
                pass
    entailed, name = _entail(graph, reasoner)
    if key is not None and "failed" not in name and not any(isinstance(x, BNode) for t in entailed for x in t):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            from .canon import write_atomic

            write_atomic(folder / f"{key}.nt", f"# {name}\n" + entailed.serialize(format="nt"))
        except Exception:  # noqa: BLE001 - a cache that cannot be written is only a slower run
            pass
    return entailed, name


def _entail(graph: Graph, reasoner: str = "auto") -> tuple[Graph, str]:
    if reasoner == "auto":
        if not java_available():
            return entail_owlrl(graph), "OWL 2 RL (owlrl)"
        try:
            return entail_hermit(graph), "HermiT"
        except ChuangshuError as err:
            if "inconsistent" in err.en:
                raise
            failure = err.en
        except Exception as err:  # noqa: BLE001 - a broken Java or JVM: fall back, and say so
            failure = f"{type(err).__name__}: {(str(err).splitlines() or [''])[0][:160]}"
        warnings.warn(Notice(f"HermiT failed ({failure}); the pure-Python OWL 2 RL reasoner is used instead",
                             f"HermiT 运行失败（{failure}）；改用纯 Python 的 OWL 2 RL 推理机"), stacklevel=2)
        return entail_owlrl(graph), "OWL 2 RL (owlrl; HermiT failed)"
    if reasoner == "hermit":
        return entail_hermit(graph), "HermiT"
    if reasoner == "owlrl":
        return entail_owlrl(graph), "OWL 2 RL (owlrl)"
    raise ChuangshuError(f"unknown reasoner {reasoner!r}", f"未知的推理机 {reasoner!r}")


def infer_owlrl(graph: Graph) -> Graph:
    """A copy of ``graph`` closed under the OWL 2 RL rules (pure Python)."""
    import owlrl

    closed = Graph()
    for prefix, ns in graph.namespaces():
        closed.bind(prefix, ns)
    for t in graph:
        closed.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closed)
    # OWL 2 RL closure can yield generalized triples (a literal as subject): not RDF, dropped.
    for t in [t for t in closed if isinstance(t[0], Literal) or not isinstance(t[1], URIRef)]:
        closed.remove(t)
    return closed
