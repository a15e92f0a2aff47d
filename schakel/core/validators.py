"""Validators shared by forms, the API and imports, so all reject the same input."""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

_KBO_NOISE = re.compile(r"[\s.\-/]")


def normalize_enterprise_number(value: str) -> str:
    """Return the ten digits of a KBO/BCE number written as 0123.456.789 or BE0123456789."""
    text = _KBO_NOISE.sub("", str(value or "")).upper()
    if text.startswith("BE"):
        text = text[2:]
    if len(text) == 9 and text.isdigit():
        # Numbers written before 2023 often omit the leading zero.
        text = "0" + text
    return text


def enterprise_number_is_valid(digits: str) -> bool:
    if len(digits) != 10 or not digits.isdigit() or digits[0] not in "01":
        return False
    return 97 - int(digits[:8]) % 97 == int(digits[8:])


def format_enterprise_number(digits: str) -> str:
    """Render ten digits in the official 0123.456.789 form."""
    if len(digits) != 10:
        return digits
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


@deconstructible
class EnterpriseNumberValidator:
    """Checks a Belgian enterprise number: 10 digits, starts with 0 or 1, mod-97 check."""

    code = "invalid_enterprise_number"

    def __call__(self, value: str) -> None:
        digits = normalize_enterprise_number(value)
        if len(digits) != 10 or not digits.isdigit():
            raise ValidationError(
                _("An enterprise number has 10 digits, e.g. 0123.456.749 or BE0123456749."),
                code="enterprise_number_format",
            )
        if digits[0] not in "01":
            raise ValidationError(
                _("An enterprise number starts with 0 or 1."), code="enterprise_number_prefix"
            )
        if not enterprise_number_is_valid(digits):
            raise ValidationError(
                _("This enterprise number fails the mod-97 check: a digit is wrong."),
                code=self.code,
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EnterpriseNumberValidator)


validate_enterprise_number = EnterpriseNumberValidator()

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(value):
    """Prefix a cell that a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value
