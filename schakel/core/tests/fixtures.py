"""Users for every role and organisations they do and do not own."""

import pytest

from schakel.register.models import Organisation, OrganisationType

PASSWORD = "Correct-Horse-42"


@pytest.fixture
def company_a(db):
    return Organisation.objects.create(
        name="Alfa Metaal", type=OrganisationType.COMPANY, enterprise_number="0417497106"
    )


@pytest.fixture
def company_b(db):
    return Organisation.objects.create(
        name="Bèta Voeding", type=OrganisationType.COMPANY, enterprise_number="0403170701"
    )


@pytest.fixture
def partner_org(db):
    return Organisation.objects.create(name="Sirris", type=OrganisationType.KNOWLEDGE_CENTRE)


@pytest.fixture
def make_user(db, django_user_model):
    def make(username, role, **extra):
        return django_user_model.objects.create_user(
            username=username, password=PASSWORD, role=role, email=f"{username}@example.be", **extra
        )

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user("admin", "admin", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_user(make_user):
    return make_user("staff", "staff", is_staff=True)


@pytest.fixture
def partner_user(make_user, partner_org):
    return make_user("partner", "partner", partner_organisation=partner_org)


@pytest.fixture
def company_user(make_user, company_a):
    user = make_user("company", "company")
    user.mandates.create(organisation=company_a)
    return user


@pytest.fixture
def users(admin_user, staff_user, partner_user, company_user):
    """All roles, keyed by role name, plus `anonymous` as None."""
    return {
        "anonymous": None,
        "admin": admin_user,
        "staff": staff_user,
        "partner": partner_user,
        "company": company_user,
    }
