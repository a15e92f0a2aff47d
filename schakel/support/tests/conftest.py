"""Support fixtures: a question per company, a referral to the partner, an isolated MEDIA_ROOT."""

import pytest
from django.utils import translation

from schakel.support import services
from schakel.support.models import Channel


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in the English source text (Dutch is the site's default)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def make_question(db):
    def make(organisation, text="We want to automate our welding line.", email="an@alfa.be", **kw):
        return services.submit_question(
            organisation=organisation,
            asker=services.Asker("An", "Peeters", email, "+32 50 12 34 56", "nl"),
            text=text,
            channel=kw.pop("channel", Channel.WEB),
            **kw,
        )

    return make


@pytest.fixture
def question_a(make_question, company_a):
    return make_question(company_a)


@pytest.fixture
def question_b(make_question, company_b):
    return make_question(company_b, text="Bèta wants to reduce energy use.", email="jo@beta.be")


@pytest.fixture
def referral_a(question_a, staff_user, partner_org):
    """A consented referral of company A's case to the partner (Sirris)."""
    return services.refer(
        question_a,
        partner_org,
        staff_user,
        "Sirris has a cobot lab.",
        consent_channel="phone",
    )
