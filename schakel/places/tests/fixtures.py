"""`reference_data`: the places data for tests whose database was flushed.

Migration 0002 loads the data once into the test database, but pytest-django flushes every
table after a transactional test (`transactional_db`, `live_server`), so later tests of that
kind find no municipalities. Ask for this fixture there (import it, or list this module in
`pytest_plugins`); it loads the data only when it is missing.
"""

import pytest

from schakel.places import refdata, services
from schakel.places.models import Municipality


def ensure_reference_data() -> bool:
    """Load the reference data if the municipalities are missing; True if it loaded."""
    if Municipality.objects.exists():
        return False
    refdata.unload_all(_model)  # leftovers of a partial flush (e.g. themes only)
    refdata.load_all(_model)
    services.clear_caches()
    return True


def _model(name):
    from django.apps import apps

    return apps.get_model("places", name)


@pytest.fixture
def reference_data(db):
    ensure_reference_data()
