"""Register list benchmark, run in a child process against one database (DATABASE_URL).

    DATABASE_URL=... python -m bench.register [--rounds 2]

Logs in as the demo account manager through Django's test Client and times a realistic mix
of filtered and searched requests to the register page (/register/) and the API
(/api/v1/organisations/): type, cluster, region, size, NACE prefix, partial Dutch words,
sorting, the first and a deep page. The time is server time: the request through
middleware, view, database and template, without a network. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from urllib.parse import urlencode

# Searches with partial Dutch words, as staff type them.
SEARCHES = [
    "metaal",
    "voed",
    "kortr",
    "vlas",
    "textiel",
    "bakker",
    "machine",
    "kunststof",
    "leie",
    "transport",
    "roesel",
    "hout",
    "polderw",
    "verspanend",
    "brugge bouw",
]
FILTERS = [
    {"type": "company"},
    {"cluster": "food"},
    {"cluster": "machine_building_mechatronics"},
    {"cluster": "new_materials"},
    {"region": "zuid-west-vlaanderen"},
    {"region": "kust"},
    {"region": "midden-west-vlaanderen"},
    {"size": "medium"},
    {"size": ["micro", "small"]},
    {"nace": "25"},
    {"nace": "10.7"},
    {"nace": "28.9"},
    {"stage": "starter"},
    {"type": "company", "region": "midden-west-vlaanderen", "cluster": "food"},
    {"type": "company", "size": "large", "sort": "-employees"},
]
SORTS = ["", "name", "-name", "municipality", "-employees", "-created"]
PAGE_SIZE = 50  # the page and the API both show 50 rows


def request_mix(rounds: int, pages: dict, seed: int = 2026) -> list[tuple[str, dict]]:
    """(label, query parameters): every filter and search alone, combined, sorted, paged.

    `pages` holds the number of pages of the whole list ("all"), of the companies ("company")
    and of the search "e" ("e"), so that deep pages exist (the API answers 404 past the end).
    """
    rng = random.Random(seed)
    mix: list[tuple[str, dict]] = [("unfiltered page 1", {})]
    for _ in range(rounds):
        for filters in FILTERS:
            mix.append(("filter " + "&".join(sorted(filters)), dict(filters)))
        for words in SEARCHES:
            mix.append(("search", {"q": words}))
        for _ in range(25):
            params = dict(rng.choice(FILTERS))
            if rng.random() < 0.6:
                params["q"] = rng.choice(SEARCHES)
            sort = rng.choice(SORTS)
            if sort:
                params["sort"] = sort
            mix.append(("filter+search+sort", params))
        for sort in SORTS:
            page = max(1, int(pages["all"] * rng.choice([0.1, 0.5, 0.9, 1.0])))
            mix.append(("deep page", {"page": page, "sort": sort}))
        mix.append(
            ("deep page filtered", {"type": "company", "page": max(1, pages["company"] // 2)})
        )
        mix.append(("deep page search", {"q": "e", "page": max(1, pages["e"] * 3 // 4)}))
    return mix


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schakel.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from schakel.accounts.models import User

    # Production-like query path: no per-query logging while timing.
    settings.DEBUG = False
    setup_test_environment()
    staff = User.objects.get(username="staff")
    client = Client()
    client.force_login(staff)

    def timed(url: str) -> tuple[float, float]:
        """Server wall time and this thread's CPU time (ms) of one request."""
        started, cpu_started = time.perf_counter(), time.thread_time()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        cpu = (time.thread_time() - cpu_started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return elapsed, cpu

    # Baseline 1: the database round trip.
    select_one = []
    with connection.cursor() as cursor:
        for _ in range(300):
            started = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            select_one.append((time.perf_counter() - started) * 1000)

    endpoints = {"page": "/register/", "api": "/api/v1/organisations/"}
    from schakel.register.models import Organisation

    def pages(queryset) -> int:
        return -(-queryset.count() // PAGE_SIZE)

    mix = request_mix(
        args.rounds,
        {
            "all": pages(Organisation.objects.all()),
            "company": pages(Organisation.objects.companies()),
            "e": pages(Organisation.objects.search("e")),
        },
    )
    results: dict = {"select_one_ms": statistics.median(select_one), "endpoints": {}}
    for name, path in endpoints.items():
        for _ in range(5):  # warm up caches, templates and the query planner
            timed(path)
        # Baseline 2: the unfiltered first page.
        baseline = [timed(path)[0] for _ in range(30)]
        times: list[float] = []
        cpu_times: list[float] = []
        by_label: dict[str, list[float]] = {}
        slowest: list[tuple[float, str]] = []
        for label, params in mix:
            url = path + ("?" + urlencode(params, doseq=True) if params else "")
            elapsed, cpu = timed(url)
            times.append(elapsed)
            cpu_times.append(cpu)
            by_label.setdefault(label, []).append(elapsed)
            slowest.append((elapsed, url))
        slowest.sort(reverse=True)
        # Where the slowest request spends its time: its queries, each timed, and the plan
        # of the slowest query.
        settings.DEBUG = True
        with CaptureQueriesContext(connection) as captured:
            client.get(slowest[0][1])
        settings.DEBUG = False
        queries = sorted(
            (q for q in captured.captured_queries if "register_organisation" in q["sql"]),
            key=lambda q: -float(q["time"]),
        )
        plan = explain(connection, queries[0]["sql"]) if queries else []
        results["endpoints"][name] = {
            "path": path,
            "requests": len(times),
            "p50_ms": percentile(times, 0.50),
            "p95_ms": percentile(times, 0.95),
            "max_ms": max(times),
            # CPU time of the serving thread: on SQLite it includes the database work, on
            # PostgreSQL not; far below the wall time means the machine was busy elsewhere.
            "p50_cpu_ms": percentile(cpu_times, 0.50),
            "p95_cpu_ms": percentile(cpu_times, 0.95),
            "baseline_p50_ms": statistics.median(baseline),
            "by_label": {
                label: {
                    "n": len(values),
                    "p50_ms": percentile(values, 0.5),
                    "p95_ms": percentile(values, 0.95),
                }
                for label, values in sorted(by_label.items())
            },
            "slowest": [{"ms": ms, "url": url} for ms, url in slowest[:5]],
            "slowest_queries": {
                "url": slowest[0][1],
                "count": len(queries),
                "top": [
                    {"ms": float(q["time"]) * 1000, "sql": q["sql"][:600]} for q in queries[:3]
                ],
                "plan": plan,
            },
        }
        print(
            "  {name}: {n} requests, p95 {p95:.0f} ms".format(
                name=path, n=len(times), p95=results["endpoints"][name]["p95_ms"]
            ),
            file=sys.stderr,
        )
    print(json.dumps(results))


def explain(connection, sql: str) -> list[str]:
    """The query plan of one captured statement (its parameters are already inlined)."""
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            rows = cursor.fetchall()
    except Exception as exc:  # a plan is a diagnostic: report it rather than fail the bench
        return [f"(no plan: {exc})"]
    if connection.vendor == "sqlite":
        return [" ".join(str(part) for part in row[1:]) for row in rows]
    return [row[0] for row in rows]


if __name__ == "__main__":
    main()
