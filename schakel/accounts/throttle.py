"""Login throttling: too many failures for a username or an address lock it for a while."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from schakel.accounts.models import LoginFailure


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _recent(username: str, ip: str | None):
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    condition = Q(username__iexact=username)
    if ip:
        condition |= Q(ip_address=ip)
    return LoginFailure.objects.filter(condition, created_at__gte=since)


def is_locked(username: str, ip: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    by_user = LoginFailure.objects.filter(username__iexact=username, created_at__gte=since).count()
    # An address gets more room: colleagues behind one NAT share it.
    by_ip = LoginFailure.objects.filter(ip_address=ip, created_at__gte=since).count() if ip else 0
    limit = settings.LOGIN_FAILURE_LIMIT
    return by_user >= limit or by_ip >= 4 * limit


def record_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username[:150], ip_address=ip)


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(username__iexact=username).delete()
