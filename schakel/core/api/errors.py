"""Validation errors with stable codes: `{"field": [{"message": ..., "code": ...}]}`.

DRF's default answer to bad input lists messages only; clients need a code they
can switch on whatever the language of the message. Views opt in with
`CodedErrorsMixin`; model `ValidationError`s keep the `code=` they were raised
with (see `schakel.core.validators`).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler


def coded_exception_handler(exc, context):
    """DRF's handler, with validation errors rendered as message + code per field."""
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = exc.get_full_details()
    return response


def as_drf_validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """Turn a model `full_clean()` error into a DRF one, keeping field names and codes."""
    detail = get_error_detail(exc)
    if isinstance(detail, dict) and "__all__" in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop("__all__")
    return exceptions.ValidationError(detail)


class CodedErrorsMixin:
    """Use `coded_exception_handler` for this view."""

    def get_exception_handler(self):
        return coded_exception_handler


class Conflict(exceptions.APIException):
    """409: the request is valid but the record's state forbids it (e.g. still referenced)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The record cannot be changed in its current state.")
    default_code = "conflict"
