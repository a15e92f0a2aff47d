"""Demo: leave a built matching index behind `schakel demo` (only what changed is embedded)."""

import sys

from django.utils.translation import gettext as _
from tqdm import tqdm

from schakel.matching import index

# Other apps add offerings (facility resources, funding calls): index after them.
DEMO_AFTER = ("schakel.catalog", "schakel.facilities", "schakel.funding", "schakel.support")


def load(options: dict, stdout) -> None:
    show = options.get("verbosity", 1) >= 1
    with tqdm(
        total=0,
        desc=_("Indexing offerings for matching"),
        unit="doc",
        disable=not show,
        file=sys.stderr,
    ) as bar:
        result = index.reindex(progress=bar)
    if show:
        stdout.write(
            _(
                "Matching index: %(added)s added, %(updated)s updated, %(removed)s removed, "
                "%(unchanged)s unchanged."
            )
            % vars(result)
        )
