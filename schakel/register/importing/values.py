"""Turning cells into values: Belgian numbers, formula-like text, codes."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

_NUMBER_NOISE = re.compile(r"[\s\u00a0\u202f€']")
_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^-?\d{1,3}(,\d{3}){2,}$")


def cell_text(value) -> str:
    """A cell as stripped text (numbers from XLSX without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_number(value) -> Decimal:
    """A number as Belgians and spreadsheets write it: 1.234,5 · 1234,5 · 1 234 · 1234.5.

    A comma is the decimal mark; dots are thousands separators when they group
    digits in threes (1.234 is one thousand two hundred and thirty-four), else
    a decimal point (English style, 12.5). Raises ValueError when not a number.
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, Decimal):
        return value
    text = _NUMBER_NOISE.sub("", str(value))
    if not text:
        raise ValueError(value)
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")  # 1.234,5
        else:
            text = text.replace(",", "")  # 1,234.5
    elif "," in text:
        text = text.replace(",", "") if _THOUSANDS_COMMA.match(text) else text.replace(",", ".")
    elif "." in text and _THOUSANDS.match(text):
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(value)
    if not number.is_finite():
        raise ValueError(value)
    return number


def looks_like_formula(text: str) -> bool:
    """A cell a spreadsheet would run: =…, @…, or +/- followed by something other than a number.

    Phone numbers (+32 56 …) and negative numbers are not formulas.
    """
    if not text:
        return False
    first = text[0]
    if first in "=@\t\r":
        return True
    if first in "+-" and len(text) > 1:
        rest = text[1:].lstrip()
        return not rest[:1].isdigit() and not rest.startswith("(")
    return False


def nace_digits(text: str) -> str:
    """'25.620' -> '25620'; 'C' stays 'C'."""
    return re.sub(r"[\s.]", "", text).upper()
