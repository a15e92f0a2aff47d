"""Fill the English catalogue: source strings are English, so each msgstr is its msgid.

Run by `make messages` after makemessages, so the English catalogue is complete
and a check can tell a missing translation from a deliberate one.
"""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "schakel"


def main() -> None:
    for catalogue in sorted(ROOT.glob("**/locale/en/LC_MESSAGES/django.po")):
        fill(catalogue)


def fill(catalogue: Path) -> None:
    po = polib.pofile(str(catalogue))
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()


if __name__ == "__main__":
    main()
