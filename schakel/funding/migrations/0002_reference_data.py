"""Reference data the rules read: the de minimis ceilings in force and the output indicators."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

CEILINGS = [
    (dt.date(2014, 1, 1), Decimal("200000.00"), "Regulation (EU) No 1407/2013"),
    (dt.date(2024, 1, 1), Decimal("300000.00"), "Regulation (EU) 2023/2831"),
]

INDICATORS = [
    ("companies_supported", "Companies supported", "companies", 1),
    ("jobs_created", "Jobs created", "FTE", 2),
    ("investments_triggered", "Investments triggered", "EUR", 3),
    ("co2_avoided", "CO2 emissions avoided", "tonnes CO2 per year", 4),
]


def load(apps, schema_editor):
    Ceiling = apps.get_model("funding", "DeMinimisCeiling")
    Indicator = apps.get_model("funding", "Indicator")
    for valid_from, amount, regulation in CEILINGS:
        Ceiling.objects.update_or_create(
            valid_from=valid_from,
            defaults={"amount_eur": amount, "regulation": regulation, "window_years": 3},
        )
    for code, name, unit, position in INDICATORS:
        Indicator.objects.update_or_create(
            code=code, defaults={"name": name, "unit": unit, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
