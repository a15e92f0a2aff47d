"""`schakel token create|list|revoke` and bearer-token authentication."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from schakel.accounts.management.commands.token import create_token, revoke_token
from schakel.accounts.models import ApiToken


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_only_the_key_on_the_last_line(staff_user):
    # when
    out, err = run("create", "staff", "--name", "nightly export")
    # then
    raw = out.strip().splitlines()[-1]
    token = ApiToken.objects.get(user=staff_user)
    assert token.name == "nightly export"
    assert raw.startswith("sch_" + token.prefix)
    assert ApiToken.objects.find(raw).get() == token
    assert raw not in err


def test_create_for_an_unknown_user_fails(db):
    # when / then
    with pytest.raises(CommandError, match="No user with username ghost"):
        run("create", "ghost")
    assert not ApiToken.objects.exists()


def test_create_for_an_inactive_user_fails(staff_user):
    # given
    staff_user.is_active = False
    staff_user.save()
    # when / then
    with pytest.raises(CommandError, match="inactive"):
        create_token("staff")


def test_list_shows_prefixes_never_keys(staff_user):
    # given
    first, first_raw = ApiToken.issue(staff_user, name="first")
    ApiToken.issue(staff_user, name="second")
    revoke_token(first.prefix)
    # when
    out, _err = run("list", "staff")
    # then
    lines = out.strip().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith(f"{first.prefix}\tfirst\t")
    assert "revoked" in lines[1]
    assert first_raw not in out


def test_list_for_an_unknown_user_fails(db):
    with pytest.raises(CommandError):
        run("list", "ghost")


def test_revoke_by_prefix_stops_the_token(staff_user):
    # given
    token, raw = ApiToken.issue(staff_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/organisations/").status_code == 200
    # when
    out, _err = run("revoke", token.prefix)
    # then
    assert f"{token.prefix}" in out
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/organisations/").status_code == 401


def test_revoke_accepts_the_whole_key(staff_user):
    # given
    token, raw = ApiToken.issue(staff_user)
    # when
    revoke_token(raw)
    # then
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_keys_never_start_with_an_option_dash(staff_user):
    # when
    raws = [ApiToken.issue(staff_user)[1] for _ in range(200)]
    # then
    assert all(raw.startswith("sch_") for raw in raws)


def test_revoke_accepts_the_prefix_as_printed_with_the_key(staff_user):
    # given
    token, raw = ApiToken.issue(staff_user)
    # when
    run("revoke", raw[:12])
    # then
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoke_twice_fails_the_second_time(staff_user):
    # given
    token, _raw = ApiToken.issue(staff_user)
    revoke_token(token.prefix)
    # when / then
    with pytest.raises(CommandError, match="No active token"):
        run("revoke", token.prefix)


def test_revoke_refuses_an_ambiguous_prefix(staff_user, company_user):
    # given: two active tokens that happen to share a prefix
    first, _ = ApiToken.issue(staff_user)
    second, _ = ApiToken.issue(company_user)
    ApiToken.objects.filter(pk=second.pk).update(prefix=first.prefix)
    # when / then
    with pytest.raises(CommandError, match="2 active tokens"):
        revoke_token(first.prefix)
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


@pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
def test_both_header_keywords_authenticate(staff_user, keyword):
    # given
    _token, raw = ApiToken.issue(staff_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {raw}")
    # when
    response = client.get("/api/v1/organisations/")
    # then
    assert response.status_code == 200


def test_use_is_recorded(staff_user):
    # given
    token, raw = ApiToken.issue(staff_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    # when
    client.get("/api/v1/organisations/")
    # then
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_use_is_recorded_to_the_minute_without_a_write_per_request(staff_user, time_machine):
    # given a token used a moment ago
    time_machine.move_to("2026-03-02 09:00:00+01:00", tick=False)
    token, raw = ApiToken.issue(staff_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.get("/api/v1/organisations/")
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    # when it is used again within the minute, and then two minutes later
    time_machine.move_to("2026-03-02 09:00:30+01:00", tick=False)
    client.get("/api/v1/organisations/")
    within = ApiToken.objects.get(pk=token.pk).last_used_at
    time_machine.move_to("2026-03-02 09:02:00+01:00", tick=False)
    client.get("/api/v1/organisations/")
    later = ApiToken.objects.get(pk=token.pk).last_used_at
    # then only the later use moves "last used"
    assert within == first
    assert later - first == dt.timedelta(minutes=2)


@pytest.mark.parametrize(
    "header", ["Bearer not-a-real-token", "Bearer", "Bearer two parts", "Token "]
)
def test_bad_tokens_are_refused(db, header):
    # given
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    # when
    response = client.get("/api/v1/organisations/")
    # then
    assert response.status_code == 401


def test_no_prefix_starts_like_a_command_line_option(staff_user):
    # (one key in 64 would start with "-", which `schakel token revoke` would read as an option)
    prefixes = [ApiToken.issue(staff_user)[0].prefix for _ in range(300)]

    assert not [prefix for prefix in prefixes if prefix.startswith("-")]
