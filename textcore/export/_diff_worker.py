"""The booklet's word diffs computed in a process of its own (``textcore.export.booklet_pdf``
starts it for a long booklet, so that they are computed while the pages are laid out): reads a
JSON list of [old, new] pairs from its input, then writes each pair's shown diff
(``shown_ops``) as one JSON line, in order."""

from __future__ import annotations

import json
import sys

from textcore.export.booklet import shown_ops


def main() -> None:
    """Read every pair first, so the parent can write them all before it reads a line."""
    pairs = json.load(sys.stdin)
    for old, new in pairs:
        sys.stdout.write(json.dumps(shown_ops(old, new), ensure_ascii=False) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
