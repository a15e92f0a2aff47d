"""Reverse matching benchmark: rank 100,000 companies for an offering.

    python -m bench.matching_reverse [--companies 100000] [--rounds 5] [--reuse]

Builds a fresh SQLite database under var/bench/ (`schakel migrate`, then
`schakel demo --companies N` in child processes, with MATCHING_ENCODER=none so the demo does
not spend its time embedding), then, in this process, times
`schakel.matching.reverse.companies_for_offering(offering)` plus fetching the first page of 25
companies with their reasons, for every funding call, programme and test facility of the demo
catalogue. The first call builds the per-process company arrays and is reported apart
("cold"); the target is p95 <= 200 ms for the warm calls. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
TARGET_P95_MS = 200.0


def env_for(db: Path) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{db}",
            "DJANGO_SETTINGS_MODULE": "schakel.settings",
            "SCHAKEL_VAR_DIR": str(BENCH_DIR / "var-matching"),
            "MATCHING_ENCODER": "none",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        }
    )
    return env


def setup(db: Path, companies: int) -> float:
    if db.exists():
        db.unlink()
    env = env_for(db)
    started = time.perf_counter()
    for args in (["migrate", "--noinput", "-v0"], ["demo", "--companies", str(companies)]):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return time.perf_counter() - started


def measure(rounds: int) -> dict:
    import django

    django.setup()
    from schakel.catalog.models import Offering
    from schakel.matching import reverse
    from schakel.register.models import Organisation

    offerings = list(
        Offering.objects.filter(kind__in=["funding", "programme", "test_facility"])
        .select_related("provider__municipality", "municipality")
        .order_by("external_id")
    )
    companies = Organisation.objects.companies().count()
    t = time.perf_counter()
    reverse.features()
    cold_ms = (time.perf_counter() - t) * 1000
    timings = []
    sizes = []
    for _ in range(rounds):
        for offering in offerings:
            t = time.perf_counter()
            ranking = reverse.companies_for_offering(offering)
            ranking.rows(0, 25)
            timings.append((time.perf_counter() - t) * 1000)
            sizes.append(len(ranking))
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    return {
        "companies": companies,
        "offerings": len(offerings),
        "calls": len(timings),
        "cold_build_ms": round(cold_ms, 1),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(timings[-1], 1),
        "median_ranked_companies": int(statistics.median(sizes)) if sizes else 0,
        "target_p95_ms": TARGET_P95_MS,
        "target_met": p95 <= TARGET_P95_MS,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database")
    args = parser.parse_args(argv)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    db = BENCH_DIR / "matching-reverse.sqlite3"
    setup_s = None
    if not (args.reuse and db.exists()):
        setup_s = round(setup(db, args.companies), 1)
    os.environ.update(env_for(db))
    result = measure(args.rounds)
    result["setup_s"] = setup_s
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
