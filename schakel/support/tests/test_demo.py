import io

from schakel.core.demo import FICTIONAL_SOURCE
from schakel.core.models import Job, OutgoingEmail
from schakel.register.models import Organisation, OrganisationType
from schakel.support import demo
from schakel.support.models import Question, Referral
from schakel.support.workflow import State


def test_demo_loads_every_state_and_is_idempotent(make_user, db):
    # given: what the register and accounts demos create
    make_user("admin", "admin", is_staff=True, is_superuser=True)
    make_user("staff", "staff", is_staff=True)
    sirris = Organisation.objects.create(
        name="Sirris", type=OrganisationType.KNOWLEDGE_CENTRE, external_id="sirris"
    )
    make_user("partner", "partner", partner_organisation=sirris)
    for i in range(3):
        Organisation.objects.create(
            name=f"Demo {i}", type="company", source=FICTIONAL_SOURCE, external_id=f"demo-{i}"
        )
    # when
    demo.load({"verbosity": 1}, io.StringIO())
    demo.load({"verbosity": 1}, io.StringIO())
    # then
    assert Question.objects.count() == len(demo.SCENARIOS)
    assert set(Question.objects.values_list("state", flat=True)) == set(State.values)
    assert set(Referral.objects.values_list("state", flat=True)) == {
        "awaiting_consent",
        "sent",
        "accepted",
        "declined",
    }
    assert Referral.objects.exclude(outcome="").count() == 2
    assert OutgoingEmail.objects.count() == 0
    assert not Job.objects.filter(kind="core.email").exists()
