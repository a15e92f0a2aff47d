"""Facilities load test: no double booking under concurrency, throughput, availability speed.

    python -m bench.facilities [--conflicting 200] [--spread 1000] [--workers 4] [--threads 8]
                               [--clients 64] [--availability-bookings 10000] [--keep]
                               [--database postgresql|sqlite]

Against a PostgreSQL database `schakel_bench_facilities` on 127.0.0.1 (user postgres; created and
dropped here; BENCH_PG_ADMIN_URL overrides the admin connection), or with `--database sqlite`
the embedded default in var/bench_facilities.sqlite3, and a real gunicorn server on 127.0.0.1
(several workers and threads), through the HTTP API with a bearer token:

  (a) N concurrent requests for one slot of one machine (`POST /api/v1/bookings/`): exactly one
      201, all others 409, no 5xx, and in the database exactly one booking, one timeline entry
      and the e-mails of one booking (nothing half-written);
  (b) M non-conflicting bookings spread over resources, sent concurrently: all 201; throughput
      (bookings/s) and p50/p95 latency;
  (c) availability of one resource over a year holding K bookings
      (`GET /api/v1/resources/{id}/availability/?from=…&to=…`): p50/p95 of the HTTP answer
      (target p95 <= 50 ms), against the same request for one day interleaved with it (the
      baseline), and of the computation in-process.

Requests are bounded in number and each has a timeout; the whole run has a deadline. Timings are
reported, not asserted; the exit status is 1 only when a correctness check (a) or (b) fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = "schakel_bench_facilities"
BXL = ZoneInfo("Europe/Brussels")
TARGET_AVAILABILITY_P95_MS = 50.0
REQUEST_TIMEOUT_S = 30
DEADLINE_S = 600


def percentile(values, pct):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# `--database sqlite`: the embedded default (what `make run` serves), in a scratch file.
SQLITE_PATH = ROOT / "var" / "bench_facilities.sqlite3"
DATABASE = "postgresql"


def database_url() -> str:
    if DATABASE == "sqlite":
        return f"sqlite:///{SQLITE_PATH}"
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{PG_DATABASE}"


def recreate_database() -> None:
    if DATABASE == "sqlite":
        SQLITE_PATH.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [PG_DATABASE],
        )
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
        connection.execute(f'CREATE DATABASE "{PG_DATABASE}"')


def drop_database() -> None:
    if DATABASE == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [PG_DATABASE],
        )
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')


def server_env() -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "schakel.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "LOG_LEVEL": "ERROR",
            "DB_CONN_MAX_AGE": "60",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    return env


def setup_django() -> None:
    for key, value in server_env().items():
        if key in ("DEBUG", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "LOG_LEVEL"):
            os.environ[key] = value
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schakel.settings")
    import django

    django.setup()


def prepare(resource_count: int, availability_bookings: int):
    """Migrate and create the bench data: an operator, a facility open day and night, machines,
    companies, a staff user with an API token, and one resource with a year of bookings."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from schakel.accounts.models import ApiToken, User
    from schakel.facilities.models import Booking, Facility, OpeningHours, Resource
    from schakel.register.models import Organisation

    operator = Organisation.objects.create(name="Bench operator", type="facility_operator")
    facility = Facility.objects.create(
        kind="test_facility",
        name="Bench facility",
        external_id="bench",
        operator=operator,
        closed_on_public_holidays=False,
    )
    for day in range(7):
        OpeningHours.objects.create(
            facility=facility, weekday=day, opens=dt.time(0), closes=dt.time(0)
        )
    resources = [
        Resource.objects.create(
            facility=facility,
            kind="equipment",
            name=f"Machine {n}",
            external_id=f"bench-machine-{n}",
            sme_hour=Decimal("40"),
            standard_hour=Decimal("60"),
            cleanup_minutes=15,
        )
        for n in range(resource_count)
    ]
    companies = [
        Organisation.objects.create(name=f"Bench company {n}", type="company", size_class="small")
        for n in range(20)
    ]
    user = User.objects.create_user(username="bench", password="bench-password-1", role="staff")
    _token, raw = ApiToken.issue(user, "bench")

    heavy = Resource.objects.create(
        facility=facility,
        kind="equipment",
        name="Busy machine",
        external_id="bench-busy",
        standard_hour=Decimal("50"),
    )
    start_of_year = dt.datetime(2031, 1, 1, tzinfo=BXL).astimezone(dt.UTC)
    step = dt.timedelta(days=365) / max(availability_bookings, 1)
    length = min(step * 0.6, dt.timedelta(hours=4))
    rows = []
    for n in range(availability_bookings):
        start = start_of_year + step * n
        rows.append(
            Booking(
                resource=heavy,
                company=companies[n % len(companies)],
                start=start,
                end=start + length,
                blocked_start=start,
                blocked_end=start + length,
                status="confirmed",
                amount_excl_vat=Decimal("10"),
                amount_incl_vat=Decimal("12.10"),
                vat_amount=Decimal("2.10"),
            )
        )
    Booking.objects.bulk_create(rows, batch_size=2000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return raw, resources, companies, heavy


class Client:
    """One keep-alive HTTP connection per thread."""

    def __init__(self, port: int, token: str):
        self.port = port
        self.token = token
        self.local = threading.local()

    def request(self, method: str, path: str, body=None):
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S
            )
            self.local.connection = connection
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body)
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            connection.request(method, path, payload, headers)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            connection.close()
            self.local.connection = None
            return 0, b"", time.perf_counter() - started
        return response.status, data, time.perf_counter() - started


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "schakel.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_env(),
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("gunicorn stopped while starting")
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start within 30 s")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(BXL).isoformat()


