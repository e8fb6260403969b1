"""Rendered fragments of a page kept in the cache (Django's cache framework, the CACHES
setting) under a key that is a digest of everything the fragment shows.

A fragment's key is made from the values the page has already read, the time zone its dates
are shown in and the source of the templates it is rendered from. A change to any of them is a
different key, so a cached fragment can never be stale and no service has to remember to clear
anything: an old key is simply never asked for again and the cache lets it go.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import cache as once

from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import SafeString

# A day: a fragment nobody asks for again leaves; one that is asked for is set again.
FRAGMENT_TIMEOUT = 24 * 60 * 60


@once
def templates_stamp(names: tuple[str, ...]) -> str:
    """A digest of the templates' source (read once per process)."""
    sources = "\x00".join(get_template(name).template.source for name in names)  # type: ignore[attr-defined]
    return hashlib.sha256(sources.encode()).hexdigest()[:16]


def fragment_key(prefix: str, templates: tuple[str, ...], *shown: object) -> str:
    """The key of a fragment showing `shown`, rendered from `templates`, in the current
    time zone."""
    stamp = repr((shown, timezone.get_current_timezone_name(), templates_stamp(templates)))
    return f"{prefix}:" + hashlib.sha256(stamp.encode()).hexdigest()


def cached_fragments(
    keys: Sequence[str], render: Callable[[int], str], *, timeout: int = FRAGMENT_TIMEOUT
) -> list[SafeString]:
    """The fragment of each key, from the cache where it is; where it is not, `render(i)`
    makes the i-th (and it is kept). One cache round trip to read, at most one to write."""
    found: dict[str, str] = cache.get_many(keys)
    missing = {key: render(i) for i, key in enumerate(keys) if key not in found}
    if missing:
        cache.set_many(missing, timeout=timeout)
        found.update(missing)
    # What the cache holds is what the templates rendered: escaped already.
    return [SafeString(found[key]) for key in keys]  # nosec B703
