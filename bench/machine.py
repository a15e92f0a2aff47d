"""What the benchmark ran on: CPU, cores, memory, load, Python, Django and database versions."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def load_average() -> str:
    try:
        return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "n/a"


def describe(postgres_version: str | None) -> list[tuple[str, str]]:
    import django

    memory = memory_gib()
    return [
        ("CPU", cpu_model()),
        ("Cores", str(os.cpu_count())),
        ("RAM", f"{memory:.1f} GiB" if memory else "n/a"),
        ("Load average (1/5/15 min)", load_average()),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("Django", django.get_version()),
        ("SQLite", sqlite3.sqlite_version),
        ("PostgreSQL", postgres_version or "not available"),
    ]
