"""``python -m schakel.matching.engine``: answer a JSONL file of match queries (see batch.main)."""

from .batch import main

raise SystemExit(main())
