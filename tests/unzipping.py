"""Counting what an upload's check decompresses: "refused fast" measured as work, not time."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

# What a refusal may decompress before it refuses: a zip bomb in the tests expands to 30 MB.
MOST_EXPANDED = 1024 * 1024


@contextmanager
def decompressed() -> Iterator[list[int]]:
    """Count the bytes every zip member read inside the block gives; the list holds the sum."""
    total = [0]
    plain_read = zipfile.ZipExtFile.read

    def counted(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        chunk = plain_read(self, n)
        total[0] += len(chunk)
        return chunk

    with mock.patch.object(zipfile.ZipExtFile, "read", counted):
        yield total