def conflicting(client: Client, resource, company, count: int, clients: int) -> dict:
    from django.contrib.contenttypes.models import ContentType

    from schakel.core.models import OutgoingEmail
    from schakel.facilities.models import Booking
    from schakel.register.models import Activity

    # Within the booking horizon (a year): a weekday six weeks from now.
    day = dt.datetime.now(BXL).date() + dt.timedelta(days=42)
    start = dt.datetime.combine(day, dt.time(10, 0), tzinfo=BXL)
    body = {
        "resource": resource.pk,
        "start": iso(start),
        "end": iso(start + dt.timedelta(hours=2)),
        "company": company.pk,
    }
    barrier = threading.Barrier(min(count, clients))

    def one(_index):
        try:
            barrier.wait(timeout=10)
        except threading.BrokenBarrierError:
            pass
        return client.request("POST", "/api/v1/bookings/", body)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=min(count, clients)) as pool:
        results = list(pool.map(one, range(count)))
    elapsed = time.perf_counter() - started
    statuses: dict[int, int] = {}
    for status, _data, _seconds in results:
        statuses[status] = statuses.get(status, 0) + 1
    bookings = Booking.objects.filter(resource=resource)
    checks = {
        "one 201": statuses.get(201, 0) == 1,
        "all others 409": statuses.get(409, 0) == count - 1,
        "no 5xx or failed request": not any(s >= 500 or s == 0 for s in statuses),
        "one booking stored": bookings.count() == 1,
        "one timeline entry": Activity.objects.filter(kind="booking").count() == 1,
        "e-mails of one booking only": not OutgoingEmail.objects.filter(
            content_type=ContentType.objects.get_for_model(Booking)
        )
        .exclude(object_id__in=bookings.values("pk"))
        .exists(),
    }
    return {
        "statuses": dict(sorted(statuses.items())),
        "seconds": elapsed,
        "p95_ms": percentile([r[2] * 1000 for r in results], 95),
        "checks": checks,
    }


def spread(client: Client, resources, companies, count: int, clients: int) -> dict:
    base = dt.datetime.combine(
        dt.datetime.now(BXL).date() + dt.timedelta(days=60), dt.time(8), tzinfo=BXL
    )
    bodies = []
    for n in range(count):
        resource = resources[n % len(resources)]
        slot = n // len(resources)
        start = base + dt.timedelta(hours=2 * slot)  # 1 h booking + 15 min cleaning fits in 2 h
        bodies.append(
            {
                "resource": resource.pk,
                "start": iso(start),
                "end": iso(start + dt.timedelta(hours=1)),
                "company": companies[n % len(companies)].pk,
            }
        )
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(lambda b: client.request("POST", "/api/v1/bookings/", b), bodies))
    elapsed = time.perf_counter() - started
    statuses: dict[int, int] = {}
    for status, _data, _seconds in results:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = [r[2] * 1000 for r in results]
    return {
        "statuses": dict(sorted(statuses.items())),
        "seconds": elapsed,
        "throughput": count / elapsed if elapsed else float("nan"),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "checks": {"all 201": statuses.get(201, 0) == count},
    }


