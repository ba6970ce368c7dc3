"""How long `rsdir validate` takes on a synthetic directory, next to check-jsonschema on the same files.

For each size N the script writes (or reuses) a synthetic directory under `benchmarks/out/`, runs
the real command line as a subprocess and keeps its best time of `--repeat` runs and its peak
memory, then runs check-jsonschema with our institution schema over the same institution files.
check-jsonschema needs another version of click than ours, so it lives in its own virtual
environment, `benchmarks/out/peer-venv`, created on first use.

    .venv/bin/python benchmarks/validate.py --sizes 1000,10000

The two do different amounts of work: check-jsonschema checks each file against the schema;
`rsdir validate` also loads every record strictly with positions, checks pod files and runs the
cross-record checks. The comparison is the one a maintainer faces: "check the directory".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
PEER_VERSION = "0.39.0"
# check-jsonschema as a user would install it (`pip install check-jsonschema`: ruamel.yaml reads
# YAML in Python), and with ruamel.yaml's C parser, the fastest set-up a user could pick. Each in
# its own virtual environment (check-jsonschema needs another version of click than ours).
PEERS = {
    "default install": (OUT / "peer-venv", [f"check-jsonschema=={PEER_VERSION}"]),
    "with ruamel.yaml.clib": (OUT / "peer-clib-venv", [f"check-jsonschema=={PEER_VERSION}", "ruamel.yaml.clib==0.2.15"]),
}
SHAPES = ("full", "small")
SCHEMA = "schema/institution.schema.json"

sys.path.insert(0, str(HERE))
import synth  # noqa: E402  (a sibling script, not an installed package)


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float      # user + system time: steadier than wall time on a busy machine
    peak_rss_mb: float
    exit_code: int
    output: str


def directory_for(n: int, seed: int, shape: str = "full") -> tuple[Path, float | None]:
    """The synthetic records folder for `n` institutions of `shape` and the seconds it took to
    write, or None when a folder written by the same generator was reused."""
    root = OUT / (f"records-{n}-seed{seed}" if shape == "full" else f"records-{n}-seed{seed}-{shape}")
    marker = root / ".generator-sha256"
    generator = hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()
    if marker.exists() and marker.read_text(encoding="utf-8") == generator:
        return root, None
    shutil.rmtree(root, ignore_errors=True)
    started = time.perf_counter()
    synth.generate(root, n, seed=seed, shape=shape)
    seconds = time.perf_counter() - started
    marker.write_text(generator, encoding="utf-8")
    return root, seconds


def timed(command: list[str]) -> Run:
    """Wall time and peak resident memory of one child process (the command itself, not us)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    # Read the output while the child runs, so a full pipe cannot stall it.
    output = process.stdout.read().decode("utf-8", errors="replace") if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode, output)


def rsdir() -> str:
    """The `rsdir` next to the running interpreter (the project's venv), else the one on PATH."""
    beside = Path(sys.executable).with_name("rsdir")
    return str(beside) if beside.exists() else (shutil.which("rsdir") or "rsdir")


def ours(root: Path, repeat: int) -> Run:
    """Cold runs: without the cache, so every record is read and checked."""
    runs = [timed([rsdir(), "validate", "--no-cache", "--records", os.path.relpath(root, REPO)])
            for _ in range(repeat)]
    for run in runs:
        if run.exit_code != 0:
            raise SystemExit(f"rsdir validate failed on the synthetic directory:\n{run.output[-3000:]}")
    return min(runs, key=lambda run: run.seconds)


def peer_executable(venv: Path, packages: list[str]) -> Path:
    executable = venv / "bin" / "check-jsonschema"
    if not executable.exists():
        print(f"creating {os.path.relpath(venv)} with {' '.join(packages)} ...", file=sys.stderr)
        python = shutil.which("python3.11") or sys.executable
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", *packages], check=True)
    return executable


def batches(arguments: list[str], fixed: list[str]) -> list[list[str]]:
    """Split file arguments so each command line stays well inside the system's ARG_MAX."""
    try:
        limit = os.sysconf("SC_ARG_MAX")
    except (ValueError, OSError):
        limit = 128 * 1024
    # The environment shares the same space; keep half of what remains as a margin.
    budget = (limit - sum(len(k) + len(v) + 2 for k, v in os.environ.items())) // 2
    base = sum(len(part) + 1 for part in fixed)
    groups: list[list[str]] = [[]]
    size = base
    for argument in arguments:
        if groups[-1] and size + len(argument) + 1 > budget:
            groups.append([])
            size = base
        groups[-1].append(argument)
        size += len(argument) + 1
    return groups


