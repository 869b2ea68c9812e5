"""The OWL 2 DL profile check of OWLAPI, as an ontology engineer runs it before publishing.

OWLAPI's ``OWL2DLProfile`` is inside the HermiT jar that owlready2 ships; ``java/ProfileCheck.java``
calls it and Java's source launcher runs that file (a JDK is needed, not only a runtime: CI installs
one). The OWLAPI in that jar reads RDF/XML but not SPARQL-style ``PREFIX`` Turtle, so the graph is
handed over as RDF/XML in a temporary folder that is always removed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from .errors import ChuangshuError

_CHECKER = Path(__file__).resolve().parent / "java" / "ProfileCheck.java"


def hermit_jar() -> Path:
    import owlready2

    return Path(owlready2.__file__).resolve().parent / "hermit" / "HermiT.jar"


def checker_available() -> bool:
    """Java's source launcher needs the compiler module, which only a JDK has."""
    return shutil.which("java") is not None and shutil.which("javac") is not None


@dataclass
class ProfileReport:
    violations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations


def check_dl_profile(graph: Graph, timeout: float = 300) -> ProfileReport:
    """Every violation of the OWL 2 DL profile in ``graph`` (as OWLAPI states it, one line each)."""
    if not checker_available():
        raise ChuangshuError("the OWL 2 DL profile check needs a Java development kit (`java` and `javac` on PATH)",
                             "OWL 2 DL 语言剖面检查需要 Java 开发工具包（PATH 中有 `java` 与 `javac`）")
    with tempfile.TemporaryDirectory(prefix="chuangshu-profile-") as tmp:
        rdf = Path(tmp) / "ontology.rdf"
        graph.serialize(rdf, format="xml", encoding="utf-8")
        run = subprocess.run(
            ["java", "-cp", str(hermit_jar()), str(_CHECKER), str(rdf)],
            capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=timeout,
        )
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    if run.returncode not in (0, 1) or not lines or "violation(s) of the OWL 2 DL profile" not in lines[-1]:
        detail = (run.stderr.strip().splitlines() or ["no output"])[-1]
        raise ChuangshuError(f"the OWL 2 DL profile check did not run: {detail}",
                             f"OWL 2 DL 语言剖面检查未能运行：{detail}")
    prefix = f"{rdf}: "
    return ProfileReport([line.removeprefix(prefix) for line in lines[:-1]])
