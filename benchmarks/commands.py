"""The commands researchers use most, timed as they run them: each in a fresh process on a synthetic city.

    python benchmarks/commands.py                  # N = 100 and 2000
    python benchmarks/commands.py --sizes 100 500 --repeats 3

For each N it writes a synthetic file (chuangshu synth, seed 1) and runs, each --repeats times (the best
is reported, all are kept), `chuangshu assess`, `assess --format json`, `report`, `explain`, `timeline` and
`compare` of two communities, on the default engine (`--engine auto`) and, up to --reference-max
communities, on the reference engine — the baseline the figures stand beside, measured in the same run —
and pyoxigraph's bulk load of the file. Stopped (SIGTERM, SIGINT, SIGHUP), it stops the command it times.
It reports wall time and peak memory (max RSS of the command's process). Prints a table and writes
benchmarks/commands-results.json. Nothing is fetched from the web.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


_RUNNING: list = []  # the command being timed, stopped with the benchmark


def _stop(signum, frame) -> None:
    for proc in _RUNNING:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    raise SystemExit(128 + signum)   # the temporary folder goes on the way out


def timed(argv: list[str]) -> dict:
    """Wall time and peak memory of one command in a process of its own."""
    with tempfile.TemporaryFile() as stderr:  # (a pipe left unread would stop a talkative command)
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=stderr)
        _RUNNING[:] = [proc]
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        _RUNNING.clear()
        wall = time.perf_counter() - start
        stderr.seek(0)
        err = stderr.read().decode("utf-8", "replace")
    out = {"wall_s": round(wall, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}
    if proc.returncode != 0:
        out["error"] = (err.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
    return out


def commands(data: Path, out_dir: Path) -> dict[str, list[str]]:
    first, second = "C001000007", "C001000013"   # two communities every synthetic city of seed 1 holds
    cli = [sys.executable, "-m", "chuangshu.cli", "--lang", "en"]
    return {
        "assess": cli + ["assess", str(data)],
        "assess json": cli + ["assess", "--format", "json", str(data)],
        "report": cli + ["report", "-o", str(out_dir / "report"), "--overwrite", str(data)],
        "explain": cli + ["explain", first, str(data)],
        "timeline": cli + ["timeline", first, str(data)],
        "compare": cli + ["compare", first, second, str(data)],
    }


def bulk_load(data: Path) -> list[str]:
    code = ("import pyoxigraph as ox, sys; s = ox.Store(); "
            "s.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES); print(len(s))")
    return [sys.executable, "-c", code, str(data)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 2000])
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--engines", nargs="+", default=["auto", "reference"])
    ap.add_argument("--reference-max", type=int, default=100, help=(
        "the largest N run on the reference engine (HermiT over a whole city of 2,000 takes minutes a command)"))
    args = ap.parse_args()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _stop)

    from chuangshu.synth import synthesize

    rows = []
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    with tempfile.TemporaryDirectory(prefix="chuangshu-commands-bench-") as tmp:
        for n in args.sizes:
            data = Path(tmp) / f"city-{n}.nt"
            synthesize(n, 1, data)
            runs = [timed(bulk_load(data)) for _ in range(args.repeats)]
            row = {"communities": n, "file_mb": round(data.stat().st_size / 2**20, 1),
                   "bulk_load": min(runs, key=lambda r: r["wall_s"]), "commands": {}}
            for name, argv in commands(data, Path(tmp)).items():
                for engine in args.engines:
                    if engine == "reference" and n > args.reference_max:
                        continue
                    runs = [timed(argv + ["--engine", engine]) for _ in range(args.repeats)]
                    best = min(runs, key=lambda r: r["wall_s"])
                    row["commands"].setdefault(name, {})[engine] = {**best, "runs": [r["wall_s"] for r in runs]}
                    print(json.dumps({"communities": n, "command": name, "engine": engine, **best}), flush=True)
            rows.append(row)
    (HERE / "commands-results.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print()
    header = f"{'N':>5} {'command':<12}" + "".join(f" {e + ' s':>12} {'MiB':>6}" for e in args.engines)
    print(header)
    for r in rows:
        print(f"{r['communities']:>5} {'bulk load':<12} {r['bulk_load']['wall_s']:>12} {r['bulk_load']['peak_rss_mb']:>6}")
        for name, by in r["commands"].items():
            cells = "".join(f" {by[e].get('error', by[e]['wall_s']):>12} {by[e]['peak_rss_mb']:>6}" if e in by
                            else f" {'-':>12} {'-':>6}" for e in args.engines)
            print(f"{r['communities']:>5} {name:<12}{cells}")


if __name__ == "__main__":
    main()
