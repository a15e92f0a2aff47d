"""Load the reference data shipped in schakel/places/data/ (see data/build.py).

Municipalities (with the mergers of 1 January 2025), postal codes, the regions of West
Flanders, NACE-BEL 2008 and the taxonomy. Reverse: delete them again.
"""

from django.db import migrations


def load(apps, schema_editor):
    from schakel.places.refdata import load_all

    load_all(lambda name: apps.get_model("places", name))


def unload(apps, schema_editor):
    from schakel.places.refdata import unload_all

    unload_all(lambda name: apps.get_model("places", name))


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]

    operations = [migrations.RunPython(load, unload, elidable=False)]
