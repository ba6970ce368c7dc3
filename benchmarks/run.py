"""Run every benchmark script of this folder with the same sizes and print all their figures.

    .venv/bin/python benchmarks/run.py                 # sizes 1000,10000
    .venv/bin/python benchmarks/run.py --sizes 1000    # a quicker look

Each script (validate.py, decisions.py, site.py, updates.py, browser.py, whichever are present) runs as its own process
with `--sizes`, so one failing benchmark does not hide the figures of the others.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ("validate.py", "commands.py", "decisions.py", "site.py", "updates.py", "browser.py")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run all benchmarks.")
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of institutions")
    args = parser.parse_args(argv)
    failed = []
    for name in SCRIPTS:
        script = HERE / name
        if not script.exists():
            continue
        print(f"== {name} --sizes {args.sizes}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script), "--sizes", args.sizes], cwd=HERE.parent)
        print(f"== {name} finished in {time.perf_counter() - started:.0f} s with exit code {result.returncode}\n",
              flush=True)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