def availability_timing(client: Client, heavy, rounds: int) -> dict:
    from schakel.facilities import availability

    start = dt.datetime(2031, 1, 1, tzinfo=BXL)
    end = dt.datetime(2032, 1, 1, tzinfo=BXL)
    path = f"/api/v1/resources/{heavy.pk}/availability/?from=2031-01-01&to=2032-01-01"
    # The baseline, interleaved so both see the same load: one day of the same resource.
    baseline_path = f"/api/v1/resources/{heavy.pk}/availability/?from=2031-06-02&to=2031-06-03"
    http_ms, baseline_ms, sizes = [], [], []
    for _ in range(rounds):
        status, data, seconds = client.request("GET", path)
        if status == 200:
            http_ms.append(seconds * 1000)
            sizes.append(len(data))
        status, _data, seconds = client.request("GET", baseline_path)
        if status == 200:
            baseline_ms.append(seconds * 1000)
    compute_ms = []
    for _ in range(rounds):
        availability._CACHE.clear()  # the whole computation, bookings read from the database
        started = time.perf_counter()
        found = availability.compute(heavy, start, end)
        compute_ms.append((time.perf_counter() - started) * 1000)
    return {
        "busy_periods": len(found.busy_starts),
        "response_kib": statistics.mean(sizes) / 1024 if sizes else float("nan"),
        "http_p50_ms": percentile(http_ms, 50),
        "http_p95_ms": percentile(http_ms, 95),
        "http_first_ms": http_ms[0] if http_ms else float("nan"),
        "baseline_p50_ms": percentile(baseline_ms, 50),
        "baseline_p95_ms": percentile(baseline_ms, 95),
        "compute_p50_ms": percentile(compute_ms, 50),
        "compute_p95_ms": percentile(compute_ms, 95),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conflicting", type=int, default=200)
    parser.add_argument("--spread", type=int, default=1000)
    parser.add_argument("--resources", type=int, default=25)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--clients", type=int, default=64, help="client threads (max 200)")
    parser.add_argument("--availability-bookings", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    args = parser.parse_args(argv)
    global DATABASE
    DATABASE = args.database
    args.conflicting = max(2, min(args.conflicting, 1000))
    args.spread = max(1, min(args.spread, 5000))
    clients = max(1, min(args.clients, 200))

    # The watchdog: the run must never hang a CI job.
    timer = threading.Timer(DEADLINE_S, lambda: os._exit(3))
    timer.daemon = True
    timer.start()

    recreate_database()
    setup_django()
    print(
        f"Preparing {database_url()}: {args.resources} machines, "
        f"{args.availability_bookings} bookings on one machine …",
        flush=True,
    )
    token, resources, companies, heavy = prepare(args.resources, args.availability_bookings)
    port = free_port()
    server = start_server(port, args.workers, args.threads)
    failed = False
    try:
        client = Client(port, token)
        client.request("GET", "/api/v1/resources/?page_size=1")  # warm up the workers

        a = conflicting(
            client, resources[0], companies[0], args.conflicting, max(clients, args.conflicting)
        )
        print(
            f"\n(a) {args.conflicting} concurrent requests for one slot: {a['statuses']} "
            f"in {a['seconds']:.2f} s, p95 {a['p95_ms']:.0f} ms"
        )
        for name, ok in a["checks"].items():
            print(f"    {'PASS' if ok else 'FAIL'}  {name}")
            failed |= not ok

        b = spread(client, resources[1:], companies, args.spread, clients)
        print(
            f"\n(b) {args.spread} non-conflicting bookings over {len(resources) - 1} machines, "
            f"{clients} client threads: {b['statuses']}"
        )
        print(
            f"    throughput {b['throughput']:.0f} bookings/s, latency p50 {b['p50_ms']:.0f} ms, "
            f"p95 {b['p95_ms']:.0f} ms ({b['seconds']:.2f} s)"
        )
        for name, ok in b["checks"].items():
            print(f"    {'PASS' if ok else 'FAIL'}  {name}")
            failed |= not ok

        c = availability_timing(client, heavy, args.rounds)
        print(
            f"\n(c) availability over a year with {args.availability_bookings} bookings "
            f"({c['busy_periods']} busy periods, {c['response_kib']:.0f} KiB):"
        )
        target = TARGET_AVAILABILITY_P95_MS
        print(
            f"    HTTP answer p50 {c['http_p50_ms']:.1f} ms, p95 {c['http_p95_ms']:.1f} ms "
            f"(target {target:.0f} ms: {c['http_p95_ms'] / target:.2f}× of it)"
        )
        print(
            f"    baseline (one day, same server, interleaved) p50 {c['baseline_p50_ms']:.1f} ms, "
            f"p95 {c['baseline_p95_ms']:.1f} ms: the year costs "
            f"{c['http_p50_ms'] / c['baseline_p50_ms']:.1f}× a day at p50"
        )
        print(
            f"    the first answer (bookings not yet in that worker's memory) "
            f"{c['http_first_ms']:.1f} ms"
        )
        print(
            f"    computation in-process without the cache p50 {c['compute_p50_ms']:.1f} ms, "
            f"p95 {c['compute_p95_ms']:.1f} ms"
        )
        print(
            f"\nServer: gunicorn {args.workers} workers × {args.threads} threads "
            f"on 127.0.0.1:{port}; database {database_url()}."
        )
    finally:
        stop_server(server)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database()
        timer.cancel()
    print("\nRESULT: " + ("FAIL" if failed else "PASS"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
