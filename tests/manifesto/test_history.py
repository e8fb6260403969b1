"""History: a paragraph's versions with their diffs, the chapter compared between two moments,
reverts (guarded, rebasing), milestones, and a history nobody can edit."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from amendments.ledger import chapter_ledger
from amendments.models import Amendment
from amendments.services.deciding import amendment_accept
from amendments.services.limits import chapter_set_limit
from amendments.services.paragraphs import paragraph_edit, paragraph_revert
from manifesto.models import Chapter, Milestone, Paragraph
from manifesto.services import AS_PUBLISHED, chapter_import, milestone_create
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import SEED_TEXT, client_for

pytestmark = pytest.mark.django_db


def _compare(client, chapter: Chapter, **query: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("manifesto:compare", args=[chapter.slug]), query)
    assert response.status_code == 200
    return response.content.decode()


def _changes(page: str) -> list[tuple[str, str]]:
    """(id, change) of every paragraph the compare page marks as changed, in page order."""
    return [
        (pk, change)
        for pk, change in re.findall(r'id="p(\d+)" data-change="(\w+)"', page)
        if change != "same"
    ]


def _history_url(paragraph: Paragraph) -> str:
    return reverse("manifesto:history", args=[paragraph.chapter.slug, paragraph.key])


def test_the_import_marks_the_first_milestone(seed_chapter) -> None:
    assert list(seed_chapter.milestones.values_list("name", flat=True)) == [AS_PUBLISHED]


def test_the_seed_chapter_compared_with_itself_has_no_changes(client, seed_chapter) -> None:
    page = _compare(client, seed_chapter)
    assert 'data-testid="no-changes"' in page
    assert _changes(page) == []
    # Every heading, body paragraph and footnote of the chapter, all unchanged.
    assert page.count('data-change="same"') == seed_chapter.paragraphs.count() == 94
    both_published = _compare(client, seed_chapter, **{"from": "published", "to": "published"})
    assert _changes(both_published) == [] and 'data-testid="no-changes"' in both_published


def test_compare_shows_exactly_the_accepted_changes_in_reading_order(
    client, member, editor, seed_chapter
) -> None:
    p5, p7, p9 = (body_paragraph(seed_chapter, n) for n in (5, 7, 9))
    replaced = propose(member, p5, p5.text.replace("myriad", "multitude"), title="Plainer word")
    deleted = propose(member, p7, "", kind="delete", title="Cut ¶ 7")
    inserted = propose(member, p9, "A short new paragraph.", kind="insert", title="Add one")
    for amendment in (inserted, deleted, replaced):  # accepted out of text order on purpose
        amendment_accept(amendment=amendment, editor=editor)
    new = Paragraph.objects.get(chapter=seed_chapter, text="A short new paragraph.")

    page = _compare(client, seed_chapter)
    assert _changes(page) == [
        (str(p5.key), "changed"),
        (str(p7.key), "deleted"),
        (str(new.key), "inserted"),
    ]
    assert "[deleted: </span>myriad" in page and "[inserted: </span>multitude" in page
    assert "<strong>1</strong> paragraph changed, <strong>1</strong> inserted" in page
    for amendment in (replaced, deleted, inserted):
        assert f'href="{amendment.get_absolute_url()}"' in page
    # The same figures as the ledger: words now minus words as published.
    words = re.search(r"(\d+) → (\d+) words", page)
    assert words is not None
    seed_chapter.refresh_from_db()
    assert int(words.group(1)) == seed_chapter.imported_words
    assert int(words.group(2)) == sum(
        p.word_count
        for p in seed_chapter.paragraphs.filter(is_deleted=False, kind__in=["body", "heading"])
    )


def test_only_the_changed_paragraphs_on_request(client, member, editor, seed_chapter) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    amendment_accept(amendment=propose(member, p5), editor=editor)
    page = _compare(client, seed_chapter, only="changes")
    assert page.count("data-change=") == 1


def test_compare_between_a_milestone_and_now(client, member, editor, seed_chapter) -> None:
    p5, p6 = body_paragraph(seed_chapter, 5), body_paragraph(seed_chapter, 6)
    amendment_accept(amendment=propose(member, p5), editor=editor)
    milestone_create(chapter=seed_chapter, editor=editor, name="First round")
    amendment_accept(amendment=propose(member, p6), editor=editor)
    page = _compare(client, seed_chapter, **{"from": "milestone:First round", "to": "now"})
    assert _changes(page) == [(str(p6.key), "changed")]
    assert "Milestone “\u2068First round\u2069”" in page
    back = _compare(client, seed_chapter, **{"from": "published", "to": "milestone:First round"})
    assert _changes(back) == [(str(p5.key), "changed")]


def test_a_moment_that_does_not_exist_is_explained(client, seed_chapter) -> None:
    page = _compare(client, seed_chapter, **{"from": "milestone:Nope"})
    assert "has no milestone called “Nope”" in page
    bad_date = _compare(client, seed_chapter, **{"from": "date", "from_time": "2026-13-45"})
    assert "is not a moment" in bad_date


def test_history_shows_every_version_with_its_change(client, member, editor, seed_chapter) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"))
    amendment_accept(amendment=amendment, editor=editor)
    paragraph_edit(paragraph=p5, editor=editor, text=p5.text + " Tidied.", reason="typo")
    page = client.get(_history_url(p5)).content.decode()
    assert "Version 3" in page and "Version 1" in page
    assert f'href="{amendment.get_absolute_url()}">amendment #{amendment.pk} accepted' in page
    assert "[inserted: </span>multitude" in page
    assert "edited by an editor: typo" in page and "Erin Editor" in page
    assert "+1 / −1 words" in page
    assert "Restore version" not in page  # only editors restore


def test_revert_restores_a_deleted_paragraph_as_a_new_version(member, editor, seed_chapter) -> None:
    p7 = body_paragraph(seed_chapter, 7)
    amendment_accept(amendment=propose(member, p7, "", kind="delete"), editor=editor)
    first = p7.history.order_by("history_id").first()
    p7.refresh_from_db()
    assert p7.is_deleted
    paragraph_revert(paragraph=p7, editor=editor, history_id=first.history_id, reason="Keep it")
    p7.refresh_from_db()
    assert not p7.is_deleted and p7.text == first.text
    assert p7.history.count() == 3  # nothing rewritten: a third version
    page = client_for(editor).get(_history_url(p7)).content.decode()
    assert "restored" in page and "deleted" in page


def test_revert_goes_through_the_guard(member, editor, seed_chapter) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    amendment_accept(amendment=propose(member, p5, "Short."), editor=editor)
    words_now = chapter_ledger(seed_chapter).words
    chapter_set_limit(chapter=seed_chapter, editor=editor, word_limit=words_now, reason="Tight")
    first = p5.history.order_by("history_id").first()
    with pytest.raises(ValidationError, match="over"):
        paragraph_revert(paragraph=p5, editor=editor, history_id=first.history_id, reason="x")
    p5.refresh_from_db()
    assert p5.text == "Short."


def test_revert_rebases_the_pending_amendments(member, other_member, editor, seed_chapter) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    original = p5.text
    amendment_accept(
        amendment=propose(member, p5, original.replace("myriad", "multitude")), editor=editor
    )
    p5.refresh_from_db()
    pending = propose(other_member, p5, p5.text.replace("From the outset", "From the start"))
    first = p5.history.order_by("history_id").first()
    paragraph_revert(paragraph=p5, editor=editor, history_id=first.history_id, reason="undo")
    pending.refresh_from_db()
    assert pending.status == Amendment.Status.PENDING
    assert pending.base_text == original
    assert pending.proposed_text == original.replace("From the outset", "From the start")


def test_history_and_compare_pages_have_fixed_query_counts(
    client, member, editor, django_assert_num_queries
) -> None:
    short = chapter_import(data=b"Short\n\nOne paragraph.\n\nAnother one.", slug="short")
    long = chapter_import(data=SEED_TEXT.read_bytes(), slug="long")
    few = short.paragraphs.filter(kind="body").first()
    many = body_paragraph(long, 5)
    for i in range(6):
        paragraph_edit(paragraph=many, editor=editor, text=f"{many.text} More {i}.", reason="r")
        many.refresh_from_db()
    for i in range(3):
        amendment_accept(amendment=propose(member, body_paragraph(long, 10 + i)), editor=editor)
    # chapter, paragraph, ¶ numbers, versions with their users
    for url in (_history_url(few), _history_url(many)):
        with django_assert_num_queries(4):
            assert client.get(url).status_code == 200
    # chapter, the "as published" milestone, each moment's paragraphs, the ¶ labels of the
    # reference numbering (as on the chapter page), accepted amendments with their people,
    # milestone names for the form
    for chapter in (short, long):
        with django_assert_num_queries(7):
            client.get(reverse("manifesto:compare", args=[chapter.slug]))


def test_the_history_is_read_only_in_the_admin(admin_client, editor, seed_chapter) -> None:
    from manifesto.models import HistoricalParagraph  # type: ignore[attr-defined]

    assert not admin.site.is_registered(HistoricalParagraph)
    p5 = body_paragraph(seed_chapter, 5)
    version = p5.history.first()
    url = reverse("admin:manifesto_paragraph_simple_history", args=[p5.pk, version.history_id])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"text": "Overwritten.", "change_reason": "x"})
    assert response.status_code == 403
    p5.refresh_from_db()
    assert p5.text != "Overwritten." and p5.history.count() == 1


@pytest.mark.parametrize("command", ["clean_duplicate_history", "clean_old_history"])
def test_no_command_deletes_history(command: str, seed_chapter) -> None:
    before = Paragraph.history.count()  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="kept for good"):
        call_command(command, "--auto")
    assert Paragraph.history.count() == before  # type: ignore[attr-defined]


def test_milestones_are_offered_as_moments(client, editor, seed_chapter) -> None:
    Milestone.objects.create(chapter=seed_chapter, name="Congress draft", created_by=editor)
    page = _compare(client, seed_chapter)
    assert 'value="milestone:Congress draft"' in page
