"""50 parallel approvals on one call whose budget fits only some of them.

Each thread has its own database connection. On PostgreSQL the approvals queue on the
call row lock (SELECT … FOR UPDATE). On SQLite every transaction is IMMEDIATE, so writers
queue on the database write lock (busy_timeout); the in-memory test database cannot show
that (its shared cache answers "table is locked" instead of waiting), so on SQLite the
test copies the prepared database to a file and the threads use that file with the
production settings (WAL, IMMEDIATE, busy_timeout). Either way the committed total never
exceeds the budget and every refused request is a 409.
"""

import sqlite3
import threading
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from schakel.funding.ledger import totals_from_entries
from schakel.funding.models import Application, Call, LedgerEntry, Programme

D = Decimal
REQUESTS = 50
AMOUNT = D("10000.00")


@contextmanager
def threads_share_a_real_database(tmp_path):
    """On in-memory SQLite, point new connections at a file copy of the test database."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    target = tmp_path / "concurrency.sqlite3"
    copy = sqlite3.connect(target)
    connection.connection.backup(copy)
    copy.close()
    settings_dict = connection.settings_dict  # the dict new thread connections are built from
    memory_name = settings_dict["NAME"]
    settings_dict["NAME"] = str(target)
    try:
        yield
    finally:
        settings_dict["NAME"] = memory_name


def in_thread(func):
    """Run `func` on a fresh connection (the threads' database) and return its result."""
    result = {}

    def run():
        try:
            result["value"] = func()
        except BaseException as exc:
            result["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


@pytest.mark.django_db(transaction=True)
def test_parallel_approvals_never_overcommit_the_call(make_call, submitted, manager, tmp_path):
    # given a call whose budget fits 7 of 50 approvals of 10,000 EUR (and 5,000 EUR to spare)
    Programme.objects.update(is_de_minimis=False)
    call = make_call(code="rush", budget="75000.00")
    applications = [submitted(call, title=f"Project {n}") for n in range(REQUESTS)]

    statuses: list[int] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(REQUESTS)

    def approve(application):
        try:
            client = APIClient()
            client.force_authenticate(manager)
            barrier.wait(timeout=30)
            response = client.post(
                f"/api/v1/funding/applications/{application.pk}/decision/",
                {"decision": "approved", "amount_eur": str(AMOUNT)},
                format="json",
            )
            statuses.append(response.status_code)
        except BaseException as exc:  # reported below, never swallowed
            failures.append(exc)
        finally:
            connection.close()

    with threads_share_a_real_database(tmp_path):
        # when all of them approve at once
        threads = [threading.Thread(target=approve, args=(a,)) for a in applications]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        # then 7 got 200, the 43 others 409, and the ledger adds up to exactly 70,000 EUR
        assert not failures, failures
        assert statuses.count(200) == 7
        assert statuses.count(409) == REQUESTS - 7
        figures = in_thread(
            lambda: (
                Call.objects.get(pk=call.pk).committed_eur,
                totals_from_entries(LedgerEntry.objects.filter(call_id=call.pk))["committed"],
                LedgerEntry.objects.filter(call_id=call.pk).count(),
                Application.objects.filter(call_id=call.pk, status="approved").count(),
                Application.objects.filter(call_id=call.pk, status="submitted").count(),
            )
        )
    assert figures == (D("70000.00"), D("70000.00"), 7, 7, REQUESTS - 7)
