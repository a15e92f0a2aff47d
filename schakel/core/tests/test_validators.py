import pytest
from django.core.exceptions import ValidationError

from schakel.core.text import fold
from schakel.core.validators import (
    format_enterprise_number,
    neutralize_formula,
    normalize_enterprise_number,
    validate_enterprise_number,
)


@pytest.mark.parametrize(
    "written", ["0417.497.106", "BE0417497106", "be 0417 497 106", "417497106", "0417-497-106"]
)
def test_enterprise_number_accepts_the_usual_spellings(written):
    validate_enterprise_number(written)
    assert normalize_enterprise_number(written) == "0417497106"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("0417.497.107", "invalid_enterprise_number"),
        ("2417.497.106", "enterprise_number_prefix"),
        ("04174971", "enterprise_number_format"),
        ("ABC", "enterprise_number_format"),
        ("", "enterprise_number_format"),
    ],
)
def test_enterprise_number_rejects_with_a_named_reason(written, code):
    with pytest.raises(ValidationError) as error:
        validate_enterprise_number(written)
    assert error.value.code == code


def test_enterprise_number_is_shown_in_the_official_form():
    assert format_enterprise_number("0417497106") == "0417.497.106"


@pytest.mark.parametrize("cell", ["=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)"])
def test_formula_like_cells_are_neutralised(cell):
    assert neutralize_formula(cell) == "'" + cell


def test_plain_cells_are_left_alone():
    assert neutralize_formula("Brugge") == "Brugge"
    assert neutralize_formula(42) == 42


def test_fold_ignores_case_and_accents():
    assert fold("  Éénmanszaak  IEPER ") == "eenmanszaak ieper"
