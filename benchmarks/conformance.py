"""Every engine over a folder of W3C test manifests (SHACL or SPARQL, told from the manifests), one line
per engine:

    ENGINE: correct N, wrong N, refused N, crashed N, skipped N

    python benchmarks/conformance.py tests/w3c/shacl-core
    python benchmarks/conformance.py tests/w3c/sparql --engine oxigraph duckdb --verbose

``--verbose`` names every test that is not correct, with why (a skipped test: what the suite says it
needs that no engine here offers). The engines: chuangshu.engines.conformance.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from chuangshu.engines.conformance import SHACL_ENGINES, SPARQL_ENGINES, cases, check, known_upstream, tally

KNOWN = Path(__file__).resolve().parent.parent / "tests" / "w3c" / "known-upstream.tsv"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", type=Path, help="a folder of W3C test manifests")
    parser.add_argument("--engine", nargs="+", help="the engines to run (default: every engine of the suite)")
    parser.add_argument("--verbose", action="store_true", help="name each test that is not correct, and why")
    parser.add_argument("--known", type=Path, default=KNOWN,
                        help="the reference engines' known wrong answers, by test (default: %(default)s)")
    args = parser.parse_args(argv)
    known = known_upstream(args.known) if args.known.exists() else {}
    for name in ("rdflib", "pyshacl"):
        logging.getLogger(name).setLevel(logging.ERROR)  # the suites' ill-typed literals are on purpose
    found = cases(args.suite)
    engines = args.engine or list(SHACL_ENGINES if found and found[0].suite == "shacl" else SPARQL_ENGINES)
    for engine in engines:
        started = time.perf_counter()
        verdicts, upstream = [], 0
        for case in found:
            v = check(case, engine)
            verdicts.append(v)
            listed = v.outcome in ("wrong", "crashed") and (engine, case.name) in known
            upstream += listed
            if args.verbose and v.outcome != "correct":
                print(f"  {engine} {case.name}: {v.outcome}{' (known upstream)' if listed else ''}: {v.detail[:500]}",
                      file=sys.stderr)
        n = tally(verdicts)
        note = f"; of the wrong and crashed, {upstream} known upstream ({args.known.name})" if upstream else ""
        print(f"{engine}: correct {n['correct']}, wrong {n['wrong']}, refused {n['refused']}, crashed {n['crashed']}, "
              f"skipped {n['skipped']}{note}  ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
