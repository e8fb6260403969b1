"""The rules of proposing, editing, withdrawing and supporting amendments."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from amendments.models import Amendment, Support
from amendments.services.proposing import (
    amendment_edit,
    amendment_propose,
    amendment_withdraw,
    support_add,
    support_remove,
)
from manifesto.models import Chapter
from tests.amendments.conftest import body_paragraph, propose

pytestmark = pytest.mark.django_db


def _codes(error: ValidationError) -> set[str]:
    return {e.code for errors in error.error_dict.values() for e in errors}


def test_p5_is_the_paragraph_the_chapter_page_calls_5(p5) -> None:
    assert p5.text.startswith("From the outset, the revolution faced a myriad of problems.")


def test_a_replacement_records_the_version_it_was_written_against(member, p5) -> None:
    text = p5.text.replace("a myriad of problems", "many problems")
    amendment = propose(member, p5, text)
    latest = p5.history.order_by("-history_id").first()
    assert amendment.base_version_id == latest.history_id
    assert amendment.base_text == p5.text
    assert amendment.written_base_text == p5.text
    assert amendment.proposed_text == text
    assert amendment.word_delta == -2  # "a myriad of problems" (4) → "many problems" (2)
    assert amendment.status == Amendment.Status.PENDING


def test_a_deletion_removes_all_the_words(member, p5) -> None:
    amendment = propose(member, p5, "", kind="delete")
    assert amendment.proposed_text == ""
    assert amendment.word_delta == -p5.word_count


def test_an_insertion_adds_a_paragraph_or_heading_after(member, p5) -> None:
    amendment = propose(member, p5, "A new short paragraph.", kind="insert")
    assert amendment.base_text == ""
    assert amendment.word_delta == 4
    heading = propose(member, p5, "A New Section", kind="insert", insert_kind="heading")
    assert heading.insert_kind == "heading"


def test_line_breaks_become_spaces_and_the_sources_edge_spacing_is_kept(member, seed_chapter):
    odd = body_paragraph(seed_chapter, 3)  # starts with two non-breaking spaces in the source
    assert odd.text.startswith("\u00a0\u00a0 Russia")
    edited = odd.text.strip().replace("democratic revolution", "democratic\r\nrevolution too")
    amendment = propose(member, odd, edited)
    assert amendment.proposed_text.startswith("\u00a0\u00a0 Russia")
    assert "democratic revolution too" in amendment.proposed_text


@pytest.mark.parametrize(
    ("kind", "text", "code"),
    [
        ("replace", None, "no_change"),
        ("replace", "   ", "text_empty"),
        ("insert", "", "text_empty"),
        ("replace", "x" * 5001, "text_long"),
    ],
)
def test_refusals_name_the_field_and_save_nothing(member, p5, kind, text, code) -> None:
    text = p5.text.strip() if text is None else text
    with pytest.raises(ValidationError) as raised:
        propose(member, p5, text, kind=kind)
    assert code in _codes(raised.value)
    assert "text" in raised.value.error_dict
    assert Amendment.objects.count() == 0


def test_title_and_reason_are_required(member, p5) -> None:
    with pytest.raises(ValidationError) as raised:
        propose(member, p5, p5.text + " More.", title=" ", reason="")
    assert {"title", "reason"} <= set(raised.value.error_dict)


def test_a_closed_chapter_takes_no_amendments(member, p5) -> None:
    Chapter.objects.filter(pk=p5.chapter_id).update(phase="review")
    with pytest.raises(ValidationError) as raised:
        propose(member, p5)
    assert raised.value.code == "round_closed"


def test_a_deleted_paragraph_takes_no_amendments(member, p5) -> None:
    p5.is_deleted = True
    p5.save()
    with pytest.raises(ValidationError) as raised:
        propose(member, p5)
    assert "paragraph_deleted" in _codes(raised.value)


def test_no_new_paragraphs_among_the_notes(member, seed_chapter) -> None:
    note = seed_chapter.paragraphs.get(kind="footnote", footnote_number=1)
    with pytest.raises(ValidationError) as raised:
        propose(member, note, "New text.", kind="insert")
    assert "insert_after_note" in _codes(raised.value)


def test_the_author_edits_and_the_old_wording_stays_in_history(member, p5) -> None:
    amendment = propose(member, p5, p5.text + " First.")
    amendment_edit(
        amendment=amendment,
        user=member,
        title="Better",
        text=p5.text + " Second.",
        reason="Second thoughts.",
    )
    amendment.refresh_from_db()
    assert amendment.proposed_text.endswith("Second.")
    assert amendment.title == "Better"
    texts = list(amendment.history.order_by("history_id").values_list("proposed_text", flat=True))
    assert texts[0].endswith("First.") and texts[-1].endswith("Second.")


def test_others_cannot_edit_or_withdraw(member, other_member, p5) -> None:
    amendment = propose(member, p5)
    with pytest.raises(ValidationError, match="Only the author"):
        amendment_edit(amendment=amendment, user=other_member, title="x", text="y", reason="z")
    with pytest.raises(ValidationError, match="Only the author"):
        amendment_withdraw(amendment=amendment, user=other_member)


def test_withdrawn_amendments_cannot_be_edited_again(member, p5) -> None:
    amendment = propose(member, p5)
    amendment_withdraw(amendment=amendment, user=member)
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.WITHDRAWN
    with pytest.raises(ValidationError, match="withdrawn"):
        amendment_edit(amendment=amendment, user=member, title="x", text=p5.text + " y", reason="z")


def test_support_once_not_ones_own_and_it_can_be_taken_back(member, other_member, p5) -> None:
    amendment = propose(member, p5)
    with pytest.raises(ValidationError, match="your own"):
        support_add(amendment=amendment, user=member)
    support_add(amendment=amendment, user=other_member)
    support_add(amendment=amendment, user=other_member)
    assert Support.objects.filter(amendment=amendment).count() == 1
    support_remove(amendment=amendment, user=other_member)
    assert Support.objects.filter(amendment=amendment).count() == 0


def test_a_proposal_from_a_page_opened_before_a_change_does_not_undo_it(
    member, other_member, editor, p5
) -> None:
    from amendments.services.deciding import amendment_accept

    seen = p5.history.order_by("-history_id").first().history_id
    stale_text = p5.text.replace("weakest link", "weakest point")
    amendment_accept(
        amendment=propose(other_member, p5, p5.text.replace("myriad", "multitude")), editor=editor
    )
    amendment = amendment_propose(
        author=member,
        paragraph=p5,
        kind="replace",
        title="Point",
        text=stale_text,
        reason="r",
        seen_version_id=seen,
    )
    assert "multitude" in amendment.proposed_text and "weakest point" in amendment.proposed_text
    clashing = p5.text.replace("myriad", "host")
    with pytest.raises(ValidationError) as raised:
        amendment_propose(
            author=member,
            paragraph=p5,
            kind="replace",
            title="Host",
            text=clashing,
            reason="r",
            seen_version_id=seen,
        )
    assert raised.value.code == "paragraph_changed"


def test_a_proposal_beside_a_sentence_repeated_meanwhile_is_refused_as_ambiguous(
    member, other_member, editor, p5
) -> None:
    from amendments.services.deciding import amendment_accept

    seen = p5.history.order_by("-history_id").first().history_id
    sentence = "First and foremost, Russia was a backward, overwhelmingly agricultural country."
    amendment_accept(
        amendment=propose(other_member, p5, p5.text.replace(sentence, f"{sentence} {sentence}")),
        editor=editor,
    )
    with pytest.raises(ValidationError) as raised:
        amendment_propose(
            author=member,
            paragraph=p5,
            kind="replace",
            title="Mainly",
            text=p5.text.replace("overwhelmingly", "mainly"),
            reason="r",
            seen_version_id=seen,
        )
    assert raised.value.code == "paragraph_changed"
    assert "which words changed cannot be told" in raised.value.messages[0]


@pytest.mark.parametrize("neighbour", ["follows", "after"])
def test_an_insertion_that_copies_a_neighbouring_paragraph_is_refused(
    member, seed_chapter, neighbour
) -> None:
    p5, p6 = body_paragraph(seed_chapter, 5), body_paragraph(seed_chapter, 6)
    copied = p5.text if neighbour == "follows" else p6.text
    # The same words with other line breaks and spacing, as a paste brings them.
    pasted = "\r\n  " + copied.strip().replace(" ", "\n", 3).replace(". ", ".  ") + "  "
    with pytest.raises(ValidationError) as raised:
        propose(member, p5, pasted, kind="insert")
    assert "insert_copies_neighbour" in _codes(raised.value)
    assert "text" in raised.value.error_dict
    assert Amendment.objects.count() == 0


def test_editing_an_insertion_into_a_copy_of_its_paragraph_is_refused(member, p5) -> None:
    amendment = propose(member, p5, "A new short paragraph.", kind="insert")
    with pytest.raises(ValidationError) as raised:
        amendment_edit(amendment=amendment, user=member, title="t", text=p5.text, reason="r")
    assert "insert_copies_neighbour" in _codes(raised.value)
    amendment.refresh_from_db()
    assert amendment.proposed_text == "A new short paragraph."
