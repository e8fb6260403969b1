"""A refusal after which the form must be written against another version of the paragraph
carries that version in its params (RESTART_FROM), set by the service; the views' forms start
again from it instead of guessing from error codes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from amendments.forms import ProposeForm
from amendments.rules import RESTART_FROM
from amendments.services.deciding import amendment_accept, amendment_accept_with_changes
from amendments.services.proposing import amendment_propose
from amendments.views._helpers import add_service_errors, start_again_from
from manifesto.selectors import latest_version
from tests.amendments.conftest import propose


def test_a_proposal_written_on_a_changed_paragraph_names_the_version_to_start_from(
    p5, member, other_member, editor
):
    written_on = latest_version(p5).history_id
    amendment_accept(amendment=propose(other_member, p5, "Quite other words."), editor=editor)
    p5.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        amendment_propose(
            author=member,
            paragraph=p5,
            kind="replace",
            title="Mine",
            text="Entirely my own words.",
            reason="Better.",
            seen_version_id=written_on,
        )
    assert refused.value.code == "paragraph_changed"
    assert refused.value.params == {RESTART_FROM: latest_version(p5).history_id}


@pytest.mark.parametrize("service", ["propose", "accept with changes"])
def test_a_form_naming_another_paragraphs_version_names_the_version_to_start_from(
    seed_chapter, p5, member, editor, service
):
    elsewhere = latest_version(seed_chapter.paragraphs.exclude(pk=p5.pk).first()).history_id
    with pytest.raises(ValidationError) as refused:
        if service == "propose":
            amendment_propose(
                author=member,
                paragraph=p5,
                kind="replace",
                title="Mine",
                text=p5.text + " More.",
                reason="Better.",
                seen_version_id=elsewhere,
            )
        else:
            amendment_accept_with_changes(
                amendment=propose(member, p5),
                editor=editor,
                text=p5.text + " Edited.",
                seen_version_id=elsewhere,
            )
    assert refused.value.code == "version"
    assert refused.value.params == {RESTART_FROM: latest_version(p5).history_id}


def test_the_form_starts_again_from_the_version_the_refusal_names():
    form = ProposeForm(QueryDict("kind=replace&text=Mine&seen_version=3"))
    assert form.is_valid()
    add_service_errors(
        form, ValidationError("It changed.", code="anything", params={RESTART_FROM: 42})
    )
    start_again_from(form, 7)
    assert form.data["seen_version"] == "42"


def test_a_refusal_without_a_version_leaves_the_form_as_it_was():
    form = ProposeForm(QueryDict("kind=replace&text=Mine&seen_version=3"))
    assert form.is_valid()
    add_service_errors(form, ValidationError("No.", code="paragraph_changed"))
    start_again_from(form, 7)
    assert form.data["seen_version"] == "3"
