"""The review pages: who may reach them, what they show, and their query counts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from amendments.models import Amendment, Decision
from amendments.services.deciding import (
    amendment_accept_with_changes,
    amendment_mark_duplicate,
    amendment_reject,
    amendments_reject,
)
from amendments.services.proposing import support_add
from manifesto.models import Chapter
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


def _reload(obj):
    obj.refresh_from_db()
    return obj


def test_members_cannot_reach_the_queue_or_decide(member, other_member, p5) -> None:
    amendment = propose(other_member, p5)
    client = client_for(member)
    assert client.get(reverse("amendments:queue")).status_code == 403
    for name in ("accept", "reject", "duplicate"):
        assert client.post(reverse(f"amendments:{name}", args=[amendment.pk])).status_code == 403
    assert (
        client.get(reverse("amendments:accept_with_changes", args=[amendment.pk])).status_code
        == 403
    )
    assert (
        client.post(
            reverse("amendments:batch"), {"ids": [amendment.pk], "action": "accept"}
        ).status_code
        == 403
    )
    assert client.get(reverse("amendments:limit", args=[p5.chapter.slug])).status_code == 403
    assert Amendment.objects.get().status == "pending"


def test_anonymous_visitors_are_sent_to_log_in_from_review_pages(client, p5) -> None:
    response = client.get(reverse("amendments:queue"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_editors_see_the_decision_panel_but_not_on_their_own(member, editor, p5) -> None:
    theirs = propose(member, p5)
    own = propose(editor, p5, p5.text + " Editor's own.")
    client = client_for(editor)
    assert "Editor's decision" in client.get(theirs.get_absolute_url()).content.decode()
    assert "Editor's decision" not in client.get(own.get_absolute_url()).content.decode()
    response = client.post(reverse("amendments:accept", args=[own.pk]))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == "pending"


def test_accept_from_the_page_changes_the_text(member, editor, p5) -> None:
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"))
    client_for(editor).post(reverse("amendments:accept", args=[amendment.pk]))
    p5.refresh_from_db()
    assert "multitude" in p5.text


def test_reject_without_reason_is_refused_with_a_message(member, editor, p5) -> None:
    amendment = propose(member, p5)
    client = client_for(editor)
    response = client.post(
        reverse("amendments:reject", args=[amendment.pk]), {"reject-reason": ""}, follow=True
    )
    assert "Give a reason" in response.content.decode()
    client.post(reverse("amendments:reject", args=[amendment.pk]), {"reject-reason": "Off topic"})
    amendment.refresh_from_db()
    assert amendment.status == "rejected"
    page = client_for(member).get(amendment.get_absolute_url()).content.decode()
    assert "Off topic" in page


def test_batch_reject_asks_for_confirmation_first(member, other_member, editor, p5) -> None:
    one, two = propose(member, p5), propose(other_member, p5, p5.text + " Two.")
    client = client_for(editor)
    confirm = client.post(
        reverse("amendments:batch"),
        {"ids": [one.pk, two.pk], "action": "reject", "batch-reason": "Too long"},
    )
    assert confirm.status_code == 200 and "Reject 2 amendments?" in confirm.content.decode()
    assert Amendment.objects.filter(status="pending").count() == 2
    client.post(
        reverse("amendments:batch"),
        {
            "ids": [one.pk, two.pk],
            "action": "reject",
            "confirmed": "yes",
            "batch-reason": "Too long",
        },
    )
    assert set(Amendment.objects.values_list("status", flat=True)) == {"rejected"}


def test_queue_groups_by_paragraph_and_flags_competing(member, other_member, editor, p5) -> None:
    propose(member, p5, p5.text.replace("a myriad of problems", "many problems"), title="Many")
    propose(other_member, p5, p5.text.replace("a myriad of problems", "woes"), title="Woes")
    page = client_for(editor).get(reverse("amendments:queue")).content.decode()
    assert "competing amendments" in page
    assert page.count('<section class="group') == 1


def test_a_long_list_of_rivals_is_cut_short(member, editor, p5) -> None:
    rivals = [make_user(f"rival{i}") for i in range(7)]
    amendments = [
        propose(user, p5, p5.text.replace("myriad", f"host{i}")) for i, user in enumerate(rivals)
    ]
    page = client_for(editor).get(reverse("amendments:queue")).content.decode()
    others = [f"#{a.pk}" for a in amendments[1:]]
    assert f"competes with {', '.join(others[:5])} and 1 more" in page


def test_queue_filters_and_sorts(member, other_member, editor, seed_chapter) -> None:
    p1, p2 = body_paragraph(seed_chapter, 1), body_paragraph(seed_chapter, 2)
    long = propose(member, p1, p1.text + " " + "word " * 20, title="Long one")
    short = propose(other_member, p2, p2.text + " Short.", title="Short one")
    support_add(amendment=short, user=member)
    client = client_for(editor)
    page = client.get(reverse("amendments:queue") + "?author=bob+MEMBER").content.decode()
    assert "Short one" in page and "Long one" not in page
    page = client.get(reverse("amendments:queue") + "?sort=delta").content.decode()
    assert page.index("Long one") < page.index("Short one")
    page = client.get(reverse("amendments:queue") + "?sort=support").content.decode()
    assert page.index("Short one") < page.index("Long one")
    page = client.get(reverse("amendments:queue") + f"?paragraph={p2.key}").content.decode()
    assert "Long one" not in page
    assert long.pk


@pytest.mark.parametrize("count", [3, 30])
def test_queue_uses_a_fixed_number_of_queries(
    editor, seed_chapter, count, django_assert_num_queries
):
    authors = [make_user(f"m{i}") for i in range(4)]
    for index in range(count):
        paragraph = body_paragraph(seed_chapter, 1 + index % 25)
        amendment = propose(authors[index % 4], paragraph, paragraph.text + f" Words {index}.")
        support_add(amendment=amendment, user=authors[(index + 1) % 4])
    client = client_for(editor)
    # session, user, the page's stamp, manifesto, paragraphs in order, their amendments'
    # outline, the page's rows, chapters, ¶ numbers, words, pending, and the header's unread
    # notices; then from the cache: session, user, the page's stamp, unread notices
    with django_assert_num_queries(12):
        assert client.get(reverse("amendments:queue")).status_code == 200
    with django_assert_num_queries(4):
        assert client.get(reverse("amendments:queue")).status_code == 200


def test_decision_log_lists_who_did_what(member, editor, p5, client) -> None:
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"))
    client_for(editor).post(reverse("amendments:accept", args=[amendment.pk]))
    page = client.get(reverse("amendments:log", args=[p5.chapter.slug])).content.decode()
    assert "Erin Editor" in page and "Accepted" in page and f"#{amendment.pk}" in page


def test_editors_restore_an_earlier_version_from_the_history_page(member, editor, p5) -> None:
    original = p5.text
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"))
    client = client_for(editor)
    client.post(reverse("amendments:accept", args=[amendment.pk]))
    history = reverse("manifesto:history", args=[p5.chapter.slug, p5.key])
    assert "Restore version 1" in client.get(history).content.decode()
    assert "Restore version" not in client_for(member).get(history).content.decode()
    first = p5.history.order_by("history_id").first()
    url = reverse("amendments:revert", args=[p5.chapter.slug, p5.key])
    assert (
        client_for(member).post(url, {"version": first.history_id, "reason": "x"}).status_code
        == 403
    )
    client.post(url, {"version": first.history_id, "reason": "Back to the draft"})
    p5.refresh_from_db()
    assert p5.text == original
    assert p5.history.first().history_change_reason.endswith("Back to the draft")


def test_decisions_never_redirect_to_another_site(member, editor, p5) -> None:
    amendment = propose(member, p5)
    response = client_for(editor).post(
        reverse("amendments:reject", args=[amendment.pk]),
        {"reject-reason": "No", "next": "https://evil.example/phish"},
    )
    assert response["Location"] == amendment.get_absolute_url()


def test_queue_is_paginated_by_paragraph_groups(member, editor, seed_chapter) -> None:
    for number in range(1, 24):  # 23 paragraphs with one amendment each: two pages of 20
        paragraph = body_paragraph(seed_chapter, number)
        propose(member, paragraph, paragraph.text + " More.", title=f"Amendment on {number}")
    client = client_for(editor)
    first = client.get(reverse("amendments:queue")).content.decode()
    second = client.get(reverse("amendments:queue") + "?page=2").content.decode()
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count('<section class="group') == 20 and second.count('<section class="group') == 3
    assert "Amendment on 23" in second and "Amendment on 23" not in first


# --- limits on what editors type ------------------------------------------------------------


def test_accept_with_changes_refuses_a_megabyte_and_keeps_the_page(member, editor, p5) -> None:
    # It took 1 MB as the editor's wording (one "word", so the word limit let it through).
    amendment = propose(member, p5)
    latest = p5.history.order_by("-history_id").first()
    response = client_for(editor).post(
        reverse("amendments:accept_with_changes", args=[amendment.pk]),
        {"text": "x" * 1_000_000, "reason": "Tighter.", "seen_version": latest.history_id},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The text is 1,000,000 characters; the maximum is 5,000." in page
    assert "Tighter." in page
    amendment.refresh_from_db()
    p5.refresh_from_db()
    assert amendment.status == "pending" and "x" * 100 not in p5.text


def test_a_reject_reason_over_its_limit_says_the_limit_and_keeps_the_text(
    member, editor, p5
) -> None:
    # It came back empty, with "Give a reason".
    amendment = propose(member, p5)
    reason = "It does not belong here.\r\n" * 116  # 2,900 characters, 3,016 sent
    reason += "y" * 101  # 3,001 as the browser counts them
    response = client_for(editor).post(
        reverse("amendments:reject", args=[amendment.pk]), {"reject-reason": reason}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The reason is 3,001 characters; the maximum is 3,000." in page
    assert "Give a reason" not in page
    assert "It does not belong here.\nIt does not belong here." in page  # kept in its box
    amendment.refresh_from_db()
    assert amendment.status == "pending"


def _reason_routes(editor, admin_user, member, p5):  # type: ignore[no-untyped-def]
    """(who, address, form fields besides the reason, the reason's field name)"""
    rejected = propose(member, p5, p5.text + " Rejected.")
    amendments_reject([rejected], editor=editor, reason="Not now.")
    first = p5.history.order_by("history_id").first()
    slug = p5.chapter.slug
    return [
        (editor, reverse("amendments:limit", args=[slug]), {"word_limit": 9000}, "reason"),
        (editor, reverse("amendments:manifesto_limit"), {"word_limit": 90000}, "reason"),
        (
            editor,
            reverse("amendments:revert", args=[slug, p5.key]),
            {"version": first.pk},
            "reason",
        ),
        (admin_user, reverse("amendments:reopen", args=[rejected.pk]), {}, "reason"),
    ]


def test_reasons_for_limits_reverts_and_reopening_are_limited(
    member, editor, admin_user, p5
) -> None:
    # Each took a megabyte.
    for user, url, fields, name in _reason_routes(editor, admin_user, member, p5):
        before = Decision.objects.count(), p5.history.count()
        response = client_for(user).post(url, {**fields, name: "r" * 1_000_000})
        page = response.content.decode()
        assert response.status_code == 200, url
        assert "The reason is 1,000,000 characters; the maximum is 3,000." in page, url
        assert "r" * 3000 in page, url  # the box is filled in again
        assert (Decision.objects.count(), p5.history.count()) == before, url


def _duplicate_url(amendment, number=None) -> str:
    url = reverse("amendments:duplicate", args=[amendment.pk])
    return url if number is None else f"{url}?duplicate_of={number}"


def test_marking_a_duplicate_shows_the_original_before_anything_changes(
    member, other_member, editor, p5
) -> None:
    original = propose(member, p5, p5.text + " The original.", title="The first of them")
    copy = propose(other_member, p5, p5.text + " The same again.", title="The second")
    client = client_for(editor)
    panel = client.get(copy.get_absolute_url()).content.decode()
    # The panel asks for the number with a GET: the next page only shows what would happen.
    assert f'method="get" action="{_duplicate_url(copy)}"' in panel
    response = client.get(_duplicate_url(copy, original.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"#{original.pk}" in page and "The first of them" in page
    assert "¶ 5" in page and "Pending" in page
    assert f'href="{original.get_absolute_url()}"' in page
    assert "another paragraph" not in page and "not pending" not in page
    assert _reload(copy).status == "pending"
    # An old-style POST without the confirmation shows the same page and changes nothing.
    unconfirmed = client.post(_duplicate_url(copy), {"duplicate_of": original.pk})
    assert unconfirmed.status_code == 200 and "The first of them" in unconfirmed.content.decode()
    assert _reload(copy).status == "pending"
    done = client.post(
        _duplicate_url(copy), {"duplicate_of": original.pk, "confirmed": "yes", "reason": ""}
    )
    assert done.status_code == 302 and done["Location"] == copy.get_absolute_url()
    copy = _reload(copy)
    assert copy.status == "duplicate" and copy.duplicate_of == original


def test_a_duplicate_of_a_rejected_amendment_on_another_paragraph_is_warned_about(
    member, other_member, editor, other_editor, seed_chapter
) -> None:
    p5, p9 = body_paragraph(seed_chapter, 5), body_paragraph(seed_chapter, 9)
    elsewhere = propose(member, p9, p9.text + " Elsewhere.", title="On ¶ 9")
    amendment_reject(amendment=elsewhere, editor=other_editor, reason="No.")
    copy = propose(other_member, p5, p5.text + " Here.")
    page = client_for(editor).get(_duplicate_url(copy, elsewhere.pk)).content.decode()
    assert "¶ 9" in page and "Rejected" in page
    assert f"#{elsewhere.pk} is on another paragraph (¶ 9), not on ¶ 5" in page
    assert f"#{elsewhere.pk} was rejected" in page


def test_a_duplicate_of_a_duplicate_is_shown_as_the_original(
    member, other_member, editor, p5
) -> None:
    original = propose(member, p5, p5.text + " The original.", title="The original")
    first = propose(other_member, p5, p5.text + " First copy.", title="First copy")
    amendment_mark_duplicate(amendment=first, editor=editor, duplicate_of=original)
    second = propose(make_user("carol"), p5, p5.text + " Second copy.")
    page = client_for(editor).get(_duplicate_url(second, first.pk)).content.decode()
    assert f"#{first.pk} is itself a duplicate of #{original.pk}" in page
    assert f'name="duplicate_of" value="{original.pk}"' in page


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("self", "cannot duplicate itself"),
        ("999999", "There is no amendment #999999"),
        ("99999999999999999999999999", "There is no amendment with that number"),
        ("abc", "Enter a whole number"),
    ],
)
def test_a_duplicate_number_that_cannot_be_used_is_answered_not_a_500(
    member, other_member, editor, p5, number, message
) -> None:
    copy = propose(other_member, p5, p5.text + " Copy.")
    number = str(copy.pk) if number == "self" else number
    client = client_for(editor)
    for response in (
        client.get(_duplicate_url(copy, number)),
        client.post(_duplicate_url(copy), {"duplicate_of": number, "confirmed": "yes"}),
    ):
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page and f'value="{number}"' in page
        assert "Yes, mark" not in page
    assert _reload(copy).status == "pending"


def test_editors_undo_a_duplicate_marking_from_the_amendment_page(
    member, other_member, editor, admin_user, p5
) -> None:
    original = propose(member, p5, p5.text + " The original.")
    copy = propose(other_member, p5, p5.text.replace("myriad", "multitude"))
    amendment_mark_duplicate(amendment=copy, editor=editor, duplicate_of=original)
    url = reverse("amendments:unmark_duplicate", args=[copy.pk])
    page = client_for(editor).get(copy.get_absolute_url()).content.decode()
    assert f'action="{url}"' in page and "Undo the duplicate marking" in page
    assert f'action="{url}"' not in client_for(member).get(copy.get_absolute_url()).content.decode()
    assert client_for(member).post(url).status_code == 403
    response = client_for(editor).post(url, {"reason": "It changes another word."}, follow=True)
    assert f"#{copy.pk} is no longer marked as a duplicate" in response.content.decode()
    assert _reload(copy).status == "pending"
    log = client_for(None).get(reverse("amendments:log", args=[p5.chapter.slug]))
    assert "Undid the duplicate marking of" in log.content.decode()
    assert "It changes another word." in log.content.decode()


def test_no_undo_button_once_the_chapter_is_closed(member, other_member, editor, p5) -> None:
    original = propose(member, p5, p5.text + " The original.")
    copy = propose(other_member, p5, p5.text + " A copy.")
    amendment_mark_duplicate(amendment=copy, editor=editor, duplicate_of=original)
    Chapter.objects.filter(pk=p5.chapter_id).update(phase="review")
    url = reverse("amendments:unmark_duplicate", args=[copy.pk])
    assert f'action="{url}"' not in client_for(editor).get(copy.get_absolute_url()).content.decode()
    response = client_for(editor).post(url, follow=True)
    assert "only while the chapter takes amendments" in response.content.decode()
    assert _reload(copy).status == "duplicate"


def test_accepted_with_changes_shows_both_word_changes_labelled_everywhere(
    member, editor, p5, client
) -> None:
    """The log said +2 (the editors' wording), the amendment's header +4 (the member's)."""
    amendment = propose(member, p5, p5.text + " One two three four.", title="Four more")
    amendment_accept_with_changes(
        amendment=amendment, editor=editor, text=p5.text + " One two.", reason="Shorter."
    )
    amendment = _reload(amendment)
    assert amendment.word_delta == 4 and amendment.accepted_word_delta == 2
    both = re.compile(r"proposed <span[^>]*>\+4 words</span>; accepted <span[^>]*>\+2 words</span>")
    pages = {
        "amendment": client.get(amendment.get_absolute_url()),
        "queue": client_for(editor).get(reverse("amendments:queue") + "?status=accepted_changed"),
        "log": client.get(reverse("amendments:log", args=[p5.chapter.slug])),
        "mine": client_for(member).get(reverse("amendments:mine")),
        "paragraph": client.get(p5.get_absolute_url()),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert both.search(response.content.decode()), name


def test_a_refused_note_on_the_duplicate_page_comes_back_with_everything_filled(
    member, other_member, editor, p5
) -> None:
    original = propose(member, p5, p5.text + " The original.", title="The first of them")
    copy = propose(other_member, p5, p5.text + " The same again.")
    note = "Too long. " * 400
    response = client_for(editor).post(
        _duplicate_url(copy), {"duplicate_of": original.pk, "confirmed": "yes", "reason": note}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The first of them" in page and "Yes, mark" in page
    assert "the maximum is 3,000" in page
    assert note.strip() in page
    assert _reload(copy).status == "pending"


def test_the_duplicate_page_writes_one_full_stop_after_a_name_that_ends_in_one(
    member, editor, p5
) -> None:
    # "by Rosa L.." : the sentence's full stop was written after a name that ends in one.
    author = make_user("rosa", display_name="Rosa L.")
    original = propose(member, p5, p5.text + " The original.")
    copy = propose(author, p5, p5.text + " The same again.")
    page = client_for(editor).get(_duplicate_url(copy, original.pk)).content.decode()
    text = re.sub(r"<[^>]+>|[\u2068\u2069]", "", page)
    assert "by Rosa L." in text and "Rosa L.." not in text
