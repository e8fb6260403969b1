"""The desk's pages with many amendments on one paragraph: pages of bounded size, stored
change spans for the competing flags, and a query count that does not grow with the pile."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from amendments.models import Amendment
from amendments.review_queue import AMENDMENTS_PER_PAGE, competing_pairs
from amendments.selectors import AMENDMENTS_PER_PAGE as PER_PARAGRAPH_PAGE
from amendments.services.deciding import amendment_accept, amendments_reject
from amendments.services.proposing import amendment_edit
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for, make_user
from textcore.rebase import change_spans


def _pile(paragraph, count: int) -> list[Amendment]:  # type: ignore[no-untyped-def]
    authors = [make_user(f"pile{i}") for i in range(3)]
    return [
        propose(
            authors[i % 3], paragraph, paragraph.text + f" Added sentence {i}.", title=f"No {i}"
        )
        for i in range(count)
    ]


@pytest.mark.django_db
def test_a_big_pile_goes_on_over_the_next_page(editor, seed_chapter) -> None:
    paragraph = body_paragraph(seed_chapter, 3)
    _pile(paragraph, AMENDMENTS_PER_PAGE + 5)
    client = client_for(editor)
    first = client.get(reverse("amendments:queue")).content.decode()
    second = client.get(reverse("amendments:queue") + "?page=2").content.decode()
    assert first.count('class="queue-item ') == AMENDMENTS_PER_PAGE
    assert "5 more amendments to this paragraph on the next page" in first
    assert second.count('class="queue-item ') == 5
    assert f"continued: {AMENDMENTS_PER_PAGE} on earlier pages" in second
    assert "45 amendments match in 1 paragraph" in first


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 60])
def test_queue_queries_do_not_grow_with_one_paragraphs_pile(
    editor, seed_chapter, count, django_assert_num_queries
) -> None:
    _pile(body_paragraph(seed_chapter, 3), count)
    client = client_for(editor)
    # session, user, the page's stamp, manifesto, paragraphs in order, their amendments'
    # outline, the page's rows, chapters, ¶ numbers, words, pending, and the header's unread
    # notices; from the cache: session, user, the page's stamp, unread notices
    with django_assert_num_queries(12):
        assert client.get(reverse("amendments:queue")).status_code == 200
    with django_assert_num_queries(4):
        assert client.get(reverse("amendments:queue")).status_code == 200


@pytest.mark.django_db
def test_spans_are_stored_when_written_and_when_carried_forward(
    member, other_member, editor, p5
) -> None:
    def described(amendment: Amendment) -> bool:
        # The stored spans always describe the change from base_text to proposed_text.
        spans = change_spans(amendment.base_text, amendment.proposed_text)
        return bool(spans) and amendment.change_spans == [list(run) for run in spans]

    first = propose(member, p5, p5.text.replace("myriad", "multitude"))
    second = propose(other_member, p5, "In 1917, " + p5.text)
    assert described(first) and described(second)
    amendment_accept(amendment=first, editor=editor)
    second.refresh_from_db()
    assert second.status == Amendment.Status.PENDING and second.was_carried_forward
    assert "multitude" in second.base_text and described(second)
    edited = amendment_edit(
        amendment=second,
        user=other_member,
        title="Edited",
        text=second.base_text.replace("revolution", "uprising", 1),
        reason="Shorter.",
    )
    assert described(edited)


@pytest.mark.django_db
def test_competing_flags_use_the_stored_spans(member, other_member, editor, p5) -> None:
    same_word = [
        propose(member, p5, p5.text.replace("myriad", "multitude")),
        propose(other_member, p5, p5.text.replace("myriad", "host")),
    ]
    elsewhere = propose(editor, p5, p5.text + " A sentence at the end.")
    deletion = propose(make_user("deleter"), p5, kind="delete", text="")
    pairs = competing_pairs([*same_word, elsewhere, deletion])
    assert (same_word[0].pk, same_word[1].pk) in pairs
    assert (same_word[0].pk, elsewhere.pk) not in pairs
    assert all((a.pk, deletion.pk) in pairs for a in [*same_word, elsewhere])
    # Rows written before spans were stored are compared all the same.
    legacy = Amendment.objects.get(pk=same_word[1].pk)
    legacy.change_spans = None
    assert (same_word[0].pk, legacy.pk) in competing_pairs([same_word[0], legacy, elsewhere])


def _unmasked(page: str) -> str:
    """The page without its CSRF tokens (masked anew on every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 40])
