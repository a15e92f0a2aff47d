"""Shared fixtures: one user per role and a few organisations to test visibility against."""

import os

import pytest
from hypothesis import settings

pytest_plugins = ["schakel.core.tests.fixtures"]

# Property tests judge behaviour, not speed: the CI machine is shared and noisy, so Hypothesis'
# per-example deadline would fail good code at random.
settings.register_profile("schakel", deadline=None)
settings.load_profile("schakel")


def pytest_collection_modifyitems(config, items):
    # Browser tests run in their own pass (make test-browser); mark them by folder.
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _english_outside_requests(request):
    """Code run outside a request (commands, services) speaks English in tests.

    The interface's default language is Dutch; tests assert the English source
    strings unless they switch language on purpose (`translation.override("nl")`,
    or a request with a language cookie or Accept-Language). Requests still go
    through LocaleMiddleware, so pages keep their Dutch default. Browser tests
    are left alone: they check the real default.
    """
    if request.node.get_closest_marker("browser"):
        yield
        return
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped browser test is a failure: it would hide a broken set-up."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and item.get_closest_marker("browser"):
        report.outcome = "failed"
        report.longrepr = f"browser test skipped in CI: {report.longrepr}"
