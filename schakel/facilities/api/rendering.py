"""The availability answer written straight to JSON bytes.

A year of a busy machine is tens of thousands of periods. Building a dict per period and
handing them to a JSON encoder costs several times more than computing them, so here every
period is one record of a NumPy structured array whose fields are the pieces of its JSON text,
filled field by field for all periods at once; the answer is the array's bytes. JSON allows
whitespace between tokens, which pads the few values of varying width ("full"/"partial",
true/false, the places taken) to a fixed width.

The shape is the one `AvailabilitySerializer` documents; the tests parse the answer back with
the `json` module and compare it with the periods the pages use.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np

from schakel.facilities import availability
from schakel.facilities.models import Resource

# 2026-03-03T09:00:00+01:00, in pieces.
INSTANT = np.dtype(
    [
        ("date", "S10"),
        ("t", "S1"),
        ("hour", "S2"),
        ("colon1", "S1"),
        ("minute", "S2"),
        ("colon2", "S1"),
        ("second", "S2"),
        ("offset", "S6"),
    ]
)
TWO_DIGITS = np.array([f"{n:02d}" for n in range(100)], dtype="S2")
OFFSET_MINUTES = 14 * 60  # UTC offsets run from -14:00 to +14:00


def _offset_text(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


OFFSETS = np.array(
    [_offset_text(m) for m in range(-OFFSET_MINUTES, OFFSET_MINUTES + 1)], dtype="S6"
)


def _instants(seconds: np.ndarray) -> np.ndarray:
    """Epoch seconds as local ISO-8601 with offset, to the second (an array of 25-byte strings
    that read like `datetime.isoformat()` of the same moments in the local zone).

    A year holds a few hundred distinct days, and only so many offsets and two-digit numbers:
    each is written once into a small table and picked per instant by indexing.
    """
    whole = np.floor(seconds).astype(np.int64)
    offset = availability.utc_offsets(whole)
    local = whole + offset
    day = local // 86400
    second = local - day * 86400
    out = np.empty(len(whole), dtype=INSTANT)
    if len(whole):
        first_day = int(day.min())
        days = np.arange(first_day, int(day.max()) + 1).astype("datetime64[D]")
        out["date"] = np.take(np.datetime_as_string(days).astype("S10"), day - first_day)
    out["t"] = b"T"
    out["colon1"] = out["colon2"] = b":"
    out["hour"] = np.take(TWO_DIGITS, second // 3600)
    out["minute"] = np.take(TWO_DIGITS, second // 60 % 60)
    out["second"] = np.take(TWO_DIGITS, second % 60)
    out["offset"] = np.take(OFFSETS, offset // 60 + OFFSET_MINUTES)
    return out.view("S25")


def _records(pieces: list, rows: int) -> bytes:
    """Records made of the pieces in order (constant bytes, or arrays of byte strings with one
    per row), joined by commas: the inside of a JSON array."""
    if rows == 0:
        return b""
    widths = [len(p) if isinstance(p, bytes) else p.dtype.itemsize for p in [*pieces, b","]]
    out = np.empty(rows, dtype=[(f"f{i}", f"S{width}") for i, width in enumerate(widths)])
    for index, piece in enumerate([*pieces, b","]):
        out[f"f{index}"] = piece
    return out.tobytes()[:-1]


def _periods(starts: np.ndarray, ends: np.ndarray) -> bytes:
    return _records(
        [
            b'{"start":"',
            starts,
            b'","end":"',
            ends,
            b'"}',
        ],
        len(starts),
    )


def _places(taken: np.ndarray) -> np.ndarray:
    """Integers right-aligned with leading spaces (JSON numbers have no leading zeros)."""
    if len(taken) == 0:
        return np.empty(0, dtype="S1")  # (np.char.rjust fails on empty arrays)
    width = len(str(int(taken.max())))
    return np.char.rjust(taken.astype(f"S{width}"), width)


def _busy(found: availability.Availability, starts: np.ndarray, ends: np.ndarray) -> bytes:
    full = found.busy_taken >= found.capacity
    return _records(
        [
            b'{"start":"',
            starts,
            b'","end":"',
            ends,
            b'","state":"',
            np.where(full, b'full"   ', b'partial"'),
            b',"tentative":',
            np.where(found.busy_tentative, b"true ", b"false"),
            b',"places_taken":',
            _places(found.busy_taken),
            b"}",
        ],
        len(starts),
    )


def availability_json(resource: Resource, start: dt.datetime, end: dt.datetime) -> bytes:
    """`GET /api/v1/resources/{id}/availability/`: open, busy and free periods of [start, end)
    in local time with offsets."""
    found = availability.compute(resource, start, end)
    arrays = [
        found.open_starts,
        found.open_ends,
        found.busy_starts,
        found.busy_ends,
        found.free_starts,
        found.free_ends,
    ]
    texts = _instants(np.concatenate(arrays))
    bounds = np.cumsum([0, *(len(array) for array in arrays)])
    pieces = [texts[low:high] for low, high in zip(bounds[:-1], bounds[1:], strict=True)]
    head = {
        "resource": resource.pk,
        "from": _iso_local(start),
        "to": _iso_local(end),
        "capacity": resource.capacity,
        "timezone": availability.local_zone().key,
    }
    return b"".join(
        [
            json.dumps(head)[:-1].encode(),
            b',"open":[',
            _periods(pieces[0], pieces[1]),
            b'],"busy":[',
            _busy(found, pieces[2], pieces[3]),
            b'],"free":[',
            _periods(pieces[4], pieces[5]),
            b"]}",
        ]
    )


def _iso_local(moment: dt.datetime) -> str:
    return moment.astimezone(availability.local_zone()).isoformat()
