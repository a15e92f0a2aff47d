"""The interface is Dutch by default, with complete English and French catalogues."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

SCHAKEL = Path(settings.BASE_DIR) / "schakel"
CATALOGUES = sorted(SCHAKEL.glob("**/locale/*/LC_MESSAGES/django.po"))


def test_every_language_has_a_catalogue():
    languages = {path.parent.parent.name for path in CATALOGUES}
    assert languages == {"nl", "en", "fr"}


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(SCHAKEL)))
def test_catalogue_is_complete(catalogue):
    # given the catalogue as `make messages` writes it
    po = polib.pofile(str(catalogue))
    # then every entry is translated and none is fuzzy
    missing = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_pages_default_to_dutch(client, db):
    # when a visitor without a language preference opens the login page
    response = client.get("/accounts/login/")
    # then it is in Dutch
    assert response.status_code == 200
    assert '<html lang="nl">' in response.content.decode()
    assert "Aanmelden" in response.content.decode()


def test_commands_speak_dutch_by_default(db):
    # given no language was chosen (as on the command line)
    with translation.override(settings.LANGUAGE_CODE):
        # when a command fails
        with pytest.raises(CommandError) as error:
            call_command("token", "create", "niemand")
    # then the message is Dutch
    assert "gebruiker" in str(error.value).lower()
