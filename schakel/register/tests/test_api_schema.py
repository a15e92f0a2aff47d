"""The OpenAPI schema documents the register API and stays warning-free."""

import yaml
from django.core.management import call_command

REGISTER_PATHS = {
    "/api/v1/organisations/": {"get", "post"},
    "/api/v1/organisations/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/organisations/{organisation_pk}/activities/": {"get", "post"},
    "/api/v1/organisations/{organisation_pk}/relations/": {"get"},
    "/api/v1/organisations/{organisation_pk}/audit/": {"get"},
    "/api/v1/contacts/": {"get", "post"},
    "/api/v1/contacts/{id}/": {"get", "put", "patch"},
    "/api/v1/contacts/{id}/export/": {"get"},
    "/api/v1/contacts/{id}/erase/": {"post"},
}


def test_schema_generates_without_warnings_and_lists_the_register_paths(tmp_path):
    # given
    target = tmp_path / "schema.yml"
    # when: the same command CI runs; --fail-on-warn turns any warning into an error
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    # then
    schema = yaml.safe_load(target.read_text())
    for path, methods in REGISTER_PATHS.items():
        assert path in schema["paths"], path
        assert set(schema["paths"][path]) - {"parameters"} == methods, path
    list_schema = schema["paths"]["/api/v1/organisations/"]["get"]["responses"]["200"]
    assert list_schema["content"]["application/json"]["schema"]["$ref"].endswith(
        "PaginatedOrganisationList"
    )
    parameters = {p["name"] for p in schema["paths"]["/api/v1/organisations/"]["get"]["parameters"]}
    assert {"type", "cluster", "region", "municipality", "size", "stage", "nace", "theme", "q"} <= (
        parameters
    )
    assert "bearerToken" in schema["components"]["securitySchemes"]


def test_schema_and_docs_are_served(client, staff_user):
    # given
    client.force_login(staff_user)
    # when
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")
    # then
    assert schema.status_code == 200
    assert b"/api/v1/organisations/" in schema.content
    assert docs.status_code == 200