def test_the_paragraph_page_lists_a_pile_a_page_at_a_time(
    member, editor, seed_chapter, count, django_assert_num_queries
) -> None:
    paragraph = body_paragraph(seed_chapter, 3)
    pile = _pile(paragraph, count)
    rejected = pile[0]
    amendments_reject([rejected], editor=editor, reason="No.")
    client = client_for(member)
    # session, user, chapter, paragraph, and one query for the stamp its cached part is keyed
    # on (the chapter's, and the paragraph's with whether the member follows it and the people
    # it shows) and the header's unread notices; on a miss (this first request) also whether
    # the member follows it, ¶ numbers, versions, amendments counted, their page and comments;
    # read again, from the cache, only the first five
    with django_assert_num_queries(11):
        first = client.get(paragraph.get_absolute_url()).content.decode()
    with django_assert_num_queries(5):
        again = client.get(paragraph.get_absolute_url()).content.decode()
    assert _unmasked(again) == _unmasked(first)
    assert first.count('class="amendment-row"') == min(count, PER_PARAGRAPH_PAGE)
    if count > PER_PARAGRAPH_PAGE:
        assert "Page 1 of 2" in first and f"#{rejected.pk} " not in first  # open ones first
        last = client.get(paragraph.get_absolute_url() + "?page=2").content.decode()
        assert last.count('class="amendment-row"') == count - PER_PARAGRAPH_PAGE
        assert f"#{rejected.pk} " in last


@pytest.mark.django_db
def test_competing_flags_catch_an_edit_of_a_twin_sentence_beside_its_deletion(
    member, other_member, editor, p5
) -> None:
    # Deleting one of two twin sentences may be read as deleting either (the diff reads it
    # as the second); an edit of the first cannot be carried past it, so the queue must flag
    # the pair.
    sentence = "First and foremost, Russia was a backward, overwhelmingly agricultural country."
    amendment_accept(
        amendment=propose(member, p5, p5.text.replace(sentence, f"{sentence} {sentence}")),
        editor=editor,
    )
    p5.refresh_from_db()
    deletion = propose(member, p5, p5.text.replace(f"{sentence} {sentence}", sentence))
    edit = propose(
        other_member,
        p5,
        p5.text.replace(
            f"{sentence} {sentence}", f"{sentence.replace('overwhelmingly', 'mainly')} {sentence}"
        ),
    )
    assert (deletion.pk, edit.pk) in competing_pairs([deletion, edit])


@pytest.mark.django_db
def test_the_migration_stores_spans_that_cover_every_reading_again(member, p5) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "amendments.migrations.0003_change_spans_under_every_reading"
    )
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"))
    fresh = amendment.change_spans
    amendment.change_spans = [[0, 0]]  # as an older rule might have stored them
    amendment.save(update_fields=["change_spans"])
    migration.refill_change_spans(apps, None)
    amendment.refresh_from_db()
    assert amendment.change_spans == fresh


@pytest.mark.django_db
def test_the_migration_stores_spans_that_mark_words_kept_in_more_than_one_place(member, p5) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "amendments.migrations.0011_change_spans_mark_words_kept_in_more_than_one_place"
    )
    # ", the revolution" may go after "outset", "the" or "revolution": every reading keeps
    # "the revolution", but not in one place, so those words are touched too.
    amendment = propose(
        member, p5, p5.text.replace("the revolution faced", "the revolution, the revolution faced")
    )
    assert amendment.change_spans == [[6, 10]]
    amendment.change_spans = [[6, 6], [8, 8], [10, 10]]  # as the rule before 0011 stored them
    amendment.save(update_fields=["change_spans"])
    migration.refill_change_spans(apps, None)
    amendment.refresh_from_db()
    assert amendment.change_spans == [[6, 10]]
