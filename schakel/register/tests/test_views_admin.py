"""The Django admin for the register and the read-only audit log."""

import pytest

from schakel.core.models import AuditEvent
from schakel.register.models import Organisation


@pytest.mark.parametrize(
    "url",
    [
        "/admin/register/organisation/",
        "/admin/register/contact/",
        "/admin/register/relation/",
        "/admin/register/activity/",
        "/admin/core/auditevent/",
    ],
)
def test_admin_lists_render(client, admin_user, company_a, url):
    # given
    client.force_login(admin_user)
    # when
    response = client.get(url)
    # then
    assert response.status_code == 200


def test_admin_change_is_audited(client, admin_user, company_a):
    # given
    client.force_login(admin_user)
    url = f"/admin/register/organisation/{company_a.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "name": "Alfa Metaal NV",
            "enterprise_number": company_a.enterprise_number,
            "secondary_naces": [],
            "domains": [],
            "clusters": [],
            "themes": [],
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "relations_out-TOTAL_FORMS": "0",
            "relations_out-INITIAL_FORMS": "0",
        }
    )
    data = {k: v for k, v in data.items() if k not in ("manual_fields", "created_at")}
    # when
    response = client.post(url, data)
    # then
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Organisation.objects.get(pk=company_a.pk).name == "Alfa Metaal NV"
    event = AuditEvent.objects.get(action="update")
    assert event.changes["name"] == ["Alfa Metaal", "Alfa Metaal NV"]
    assert event.actor == admin_user


def test_audit_events_are_read_only_in_the_admin(client, admin_user, company_a):
    # given
    from schakel.core import audit

    event = audit.record_create(company_a, admin_user)
    client.force_login(admin_user)
    # when
    add = client.get("/admin/core/auditevent/add/")
    delete = client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"})
    # then
    assert add.status_code == 403
    assert delete.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
