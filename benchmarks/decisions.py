"""How fast partnerships, decisions and routing are on a large synthetic directory.

    .venv/bin/python benchmarks/decisions.py [--n 10000] [--requests 10000] [--partners 20]
    .venv/bin/python benchmarks/decisions.py --sizes 1000,10000   (as many requests as institutions)

Writes a synthetic records folder and request files (benchmarks/synth.py) into a temporary
folder, loads the directory once (timed on its own, as every command does it once), then times
what the commands do after that, including printing their JSON:

  partners --all       target < 2 s
  check of N files     target < 10 s (reading, schema check, naming the libraries, deciding)
  route of 1 request   target < 1 s  (against every lender of the directory)
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from builder.cli import json_text  # noqa: E402
from builder.decide import decide  # noqa: E402
from builder.model import Directory  # noqa: E402
from builder.partners import graph  # noqa: E402
from builder.requests import RequestError, load_request, resolve_parties  # noqa: E402
from builder.route import route  # noqa: E402
from builder.validate import validate_directory  # noqa: E402
from synth import generate, generate_requests  # noqa: E402

TODAY = dt.date(2026, 12, 1)


def timed(label: str, action, target: float | None = None):
    """Wall-clock and CPU time: on a busy shared machine the CPU time is the steadier figure."""
    start, cpu_start = time.perf_counter(), time.process_time()
    result = action()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    verdict = "" if target is None else ("  ok" if seconds < target else f"  SLOWER than {target:g} s")
    print(f"{label:<40} {seconds:8.3f} s wall {cpu:8.3f} s cpu{verdict}", flush=True)
    return result, seconds


def check_all(directory: Directory, files: list[Path]) -> tuple[str, dict]:
    results, counts = [], {"accept": 0, "unfilled": 0, "retry": 0, "invalid": 0}
    for path in files:
        try:
            request, document = load_request(path)
            borrower, lender = resolve_parties(directory, request, document, need_lender=True)
        except RequestError:
            counts["invalid"] += 1
            continue
        decision = decide(directory, request, borrower, lender, TODAY)
        counts[decision.decision] += 1
        results.append(decision.as_json())
    return json_text({"results": results}, item_per_line=True), counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="institutions (default 10000)")
    parser.add_argument("--requests", type=int, default=10_000, help="request files (default 10000)")
    parser.add_argument("--partners", type=int, default=20, help="partners listed by each (default 20)")
    parser.add_argument("--sizes", help="comma-separated directory sizes, each with as many requests")
    args = parser.parse_args(argv)
    runs = ([(int(size), int(size)) for size in args.sizes.split(",")] if args.sizes
            else [(args.n, args.requests)])
    for institutions, request_count in runs:
        print(f"\n== {institutions} institutions, {request_count} requests ==", flush=True)
        measure(institutions, request_count, args.partners)
    return 0


def measure(n: int, request_count: int, partners: int) -> None:
    with tempfile.TemporaryDirectory(prefix="rsdir-bench-") as tmp:
        records, requests = Path(tmp) / "records", Path(tmp) / "requests"
        timed(f"generate {n} institutions", lambda: generate(records, n, seed=1, partners=partners))
        timed(f"generate {request_count} requests", lambda: generate_requests(requests, records, request_count))
        validation, _ = timed("load: validate", lambda: validate_directory(records, TODAY))
        directory, _ = timed("load: build the model", lambda: Directory.from_records(validation.valid))
        print(f"  {len(directory.institutions)} institutions, {len(validation.errors)} validation errors")

        document, _ = timed("partners --all (graph only)", lambda: graph(directory))
        timed("partners --all (JSON only)", lambda: json_text(document, item_per_line=True))
        timed("partners --all", lambda: json_text(graph(directory), item_per_line=True), target=2.0)
        print(f"  {len(document['partnerships'])} mutual pairs, each direction decided")

        files = sorted(requests.glob("*.yaml"))
        (_, counts), _ = timed(f"check ({len(files)} files)", lambda: check_all(directory, files), target=10.0)
        print(f"  {counts}")

        # A request from a borrower with many mutual partners, so that several lenders answer.
        request, req_document = load_request(files[0])
        borrower = max(directory.institutions.values(), key=lambda i: len(directory.mutual_partners(i.id)))
        request = dataclasses.replace(request, borrower=borrower.id)
        for with_refused in (False, True):
            label = "route (1 request, every lender" + (", --all)" if with_refused else ")")
            result, _ = timed(label, lambda: json_text(
                route(directory, request, borrower, TODAY, with_refused=with_refused).as_json(with_refused=with_refused)),
                              target=1.0)
            answer = json.loads(result)
            print(f"  {len(answer['lenders'])} lenders accept, {len(answer.get('refused', []))} refusals listed")


if __name__ == "__main__":
    sys.exit(main())
