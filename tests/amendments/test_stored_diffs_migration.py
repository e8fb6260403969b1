"""Migration 0021 stores the word diff of every amendment written before diffs were stored."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from amendments.models import Amendment
from amendments.services.deciding import amendment_accept
from tests.amendments.conftest import propose
from textcore.diff import stored_ops

pytestmark = pytest.mark.django_db
MIGRATION = import_module("amendments.migrations.0021_stored_diffs")


def test_every_amendment_gets_its_diff(member, other_member, editor, p5) -> None:
    changed = propose(member, p5, p5.text.replace("myriad", "multitude"))
    carried = propose(other_member, p5, "In 1917, " + p5.text)
    deleted = propose(other_member, p5, "", kind="delete", title="Drop it")
    added = propose(member, p5, "A new paragraph.", kind="insert", title="Add one")
    amendment_accept(amendment=changed, editor=editor)
    # As before the migration: no amendment had a stored diff (a test may bypass history).
    Amendment.objects.update(diff_ops=None)

    MIGRATION.store_diffs(apps, None)
    MIGRATION.store_diffs(apps, None)  # twice: nothing changes the second time

    for amendment in Amendment.objects.filter(pk__in=[changed.pk, carried.pk, deleted.pk]):
        assert amendment.diff_ops == stored_ops(amendment.base_text, amendment.proposed_text)
        assert amendment.diff_ops
    assert Amendment.objects.get(pk=added.pk).diff_ops == [[1, "A new paragraph."]]
