"""`make bench`: how Schakel's register behaves with 100,000 companies, on SQLite and PostgreSQL.

    python -m bench.run [--companies 100000] [--rounds 2] [--only sqlite|postgres]
                        [--skip-import] [--keep]

For each database (a fresh SQLite file under var/bench/, and a PostgreSQL database
`schakel_bench` on 127.0.0.1 as user postgres, created and dropped here), in child processes:

  (a) `schakel demo --companies N`: wall time, CPU time and peak memory (target <= 60 s);
  (b) the register list, /register/ and /api/v1/organisations/, as the demo account manager:
      a mix of filtered, searched, sorted and deep-paged requests; p50/p95 server time
      (target p95 <= 150 ms), with the slowest request's queries and query plan;
  (c) `schakel register import` of an N-row CSV made here (half updates of demo companies,
      half new ones): wall time (target <= 90 s) and peak RSS (target < 500 MB).

Every figure is also shown as a ratio to its target and to a baseline measured in the same run
(starting a `schakel` process; a SELECT 1; the unfiltered first page). Timings are not
asserted anywhere: the bench reports and exits 0. See bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import machine

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = "schakel_bench"

TARGET_DEMO_S = 60.0
TARGET_LIST_P95_MS = 150.0
TARGET_IMPORT_S = 90.0
TARGET_IMPORT_RSS_MB = 500.0


@dataclass
class Run:
    """One child process: wall and CPU seconds, peak resident memory, output."""

    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def run_child(args: list[str], env: dict, timeout: float = 1800) -> Run:
    """Run `python args...` and measure it with wait4 (CPU and peak RSS of that child only)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out_chunks: list[str] = []
    err_chunks: list[str] = []
    # Read both pipes until the child closes them, then reap it with wait4 for its rusage.
    import threading

    def drain(stream, chunks):
        for line in stream:
            chunks.append(line)

    readers = [
        threading.Thread(target=drain, args=(process.stdout, out_chunks), daemon=True),
        threading.Thread(target=drain, args=(process.stderr, err_chunks), daemon=True),
    ]
    for reader in readers:
        reader.start()
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.05)
    wall = time.perf_counter() - started
    for reader in readers:
        reader.join(timeout=5)
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        returncode=process.returncode,
        stdout="".join(out_chunks),
        stderr="".join(err_chunks),
    )


def child_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "schakel.settings",
            "SCHAKEL_VAR_DIR": str(BENCH_DIR / "var"),
            "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


# Databases --------------------------------------------------------------------------------


def postgres_admin():
    import psycopg

    return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)


def postgres_version() -> str | None:
    try:
        with postgres_admin() as connection:
            return connection.execute("SHOW server_version").fetchone()[0]
    except Exception:
        return None


def fresh_database(kind: str) -> str:
    """Create an empty benchmark database and return its URL."""
    if kind == "sqlite":
        path = BENCH_DIR / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    with postgres_admin() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DATABASE


def drop_database(kind: str) -> None:
    if kind == "postgres":
        with postgres_admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


# The import file ----------------------------------------------------------------------------


def demo_enterprise_number(index: int) -> str:
    """Same numbering as schakel.register.demo (kept Django-free here): 09xx..., mod-97."""
    base = 9_000_000 + (index * 7_919) % 1_000_000
    return f"{base:08d}{97 - base % 97:02d}"


