"""Benchmark of the community report: `chuangshu report` on synthetic cities of N communities.

    python benchmarks/report.py                 # N = 10, 50, 100
    python benchmarks/report.py --sizes 20 200

For each N it writes a synthetic file (chuangshu synth, seed 1) and builds the report in a fresh
process, measuring wall time, peak memory (max RSS), the number of timeline points (assessments at a
date: every community's, made in the one run of the rules, queries/rules/12-timeline-points.rq), and
the size of the report folder. Prints a table and writes
benchmarks/report-results.json. Nothing is fetched from the web.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(data: str, out: str) -> dict:
    from chuangshu.canon import new_folder
    from chuangshu.report import build_report, report_input

    start = time.perf_counter()
    inp = report_input([Path(data)])
    prepared = time.perf_counter() - start
    with new_folder(out) as work:
        build_report(work, inp)
    wall = time.perf_counter() - start
    points = sum(len(rows) for rows in inp.timelines["en"].values())
    files = [p for p in Path(out).rglob("*") if p.is_file()]
    return {"wall_s": round(wall, 2), "assess_and_timelines_s": round(prepared, 2), "timeline_points": points,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "files": len(files), "folder_mb": round(sum(p.stat().st_size for p in files) / 2**20, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 100])
    ap.add_argument("--child", nargs=2, metavar=("DATA", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return

    from chuangshu.synth import synthesize

    rows = []
    with tempfile.TemporaryDirectory(prefix="chuangshu-report-bench-") as tmp:
        for n in args.sizes:
            data = Path(tmp) / f"city-{n}.nt"
            synthesize(n, 1, data)
            proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(data),
                                   str(Path(tmp) / f"report-{n}")], capture_output=True, text=True)
            if proc.returncode != 0:
                row = {"communities": n, "error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
            else:
                row = {"communities": n, **json.loads(proc.stdout.strip().splitlines()[-1])}
            rows.append(row)
            print(json.dumps(row), flush=True)
    (HERE / "report-results.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print()
    print(f"{'N':>5} {'points':>6} {'wall s':>8} {'peak MiB':>9} {'files':>6} {'MiB':>6}")
    for r in rows:
        print(f"{r['communities']:>5} {r.get('timeline_points', '?'):>6} {r.get('wall_s', '?'):>8} {r.get('peak_rss_mb', '?'):>9} "
              f"{r.get('files', '?'):>6} {r.get('folder_mb', '?'):>6}")


if __name__ == "__main__":
    main()
