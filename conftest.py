"""Shared fixtures: one user per role and a few organisations to test visibility against."""

import os

import pytest

pytest_plugins = ["schakel.core.tests.fixtures"]


def pytest_collection_modifyitems(config, items):
    # Browser tests run in their own pass (make test-browser); mark them by folder.
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped browser test is a failure: it would hide a broken set-up."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and item.get_closest_marker("browser"):
        report.outcome = "failed"
        report.longrepr = f"browser test skipped in CI: {report.longrepr}"