def write_import_file(path: Path, rows: int, existing: int, seed: int = 2026) -> None:
    """An import file as staff would get it: half updates of demo companies, half new ones."""
    data = ROOT / "schakel" / "places" / "data"
    municipalities = {
        m["nis_code"]: m
        for m in json.loads((data / "municipalities.json").read_text())
        if m["province_nis"] == "30000" and not m["merged_into"]
    }
    places = [
        (p["code"], municipalities[p["municipality"]]["name_nl"])
        for p in json.loads((data / "postal_codes.json").read_text())
        if p["municipality"] in municipalities
    ]
    rng = random.Random(seed)
    trades = ["Metaalbewerking", "Voeding", "Textiel", "Kunststoffen", "Machinebouw", "Logistiek"]
    # The first NACE-BEL subclass of a fitting division for each trade, from the places data.
    subclasses = sorted(
        n["code"] for n in json.loads((data / "nace.json").read_text()) if n["level"] == 5
    )
    naces = [
        next(f"{c[:2]}.{c[2:]}" for c in subclasses if c.startswith(division))
        for division in ("25", "10", "13", "22", "28", "52")
    ]
    first_names = ["An", "Bart", "Els", "Koen", "Lien", "Pieter", "Sofie", "Stijn"]
    last_names = ["Declercq", "Desmet", "Maes", "Vandenberghe", "Vermeulen", "Vanneste"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(
            [
                "Ondernemingsnummer",
                "Naam",
                "Type",
                "Straat",
                "Postcode",
                "Gemeente",
                "NACE",
                "Werknemers",
                "Omzet",
                "E-mail",
                "Contact voornaam",
                "Contact naam",
                "Contact e-mail",
                "Contact functie",
                "Contact taal",
            ]
        )
        for row in range(rows):
            # Even rows update an existing demo company, odd rows bring a new one.
            index = (row // 2) % max(existing, 1) if row % 2 == 0 else existing + row
            trade_index = rng.randrange(len(trades))
            postal_code, place = rng.choice(places)
            slug = f"import-{row + 1}"
            first, last = rng.choice(first_names), rng.choice(last_names)
            writer.writerow(
                [
                    demo_enterprise_number(index),
                    f"Importtest {trades[trade_index]} {row + 1} BV",
                    "bedrijf",
                    f"Industrielaan {rng.randint(1, 200)}",
                    postal_code,
                    place,
                    naces[trade_index],
                    rng.randint(1, 120),
                    f"{rng.randint(100, 9000)}.000,00",
                    f"info@{slug}.example.be",
                    first,
                    last,
                    f"{first.lower()}.{last.lower()}@{slug}.example.be",
                    "Zaakvoerder",
                    "nl",
                ]
            )


# The benchmark ------------------------------------------------------------------------------


def bench_database(kind: str, args) -> dict:
    print(f"\n== {kind} ==", flush=True)
    url = fresh_database(kind)
    env = child_env(url)
    result: dict = {"database": kind}
    try:
        migrate = run_child(["-m", "schakel.cli", "migrate", "--noinput", "-v0"], env)
        if migrate.returncode:
            raise RuntimeError(f"migrate failed:\n{migrate.stderr[-3000:]}")
        startup = run_child(["-m", "schakel.cli", "check"], env)
        result["startup_s"] = startup.wall_s

        print(f"  schakel demo --companies {args.companies} …", flush=True)
        demo = run_child(
            ["-m", "schakel.cli", "demo", "--companies", str(args.companies), "-v1"], env
        )
        if demo.returncode:
            raise RuntimeError(f"schakel demo failed:\n{demo.stderr[-3000:]}")
        result["demo"] = {
            "wall_s": demo.wall_s,
            "cpu_s": demo.cpu_s,
            "peak_rss_mb": demo.peak_rss_mb,
        }

        print("  register list …", flush=True)
        listing = run_child(["-m", "bench.register", "--rounds", str(args.rounds)], env)
        if listing.returncode:
            raise RuntimeError(f"register bench failed:\n{listing.stderr[-3000:]}")
        result["list"] = json.loads(listing.stdout.strip().splitlines()[-1])

        if args.skip_import:
            result["import"] = {"skipped": "--skip-import"}
        elif not (ROOT / "schakel" / "register" / "importing" / "service.py").exists():
            result["import"] = {"skipped": "importer not available"}
        else:
            csv_path = BENCH_DIR / f"import-{args.companies}.csv"
            write_import_file(csv_path, args.companies, args.companies)
            print(f"  schakel register import ({args.companies} rows) …", flush=True)
            imported = run_child(
                ["-m", "schakel.cli", "register", "import", str(csv_path), "--no-progress"], env
            )
            result["import"] = {
                "rows": args.companies,
                "wall_s": imported.wall_s,
                "cpu_s": imported.cpu_s,
                "peak_rss_mb": imported.peak_rss_mb,
                "ok": imported.returncode == 0,
                "summary": (imported.stdout.strip().splitlines() or [""])[0],
                "errors": imported.stderr.strip()[-1500:] if imported.returncode else "",
            }
    except Exception as exc:  # report what broke and carry on with the other database
        result["error"] = str(exc)
    finally:
        if not args.keep:
            drop_database(kind)
    return result


# Reporting ----------------------------------------------------------------------------------


def ratio(value: float, reference: float | None) -> str:
    if not reference:
        return "-"
    return f"{value / reference:.2f}x"


def verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "MISSED"


def print_report(machine_rows, results: list[dict]) -> None:
    print("\nMachine")
    for name, value in machine_rows:
        print(f"  {name:<27} {value}")
    header = (
        f"\n{'database':<9} {'measure':<36} {'value':>10} {'target':>9} "
        f"{'vs target':>10} {'vs baseline':>12}  baseline"
    )
    print(header)
    print("-" * (len(header) + 12))
    for result in results:
        db = result["database"]
        if "error" in result:
            print(f"{db:<9} ERROR: {result['error'][:500]}")
        startup = result.get("startup_s")
        if "demo" in result:
            demo = result["demo"]
            print(
                f"{db:<9} {'demo load, wall s':<36} {demo['wall_s']:>10.1f} {TARGET_DEMO_S:>9.0f} "
                f"{ratio(demo['wall_s'], TARGET_DEMO_S):>10} {ratio(demo['wall_s'], startup):>12}"
                f"  process start {startup:.2f} s"
            )
            print(
                f"{db:<9} {'demo load, CPU s (this process)':<36} {demo['cpu_s']:>10.1f} "
                f"{'':>9} {'':>10} {'':>12}  peak RSS {demo['peak_rss_mb']:.0f} MB"
            )
        if "list" in result:
            select_one = result["list"]["select_one_ms"]
            for stats in result["list"]["endpoints"].values():
                label = f"{stats['path']} ({stats['requests']} req)"
                for measure in ("p50_ms", "p95_ms"):
                    value = stats[measure]
                    print(
                        f"{db:<9} {label + ' ' + measure[:3] + ' ms':<36} {value:>10.1f} "
                        f"{TARGET_LIST_P95_MS:>9.0f} {ratio(value, TARGET_LIST_P95_MS):>10} "
                        f"{ratio(value, stats['baseline_p50_ms']):>12}  unfiltered page 1 "
                        f"{stats['baseline_p50_ms']:.1f} ms, SELECT 1 {select_one:.3f} ms"
                    )
                print(
                    f"{db:<9} {'  same, CPU of the serving thread':<36} "
                    f"{stats['p95_cpu_ms']:>10.1f} {'':>9} {'':>10} {'':>12}  "
                    f"p50 {stats['p50_cpu_ms']:.1f} ms (on SQLite incl. the database)"
                )
        if "import" in result:
            imported = result["import"]
            if "skipped" in imported:
                print(f"{db:<9} {'import':<36} {imported['skipped']}")
            else:
                state = "" if imported["ok"] else "  (FAILED: " + imported["errors"][:200] + ")"
                print(
                    f"{db:<9} {'import ' + str(imported['rows']) + ' rows, wall s':<36} "
                    f"{imported['wall_s']:>10.1f} {TARGET_IMPORT_S:>9.0f} "
                    f"{ratio(imported['wall_s'], TARGET_IMPORT_S):>10} "
                    f"{ratio(imported['wall_s'], startup):>12}  process start {startup:.2f} s"
                    f"{state}"
                )
                print(f"{db:<9} {'import, CPU s (this process)':<36} {imported['cpu_s']:>10.1f}")
                print(
                    f"{db:<9} {'import peak RSS MB':<36} {imported['peak_rss_mb']:>10.0f} "
                    f"{TARGET_IMPORT_RSS_MB:>9.0f} "
                    f"{ratio(imported['peak_rss_mb'], TARGET_IMPORT_RSS_MB):>10} {'':>12}"
                    f"  {imported['summary'][:90]}"
                )
    print("\nVerdicts")
    for result in results:
        db = result["database"]
        if "demo" in result:
            print(f"  {db}: demo load {verdict(result['demo']['wall_s'], TARGET_DEMO_S)}")
        for stats in result.get("list", {}).get("endpoints", {}).values():
            print(f"  {db}: {stats['path']} p95 {verdict(stats['p95_ms'], TARGET_LIST_P95_MS)}")
        imported = result.get("import", {})
        if "wall_s" in imported:
            print(
                f"  {db}: import time {verdict(imported['wall_s'], TARGET_IMPORT_S)}, "
                f"memory {verdict(imported['peak_rss_mb'], TARGET_IMPORT_RSS_MB)}"
            )
    print("\nSlowest requests and why (see bench/README.md)")
    for result in results:
        for stats in result.get("list", {}).get("endpoints", {}).values():
            print(f"  [{result['database']}] {stats['path']}")
            worst = sorted(stats["by_label"].items(), key=lambda item: -item[1]["p95_ms"])[:4]
            for label, values in worst:
                print(
                    f"    {label:<28} n={values['n']:<3} p50 {values['p50_ms']:7.1f} ms  "
                    f"p95 {values['p95_ms']:7.1f} ms"
                )
            slow = stats["slowest_queries"]
            print(f"    slowest request {slow['url']}: {slow['count']} queries")
            for query in slow["top"][:2]:
                print(f"      {query['ms']:7.1f} ms  {query['sql'][:240]}")
            for line in slow["plan"][:8]:
                print(f"      plan: {line[:200]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2, help="Rounds of the request mix.")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--keep", action="store_true", help="Keep the PostgreSQL database.")
    parser.add_argument("--json", help="Also write the raw results to this file.")
    args = parser.parse_args(argv)

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    pg_version = postgres_version()
    machine_rows = machine.describe(pg_version)
    print("Schakel benchmark: {n} companies".format(n=args.companies))
    for name, value in machine_rows:
        print(f"  {name:<27} {value}")
    kinds = [args.only] if args.only else ["sqlite", "postgres"]
    results = []
    for kind in kinds:
        if kind == "postgres" and pg_version is None:
            results.append(
                {"database": kind, "error": f"PostgreSQL not reachable at {PG_ADMIN_URL}"}
            )
            continue
        results.append(bench_database(kind, args))
    machine_rows.append(("Load average at the end", machine.load_average()))
    print_report(machine_rows, results)
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine_rows, "results": results}))
    shutil.rmtree(BENCH_DIR / "var", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
