"""The members' pages as an anonymous visitor, the author, another member and an editor."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from amendments.models import Amendment, Comment, Support
from amendments.services.discussion import comment_post
from amendments.services.proposing import support_add
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

XSS = "<script>alert('x')</script><img src=x onerror=alert(1)>"


def _propose_url(paragraph) -> str:
    return reverse("amendments:propose", args=[paragraph.chapter.slug, paragraph.key])


def test_anonymous_visitors_are_sent_to_log_in(client, member, p5) -> None:
    amendment = propose(member, p5)
    for url in (
        _propose_url(p5),
        reverse("amendments:mine"),
        reverse("amendments:edit", args=[amendment.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for url in (
        reverse("amendments:support", args=[amendment.pk]),
        reverse("amendments:withdraw", args=[amendment.pk]),
        reverse("amendments:comment_amendment", args=[amendment.pk]),
    ):
        response = client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Support.objects.count() == Comment.objects.count() == 0


def test_anyone_can_read_an_amendment(client, member, p5) -> None:
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"), title="Plainer")
    response = client.get(amendment.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Plainer" in page and "Alice Member" in page
    assert '<del><span class="vh">[deleted: </span>myriad' in page
    assert "[inserted: </span>multitude" in page


def test_propose_page_shows_the_paragraph_and_a_prefilled_box(member, p5) -> None:
    response = client_for(member).get(_propose_url(p5))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Propose an amendment to ¶ 5" in page
    assert page.count("From the outset, the revolution faced a myriad of problems") == 2


def test_preview_without_javascript_shows_the_diff_and_keeps_the_input(member, p5) -> None:
    text = p5.text.strip() + " Extra closing words here."
    response = client_for(member).post(
        _propose_url(p5),
        {
            "kind": "replace",
            "text": text,
            "title": "My title",
            "reason": "Mine",
            "action": "preview",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(
        r"<ins><span class=\"vh\">\[inserted: </span>[^<]*Extra closing words here", page
    )
    assert "+4 / −0 words" in page
    assert 'value="My title"' in page
    assert Amendment.objects.count() == 0


def test_submitting_creates_the_amendment_and_redirects_to_it(member, p5) -> None:
    response = client_for(member).post(
        _propose_url(p5),
        {
            "kind": "replace",
            "text": p5.text.strip() + " More.",
            "title": "T",
            "reason": "R",
            "action": "submit",
        },
    )
    amendment = Amendment.objects.get()
    assert response.status_code == 302 and response["Location"] == amendment.get_absolute_url()
    assert amendment.author == member


def test_a_refused_proposal_keeps_everything_typed(member, p5) -> None:
    response = client_for(member).post(
        _propose_url(p5),
        {
            "kind": "replace",
            "text": p5.text.strip(),
            "title": "Keep me",
            "reason": "And me",
            "action": "submit",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This changes nothing" in page
    assert 'value="Keep me"' in page and "And me</textarea>" in page
    assert Amendment.objects.count() == 0


def test_an_unknown_paragraph_is_a_404(member, seed_chapter) -> None:
    response = client_for(member).get(reverse("amendments:propose", args=[seed_chapter.slug, 9999]))
    assert response.status_code == 404


def test_live_preview_endpoint_returns_the_partial(member, p5) -> None:
    url = reverse("amendments:preview", args=[p5.chapter.slug, p5.key])
    response = client_for(member).post(url, {"kind": "delete", "text": ""})
    assert response.status_code == 200
    assert f"−{p5.word_count} words" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_only_the_author_reaches_edit_others_get_403(member, other_member, editor, p5) -> None:
    amendment = propose(member, p5)
    url = reverse("amendments:edit", args=[amendment.pk])
    assert client_for(member).get(url).status_code == 200
    assert client_for(other_member).get(url).status_code == 403
    assert client_for(editor).get(url).status_code == 403
    assert (
        client_for(other_member)
        .post(reverse("amendments:withdraw", args=[amendment.pk]))
        .status_code
        == 403
    )
    amendment.refresh_from_db()
    assert amendment.status == "pending"


def test_support_button_for_others_not_the_author(member, other_member, p5) -> None:
    amendment = propose(member, p5)
    author_page = client_for(member).get(amendment.get_absolute_url()).content.decode()
    assert "Support this amendment" not in author_page
    other = client_for(other_member)
    assert "Support this amendment" in other.get(amendment.get_absolute_url()).content.decode()
    other.post(reverse("amendments:support", args=[amendment.pk]))
    page = other.get(amendment.get_absolute_url()).content.decode()
    assert 'data-testid="support-count">1<' in page and "Withdraw my support" in page
    client_for(member).post(reverse("amendments:support", args=[amendment.pk]))
    assert Support.objects.count() == 1


def test_user_written_text_is_escaped_everywhere(member, other_member, p5) -> None:
    amendment = propose(member, p5, p5.text + " " + XSS, title=XSS, reason=XSS)
    comment_post(author=other_member, body=XSS, amendment=amendment)
    comment_post(author=other_member, body=XSS, paragraph=p5)
    pages = [
        client_for(other_member).get(amendment.get_absolute_url()),
        client_for(member).get(reverse("amendments:mine")),
        client_for(member).get(p5.get_absolute_url()),
    ]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_chapter_page_counts_open_amendments_beside_each_paragraph(client, member, p5) -> None:
    propose(member, p5)
    propose(member, p5, p5.text + " Other words.")
    page = client.get(p5.chapter.get_absolute_url()).content.decode()
    assert f'href="{p5.get_absolute_url()}#amendments">2 amendments' in page


def test_my_amendments_lists_only_mine_with_statuses(member, other_member, p5) -> None:
    propose(member, p5, title="Mine one")
    propose(other_member, p5, title="Not mine")
    page = client_for(member).get(reverse("amendments:mine")).content.decode()
    assert "Mine one" in page and "Not mine" not in page and "Pending" in page


def test_comment_edit_and_hide_permissions(member, other_member, editor, p5) -> None:
    comment = comment_post(author=member, body="Hello", paragraph=p5)
    change = reverse("amendments:comment_change", args=[comment.pk])
    hide = reverse("amendments:comment_hide", args=[comment.pk])
    assert client_for(other_member).get(change).status_code == 403
    assert client_for(member).get(change).status_code == 200
    assert client_for(member).get(hide).status_code == 403
    response = client_for(editor).post(hide, {"reason": "Off topic"})
    assert response.status_code == 302
    page = client_for(other_member).get(p5.get_absolute_url()).content.decode()
    assert "Comment hidden by an editor: <bdi>Off topic</bdi>" in page and "Hello" not in page


def test_deleted_comment_leaves_a_placeholder_in_the_page(member, other_member, p5) -> None:
    comment = comment_post(author=member, body="To be deleted", paragraph=p5)
    comment_post(author=other_member, body="A reply stays", paragraph=p5, parent=comment)
    client_for(member).post(
        reverse("amendments:comment_change", args=[comment.pk]), {"action": "delete"}
    )
    page = client_for(other_member).get(p5.get_absolute_url()).content.decode()
    assert "Comment deleted." in page and "A reply stays" in page and "To be deleted" not in page


def _many_amendments_with_comments(chapter, count: int) -> None:
    authors = [make_user(f"member{i}") for i in range(3)]
    for index in range(count):
        paragraph = body_paragraph(chapter, 1 + index % 10)
        amendment = propose(authors[index % 3], paragraph, paragraph.text + f" Words {index}.")
        support_add(amendment=amendment, user=authors[(index + 1) % 3])
        comment = comment_post(author=authors[index % 3], body=f"c{index}", amendment=amendment)
        comment_post(author=authors[(index + 2) % 3], body="r", amendment=amendment, parent=comment)
        comment_post(author=authors[index % 3], body="p", paragraph=paragraph)


@pytest.mark.parametrize("count", [2, 12])
def test_list_and_detail_pages_use_a_fixed_number_of_queries(
    member, seed_chapter, django_assert_num_queries, count
) -> None:
    _many_amendments_with_comments(seed_chapter, count)
    for index in range(count):
        paragraph = body_paragraph(seed_chapter, 1)
        propose(member, paragraph, paragraph.text + f" Mine {index}.")
    client = client_for(member)
    amendment = Amendment.objects.filter(author=member).first()
    paragraph = body_paragraph(seed_chapter, 1)
    expected = {
        # session, user, the header's unread notices, then the page's own reads (whether the
        # member follows an amendment is part of its row)
        reverse("amendments:mine"): (4, 4),
        # session, user, the chapter, the stamp its cached text is keyed on (the chapter's
        # and the amendment's with whether the member follows it, its people and the header's
        # unread notices, in one query); on a miss (first request) the page's own reads too:
        # the amendment, the ¶ numbers, its supporters, its comments
        amendment.get_absolute_url(): (8, 4),
        # session, user, the chapter, the paragraph, the stamp (as the amendment's); on a
        # miss whether the member follows it, the ¶ numbers, the versions, the amendments a
        # page at a time (their count, then the page) and the comments
        paragraph.get_absolute_url(): (11, 5),
        # session, user, unread notices, the chapter, the stamp its cached text is keyed on
        # (with the milestones), whether the member follows it; on a miss (first request)
        # also the paragraphs, their counts, the words, the pending projection
        seed_chapter.get_absolute_url(): (10, 6),
    }
    for url, (first, again) in expected.items():
        with django_assert_num_queries(first):
            assert client.get(url).status_code == 200, url
        with django_assert_num_queries(again):
            assert client.get(url).status_code == 200, url


def test_posts_without_a_csrf_token_are_refused(member, p5) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(
        reverse("amendments:propose", args=[p5.chapter.slug, p5.key]),
        {
            "kind": "replace",
            "text": p5.text + " x",
            "title": "t",
            "reason": "r",
            "action": "submit",
        },
    )
    assert response.status_code == 403
    assert Amendment.objects.count() == 0


def test_the_author_edits_through_the_page(member, p5) -> None:
    amendment = propose(member, p5, p5.text + " First try.")
    client = client_for(member)
    url = reverse("amendments:edit", args=[amendment.pk])
    page = client.get(url).content.decode()
    assert "Edit amendment #" in page and "First try." in page
    response = client.post(
        url,
        {
            "kind": "replace",
            "text": p5.text.strip() + " Second try.",
            "title": "Better",
            "reason": "Clearer",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.title == "Better" and amendment.proposed_text.endswith("Second try.")


def test_the_amendment_page_says_when_a_conflict_comes_from_repeated_words(
    member, other_member, editor, p5
) -> None:
    from amendments.services.deciding import amendment_accept

    sentence = "First and foremost, Russia was a backward, overwhelmingly agricultural country."
    accepted = propose(member, p5, p5.text.replace(sentence, f"{sentence} {sentence}"))
    edited = propose(other_member, p5, p5.text.replace("overwhelmingly", "mainly"))
    amendment_accept(amendment=accepted, editor=editor)
    page = client_for(other_member).get(edited.get_absolute_url()).content.decode()
    assert 'data-testid="conflict"' in page
    assert "Words repeat there, so the change made meanwhile can be read in more than one" in page


# --- limits, as the browser counts them ---------------------------------------------------------


def test_a_reason_the_browser_allowed_with_line_breaks_is_not_refused(member, p5) -> None:
    # maxlength counts a line break as one character; the form sends CR LF, which the server
    # counted as two, so a reason of 3,000 characters with line breaks was refused.
    reason = ("Why it matters.\r\n" * 187) + "x" * 8  # 16 × 187 + 8 = 3,000 as counted
    assert len(reason.replace("\r\n", "\n")) == 3000 and len(reason) > 3000
    response = client_for(member).post(
        _propose_url(p5),
        {"kind": "replace", "title": "T", "text": p5.text + " More.", "reason": reason},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Amendment.objects.get().reason == reason.replace("\r\n", "\n").strip()


def test_an_overlong_reply_comes_back_in_its_box(member, other_member, p5) -> None:
    # It was a redirect to the discussion, with a message and an empty box.
    amendment = propose(member, p5)
    comment = comment_post(author=other_member, body="Why?", amendment=amendment)
    reply = "Because. " * 556 + "x" * 7  # 5,011 characters
    response = client_for(member).post(
        reverse("amendments:comment_amendment", args=[amendment.pk]),
        {"body": reply, "parent": comment.pk},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your reply to <bdi>Bob Member</bdi>" in page
    assert "The comment is 5,011 characters; the maximum is 5,000." in page
    assert reply.strip() in page and f'name="parent" value="{comment.pk}"' in page
    assert Comment.objects.count() == 1


def _text_box(page: str) -> str:
    match = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, "no text box on the page"
    return match.group(1).strip()


def test_an_insertion_starts_with_an_empty_box_without_javascript(member, p5) -> None:
    page = client_for(member).get(_propose_url(p5) + "?kind=insert").content.decode()
    assert re.search(r'<input type="radio" name="kind" value="insert"[^>]*checked', page)
    assert _text_box(page) == ""
    replace_page = client_for(member).get(_propose_url(p5)).content.decode()
    assert _text_box(replace_page).startswith("From the outset, the revolution faced")
    nonsense = client_for(member).get(_propose_url(p5) + "?kind=nonsense").content.decode()
    assert re.search(r'<input type="radio" name="kind" value="replace"[^>]*checked', nonsense)


def test_switching_to_an_insertion_without_javascript_empties_the_box(member, p5) -> None:
    """The member switched the radio to "add a paragraph" and previewed: the box still held
    the paragraph's text, and the preview proposed a copy of it."""
    response = client_for(member).post(
        _propose_url(p5),
        {
            "kind": "insert",
            "insert_kind": "body",
            "text": p5.text.strip(),
            "title": "Kept",
            "reason": "Kept too",
            "action": "preview",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert _text_box(page) == ""
    assert "An addition starts from an empty box" in page
    assert 'value="Kept"' in page and "Kept too</textarea>" in page


def test_switching_back_to_a_change_without_javascript_refills_the_box(member, p5) -> None:
    response = client_for(member).post(
        _propose_url(p5),
        {"kind": "replace", "text": "", "title": "", "reason": "", "action": "preview"},
    )
    assert _text_box(response.content.decode()).startswith("From the outset, the revolution")


def test_submitting_an_insertion_that_copies_the_paragraph_is_refused(member, p5) -> None:
    response = client_for(member).post(
        _propose_url(p5),
        {
            "kind": "insert",
            "insert_kind": "body",
            "text": p5.text.strip(),
            "title": "Kept",
            "reason": "Kept too",
            "action": "submit",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "the paragraph it would follow" in page
    assert _text_box(page) == ""
    assert 'value="Kept"' in page and "Kept too</textarea>" in page
    assert Amendment.objects.count() == 0


def test_withdrawing_asks_first_and_one_click_withdraws_nothing(member, other_member, p5) -> None:
    amendment = propose(member, p5, p5.text + " To be withdrawn.", title="Second thoughts")
    support_add(amendment=amendment, user=other_member)
    client = client_for(member)
    url = reverse("amendments:withdraw", args=[amendment.pk])
    detail = client.get(amendment.get_absolute_url()).content.decode()
    # The amendment's page links to the question; no button there withdraws at once.
    assert f'href="{url}"' in detail
    assert f'action="{url}"' not in detail
    confirm = client.get(url)
    page = confirm.content.decode()
    assert confirm.status_code == 200
    assert f"Withdraw amendment #{amendment.pk}?" in page and "Second thoughts" in page
    assert "1 member supports it" in page
    assert f'action="{url}"' in page and "Yes, withdraw it" in page
    amendment.refresh_from_db()
    assert amendment.status == "pending"
    assert client_for(other_member).get(url).status_code == 403
    response = client.post(url)
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == "withdrawn"
    again = client.get(url, follow=True).content.decode()
    assert "it can no longer be withdrawn" in again


def _in_conflict(member, other_member, editor, p5):
    """Alice's amendment changes two passages; Bob's, accepted, changed the first of them."""
    from amendments.services.deciding import amendment_accept

    mine = propose(
        member,
        p5,
        p5.text.replace("a myriad of problems", "countless woes").replace(
            "weakest link", "weakest point"
        ),
        title="Woes and a point",
    )
    theirs = propose(
        other_member, p5, p5.text.replace("a myriad of problems", "many problems"), title="Many"
    )
    amendment_accept(amendment=theirs, editor=editor)
    mine.refresh_from_db()
    assert mine.status == "conflict"
    p5.refresh_from_db()
    return mine, theirs


def test_updating_an_amendment_in_conflict_keeps_what_its_author_wanted(
    member, other_member, editor, p5
) -> None:
    """The box was reset to today's text, and the original change and the collision were gone
    from the page."""
    mine, theirs = _in_conflict(member, other_member, editor, p5)
    url = reverse("amendments:edit", args=[mine.pk])
    page = client_for(member).get(url).content.decode()
    original = re.search(r'data-testid="original-change">(.*?)</p>', page, re.S)
    assert original and "myriad" in original.group(1) and "countless woes" in original.group(1)
    collision = re.search(r'data-testid="collisions">(.*?)</ul>', page, re.S)
    assert collision and "many problems" in collision.group(1)
    assert f'href="{theirs.get_absolute_url()}"' in page and "Many" in page
    # Today's text with the part that still fits (the weakest point) put back in.
    assert _text_box(page) == p5.text.strip().replace("weakest link", "weakest point")
    assert f'href="{url}?start=original"' in page
    from_original = client_for(member).get(url + "?start=original").content.decode()
    assert _text_box(from_original) == mine.written_text.strip()
    assert f'href="{url}"' in from_original  # and back


def test_the_conflict_page_says_what_to_do_once(member, other_member, editor, p5) -> None:
    mine, _ = _in_conflict(member, other_member, editor, p5)
    page = client_for(member).get(mine.get_absolute_url()).content.decode()
    assert page.count("withdraw it") == 1