def peer(root: Path, repeat: int, venv: Path, packages: list[str]) -> tuple[Run, int]:
    """check-jsonschema over every institution file; returns the best run and how many invocations
    it took. The ECMAScript regex engine it uses by default rejects two of our schema's patterns
    (an escaped `"` inside a character class), so it runs with Python regexes, as we do."""
    files = sorted(os.path.relpath(path, REPO) for path in (root / "institutions").glob("*/*.yaml"))
    fixed = [str(peer_executable(venv, packages)), "--schemafile", SCHEMA]
    groups = batches(files, fixed)
    runs = []
    for _ in range(repeat):
        parts = [timed(fixed + group) for group in groups]
        failed = [part for part in parts if part.exit_code != 0]
        if failed:
            raise SystemExit(f"check-jsonschema failed on the synthetic directory:\n{failed[0].output[-3000:]}")
        runs.append(Run(sum(p.seconds for p in parts), sum(p.cpu_seconds for p in parts),
                        max(p.peak_rss_mb for p in parts), 0, ""))
    return min(runs, key=lambda run: run.seconds), len(groups)


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of institutions")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs of rsdir validate per size (best kept)")
    parser.add_argument("--peer-repeat", type=int, default=1,
                        help="runs of check-jsonschema per size (it takes minutes at 10,000)")
    parser.add_argument("--no-peer", action="store_true", help="time rsdir validate only")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]

    rows = []
    for shape in SHAPES:
        for n in sizes:
            root, generated = directory_for(n, args.seed, shape)
            if generated is not None:
                print(f"  N={n} ({shape}): synthetic directory written in {generated:.1f} s", file=sys.stderr)
            ours_run = ours(root, args.repeat)
            summary = ours_run.output.strip().splitlines()[-1] if ours_run.output.strip() else ""
            size = sum(path.stat().st_size for path in (root / "institutions").glob("*/*.yaml")) / n
            row = {"n": n, "shape": shape, "bytes_per_record": round(size), "ours_s": round(ours_run.seconds, 2),
                   "ours_cpu_s": round(ours_run.cpu_seconds, 2), "ours_peak_rss_mb": round(ours_run.peak_rss_mb),
                   "ours_summary": summary, "peers": {}}
            if not args.no_peer:
                for label, (venv, packages) in PEERS.items():
                    peer_run, _ = peer(root, args.peer_repeat, venv, packages)
                    row["peers"][label] = {"s": round(peer_run.seconds, 2), "cpu_s": round(peer_run.cpu_seconds, 2),
                                           "ratio": round(peer_run.seconds / ours_run.seconds, 1),
                                           "cpu_ratio": round(peer_run.cpu_seconds / ours_run.cpu_seconds, 1)}
            rows.append(row)
            print(f"  N={n} ({shape}): {summary}", file=sys.stderr)

    print(f"validate benchmark — {time.strftime('%Y-%m-%d')}, {machine()}, load average "
          f"{os.getloadavg()[0]:.1f}")
    print("cold rsdir validate (--no-cache) against check-jsonschema over the same institution files;")
    print("seconds are wall time (CPU time in brackets); ratio = check-jsonschema / rsdir, wall (CPU)")
    header = f"{'shape':>6} {'N':>7} {'B/record':>9} {'rsdir validate':>16} {'peak MB':>8}"
    for label in PEERS:
        header += f" {label:>30}"
    print(header)
    for row in rows:
        ours_text = f"{row['ours_s']:.2f} ({row['ours_cpu_s']:.2f})"
        line = f"{row['shape']:>6} {row['n']:>7} {row['bytes_per_record']:>9} {ours_text:>16} {row['ours_peak_rss_mb']:>8}"
        for label in PEERS:
            found = row["peers"].get(label)
            text = (f"{found['s']:.2f} ({found['cpu_s']:.2f}) {found['ratio']:.1f}x ({found['cpu_ratio']:.1f}x)"
                    if found else "-")
            line += f" {text:>30}"
        print(line)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
