"""Order keys sort in the database exactly as in Python, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import random

import pytest

from manifesto.models import Paragraph
from manifesto.services import chapter_import
from textcore.ordering import key_between

pytestmark = pytest.mark.django_db


def test_the_database_orders_keys_as_python_does() -> None:
    chapter = chapter_import(data=b"Keys\n\nPublished: 2026\n\nFirst.\n\nLast.", slug="keys")
    first, last = chapter.paragraphs.order_by("position")
    keys = [first.position, last.position]
    rng = random.Random(7)
    for key in range(3, 400):
        # Insert at random places, often at the same spot, as amendments would.
        index = rng.choice([0, 0, 0, rng.randrange(len(keys) - 1)])
        new = key_between(keys[index], keys[index + 1])
        keys.insert(index + 1, new)
        Paragraph.objects.create(chapter=chapter, key=key, position=new, text=f"p{key}")
    from_database = list(chapter.paragraphs.order_by("position").values_list("position", flat=True))
    assert from_database == sorted(keys) == keys


def test_on_postgresql_the_keys_compare_as_bytes() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite compares text as bytes already")
    with connection.cursor() as cursor:
        cursor.execute(
            "select collation_name from information_schema.columns "
            "where table_name = 'manifesto_paragraph' and column_name = 'position'"
        )
        assert cursor.fetchone()[0] == "C"
