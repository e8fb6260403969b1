"""The fragment cache (common/fragments.py): a key changes with what is shown, the time zone
and the templates; a fragment is rendered once and then read from the cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import timezone

from common.fragments import cached_fragments, fragment_key

TEMPLATES = ("_partials/person.html",)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_key_changes_with_what_is_shown_and_the_time_zone():
    key = fragment_key("t", TEMPLATES, 1, "title")
    assert fragment_key("t", TEMPLATES, 1, "title") == key
    assert fragment_key("t", TEMPLATES, 1, "other title") != key
    assert fragment_key("u", TEMPLATES, 1, "title") != key
    with timezone.override("America/New_York"):
        assert fragment_key("t", TEMPLATES, 1, "title") != key


def test_a_fragment_is_rendered_once_then_read_from_the_cache():
    rendered: list[int] = []

    def render(i: int) -> str:
        rendered.append(i)
        return f"<p>{i}</p>"

    keys = [fragment_key("t", TEMPLATES, n) for n in range(3)]
    assert cached_fragments(keys, render) == ["<p>0</p>", "<p>1</p>", "<p>2</p>"]
    assert cached_fragments(keys[1:], render) == ["<p>1</p>", "<p>2</p>"]
    assert rendered == [0, 1, 2]
