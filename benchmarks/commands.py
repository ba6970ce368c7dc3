"""The commands a librarian runs, as real processes, cold (without the cache) and warm (the cache
filled by an earlier run on the unchanged directory), on a synthetic directory.

    .venv/bin/python benchmarks/commands.py [--sizes 1000,10000]

For each size: `validate`, `check` of one request, `route` of one request, `partners ID` and
`partners --all`, each run once with `--no-cache` (cold), once to fill the cache, then three times
warm (the run of least CPU time is shown).
The cache lives in a folder of its own under benchmarks/out/. Each figure is the wall time of the
process (start-up included) with its CPU time; the warm/cold ratio is printed beside it, and the
warm time as a share of a cold `validate` in wall and in CPU time (target: under 10 %; on a busy
shared machine the CPU share is the steadier figure).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

from synth import generate, generate_requests  # noqa: E402

ON = ("--on", "2026-12-01")
WARM_RUNS = 3


def timed(command: list[str], env: dict) -> tuple[float, float, int]:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def measure(n: int) -> None:
    records = OUT / f"commands-{n}" / "records"
    requests = OUT / f"commands-{n}" / "requests"
    if not records.is_dir():
        generate(records, n)
        generate_requests(requests, records, 1)
    request = str(next(iter(sorted(requests.glob("*.yaml")))))
    cache = OUT / f"commands-{n}" / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    # As installed, Python keeps each module's compiled bytecode: without it (PYTHONDONTWRITEBYTECODE
    # set in the environment), every command would compile rsdir's modules again, 0.3 s of each
    # warm answer that no user waits for.
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "XDG_CACHE_HOME": str(cache)}
    rsdir = str(Path(sys.executable).with_name("rsdir"))
    base = ["--records", str(records), *ON]
    commands = {
        "validate": ["validate"],
        "check (1 request)": ["check", request],
        "route (1 request)": ["route", request],
        "partners ID": ["partners", "us-lib-1" if (records / "institutions/us/us-lib-1.yaml").exists()
                        else sorted(records.glob("institutions/*/*.yaml"))[0].stem],
        "partners --all": ["partners", "--all", "--format", "json"],
    }
    print(f"\n== {n} institutions (wall s, CPU s in brackets)", flush=True)
    print(f"{'command':<20} {'cold (--no-cache)':>20} {'warm (cache)':>18} {'warm/cold':>10} {'warm/cold validate':>19}"
          f" {'same, CPU':>10}")
    cold_validate = None
    for label, arguments in commands.items():
        cold = timed([rsdir, *arguments, "--no-cache", *base], env)
        timed([rsdir, *arguments, *base], env)          # fills the cache
        # The best of three: a warm answer takes a fraction of a second, which a busy machine's
        # other work can double in any one run.
        warm = min((timed([rsdir, *arguments, *base], env) for _ in range(WARM_RUNS)), key=lambda run: run[1])
        if cold_validate is None:
            cold_validate = cold
        print(f"{label:<20} {f'{cold[0]:.2f} ({cold[1]:.2f})':>20} {f'{warm[0]:.2f} ({warm[1]:.2f})':>18} "
              f"{warm[0] / cold[0]:>9.0%} {warm[0] / cold_validate[0]:>18.0%} {warm[1] / cold_validate[1]:>10.1%}",
              flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated directory sizes")
    args = parser.parse_args()
    print(f"commands benchmark — {time.strftime('%Y-%m-%d')}, load average {os.getloadavg()[0]:.1f}")
    for n in (int(part) for part in args.sizes.split(",")):
        measure(n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
