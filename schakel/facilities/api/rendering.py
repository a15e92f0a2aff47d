"""The availability answer written straight to JSON bytes.

A year of a busy machine is tens of thousands of periods. Building a dict per period and
handing them to a JSON encoder costs several times more than computing them, so here every
period becomes one fixed-width row of a byte matrix, filled column by column with array
operations, and the answer is that matrix's bytes. JSON allows whitespace between tokens, which
pads the few values of varying width ("full"/"partial", true/false, the places taken).
The shape is the one `AvailabilitySerializer` documents; the tests check it against the
periods the pages use, parsed back with the `json` module.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np

from schakel.facilities import availability
from schakel.facilities.models import Resource

INSTANT_WIDTH = 25  # 2026-03-03T09:00:00+01:00


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Non-negative integers as zero-padded ASCII digits, an (n, width) byte matrix."""
    out = np.empty((len(values), width), dtype=np.uint8)
    rest = values.astype(np.int64)
    for column in range(width - 1, -1, -1):
        out[:, column] = 48 + rest % 10
        rest = rest // 10
    return out


def _instants(seconds: np.ndarray) -> np.ndarray:
    """Epoch seconds as local ISO-8601 with offset, to the second: an (n, 25) byte matrix whose
    rows read like `datetime.isoformat()` of the same moment in the local zone."""
    whole = np.floor(seconds).astype(np.int64)
    offset = availability.utc_offsets(whole)
    local = (whole + offset).astype("datetime64[s]")
    days = local.astype("datetime64[D]")
    months = local.astype("datetime64[M]")
    year = local.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    second_of_day = (local - days).astype(np.int64)
    out = np.empty((len(whole), INSTANT_WIDTH), dtype=np.uint8)
    out[:, 0:4] = _digits(year, 4)
    out[:, 4] = out[:, 7] = ord("-")
    out[:, 5:7] = _digits(month, 2)
    out[:, 8:10] = _digits(day, 2)
    out[:, 10] = ord("T")
    out[:, 11:13] = _digits(second_of_day // 3600, 2)
    out[:, 13] = out[:, 16] = out[:, 22] = ord(":")
    out[:, 14:16] = _digits(second_of_day // 60 % 60, 2)
    out[:, 17:19] = _digits(second_of_day % 60, 2)
    out[:, 19] = np.where(offset < 0, ord("-"), ord("+"))
    out[:, 20:22] = _digits(np.abs(offset) // 3600, 2)
    out[:, 23:25] = _digits(np.abs(offset) // 60 % 60, 2)
    return out


def _number(values: np.ndarray) -> np.ndarray:
    """Non-negative integers right-aligned with leading spaces (JSON has no leading zeros)."""
    width = len(str(int(values.max()))) if len(values) else 1
    out = _digits(values, width)
    leading = np.cumprod(out[:, :-1] == ord("0"), axis=1).astype(bool)
    out[:, :-1][leading] = ord(" ")
    return out


def _text(piece: str, rows: int) -> np.ndarray:
    data = np.frombuffer(piece.encode("ascii"), dtype=np.uint8)
    return np.broadcast_to(data, (rows, len(data)))


def _choice(condition: np.ndarray, when_true: str, when_false: str) -> np.ndarray:
    """One of two equally wide pieces per row."""
    yes, no = (np.frombuffer(p.encode("ascii"), dtype=np.uint8) for p in (when_true, when_false))
    return np.where(condition[:, None], yes, no)


def _array(columns: list[np.ndarray]) -> bytes:
    """Rows made of the columns side by side, as the inside of a JSON array."""
    rows = len(columns[0])
    if rows == 0:
        return b""
    matrix = np.concatenate([*columns, _text(",", rows)], axis=1)
    return matrix.tobytes()[:-1]


def _periods(starts: np.ndarray, ends: np.ndarray) -> bytes:
    rows = len(starts)
    return _array(
        [_text('{"start":"', rows), starts, _text('","end":"', rows), ends, _text('"}', rows)]
    )


def _busy(found: availability.Availability, starts: np.ndarray, ends: np.ndarray) -> bytes:
    rows = len(starts)
    return _array(
        [
            _text('{"start":"', rows),
            starts,
            _text('","end":"', rows),
            ends,
            _text('","state":"', rows),
            _choice(found.busy_taken >= found.capacity, 'full"   ', 'partial"'),
            _text(',"tentative":', rows),
            _choice(found.busy_tentative, "true ", "false"),
            _text(',"places_taken":', rows),
            _number(found.busy_taken),
            _text("}", rows),
        ]
    )


def availability_json(resource: Resource, start: dt.datetime, end: dt.datetime) -> bytes:
    """`GET /api/v1/resources/{id}/availability/`: open, busy and free periods of [start, end)
    in local time with offsets."""
    found = availability.compute(resource, start, end)
    pairs = [
        (found.open_starts, found.open_ends),
        (found.busy_starts, found.busy_ends),
        (found.free_starts, found.free_ends),
    ]
    arrays = [array for pair in pairs for array in pair]
    texts = _instants(np.concatenate(arrays))
    pieces, at = [], 0
    for array in arrays:
        pieces.append(texts[at : at + len(array)])
        at += len(array)
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
